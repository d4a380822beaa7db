// vi/models/logreg.hpp — Bayesian logistic regression with one feature: a 2D posterior.
//
// P(t = 1 | x) = σ(a + b x) with intercept a and slope b, prior (a, b) ~ N(0, σ₀² I). With two
// parameters the posterior is a 2D density like the targets: drawn exactly on a grid, its log Z
// (the evidence) by quadrature, and every family and objective runs on it. The data are
// (x, t) points the user can edit (Scene::data), by default a subsample of one standardized
// feature of breast_cancer (vi/models/datasets.hpp; t = 1 for benign).
#pragma once

#include "vi/core/problem.hpp"

#include <string>

namespace vi {

class LogisticRegression2D : public Problem {
 public:
  // x: feature values, t: labels 0 or 1 (same length, ≥ 1). Throws std::invalid_argument.
  LogisticRegression2D(DataPoints data, double prior_sd, std::string feature);

  std::string name() const override { return "logreg"; }
  int dim() const override { return 2; }
  void eval(const Mat& z, Vec& logp, Mat* grad) const override;
  int data_size() const override { return int(x_.size()); }
  void eval_batch(const Mat& z, std::span<const int> batch, Vec& logp, Mat* grad) const override;
  DataPoints data_points() const override { return data_; }
  std::vector<std::string> coordinate_names() const override { return {"intercept a", "slope b"}; }
  Box view_box() const override { return view_; }
  Box reference_box() const override { return reference_; }
  std::string note() const override { return note_; }

  // The mode (MAP) and the Laplace covariance there (the inverse negative Hessian): what the
  // boxes are built from, and a reference a test can check a Gaussian fit against.
  const Vec& mode() const { return mode_; }
  const Mat& laplace_cov() const { return laplace_cov_; }

 private:
  template <class Points>
  void eval_points(const Mat& z, const Points& points, double scale, Vec& logp, Mat* grad) const;
  DataPoints data_;
  Vec x_, t_;
  double prior_sd_;
  Vec mode_;
  Mat laplace_cov_;
  Box view_, reference_;
  std::string note_;
};

// The default data of `logreg`: n points of breast_cancer's feature `feature` (0 … 29),
// standardized over the whole dataset, drawn without replacement with `data_seed`.
DataPoints logreg_default_data(int feature, int n, uint64_t data_seed);

}  // namespace vi
