// vi/core/types.hpp — the small value types every layer of the engine shares.
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

// One observation of a small data model that the user can edit (vi/models/models.hpp): logistic
// regression's (feature value x, label y ∈ {0, 1}).
struct DataPoint {
  double x = 0, y = 0;
  bool operator==(const DataPoint&) const = default;
};
using DataPoints = std::vector<DataPoint>;

// One tunable parameter of a target or a model: its range and what it teaches. An integer
// parameter (a feature index, a number of data points) takes whole values only.
struct ParamSpec {
  ParamSpec() = default;
  ParamSpec(std::string name_, double default_value_, double lo_, double hi_, std::string help_, bool integer_ = false)
      : name(std::move(name_)), default_value(default_value_), lo(lo_), hi(hi_), help(std::move(help_)), integer(integer_) {}
  std::string name;
  double default_value = 0;
  double lo = 0, hi = 1;  // inclusive bounds a value must lie in
  std::string help;
  bool integer = false;
};

}  // namespace vi
