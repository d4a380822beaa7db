// vi/engine/history.hpp — the recorded trace of a run, bounded in memory.
//
// Points are appended every `stride` steps. When the buffer reaches its capacity, every other
// point is dropped and the stride doubles, so a run of 10⁶ steps keeps the same few thousand
// points spread over its whole length, and the result depends only on the step numbers (the
// trace stays deterministic).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace vi {

struct HistoryPoint {
  int64_t step = 0;
  double elbo_estimate = 0;  // the training step's own Monte Carlo ELBO (noisy)
  double elbo = 0;           // the ELBO on the run's fixed metric draws (smooth)
  double kl_q_p = 0;         // KL(q‖p), Monte Carlo on the fixed metric draws
  double kl_p_q = 0;         // KL(p‖q) on the quadrature grid
  double objective_estimate = 0;  // the training step's estimate of its own objective (the ELBO,
                                  // −KL(p‖q) or the Rényi bound; elbo_estimate is NaN unless reverse-kl)
  double e_log_p = 0;  // the ELBO's terms (elbo = e_log_p + entropy exactly): E_q[log p~] …
  double entropy = 0;  // … and H[q]
};

class History {
 public:
  explicit History(int capacity = 4096, int stride = 10) : capacity_(capacity), base_stride_(stride) {
    clear();
  }
  void clear() {
    points_.clear();
    points_.reserve(std::size_t(capacity_));
    stride_ = base_stride_;
  }
  // Should a point be recorded at this step?
  bool due(int64_t step) const { return step % stride_ == 0; }
  void add(const HistoryPoint& p) {
    if (int(points_.size()) >= capacity_) thin();
    if (due(p.step)) points_.push_back(p);
  }
  const std::vector<HistoryPoint>& points() const { return points_; }
  int64_t stride() const { return stride_; }
  // Keeps the points up to and including `step` (a run that went back to an earlier φ).
  void truncate_after(int64_t step) {
    std::erase_if(points_, [step](const HistoryPoint& p) { return p.step > step; });
  }

 private:
  void thin() {
    stride_ *= 2;
    std::size_t w = 0;
    for (const auto& p : points_)
      if (p.step % stride_ == 0) points_[w++] = p;
    points_.resize(w);
  }
  std::vector<HistoryPoint> points_;
  int capacity_;
  int64_t base_stride_;
  int64_t stride_ = 10;
};

// φ at (a subset of) the history's steps, for exports (the app's Traces CSV). It thins like
// History (same base stride, stride doubling), but its capacity is a budget of numbers, not of
// points: a flow has hundreds of parameters and every snapshot copies this. Recording it reads φ
// only, so the training stream (and the trace hash) is untouched.
class ParamTrace {
 public:
  static constexpr std::size_t kBudget = std::size_t(1) << 16;  // numbers kept (512 KB of doubles)
  ParamTrace() = default;
  ParamTrace(int dim, int64_t stride, int max_points = 4096)
      : dim_(std::max(dim, 1)),
        capacity_(std::clamp(int(kBudget / std::size_t(std::max(dim, 1))), 64, std::max(max_points, 64))),
        stride_(std::max<int64_t>(stride, 1)) {}
  void add(int64_t step, std::span<const double> phi) {
    if (int(phi.size()) != dim_) return;
    if (int(steps_.size()) >= capacity_) thin();
    if (step % stride_ != 0) return;
    steps_.push_back(step);
    values_.insert(values_.end(), phi.begin(), phi.end());
  }
  int dim() const { return dim_; }
  int capacity() const { return capacity_; }
  int64_t stride() const { return stride_; }
  std::size_t size() const { return steps_.size(); }
  int64_t step(std::size_t i) const { return steps_[i]; }
  std::span<const double> phi(std::size_t i) const { return {values_.data() + i * std::size_t(dim_), std::size_t(dim_)}; }
  // The index of the point recorded at `step`, or −1.
  long find(int64_t step) const {
    const auto it = std::lower_bound(steps_.begin(), steps_.end(), step);
    return it != steps_.end() && *it == step ? long(it - steps_.begin()) : -1;
  }
  // Keeps the points up to and including `step` (a view of the trace as it was then).
  void truncate_after(int64_t step) {
    const std::size_t n = std::size_t(std::upper_bound(steps_.begin(), steps_.end(), step) - steps_.begin());
    steps_.resize(n);
    values_.resize(n * std::size_t(dim_));
  }

 private:
  void thin() {
    stride_ *= 2;
    std::size_t w = 0;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      if (steps_[i] % stride_ != 0) continue;
      steps_[w] = steps_[i];
      std::copy_n(values_.begin() + long(i) * dim_, dim_, values_.begin() + long(w) * dim_);
      ++w;
    }
    steps_.resize(w);
    values_.resize(w * std::size_t(dim_));
  }
  int dim_ = 1;
  int capacity_ = 64;
  int64_t stride_ = 1;
  std::vector<int64_t> steps_;
  std::vector<double> values_;  // size() × dim, row after row
};

}  // namespace vi
