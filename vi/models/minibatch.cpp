// vi/models/minibatch.cpp — drawing minibatches.
#include "vi/models/minibatch.hpp"

#include "vi/core/check.hpp"

#include <numeric>

namespace vi {

MinibatchProblem::MinibatchProblem(const Problem& model, int batch, uint64_t seed, uint64_t stream)
    : model_(model), batch_(0), rng_(seed, stream) {
  if (model.data_size() <= 0) throw_invalid("minibatch", model.name() + " has no data to subsample");
  order_.resize(size_t(model.data_size()));
  std::iota(order_.begin(), order_.end(), 0);
  set_batch_size(batch);
}

void MinibatchProblem::set_batch_size(int batch) {
  check_range("minibatch", "batch", batch, 1, int(order_.size()));
  batch_ = batch;
  drawn_ = false;
}

void MinibatchProblem::draw() {
  // The first |B| entries become a uniformly random subset; the rest of the permutation carries
  // over to the next draw, which does not bias it (every position is redrawn from all N).
  const int n = int(order_.size());
  for (int i = 0; i < batch_; ++i) {
    const int j = i + std::min(int(rng_.uniform() * double(n - i)), n - i - 1);
    std::swap(order_[size_t(i)], order_[size_t(j)]);
  }
  drawn_ = true;
}

}  // namespace vi
