// vi/history.hpp — the recorded trace of a run, bounded in memory.
//
// Points are appended every `stride` steps. When the buffer reaches its capacity, every other
// point is dropped and the stride doubles, so a run of 10⁶ steps keeps the same few thousand
// points spread over its whole length, and the result depends only on the step numbers (the
// trace stays deterministic).
#pragma once

#include <cstddef>
#include <cstdint>
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

}  // namespace vi
