// vi/objectives/moment_matching.cpp — the forward-KL optimum of the Gaussian families.
#include "vi/objectives/moment_matching.hpp"

#include "vi/core/check.hpp"

#include <Eigen/Cholesky>

#include <cmath>

namespace vi {

std::optional<GaussianOptimum> forward_kl_optimum(const Family& family, const Moments& p) {
  const int d = family.dim();
  if (p.mean.size() != d || p.cov.rows() != d || p.cov.cols() != d)
    throw_invalid("forward_kl_optimum", "p's moments have dimension " + std::to_string(p.mean.size()) +
                                            ", the family " + std::to_string(d));
  const Eigen::LLT<Mat> llt(p.cov);
  if (llt.info() != Eigen::Success) throw_invalid("forward_kl_optimum", "p's covariance is not positive definite");
  const std::string name = family.name();
  Vec phi(family.num_params());
  phi.head(d) = p.mean;
  if (name == "fullrank") {
    // [μ, L's lower triangle row by row with log L_ii on the diagonal] (vi/families/gaussian.hpp).
    const Mat L = llt.matrixL();
    int k = d;
    for (int i = 0; i < d; ++i)
      for (int j = 0; j <= i; ++j, ++k) phi(k) = i == j ? std::log(L(i, i)) : L(i, j);
  } else if (name == "meanfield") {
    phi.tail(d) = 0.5 * p.cov.diagonal().array().log();
  } else if (name == "lowrank" && d == 2) {
    // Σ = diag(d²) + B Bᵀ: put ρ's share of each variance in the first column of B,
    // b = (√(Σ11|ρ|), sign ρ √(Σ22|ρ|)) so that b1 b2 = Σ12, and the rest on the diagonal.
    const double s11 = p.cov(0, 0), s22 = p.cov(1, 1), rho = p.cov(0, 1) / std::sqrt(s11 * s22);
    const double r = std::abs(rho);
    phi(2) = 0.5 * std::log(s11 * (1 - r));
    phi(3) = 0.5 * std::log(s22 * (1 - r));
    phi.tail(phi.size() - 4).setZero();
    phi(4) = std::sqrt(s11 * r);
    phi(5) = (rho < 0 ? -1.0 : 1.0) * std::sqrt(s22 * r);
  } else {
    return std::nullopt;
  }
  return GaussianOptimum{phi, family.moments(phi)};
}

}  // namespace vi
