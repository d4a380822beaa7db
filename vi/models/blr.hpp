// vi/models/blr.hpp — Bayesian linear regression with its exact conjugate posterior.
//
// y_n = x_nᵀw + noise, noise ~ N(0, σ_y²) with σ_y fixed, prior w ~ N(0, α⁻¹ I) (Bishop, PRML
// §3.3). log p~(w) is the full log joint log p(y | w) + log p(w), so its normalizer Z is the
// evidence p(y) and ELBO ≤ log p(y) with equality exactly when q is the posterior. The posterior
// is N(m_N, S_N) with precision Λ = α I + XᵀX/σ_y² and m_N = S_N Xᵀy/σ_y², and the log evidence
// is closed form (PRML 3.86): every VI fit of it is measured against the exact answer.
#pragma once

#include "vi/core/problem.hpp"

#include <memory>
#include <string>
#include <vector>

namespace vi {

class BayesLinReg : public Problem {
 public:
  // X: N × D design (include a column of ones for an intercept), y: N responses. Throws
  // std::invalid_argument for mismatched sizes, σ_y ≤ 0 or α ≤ 0.
  BayesLinReg(std::string name, Mat X, Vec y, double sigma_y, double alpha, std::vector<std::string> names);

  std::string name() const override { return name_; }
  int dim() const override { return int(X_.cols()); }
  void eval(const Mat& z, Vec& logp, Mat* grad) const override;
  std::optional<double> exact_log_z() const override { return log_evidence_; }
  std::optional<Moments> exact_moments() const override { return Moments{mean_, cov_}; }
  bool gaussian_posterior() const override { return true; }
  std::vector<std::string> coordinate_names() const override { return names_; }
  int data_size() const override { return int(X_.rows()); }
  void eval_batch(const Mat& z, std::span<const int> batch, Vec& logp, Mat* grad) const override;
  std::string note() const override { return note_; }

  const Mat& precision() const { return precision_; }  // Λ
  double sigma_y() const { return sigma_y_; }
  double alpha() const { return alpha_; }

 private:
  double log_prior(const Vec& w) const;
  std::string name_, note_;
  Mat X_;
  Vec y_;
  double sigma_y_, alpha_;
  std::vector<std::string> names_;
  // Sufficient statistics: ‖y − Xw‖² = yᵀy − 2 wᵀXᵀy + wᵀXᵀXw, so a full-data evaluation costs
  // O(D²) per sample instead of O(N·D).
  Mat xtx_;
  Vec xty_;
  double yty_ = 0;
  double log_norm_lik_ = 0, log_norm_prior_ = 0;  // −N/2 ln 2πσ², D/2 ln(α/2π)
  Mat precision_, cov_;
  Vec mean_;
  double log_evidence_ = 0;
};

// Wine (vi/models/datasets.hpp): alcohol on the other 12 features, every column standardized, plus an
// intercept: D = 13.
std::unique_ptr<Problem> make_blr_wine(double sigma_y, double alpha);

}  // namespace vi
