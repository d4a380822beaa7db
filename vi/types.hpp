// vi/types.hpp — the small value types every layer of the engine shares.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace vi {

// Samples travel as the columns of a D×S matrix (D = dimension, S = number of samples).
using Mat = Eigen::MatrixXd;
using Vec = Eigen::VectorXd;

// An axis-aligned rectangle in z-space: [x0, x1] × [y0, y1].
struct Box {
  double x0 = -4, x1 = 4, y0 = -4, y1 = 4;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  bool operator==(const Box&) const = default;
};

// Mean and covariance of a distribution.
struct Moments {
  Vec mean;
  Mat cov;
};

// One tunable parameter of a target (or, later, a model): its range and what it teaches.
struct ParamSpec {
  std::string name;
  double default_value = 0;
  double lo = 0, hi = 1;  // inclusive bounds a value must lie in
  std::string help;
};

}  // namespace vi
