// vi/optim/optimizer.hpp — first-order optimizers that ascend the objective.
//
// vilab maximizes (the ELBO), so an optimizer takes the ascent gradient and moves φ uphill.
// State vectors are sized once at reset(); step() allocates nothing.
#pragma once

#include "vi/core/types.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;
  // Clears the state for a parameter vector of size n.
  virtual void reset(Eigen::Index n) = 0;
  // φ ← φ + update(g) with learning rate lr.
  virtual void ascend(Vec& phi, const Vec& grad, double lr) = 0;
  // Named internal state for display (e.g. Adam's first and second moments).
  virtual std::vector<std::pair<std::string, const Vec*>> state() const { return {}; }
  // An independent copy with the same state: the step-through previews an update on it, and
  // its ascend() then gives bit for bit what this optimizer's would.
  virtual std::unique_ptr<Optimizer> clone() const = 0;
};

struct OptimizerInfo {
  std::string name;     // "sgd", "momentum", "adam"
  std::string summary;
  std::unique_ptr<Optimizer> (*make)();
};

const std::vector<OptimizerInfo>& optimizer_registry();
std::vector<std::string> optimizer_names();
std::unique_ptr<Optimizer> make_optimizer(std::string_view name);

}  // namespace vi
