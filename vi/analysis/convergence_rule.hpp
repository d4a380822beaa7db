// vi/analysis/convergence_rule.hpp — Stan ADVI's stopping rule on the ELBO, as a small stateful class.
//
// Kucukelbir, Tran, Ranganath, Gelman & Blei, "Automatic Differentiation Variational Inference",
// JMLR 18 (2017), §3.3, as implemented in Stan's stan::variational::advi::stochastic_gradient_ascent:
// every eval_elbo steps the ELBO is evaluated and its relative change
//     Δ_t = |(ELBO_t − ELBO_{t−1}) / ELBO_t|
// pushed into a circular buffer of the last `window` changes; the fit has converged when the mean
// or the median of the buffer falls below tol_rel_obj (default 0.01). Stan prints "MAY BE
// DIVERGING... INSPECT ELBO" when, after more than 10 evaluations, the mean or the median of the
// buffer exceeds 0.5.
//
// Where we depart from Stan (all on purpose, see convergence_rule.cpp):
// - Stan starts from ELBO_prev = 0, so its first Δ is |0 − ELBO|/|ELBO| = 1 by construction. We
//   record no change at the first evaluation (there is no previous ELBO) and instead judge
//   convergence only once the window holds `window` changes. For the mean this is close to Stan's
//   effect (the seeded 1 keeps the mean above tol until it leaves the buffer); for the median it
//   is stricter than Stan, which can stop after 3 evaluations.
// - The median of an even-sized buffer is the mean of the two middle values (Stan takes the upper
//   one, v[n/2]).
// - Stan's window is max(0.1 · max_iterations / eval_elbo, 2) (10 with its defaults); vilab has
//   no max_iterations, so the window is an option with Stan's default value, 10.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vi {

struct ConvergenceOptions {
  int eval_every = 100;     // evaluate every this many steps (Stan's eval_elbo, default 100); ≥ 1
  int window = 10;          // relative changes kept (Stan's circular buffer size); ≥ 1
  double tol_rel_obj = 0.01;  // converged below this (Stan's tol_rel_obj, default 0.01); > 0
  enum class Statistic { mean, median, either };
  Statistic statistic = Statistic::either;  // which buffer statistic decides; Stan checks both
                                            // (either one below tol stops it)
  bool auto_stop = false;   // when converged, Verdict::stop is set for the caller to act on
  double diverging_threshold = 0.5;  // warn when mean or median of the buffer exceeds this; > 0
  int diverging_min_changes = 10;    // … once this many changes were recorded (Stan: after 10
                                     // evaluations); ≥ 1
  // Stan divides by |ELBO|. The ELBO of a normalized density (most 2D targets here) tends to
  // −KL → 0 at a good fit, where that relative change explodes; vilab's runs divide by
  // max(|ELBO|, scale_floor) with a floor of 1 nat. 0 = Stan's rule exactly.
  double scale_floor = 0;  // ≥ 0
  double below_best_tol = 0.05;  // at convergence, note when the ELBO is this much (relative)
                                 // below the best one seen (Stan's informational message); > 0
};

const char* to_string(ConvergenceOptions::Statistic s);

struct ConvergenceVerdict {
  bool evaluated = false;   // this call was on the cadence (step % eval_every == 0)
  int changes = 0;          // relative changes recorded so far (all, not only those in the window)
  bool window_full = false; // the buffer holds `window` changes
  double rel_change = 0;    // this evaluation's Δ (NaN at the first evaluation)
  double mean_rel = 0;      // mean of the buffer (NaN while empty)
  double median_rel = 0;    // median of the buffer (NaN while empty)
  bool converged = false;   // the chosen statistic(s) below tol_rel_obj on a full window
  bool stop = false;        // converged && auto_stop
  bool may_be_diverging = false;
  bool below_best = false;  // converged, but the ELBO is below_best_tol under the best seen
  std::string message;      // empty, or e.g. "mean ELBO converged", "may be diverging, inspect ELBO"
};

class ConvergenceRule {
 public:
  // Throws std::invalid_argument naming the field when an option is out of range.
  explicit ConvergenceRule(const ConvergenceOptions& options = {});

  // Feed the ELBO at `step`. Off-cadence steps return {evaluated = false} with the last verdict's
  // flags and do not touch the state. Evaluated steps must increase (call reset() when a run
  // restarts), else std::invalid_argument. A non-finite ELBO records nothing and is reported as
  // "may be diverging" with its own message.
  ConvergenceVerdict observe(int64_t step, double elbo);

  void reset();
  const ConvergenceOptions& options() const { return options_; }
  const ConvergenceVerdict& last() const { return last_; }
  // The buffer's contents, oldest first.
  std::vector<double> window_values() const;

 private:
  ConvergenceOptions options_;
  std::vector<double> buffer_;  // circular: capacity = window
  int head_ = 0;                // where the next change goes once the buffer is full
  int changes_ = 0;
  bool has_prev_ = false;
  double prev_ = 0;
  double best_ = 0;
  int64_t last_step_ = 0;
  bool has_step_ = false;
  ConvergenceVerdict last_;
};

}  // namespace vi
