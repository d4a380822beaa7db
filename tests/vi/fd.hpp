// tests/vi/fd.hpp — central finite differences, the one gradient checker every test uses
// (Stan's expect_ad habit: each analytic gradient is compared with a numerical one at named
// tolerances).
#pragma once

#include "vi/families/family.hpp"
#include "vi/core/types.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <string>

namespace vi::test {

// Tolerances for comparing an analytic gradient with central differences of step h.
// Central differences have O(h²) truncation error and O(eps/h) round-off: h = 1e-5 gives about
// 1e-8 relative accuracy on smooth functions of moderate curvature.
struct FdTolerance {
  double h = 1e-5;
  double rel = 1e-5;
  double abs = 1e-6;
};

// ∂f/∂x_i by central differences, for every i.
inline Vec central_difference(const std::function<double(const Vec&)>& f, const Vec& x, double h) {
  Vec g(x.size());
  Vec xp = x;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double xi = x(i);
    xp(i) = xi + h;
    const double fp = f(xp);
    xp(i) = xi - h;
    const double fm = f(xp);
    xp(i) = xi;
    g(i) = (fp - fm) / (2 * h);
  }
  return g;
}

// Checks `analytic` against central differences of f at x, component by component, with a
// message naming `what` and the component on failure.
inline void expect_gradient(const std::string& what, const std::function<double(const Vec&)>& f,
                            const Vec& x, const Vec& analytic, FdTolerance tol = {}) {
  const Vec numeric = central_difference(f, x, tol.h);
  REQUIRE(numeric.size() == analytic.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double bound = tol.abs + tol.rel * std::max(std::abs(numeric(i)), std::abs(analytic(i)));
    INFO(what << ": component " << i << " at x = " << x.transpose() << ": analytic " << analytic(i)
              << " vs finite difference " << numeric(i));
    CHECK(std::abs(numeric(i) - analytic(i)) <= bound);
  }
}

// The reparameterization-path check every family shares. For fixed base draws eps and
// cotangents cz (on z) and clq (on log q), L(φ) = Σ_s cz_s · z_s(φ) + clq_s · log q_s(φ);
// Family::backward must equal central differences of L. Returns the analytic gradient.
inline Vec expect_family_backward(const std::string& what, const Family& f, const Vec& phi, const Mat& eps,
                                  const Mat& cz, const Vec& clq, FdTolerance tol = {}) {
  auto objective = [&](const Vec& p) {
    Mat z(cz.rows(), cz.cols());
    Vec lq(cz.cols());
    f.forward(p, eps, z, lq);
    return (cz.array() * z.array()).sum() + clq.dot(lq);
  };
  Vec g = Vec::Zero(phi.size());
  f.backward(phi, eps, cz, clq, g);
  expect_gradient(what, objective, phi, g, tol);
  return g;
}

}  // namespace vi::test
