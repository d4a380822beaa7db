// vi/families/lowrank.hpp — low-rank-plus-diagonal Gaussian: between mean-field and full-rank.
#pragma once

#include "vi/families/family.hpp"

#include <Eigen/Cholesky>

namespace vi {

// q = N(μ, Σ) with Σ = diag(d²) + B Bᵀ, B of size D × r.
// φ = [μ (D), log d (D), B (column-major, D·r)]; z = μ + d ⊙ ε₁ + B ε₂ with ε = (ε₁, ε₂) of
// D + r dimensions. Rank r captures the r strongest correlations at O(D·r) parameters.
class LowRankGaussian final : public Family {
 public:
  LowRankGaussian(int dim, int rank);
  std::string name() const override { return "lowrank"; }
  int base_dim() const override { return dim() + rank_; }
  int rank() const { return rank_; }
  int num_params() const override { return 2 * dim() + dim() * rank_; }
  std::vector<std::string> param_names() const override;
  Vec initial_params(const Vec& mean, double log_sd) const override;
  void forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const override;
  void backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const override;
  void log_density(const Vec& phi, const Mat& z, Vec& log_q) const override;
  bool has_log_density_grad() const override { return true; }
  void log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const override;
  bool has_analytic_entropy() const override { return true; }
  bool gaussian() const override { return true; }
  double entropy(const Vec& phi) const override;
  void add_entropy_grad(const Vec& phi, Vec& g) const override;
  Moments moments(const Vec& phi) const override;

 private:
  // Σ and its Cholesky factor from φ; returns log|Σ|.
  double factor(const Vec& phi) const;
  // log q at the columns of z, leaving A = Σ⁻¹(z − μ) in a_.
  void density(const Vec& phi, const Mat& z, Vec& log_q) const;

  int rank_;
  mutable Mat sigma_, sigma_inv_, a_, h_, g_sigma_;
  mutable Vec ac_;
  mutable Eigen::LLT<Mat> llt_;
};

// Its registry entry: the option rank (vi/families/family.cpp lists it).
FamilyInfo lowrank_family_info();

}  // namespace vi
