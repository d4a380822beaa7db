// vi/targets/targets.hpp — the registry of 2D target posteriors.
//
// Each target is registered once (name, one-line summary, tunable parameters, factory) in
// vi/targets/targets.cpp; the app's combo box, `vilab list`, the CLI's --target/--set and the tests all
// read this one table.
#pragma once

#include "vi/core/problem.hpp"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

// Parameter values by name. A factory receives a complete map (defaults merged with overrides).
using ParamValues = std::map<std::string, double>;

struct TargetInfo {
  std::string name;     // CLI and scene name, e.g. "banana"
  std::string summary;  // one line for `vilab list` and tooltips
  std::vector<ParamSpec> params;
  std::function<std::unique_ptr<Problem>(const ParamValues&)> make;
};

// All targets in display order.
const std::vector<TargetInfo>& target_registry();
std::vector<std::string> target_names();

// Throws std::invalid_argument "target: unknown target 'x' (allowed: ...)".
const TargetInfo& find_target(std::string_view name);

// Builds a target with `overrides` applied over the defaults. Unknown parameter names and values
// out of range throw std::invalid_argument naming the target, the parameter and what is allowed.
std::unique_ptr<Problem> make_target(std::string_view name, const ParamValues& overrides = {});

}  // namespace vi
