// vi/core/special.hpp — special functions the closed-form ELBOs of conjugate models need.
//
// The C++ standard library has lgamma but no digamma or trigamma; both come from the recurrence
// ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10 and the asymptotic series there (Abramowitz & Stegun 6.3.18,
// 6.4.12), which is accurate to about 1e-14 relative for x > 0 (the first omitted terms are ~2e-14 at x = 10).
#pragma once

#include <cmath>

namespace vi {

// ψ(x) = d/dx log Γ(x), for x > 0.
inline double digamma(double x) {
  double r = 0;
  while (x < 10) {
    r -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  return r + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
}

// ψ′(x) = d²/dx² log Γ(x), for x > 0.
inline double trigamma(double x) {
  double r = 0;
  while (x < 10) {
    r += 1 / (x * x);
    x += 1;
  }
  const double f = 1 / (x * x);
  return r + 1 / x + f / 2 +
         f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * (5.0 / 66)))));
}

}  // namespace vi
