// vi/core/problem.hpp — what VI fits: an unnormalized log density log p~(z) and its gradient.
//
// A Problem is a 2D target posterior (vi/targets/targets.hpp) or, later, a small Bayesian model over θ.
// Evaluation is batched: the columns of z are points, so the work vectorizes over samples.
#pragma once

#include "vi/core/types.hpp"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace vi {

class Problem {
 public:
  virtual ~Problem() = default;

  virtual std::string name() const = 0;
  virtual int dim() const = 0;

  // logp(s) = log p~(z(:, s)) for each column s of z (dim × S). When grad is non-null it receives
  // ∇_z log p~ (dim × S). The caller sizes logp (S) and *grad (dim × S); eval never allocates.
  virtual void eval(const Mat& z, Vec& logp, Mat* grad) const = 0;

  // log Z when it is known in closed form (0 for a normalized density), else nullopt and the
  // references fall back to quadrature.
  virtual std::optional<double> exact_log_z() const { return std::nullopt; }

  // Exact mean and covariance of the normalized density, where a closed form exists (tests use
  // them to check the quadrature).
  virtual std::optional<Moments> exact_moments() const { return std::nullopt; }

  // The exact probability mass of the normalized density inside reference_box(), where it is
  // known to be short of 1 (the funnel's tails leave any box). nullopt means "all but a
  // negligible part": the quadrature tests hold log Z on the box to log of this mass.
  virtual std::optional<double> reference_box_mass() const { return std::nullopt; }

  // The box the app shows by default (2D problems), and the larger box the quadrature
  // references integrate over so that almost no mass is cut off.
  virtual Box view_box() const { return {}; }
  virtual Box reference_box() const { return view_box(); }

  // Anything a user must know about how this density was defined (e.g. the soft box that makes
  // U2–U4 proper). Shown in the app and by `vilab list`.
  virtual std::string note() const { return {}; }

  // What a non-finite log p~ at z means in this target's own terms, for the message of a run that
  // stops on it: the value as the target's definition gives it (a formula's "NaN", which eval
  // reads as −∞) and why ("outside the formula's support (log of a negative number?)"). Empty
  // strings: nothing to add. Called once, when a run fails; may be slow.
  struct NonFinite {
    std::string value, why;
  };
  virtual NonFinite explain_non_finite(std::span<const double> /*z*/) const { return {}; }

  // [SECTION] Small Bayesian models (vi/models/models.hpp)
  // True when exact_moments() and exact_log_z() describe the normalized posterior exactly and it
  // is Gaussian (conjugate models): KL(q‖p) and KL(p‖q) of a Gaussian q are then closed forms.
  virtual bool gaussian_posterior() const { return false; }
  // Names of the coordinates of z for tables ("intercept", "malic acid", …); default z1, z2, ….
  virtual std::vector<std::string> coordinate_names() const;
  // Data models: log p~(z) = log prior(z) + Σ_{n<N} log lik_n(z). data_size() = N (0 for a plain
  // density). eval_batch estimates the sum from the points `batch` (indices in [0, N)) scaled by
  // N/|batch|, the prior kept exact: minibatch SVI's unbiased estimate of log p~ and its gradient.
  // Outputs are sized by the caller, as in eval.
  virtual int data_size() const { return 0; }
  virtual void eval_batch(const Mat& z, std::span<const int> batch, Vec& logp, Mat* grad) const;
  // The observations a 2D model shows and lets the user edit (logistic regression), else empty.
  virtual DataPoints data_points() const { return {}; }

  // Convenience for tests and tools: one point, allocating.
  double log_density(const Vec& z, Vec* grad = nullptr) const {
    Mat zz = z;
    Vec lp(1);
    Mat g(z.size(), 1);
    eval(zz, lp, grad ? &g : nullptr);
    if (grad) *grad = g.col(0);
    return lp(0);
  }
};

}  // namespace vi
