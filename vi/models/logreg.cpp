// vi/models/logreg.cpp — 1-feature logistic regression: log joint, minibatch estimate, Laplace boxes.
#include "vi/models/logreg.hpp"

#include "vi/core/check.hpp"
#include "vi/models/datasets.hpp"
#include "vi/core/math.hpp"
#include "vi/core/rng.hpp"

#include <Eigen/Dense>

#include <cmath>
#include <numbers>
#include <numeric>

namespace vi {

namespace {

// Every index, for the full-data evaluation through the same loop as a minibatch.
struct AllPoints {
  int n;
  struct It {
    int i;
    int operator*() const { return i; }
    It& operator++() { ++i; return *this; }
    bool operator!=(const It& o) const { return i != o.i; }
  };
  It begin() const { return {0}; }
  It end() const { return {n}; }
  size_t size() const { return size_t(n); }
};
}  // namespace

LogisticRegression2D::LogisticRegression2D(DataPoints data, double prior_sd, std::string feature)
    : data_(std::move(data)), prior_sd_(prior_sd) {
  const std::string where = "model logreg";
  if (data_.empty()) throw_invalid(where, "needs at least one data point");
  check_finite(where, "prior sd σ₀", prior_sd);
  check_positive(where, "prior sd σ₀", prior_sd);
  x_.resize(Eigen::Index(data_.size()));
  t_.resize(x_.size());
  for (size_t n = 0; n < data_.size(); ++n) {
    const std::string point = "data point " + std::to_string(n + 1);
    check_finite(where, point + " x", data_[n].x);
    if (data_[n].y != 0 && data_[n].y != 1) throw_invalid(where, point + ": the label must be 0 or 1, not " + to_text(data_[n].y));
    x_(Eigen::Index(n)) = data_[n].x;
    t_(Eigen::Index(n)) = data_[n].y;
  }

  // Newton's method for the mode from 0 (the log posterior is strictly concave: the prior makes
  // it so even for separable data), then the Laplace covariance −H⁻¹ there.
  mode_ = Vec::Zero(2);
  Mat H(2, 2);
  for (int it = 0; it < 100; ++it) {
    Vec g = -mode_ / (prior_sd * prior_sd);
    H = -Mat::Identity(2, 2) / (prior_sd * prior_sd);
    for (Eigen::Index n = 0; n < x_.size(); ++n) {
      const double p = sigmoid(mode_(0) + mode_(1) * x_(n));
      const double r = t_(n) - p, w = p * (1 - p);
      g(0) += r;
      g(1) += r * x_(n);
      H(0, 0) -= w;
      H(0, 1) -= w * x_(n);
      H(1, 1) -= w * x_(n) * x_(n);
    }
    H(1, 0) = H(0, 1);
    const Vec delta = H.ldlt().solve(g);
    mode_ -= delta;
    if (delta.norm() < 1e-12 * (1 + mode_.norm())) break;
  }
  laplace_cov_ = (-H).inverse();
  // The view holds the Laplace ±5.5 sd (skewed posteriors of small data reach beyond ±3); the
  // quadrature box ±10 sd, so that the reference misses nothing.
  const double sa = std::sqrt(laplace_cov_(0, 0)), sb = std::sqrt(laplace_cov_(1, 1));
  auto box = [&](double k) {
    const double h = k * std::max(sa, sb);  // square cells: the same span on both axes
    return Box{mode_(0) - h, mode_(0) + h, mode_(1) - h, mode_(1) + h};
  };
  view_ = box(5.5);
  reference_ = box(10);
  int ones = 0;
  for (const auto& d : data_) ones += d.y == 1;
  note_ = "P(t = 1 | x) = σ(a + b·x) on " + std::to_string(data_.size()) + " points (" + std::to_string(ones) +
          " with t = 1), x = " + feature + " standardized; prior N(0, " + to_text(prior_sd) +
          "² I). The posterior is drawn exactly; its log Z (the evidence) is by quadrature.";
}

template <class Points>
void LogisticRegression2D::eval_points(const Mat& z, const Points& points, double scale, Vec& logp, Mat* grad) const {
  const double inv_var = 1 / (prior_sd_ * prior_sd_);
  const double log_norm_prior = -std::log(2 * std::numbers::pi * prior_sd_ * prior_sd_);
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const double a = z(0, s), b = z(1, s);
    // t log σ(u) + (1 − t) log σ(−u) = t·u + log σ(−u), whose derivative in u is t − σ(u).
    double lik = 0, ga = 0, gb = 0;
    for (const int n : points) {
      const double u = a + b * x_(n);
      lik += t_(n) * u + log_sigmoid(-u);
      if (grad) {
        const double r = t_(n) - sigmoid(u);
        ga += r;
        gb += r * x_(n);
      }
    }
    logp(s) = scale * lik + log_norm_prior - 0.5 * inv_var * (a * a + b * b);
    if (grad) {
      (*grad)(0, s) = scale * ga - inv_var * a;
      (*grad)(1, s) = scale * gb - inv_var * b;
    }
  }
}

void LogisticRegression2D::eval(const Mat& z, Vec& logp, Mat* grad) const {
  eval_points(z, AllPoints{int(x_.size())}, 1.0, logp, grad);
}

void LogisticRegression2D::eval_batch(const Mat& z, std::span<const int> batch, Vec& logp, Mat* grad) const {
  eval_points(z, batch, double(x_.size()) / double(batch.size()), logp, grad);
}

DataPoints logreg_default_data(int feature, int n, uint64_t data_seed) {
  const Dataset& bc = dataset("breast_cancer");
  check_range("logreg", "feature", feature, 0, bc.d() - 1);
  check_range("logreg", "n", n, 1, bc.n());
  const Vec x = standardized(bc.X, feature);
  // A partial Fisher–Yates shuffle: the first n of a random permutation.
  std::vector<int> idx(size_t(bc.n()));
  std::iota(idx.begin(), idx.end(), 0);
  Rng rng(data_seed, 0);
  for (int i = 0; i < n; ++i) {
    const int j = i + int(rng.uniform() * double(bc.n() - i));
    std::swap(idx[size_t(i)], idx[size_t(std::min(j, bc.n() - 1))]);
  }
  DataPoints data;
  for (int i = 0; i < n; ++i) data.push_back({x(idx[size_t(i)]), double(bc.label(idx[size_t(i)]))});
  return data;
}

}  // namespace vi
