// vi/families/family.cpp — the family registry (entries from each family's file), its option tables
// read by name, and the default mass box.
#include "vi/families/family.hpp"

#include "vi/core/check.hpp"
#include "vi/core/registry.hpp"
#include "vi/families/flow.hpp"
#include "vi/families/gaussian.hpp"
#include "vi/families/lowrank.hpp"
#include "vi/families/mixture.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <utility>

namespace vi {

Box Family::mass_box(const Vec& phi) const {
  // ±5 sd holds all but ~3e-6 of a 2D Gaussian's mass; families far from Gaussian override.
  const Moments m = moments(phi);
  const double sx = 5.0 * std::sqrt(m.cov(0, 0)), sy = 5.0 * std::sqrt(m.cov(1, 1));
  return {m.mean(0) - sx, m.mean(0) + sx, m.mean(1) - sy, m.mean(1) + sy};
}

void Family::log_density_grad(const Vec&, const Mat&, const Vec&, Vec&, Mat*) const {
  throw std::logic_error(name() + ": log_density_grad is not available for this family");
}

void Family::sample(const Vec& phi, const Mat& eps, const Vec& /*u*/, Mat& z) const {
  Vec log_q(eps.cols());
  forward(phi, eps, z, log_q);
}

std::string indexed_name(std::string_view base, std::initializer_list<int> indices, std::string_view sep) {
  std::string n(base);
  bool first = true;
  for (int i : indices) {
    if (!first) n += sep;
    n += std::to_string(i);
    first = false;
  }
  return n;
}

// [SECTION] The registry

FamilyCapabilities capabilities_of(const Family& f) {
  return {.score = f.has_log_density_grad(),
          .analytic_entropy = f.has_analytic_entropy(),
          .stratified = f.stratified(),
          .gaussian = f.gaussian(),
          .cheap_density = f.cheap_density(),
          .layered = f.num_layers() > 0};
}

const std::vector<FamilyInfo>& family_registry() {
  // Each entry is defined in the family's own file, with its options and capabilities.
  static const std::vector<FamilyInfo> registry{
      meanfield_family_info(), fullrank_family_info(), lowrank_family_info(), mixture_family_info(),
      planar_family_info(),    radial_family_info(),   realnvp_family_info(),
  };
  return registry;
}

std::vector<std::string> family_names() { return registry_names(family_registry()); }

const FamilyInfo& family_info(std::string_view name) { return registry_find(family_registry(), "family", "family", name); }

bool family_uses(std::string_view name, std::string_view option) {
  const FamilyInfo& f = family_info(name);
  for (const FamilyParam& p : f.params)
    if (p.spec.name == option) return true;
  for (const FamilyChoice& c : f.choices)
    if (c.name == option) return true;
  return false;
}

namespace {

// Where a field lies in FamilyOptions, to list the options in the order the struct declares them.
template <class T>
std::ptrdiff_t offset_of(T FamilyOptions::*field) {
  static const FamilyOptions o;
  return reinterpret_cast<const char*>(&(o.*field)) - reinterpret_cast<const char*>(&o);
}

template <class Option, class Name>
std::vector<Option> union_of(std::vector<Option> FamilyInfo::*list, Name name) {
  std::vector<Option> all;
  for (const FamilyInfo& f : family_registry())
    for (const Option& o : f.*list)
      if (std::none_of(all.begin(), all.end(), [&](const Option& a) { return name(a) == name(o); })) all.push_back(o);
  std::stable_sort(all.begin(), all.end(), [](const Option& a, const Option& b) { return offset_of(a.field) < offset_of(b.field); });
  return all;
}

}  // namespace

const std::vector<FamilyParam>& all_family_params() {
  static const std::vector<FamilyParam> all = union_of(&FamilyInfo::params, [](const FamilyParam& p) { return p.spec.name; });
  return all;
}

const std::vector<FamilyChoice>& all_family_choices() {
  static const std::vector<FamilyChoice> all = union_of(&FamilyInfo::choices, [](const FamilyChoice& c) { return c.name; });
  return all;
}

std::string families_using(std::string_view option) {
  std::vector<std::string> names;
  for (const FamilyInfo& f : family_registry())
    if (family_uses(f.name, option)) names.push_back(f.name);
  return join(names);
}

std::string family_option_help(std::string_view option) {
  // Families in registry order, grouped by the words they use for the option.
  std::vector<std::pair<std::string, std::string>> groups;  // label, families
  std::string range;
  for (const FamilyInfo& f : family_registry()) {
    std::string label;
    for (const FamilyParam& p : f.params)
      if (p.spec.name == option) {
        label = p.label;
        range = " (" + to_text(p.spec.lo) + " \u2026 " + to_text(p.spec.hi) + ")";
      }
    for (const FamilyChoice& c : f.choices)
      if (c.name == option) {
        label = c.label;
        range = " (" + join(c.allowed) + ")";
      }
    if (label.empty()) continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == label; });
    if (it == groups.end()) groups.emplace_back(label, f.name);
    else it->second += ", " + f.name;
  }
  std::string help;
  for (const auto& [label, families] : groups) help += (help.empty() ? "" : "; ") + families + ": " + label;
  return help + range;
}

void check_family_param(std::string_view family, const FamilyParam& param, int value) {
  check_range(family, param.label, value, int(param.spec.lo), int(param.spec.hi));
}

void check_family_choice(std::string_view family, const FamilyChoice& choice, const std::string& value) {
  if (std::find(choice.allowed.begin(), choice.allowed.end(), value) == choice.allowed.end())
    throw_invalid(family, choice.label + " '" + value + "' (allowed: " + join(choice.allowed) + ")");
}

void check_family_options(std::string_view name, const FamilyOptions& options) {
  const FamilyInfo& f = family_info(name);
  for (const FamilyParam& p : f.params) check_family_param(f.name, p, options.*p.field);
  for (const FamilyChoice& c : f.choices) check_family_choice(f.name, c, options.*c.field);
}

int family_num_layers(std::string_view name, const FamilyOptions& options) {
  return family_info(name).capabilities.layered ? options.K : 0;
}

int max_family_layers() {
  int most = 0;
  for (const FamilyInfo& f : family_registry())
    for (const FamilyParam& p : f.params)
      if (f.capabilities.layered && p.field == &FamilyOptions::K) most = std::max(most, int(p.spec.hi));
  return most;
}

std::unique_ptr<Family> make_family(std::string_view name, int dim, const FamilyOptions& options) {
  check_positive("family", "dimension", dim);
  check_family_options(name, options);
  return family_info(name).make(dim, options);
}

}  // namespace vi
