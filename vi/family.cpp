// vi/family.cpp — the family registry and the default mass box.
#include "vi/family.hpp"

#include "vi/check.hpp"
#include "vi/family_gaussian.hpp"

#include <cmath>

namespace vi {

Box Family::mass_box(const Vec& phi) const {
  // ±5 sd holds all but ~3e-6 of a 2D Gaussian's mass; families far from Gaussian override.
  const Moments m = moments(phi);
  const double sx = 5.0 * std::sqrt(m.cov(0, 0)), sy = 5.0 * std::sqrt(m.cov(1, 1));
  return {m.mean(0) - sx, m.mean(0) + sx, m.mean(1) - sy, m.mean(1) + sy};
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

const std::vector<FamilyInfo>& family_registry() {
  static const std::vector<FamilyInfo> registry{
      {"meanfield", "mean-field Gaussian N(μ, diag σ²): independent axes, cannot tilt",
       [](int d) -> std::unique_ptr<Family> { return std::make_unique<MeanFieldGaussian>(d); }},
      {"fullrank", "full-rank Gaussian N(μ, LLᵀ): any ellipse, Cholesky-parameterized",
       [](int d) -> std::unique_ptr<Family> { return std::make_unique<FullRankGaussian>(d); }},
  };
  return registry;
}

std::vector<std::string> family_names() {
  std::vector<std::string> n;
  for (const auto& f : family_registry()) n.push_back(f.name);
  return n;
}

std::unique_ptr<Family> make_family(std::string_view name, int dim) {
  check_positive("family", "dimension", dim);
  for (const auto& f : family_registry())
    if (f.name == name) return f.make(dim);
  check_member("family", "family", name, family_names());
  return nullptr;  // unreachable: check_member throws
}

}  // namespace vi
