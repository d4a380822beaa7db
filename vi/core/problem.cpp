// vi/core/problem.cpp — the defaults of Problem's optional parts.
#include "vi/core/problem.hpp"

#include <stdexcept>

namespace vi {

std::vector<std::string> Problem::coordinate_names() const {
  std::vector<std::string> names;
  // Appended, not "z" + to_string(…): GCC 12 warns (-Wrestrict) on that operator+ falsely.
  for (int i = 0; i < dim(); ++i) names.push_back(std::string("z").append(std::to_string(i + 1)));
  return names;
}

void Problem::eval_batch(const Mat&, std::span<const int>, Vec&, Mat*) const {
  throw std::logic_error(name() + " is not a data model: it has no minibatch evaluation");
}

}  // namespace vi
