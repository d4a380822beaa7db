// vi/families/gaussian.hpp — Gaussian families: mean-field (diagonal) and full-rank (Cholesky).
#pragma once

#include "vi/families/family.hpp"

namespace vi {

// q = N(μ, diag(σ²)), φ = [μ (D), log σ (D)], z = μ + σ ⊙ ε.
class MeanFieldGaussian final : public Family {
 public:
  explicit MeanFieldGaussian(int dim) : Family(dim) {}
  std::string name() const override { return "meanfield"; }
  int num_params() const override { return 2 * dim(); }
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
  mutable Mat w_;   // scratch: standardized residuals
  mutable Vec wc_;  // scratch: their products with the weights
  mutable Eigen::ArrayXd inv_sigma_;  // scratch: 1/σ
};

// q = N(μ, L Lᵀ) with L lower triangular and a positive diagonal,
// φ = [μ (D), then L's lower triangle row by row with log L_ii on the diagonal], z = μ + L ε.
class FullRankGaussian final : public Family {
 public:
  explicit FullRankGaussian(int dim);
  std::string name() const override { return "fullrank"; }
  int num_params() const override { return dim() + dim() * (dim() + 1) / 2; }
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

  // L from φ (the Cholesky factor of q's covariance).
  Mat cholesky(const Vec& phi) const;

 private:
  void unpack(const Vec& phi) const;  // fills L_ from φ
  mutable Mat L_, gL_, W_, V_, VC_;   // scratch: reused across calls
  mutable Vec vc_;
};

// Their registry entries (vi/families/family.cpp lists them): no options.
FamilyInfo meanfield_family_info();
FamilyInfo fullrank_family_info();

}  // namespace vi
