// vi/models/blr.cpp — Bayesian linear regression: log joint, minibatch estimate, exact posterior.
#include "vi/models/blr.hpp"

#include "vi/core/check.hpp"
#include "vi/models/datasets.hpp"

#include <Eigen/Cholesky>

#include <cmath>
#include <numbers>

namespace vi {

BayesLinReg::BayesLinReg(std::string name, Mat X, Vec y, double sigma_y, double alpha, std::vector<std::string> names)
    : name_(std::move(name)), X_(std::move(X)), y_(std::move(y)), sigma_y_(sigma_y), alpha_(alpha), names_(std::move(names)) {
  const std::string where = "model " + name_;
  if (X_.rows() != y_.size() || X_.rows() < 1 || X_.cols() < 1)
    throw_invalid(where, "X has " + std::to_string(X_.rows()) + " rows, y has " + std::to_string(y_.size()));
  check_finite(where, "σ_y", sigma_y);
  check_positive(where, "σ_y", sigma_y);
  check_finite(where, "α", alpha);
  check_positive(where, "α", alpha);
  if (names_.size() != size_t(X_.cols())) {
    names_.clear();
    for (int i = 0; i < X_.cols(); ++i) {
      std::string label = "w";  // appended, not "w" + …: GCC 12 warns falsely (-Wrestrict, PR 105329)
      label += std::to_string(i);
      names_.push_back(std::move(label));
    }
  }
  const double n = double(X_.rows()), d = double(X_.cols()), beta = 1 / (sigma_y * sigma_y);
  xtx_ = X_.transpose() * X_;
  xty_ = X_.transpose() * y_;
  yty_ = y_.squaredNorm();
  log_norm_lik_ = -0.5 * n * std::log(2 * std::numbers::pi * sigma_y * sigma_y);
  log_norm_prior_ = 0.5 * d * std::log(alpha / (2 * std::numbers::pi));

  // The conjugate posterior (PRML 3.53–3.54) and the evidence (PRML 3.86):
  // ln p(y) = D/2 ln α + N/2 ln β − E(m_N) − ½ ln|Λ| − N/2 ln 2π,  E(m) = β/2 ‖y − Xm‖² + α/2 ‖m‖².
  precision_ = alpha * Mat::Identity(X_.cols(), X_.cols()) + beta * xtx_;
  const Eigen::LLT<Mat> llt(precision_);
  cov_ = llt.solve(Mat::Identity(X_.cols(), X_.cols()));
  mean_ = llt.solve(beta * xty_);
  const Mat& L = llt.matrixL();
  const double log_det = 2 * L.diagonal().array().log().sum();
  const double e_m = 0.5 * beta * (y_ - X_ * mean_).squaredNorm() + 0.5 * alpha * mean_.squaredNorm();
  log_evidence_ = 0.5 * d * std::log(alpha) + 0.5 * n * std::log(beta) - e_m - 0.5 * log_det -
                  0.5 * n * std::log(2 * std::numbers::pi);

  note_ = "Exact posterior N(m_N, S_N) and log evidence " + to_text(log_evidence_) + " in closed form; N = " +
          std::to_string(X_.rows()) + " data points, σ_y = " + to_text(sigma_y) + " fixed, prior N(0, α⁻¹ I) with α = " +
          to_text(alpha) + ".";
}

void BayesLinReg::eval(const Mat& z, Vec& logp, Mat* grad) const {
  const double beta = 1 / (sigma_y_ * sigma_y_);
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const auto w = z.col(s);
    // Gw into the gradient's column when there is one (no temporary), else dot products.
    double wgw = 0;
    if (grad) {
      grad->col(s).noalias() = xtx_ * w;
      wgw = w.dot(grad->col(s));
      grad->col(s) = beta * (xty_ - grad->col(s)) - alpha_ * w;
    } else {
      for (Eigen::Index i = 0; i < w.size(); ++i) wgw += w(i) * xtx_.row(i).dot(w);
    }
    const double rss = yty_ - 2 * w.dot(xty_) + wgw;
    logp(s) = log_norm_lik_ - 0.5 * beta * rss + log_norm_prior_ - 0.5 * alpha_ * w.squaredNorm();
  }
}

void BayesLinReg::eval_batch(const Mat& z, std::span<const int> batch, Vec& logp, Mat* grad) const {
  const double beta = 1 / (sigma_y_ * sigma_y_);
  const double scale = double(X_.rows()) / double(batch.size());
  const double log_norm_point = log_norm_lik_ / double(X_.rows());
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const auto w = z.col(s);
    double rss = 0;
    if (grad) grad->col(s).setZero();
    for (const int n : batch) {
      const double r = y_(n) - X_.row(n).dot(w);
      rss += r * r;
      if (grad) grad->col(s) += (scale * beta * r) * X_.row(n).transpose();
    }
    if (grad) grad->col(s) -= alpha_ * w;
    logp(s) = scale * (double(batch.size()) * log_norm_point - 0.5 * beta * rss) + log_norm_prior_ -
              0.5 * alpha_ * w.squaredNorm();
  }
}

std::unique_ptr<Problem> make_blr_wine(double sigma_y, double alpha) {
  const Dataset& wine = dataset("wine");
  const int n = wine.n(), d = wine.d();  // d = 13: alcohol and 12 predictors
  Mat X(n, d);
  X.col(0).setOnes();
  std::vector<std::string> names{"intercept"};
  for (int j = 1; j < d; ++j) {
    X.col(j) = standardized(wine.X, j);
    names.push_back(wine.feature_names[size_t(j)]);
  }
  return std::make_unique<BayesLinReg>("blr-wine", std::move(X), standardized(wine.X, 0), sigma_y, alpha, std::move(names));
}

}  // namespace vi
