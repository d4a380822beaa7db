// vi/objectives/gaussian_divergence.cpp — KL and Rényi divergences between Gaussians in closed form.
#include "vi/objectives/gaussian_divergence.hpp"

#include <Eigen/Cholesky>

#include <cmath>
#include <limits>

namespace vi {

namespace {
// log|Σ| from a Cholesky factorization (NaN when Σ is not positive definite).
double log_det(const Eigen::LLT<Mat>& llt) {
  if (llt.info() != Eigen::Success) return std::numeric_limits<double>::quiet_NaN();
  return 2.0 * llt.matrixLLT().diagonal().array().log().sum();
}
}  // namespace

double gaussian_kl(const Moments& a, const Moments& b) {
  const Eigen::LLT<Mat> lb(b.cov), la(a.cov);
  const Vec dm = b.mean - a.mean;
  const double d = double(a.mean.size());
  return 0.5 * ((lb.solve(a.cov)).trace() + dm.dot(lb.solve(dm)) - d + log_det(lb) - log_det(la));
}

double gaussian_renyi_divergence(const Moments& a, const Moments& b, double alpha) {
  if (alpha == 1) return gaussian_kl(a, b);
  const Mat s_alpha = alpha * b.cov + (1 - alpha) * a.cov;
  const Eigen::LLT<Mat> ls(s_alpha), la(a.cov), lb(b.cov);
  if (ls.info() != Eigen::Success || !(ls.matrixLLT().diagonal().array() > 0).all())
    return std::numeric_limits<double>::infinity();
  const Vec dm = a.mean - b.mean;
  return 0.5 * alpha * dm.dot(ls.solve(dm)) -
         (log_det(ls) - (1 - alpha) * log_det(la) - alpha * log_det(lb)) / (2 * (alpha - 1));
}

}  // namespace vi
