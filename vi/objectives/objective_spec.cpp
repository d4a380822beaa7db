// vi/objectives/objective_spec.cpp — objective and estimator names, parsing, and what each family supports.
#include "vi/objectives/objective_spec.hpp"

#include "vi/core/check.hpp"
#include "vi/core/registry.hpp"

#include <cmath>

namespace vi {

const std::vector<NamedChoice>& objective_choices() {
  static const std::vector<NamedChoice> c{
      {"reverse-kl", "reverse KL(q‖p): the ELBO. Mode-seeking: q avoids regions where p is small"},
      {"forward-kl", "forward KL(p‖q): maximizes E_p[log q]. Mass-covering: q spreads over all of p"},
      {"renyi", "Rényi α bound (Li & Turner 2016): α → 1 is the ELBO, α = 0 the IWAE bound with K = S"},
  };
  return c;
}

const std::vector<NamedChoice>& estimator_choices() {
  static const std::vector<NamedChoice> c{
      {"reparam", "pathwise: z = T_φ(ε), differentiate through the draw (low variance)"},
      {"score", "score function (REINFORCE): f(z) ∇φ log q(z); needs no ∇z, pays in variance"},
      {"stl", "sticking the landing (Roeder et al. 2017): drops the score term, zero variance at q = p"},
  };
  return c;
}

const std::vector<NamedChoice>& baseline_choices() {
  static const std::vector<NamedChoice> c{
      {"none", "no baseline"},
      {"leave-one-out", "subtract the objective estimated from the other S − 1 draws (unbiased; VIMCO-style)"},
  };
  return c;
}

const std::vector<NamedChoice>& sampling_choices() {
  static const std::vector<NamedChoice> c{
      {"exact", "exact draws of p from the quadrature grid (alias table, jittered within a cell)"},
      {"snis", "self-normalized importance sampling from q: biased at small effective sample size"},
  };
  return c;
}

std::vector<std::string> objective_names() { return registry_names(objective_choices()); }
std::vector<std::string> estimator_names() { return registry_names(estimator_choices()); }
std::vector<std::string> baseline_names() { return registry_names(baseline_choices()); }
std::vector<std::string> sampling_names() { return registry_names(sampling_choices()); }

namespace {
// The index of `name` in `choices`; throws "scene: unknown <what> 'x' (allowed: …)".
int index_of(const std::vector<NamedChoice>& choices, std::string_view what, std::string_view name) {
  for (size_t i = 0; i < choices.size(); ++i)
    if (choices[i].name == name) return int(i);
  check_member("scene", what, name, registry_names(choices));
  return -1;  // unreachable: check_member has thrown
}
}  // namespace

ObjectiveSpec objective_spec(const Scene& scene) {
  ObjectiveSpec s;
  s.kind = ObjectiveKind(index_of(objective_choices(), "objective", scene.objective));
  s.estimator = Estimator(index_of(estimator_choices(), "estimator", scene.estimator));
  s.baseline = Baseline(index_of(baseline_choices(), "baseline", scene.baseline));
  s.sampling = PSampling(index_of(sampling_choices(), "sampling", scene.sampling));
  check_finite("scene", "Rényi alpha", scene.alpha);
  check_range("scene", "Rényi alpha", scene.alpha, kAlphaMin, kAlphaMax);
  s.alpha = scene.alpha;
  s.analytic_entropy = scene.analytic_entropy;
  s.beta = scene.beta(0);
  return s;
}

void check_objective_supported(const Family& family, const ObjectiveSpec& spec, int dim, int samples) {
  check_objective_supported(family.name(), capabilities_of(family), spec, dim, samples);
}

void check_objective_supported(std::string_view family, const FamilyCapabilities& can, const ObjectiveSpec& spec, int dim,
                               int samples) {
  const bool forward = spec.kind == ObjectiveKind::ForwardKL;
  if (!can.score) {
    // Every estimator but reparam uses ∇φ log q at points that do not move with φ.
    const char* what = forward                                  ? "objective 'forward-kl' maximizes E_p[log q(z)]: it"
                       : spec.estimator == Estimator::Score     ? "estimator 'score'"
                       : spec.estimator == Estimator::Stl       ? "estimator 'stl'"
                                                                : nullptr;
    if (what)
      throw_invalid(family, std::string(what) +
                                       " needs the score ∇φ log q(z) at fixed points (Family::log_density_grad), "
                                       "which this family does not provide; use estimator 'reparam' with "
                                       "reverse-kl or renyi, or a Gaussian or mixture family");
  }
  if (forward && spec.sampling == PSampling::Exact && dim != 2)
    throw_invalid("scene", "sampling 'exact' draws p from the 2D quadrature grid, but the problem has dimension " +
                               std::to_string(dim) + ": use 'snis'");
  if (spec.kind == ObjectiveKind::Renyi && spec.estimator != Estimator::Reparam && can.stratified)
    // The Rényi bound is not linear in the draws, so its expectation depends on how they are
    // drawn: a mixture's are stratified by component (S/K each; at α = 0 the stratified IWAE
    // bound, Morningstar et al. 2021), and the score function (ancestral, i.i.d. draws) would
    // estimate the gradient of a different bound; the doubly-reparameterized form needs i.i.d.
    // draws too.
    throw_invalid(family, std::string("estimator '") + (spec.estimator == Estimator::Stl ? "stl" : "score") +
                                     "' with objective 'renyi' needs i.i.d. draws of q, but a mixture's Rényi bound "
                                     "is estimated from draws stratified by component: use 'reparam'");
  if (!forward && spec.estimator == Estimator::Score && spec.baseline == Baseline::LeaveOneOut && samples < 2)
    throw_invalid("scene", "baseline 'leave-one-out' needs S ≥ 2 draws (S is " + std::to_string(samples) + ")");
}

std::string objective_label(const ObjectiveSpec& spec, int samples) {
  switch (spec.kind) {
    case ObjectiveKind::ReverseKL: return "reverse KL (ELBO)";
    case ObjectiveKind::ForwardKL:
      return spec.sampling == PSampling::Exact ? "forward KL (exact draws of p)" : "forward KL (SNIS from q)";
    case ObjectiveKind::Renyi: {
      const std::string k = samples > 0 ? "K = " + std::to_string(samples) : "K = S";
      if (spec.alpha == 0) return "IWAE (Rényi α = 0, " + k + ")";
      if (spec.alpha == 1) return "Rényi α = 1 (the ELBO)";
      return "Rényi α = " + to_text(spec.alpha) + " (" + k + ")";
    }
  }
  return "?";
}

std::string estimator_label(const ObjectiveSpec& spec) {
  if (spec.kind == ObjectiveKind::ForwardKL) return "—";
  switch (spec.estimator) {
    case Estimator::Reparam: return "reparam";
    case Estimator::Score: return spec.baseline == Baseline::LeaveOneOut ? "score + leave-one-out" : "score";
    case Estimator::Stl: return spec.kind == ObjectiveKind::Renyi && spec.alpha != 1 ? "stl (doubly reparameterized)" : "stl";
  }
  return "?";
}

}  // namespace vi
