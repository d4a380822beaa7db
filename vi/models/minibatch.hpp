// vi/models/minibatch.hpp — a data model seen through minibatches (stochastic VI, Hoffman et al. 2013).
//
// MinibatchProblem is the model's log p~ with the likelihood estimated from |B| of its N points,
// scaled by N/|B| (Problem::eval_batch): an unbiased estimate of log p~ and of its gradient. The
// objectives and estimators take it as any Problem, so Run::step and the gradient-variance study
// subsample through this one mechanism.
#pragma once

#include "vi/core/problem.hpp"
#include "vi/core/rng.hpp"

#include <span>
#include <vector>

namespace vi {

class MinibatchProblem final : public Problem {
 public:
  // `model` must outlive this object and have data (data_size() > 0); 1 ≤ batch ≤ N. The batches
  // come from Rng(seed, stream). Throws std::invalid_argument.
  MinibatchProblem(const Problem& model, int batch, uint64_t seed, uint64_t stream = kBatchStream);

  std::string name() const override { return model_.name() + " (minibatch)"; }
  int dim() const override { return model_.dim(); }
  void eval(const Mat& z, Vec& logp, Mat* grad) const override { model_.eval_batch(z, batch(), logp, grad); }

  // Draws the next batch: |B| points without replacement (a partial Fisher–Yates shuffle).
  void draw();
  // The current batch (empty before the first draw).
  std::span<const int> batch() const { return {order_.data(), drawn_ ? size_t(batch_) : 0}; }
  int batch_size() const { return batch_; }
  // A new |B| for the next draws (the stream carries on). Throws for |B| outside [1, N].
  void set_batch_size(int batch);

 private:
  const Problem& model_;
  int batch_;
  bool drawn_ = false;
  Rng rng_;
  std::vector<int> order_;  // a permutation of 0 … N−1; its first |B| entries are the batch
};

}  // namespace vi
