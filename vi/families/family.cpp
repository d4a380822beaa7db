// vi/families/family.cpp — the family registry and the default mass box.
#include "vi/families/family.hpp"

#include "vi/core/check.hpp"
#include "vi/core/registry.hpp"
#include "vi/families/flow.hpp"
#include "vi/families/gaussian.hpp"
#include "vi/families/lowrank.hpp"
#include "vi/families/mixture.hpp"

#include <cmath>
#include <stdexcept>

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

const std::vector<FamilyInfo>& family_registry() {
  static const std::vector<FamilyInfo> registry{
      {"meanfield", "mean-field Gaussian N(μ, diag σ²): independent axes, cannot tilt",
       [](int d, const FamilyOptions&) -> std::unique_ptr<Family> { return std::make_unique<MeanFieldGaussian>(d); },
       {}},
      {"fullrank", "full-rank Gaussian N(μ, LLᵀ): any ellipse, Cholesky-parameterized",
       [](int d, const FamilyOptions&) -> std::unique_ptr<Family> { return std::make_unique<FullRankGaussian>(d); },
       {}},
      {"lowrank", "low-rank Gaussian N(μ, diag d² + BBᵀ): the r strongest correlations at O(D·r) cost",
       [](int d, const FamilyOptions& o) -> std::unique_ptr<Family> { return std::make_unique<LowRankGaussian>(d, o.rank); },
       {.rank = true}},
      {"mixture", "mixture of K Gaussians with learnable weights: can sit on several modes at once",
       [](int d, const FamilyOptions& o) -> std::unique_ptr<Family> {
         return std::make_unique<MixtureFamily>(d, o.components, o.component);
       },
       {.components = true, .component = true}},
      {"planar", "planar flow: K bends z + u·tanh(wᵀz + b) of a Gaussian, each folding space along a line",
       make_planar_flow, {.K = true}},
      {"radial", "radial flow: K pulls toward / pushes away from learned centres, bending a Gaussian into rings",
       make_radial_flow, {.K = true}},
      {"realnvp", "RealNVP: K coupling layers, each shifting and scaling half the axes by a small network of the rest",
       make_realnvp_flow, {.K = true, .hidden = true, .depth = true}},
  };
  return registry;
}

std::vector<std::string> family_names() { return registry_names(family_registry()); }

FamilySizes family_sizes(std::string_view name) { return registry_find(family_registry(), "family", "family", name).sizes; }

std::unique_ptr<Family> make_family(std::string_view name, int dim, const FamilyOptions& options) {
  check_positive("family", "dimension", dim);
  return registry_find(family_registry(), "family", "family", name).make(dim, options);
}

}  // namespace vi
