// vi/targets/targets.cpp — the registry of 2D targets: one table (name, summary, parameters, factory) that
// the app, the CLI and the tests all read, and make_target, which checks overrides against it.
#include "vi/targets/targets.hpp"

#include "vi/core/registry.hpp"

#include "vi/core/check.hpp"
#include "vi/models/models.hpp"
#include "vi/targets/factories.hpp"

namespace vi {

// [SECTION] The table, in display order
const std::vector<TargetInfo>& target_registry() {
  using namespace detail;
  static const std::vector<TargetInfo> registry = {
      {"gaussian", "Standard normal N(0, I): the baseline every family can fit exactly.", {},
       make_gaussian},
      {"correlated", "Correlated Gaussian: mean-field q under-estimates its marginal variances.",
       {{"rho", 0.9, -0.99, 0.99,
         "Correlation ρ. As |ρ| -> 1 a mean-field q shrinks to the conditional variance 1 − ρ² "
         "instead of the marginal variance 1."}},
       make_correlated},
      {"banana", "Banana: a Gaussian bent along z2 = b (z1² − 4); a Gaussian q cannot follow it.",
       {{"b", 0.25, 0, 1,
         "Curvature b. b = 0 is a Gaussian; larger b bends the ridge harder, so any Gaussian q "
         "misses the arms and a flow needs more layers."}},
       make_banana},
      {"donut", "A thin ring of radius r0: one connected mode that no Gaussian q can cover.",
       {{"r0", 2.6, 0.5, 3.5,
         "Radius of the ring. A Gaussian q either sits on one side of the ring or inflates to "
         "cover the hole, which has almost no mass."},
        {"w", 0.033, 0.005, 1,
         "Width: log p~ = −(‖z‖ − r0)² / w, so the radial sd is sqrt(w/2). Thin rings make the "
         "ELBO gradient steep and the step size critical."}},
       make_donut},
      {"funnel", "Neal's funnel: scale of z1 set by z2, a narrow neck over a wide mouth.",
       {{"sigma_v", 3, 0.5, 4,
         "Scale σ_v of v = z2 ~ N(0, σ_v²), and x = z1 | v ~ N(0, e^v). Larger σ_v makes the "
         "neck thinner and the mouth wider: reverse KL avoids the neck, a fixed step size "
         "cannot suit both ends."}},
       make_funnel},
      {"mixture", "Three Gaussian blobs: reverse KL picks modes, forward KL covers them.",
       {{"w1", 1, 0, 10,
         "Weight of N((−1.5, −1.5), 0.8 I). Weights are normalized; watch which mode reverse KL "
         "locks onto as they change."},
        {"w2", 1, 0, 10,
         "Weight of N((1.5, 1.5), 0.8 I). Weights are normalized; set one to 0 to remove its "
         "blob."},
        {"w3", 1, 0, 10,
         "Weight of N((−2, 2), 0.5 I). Weights are normalized; at least one weight must be "
         "positive."}},
       make_mixture},
      {"bimodal", "Two Gaussians on the z1 axis: mode seeking (reverse KL) vs mass covering.",
       {{"w", 0.6, 0.01, 0.99,
         "Weight of the left mode. Reverse KL tends to lock onto one mode, not always the "
         "heavier one; forward KL spreads over both."},
        {"d", 4, 0, 8,
         "Separation of the modes. Below about 2 s they merge into one bump; far apart, reverse "
         "KL cannot see the second mode at all."},
        {"s", 0.6, 0.1, 2,
         "Standard deviation of each mode. Narrow modes over a wide gap make the landscape "
         "between them nearly flat."}},
       make_bimodal},
      {"squiggle", "A Gaussian sheared by sin 5 z1: a wiggly ridge that flows must unbend.", {},
       make_squiggle},
      {"two-moons", "Two crescents on a ring of radius 2: multimodal and curved at once.", {},
       make_two_moons},
      {"U1", "Rezende & Mohamed U1: a ring with two heavier caps.", {}, make_u1},
      {"U2", "Rezende & Mohamed U2: a sine-shaped ridge.", {}, make_u2},
      {"U3", "Rezende & Mohamed U3: a sine ridge that splits in two near z1 = 1.", {}, make_u3},
      {"U4", "Rezende & Mohamed U4: a sine ridge and a shifted copy to the right of z1 = 1.", {},
       make_u4},
  };
  return registry;
}

std::vector<std::string> target_names() { return registry_names(target_registry()); }

// [SECTION] Lookup and construction
const TargetInfo& find_target(std::string_view name) {
  return registry_find(target_registry(), "target", "target", name);
}

std::unique_ptr<Problem> make_target(std::string_view name, const ParamValues& overrides) {
  const TargetInfo& info = find_target(name);
  return info.make(resolve_params("target " + info.name, info.params, overrides));
}

}  // namespace vi
