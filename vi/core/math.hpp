// vi/core/math.hpp — numerically careful scalar helpers (log-space everywhere).
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace vi {

inline constexpr double kLog2Pi = 1.8378770664093454835606594728112;  // log(2π)

// log(e^a + e^b) without overflow.
inline double log_add_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

// log σ(x) = -log(1 + e^{-x}), stable for both signs.
inline double log_sigmoid(double x) { return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x)); }

inline double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace vi
