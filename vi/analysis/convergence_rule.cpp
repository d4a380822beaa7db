// vi/analysis/convergence_rule.cpp — Stan ADVI's relative-ELBO-change rule; see the header for the
// references and for where we depart from Stan.
#include "vi/analysis/convergence_rule.hpp"

#include "vi/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double median_of(std::vector<double> v) {
  const std::size_t n = v.size();
  std::sort(v.begin(), v.end());
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

const char* to_string(ConvergenceOptions::Statistic s) {
  switch (s) {
    case ConvergenceOptions::Statistic::mean: return "mean";
    case ConvergenceOptions::Statistic::median: return "median";
    case ConvergenceOptions::Statistic::either: return "either";
  }
  return "?";
}

ConvergenceRule::ConvergenceRule(const ConvergenceOptions& options) : options_(options) {
  const char* fn = "ConvergenceRule";
  check_positive(fn, "eval_every", options_.eval_every);
  check_positive(fn, "window", options_.window);
  check_positive(fn, "tol_rel_obj", options_.tol_rel_obj);
  check_finite(fn, "tol_rel_obj", options_.tol_rel_obj);
  check_positive(fn, "diverging_threshold", options_.diverging_threshold);
  check_finite(fn, "diverging_threshold", options_.diverging_threshold);
  check_positive(fn, "diverging_min_changes", options_.diverging_min_changes);
  check_positive(fn, "below_best_tol", options_.below_best_tol);
  check_finite(fn, "below_best_tol", options_.below_best_tol);
  check_finite(fn, "scale_floor", options_.scale_floor);
  if (options_.scale_floor < 0) throw_invalid(fn, "scale_floor is " + to_text(options_.scale_floor) + ", but must be ≥ 0");
  using S = ConvergenceOptions::Statistic;
  if (options_.statistic != S::mean && options_.statistic != S::median && options_.statistic != S::either)
    throw_invalid(fn, "statistic is " + to_text(int(options_.statistic)) + ", but must be mean, median or either");
  reset();
}

void ConvergenceRule::reset() {
  buffer_.clear();
  buffer_.reserve(std::size_t(options_.window));
  head_ = 0;
  changes_ = 0;
  has_prev_ = false;
  prev_ = best_ = 0;
  last_step_ = 0;
  has_step_ = false;
  last_ = ConvergenceVerdict{};
  last_.rel_change = last_.mean_rel = last_.median_rel = kNaN;
}

std::vector<double> ConvergenceRule::window_values() const {
  if (int(buffer_.size()) < options_.window) return buffer_;
  std::vector<double> out;
  out.reserve(buffer_.size());
  for (std::size_t i = 0; i < buffer_.size(); ++i) out.push_back(buffer_[(std::size_t(head_) + i) % buffer_.size()]);
  return out;
}

ConvergenceVerdict ConvergenceRule::observe(int64_t step, double elbo) {
  if (step % options_.eval_every != 0) {
    ConvergenceVerdict v = last_;
    v.evaluated = false;
    return v;
  }
  if (has_step_ && step <= last_step_)
    throw_invalid("ConvergenceRule::observe", "step is " + to_text(step) + ", but the last evaluated step was " +
                                                  to_text(last_step_) + " (call reset() when a run restarts)");
  has_step_ = true;
  last_step_ = step;

  ConvergenceVerdict v;
  v.evaluated = true;
  v.rel_change = kNaN;
  if (!std::isfinite(elbo)) {
    // A NaN or infinite ELBO is numerical trouble, not a relative change: keep the state as it
    // was (the next finite ELBO is compared with the last finite one) and say so.
    v.changes = changes_;
    v.window_full = int(buffer_.size()) == options_.window;
    v.mean_rel = last_.mean_rel;
    v.median_rel = last_.median_rel;
    v.may_be_diverging = true;
    v.message = "ELBO is not finite (" + to_text(elbo) + "): may be diverging";
    last_ = v;
    return v;
  }

  if (has_prev_) {
    // Stan's rel_difference(elbo, elbo_prev) = |(elbo_prev − elbo) / elbo|: relative to the
    // current ELBO. An ELBO of exactly 0 after a different one is an infinite relative change.
    const double diff = std::abs(prev_ - elbo);
    const double scale = std::max(std::abs(elbo), options_.scale_floor);
    v.rel_change = diff == 0 ? 0.0 : (scale == 0 ? std::numeric_limits<double>::infinity() : diff / scale);
    if (int(buffer_.size()) < options_.window) {
      buffer_.push_back(v.rel_change);
    } else {
      buffer_[std::size_t(head_)] = v.rel_change;
      head_ = (head_ + 1) % options_.window;
    }
    ++changes_;
    best_ = std::max(best_, elbo);
  } else {
    best_ = elbo;
  }
  has_prev_ = true;
  prev_ = elbo;

  v.changes = changes_;
  v.window_full = int(buffer_.size()) == options_.window;
  if (buffer_.empty()) {
    v.mean_rel = v.median_rel = kNaN;
  } else {
    double sum = 0;
    for (double d : buffer_) sum += d;
    v.mean_rel = sum / double(buffer_.size());
    v.median_rel = median_of(buffer_);
  }

  using S = ConvergenceOptions::Statistic;
  const bool mean_ok = v.window_full && v.mean_rel < options_.tol_rel_obj;
  const bool median_ok = v.window_full && v.median_rel < options_.tol_rel_obj;
  switch (options_.statistic) {
    case S::mean: v.converged = mean_ok; break;
    case S::median: v.converged = median_ok; break;
    case S::either: v.converged = mean_ok || median_ok; break;
  }
  v.stop = v.converged && options_.auto_stop;
  // Stan warns on mean or median regardless of which statistic stops the fit, after 10 evaluations.
  v.may_be_diverging = changes_ >= options_.diverging_min_changes &&
                       (v.mean_rel > options_.diverging_threshold || v.median_rel > options_.diverging_threshold);
  // Stan's rel_difference(elbo, elbo_best) > 0.05: relative to the current ELBO again.
  v.below_best = v.converged && best_ != elbo && std::abs((best_ - elbo) / elbo) > options_.below_best_tol;

  std::vector<std::string> notes;
  if (v.converged) {
    if (mean_ok && options_.statistic != S::median) notes.push_back("mean ELBO converged");
    if (median_ok && options_.statistic != S::mean) notes.push_back("median ELBO converged");
  }
  if (v.may_be_diverging) notes.push_back("may be diverging, inspect ELBO");
  if (v.below_best) notes.push_back("an earlier ELBO was higher: this may not be a good optimum");
  v.message = join(notes, "; ");
  last_ = v;
  return v;
}

}  // namespace vi
