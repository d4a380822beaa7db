// vi/core/registry.hpp — lookup by name in the registries of targets, families and optimizers.
//
// Each registry is a vector of records with a `name` field; the app's combo boxes, the CLI's
// choices and `vilab list` all read the names from here, and an unknown name gets one message
// listing the allowed ones.
#pragma once

#include "vi/core/check.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vi {

template <class Info>
std::vector<std::string> registry_names(const std::vector<Info>& registry) {
  std::vector<std::string> names;
  for (const auto& r : registry) names.push_back(r.name);
  return names;
}

// The record called `name`; throws "function: unknown what 'name' (allowed: …)".
template <class Info>
const Info& registry_find(const std::vector<Info>& registry, std::string_view function, std::string_view what,
                          std::string_view name) {
  for (const auto& r : registry)
    if (r.name == name) return r;
  check_member(function, what, name, registry_names(registry));
  throw_invalid(function, "unreachable");  // check_member has thrown
}

}  // namespace vi
