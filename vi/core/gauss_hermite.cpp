// vi/core/gauss_hermite.cpp — the n-point Gauss–Hermite rule (see the header).
#include "vi/core/gauss_hermite.hpp"

#include "vi/core/check.hpp"

#include <cmath>
#include <numbers>

namespace vi {

GaussHermite gauss_hermite(int n) {
  check_range("gauss_hermite", "nodes n", n, 1, 64);
  // The physicists' rule (weight e^{−t²}) from the orthonormal recurrence
  // p_{k+1} = t √(2/(k+1)) p_k − √(k/(k+1)) p_{k−1}, Newton from the usual asymptotic guesses
  // (Numerical Recipes' gauher); then u = √2 t and w / √π for the standard normal.
  Vec t(n), w(n);
  const double pim4 = std::pow(std::numbers::pi, -0.25);
  const int m = (n + 1) / 2;
  double z = 0;
  for (int i = 0; i < m; ++i) {
    if (i == 0) z = std::sqrt(double(2 * n + 1)) - 1.85575 * std::pow(double(2 * n + 1), -0.16667);
    else if (i == 1) z -= 1.14 * std::pow(double(n), 0.426) / z;
    else if (i == 2) z = 1.86 * z - 0.86 * t(0);
    else if (i == 3) z = 1.91 * z - 0.91 * t(1);
    else z = 2.0 * z - t(i - 2);
    double pp = 0;
    for (int it = 0; it < 100; ++it) {
      double p1 = pim4, p2 = 0;
      for (int j = 0; j < n; ++j) {
        const double p3 = p2;
        p2 = p1;
        p1 = z * std::sqrt(2.0 / (j + 1)) * p2 - std::sqrt(double(j) / (j + 1)) * p3;
      }
      pp = std::sqrt(2.0 * n) * p2;
      const double dz = p1 / pp;
      z -= dz;
      if (std::abs(dz) <= 1e-15 * std::max(1.0, std::abs(z))) break;
    }
    t(i) = z;
    t(n - 1 - i) = -z;
    w(i) = 2.0 / (pp * pp);
    w(n - 1 - i) = w(i);
  }
  GaussHermite r;
  r.nodes.resize(n);
  r.weights.resize(n);
  for (int i = 0; i < n; ++i) {  // increasing order
    r.nodes(i) = std::numbers::sqrt2 * t(n - 1 - i);
    r.weights(i) = w(n - 1 - i) / std::sqrt(std::numbers::pi);
  }
  return r;
}

}  // namespace vi
