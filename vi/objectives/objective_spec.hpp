// vi/objectives/objective_spec.hpp — which objective a step maximizes and how its gradient is estimated.
//
// The Scene names them as strings (what the app's combo boxes and the CLI's flags show); a Run
// parses them once into an ObjectiveSpec, so the step never compares strings.
//
//   objective   reverse-kl  the ELBO  E_q[log p~ − log q]  (minimizes KL(q‖p))
//               forward-kl  −KL(p‖q) (up to a constant: maximizes E_p[log q]), from draws of p:
//                           exact draws from the quadrature grid, or self-normalized importance
//                           sampling (SNIS) from q
//               renyi       the Rényi bound (Li & Turner 2016)  L_α = 1/(1−α) log E_q[(p~/q)^{1−α}]
//                           estimated from the S draws; α → 1 is the ELBO, α = 0 the IWAE bound
//                           with K = S (Burda et al. 2016)
//   estimator   reparam     pathwise (reparameterization) gradient
//               score       score function (REINFORCE), with an optional leave-one-out baseline
//               stl         path derivative, "sticking the landing" (Roeder et al. 2017); for
//                           Rényi its doubly-reparameterized form (Tucker et al. 2019), which is
//                           STL at α = 1 and unbiased for every α
//
// A forward-KL gradient is E_p[∇φ log q(z)] at draws of p that do not depend on φ: there is no
// estimator to choose, so forward-kl ignores `estimator` (the CLI refuses the flag with it).
#pragma once

#include "vi/families/family.hpp"
#include "vi/engine/scene.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vi {

enum class ObjectiveKind { ReverseKL, ForwardKL, Renyi };
enum class Estimator { Reparam, Score, Stl };
enum class Baseline { None, LeaveOneOut };
enum class PSampling { Exact, Snis };

// Rényi α: any value in [kAlphaMin, kAlphaMax] = [0, 2]. α = 1 is the ELBO, α = 0 IWAE with
// K = S; between them q widens as α falls (mass-covering), and α ∈ (1, 2] is more mode-seeking
// than the ELBO. α < 0 is left out on purpose: there L_α ≥ log Z is an upper bound (Li & Turner
// 2016), which grows without limit as q widens, so maximizing it runs away (a mean-field fit on
// the correlated target reached variance 27 against p's 1 in 3000 steps at α = −1, K = 64). Above
// 2 a single draw takes nearly all the weight and the fit no longer changes visibly with α.
inline constexpr double kAlphaMin = 0.0, kAlphaMax = 2.0;

struct ObjectiveSpec {
  ObjectiveKind kind = ObjectiveKind::ReverseKL;
  double alpha = 0.5;                      // Rényi only
  Estimator estimator = Estimator::Reparam;  // not forward-kl
  Baseline baseline = Baseline::None;      // score only
  PSampling sampling = PSampling::Exact;   // forward-kl only
  bool analytic_entropy = true;            // reverse-kl with reparam or score: H[q] in closed form
  double beta = 1.0;                       // β-annealing weight of log p~ (reverse-kl, renyi)

  // t = 1 − α, the exponent of the importance weights; 0 for the ELBO.
  double t() const { return kind == ObjectiveKind::Renyi ? 1.0 - alpha : 0.0; }
};

// One line per choice, for `vilab list`, tooltips and combo boxes.
struct NamedChoice {
  std::string name;
  std::string summary;
};
const std::vector<NamedChoice>& objective_choices();
const std::vector<NamedChoice>& estimator_choices();
const std::vector<NamedChoice>& baseline_choices();
const std::vector<NamedChoice>& sampling_choices();
std::vector<std::string> objective_names();  // reverse-kl, forward-kl, renyi
std::vector<std::string> estimator_names();  // reparam, score, stl
std::vector<std::string> baseline_names();   // none, leave-one-out
std::vector<std::string> sampling_names();   // exact, snis

// The spec of a scene (β at step 0; a Run sets β each step). Throws std::invalid_argument naming
// the field for a name that is not allowed.
ObjectiveSpec objective_spec(const Scene& scene);

// Throws std::invalid_argument naming the family and what it lacks when `family` cannot serve
// `spec` on a problem of dimension `dim` (e.g. the score function and STL need
// Family::log_density_grad, which the flows do not provide), or naming the field when the
// combination of fields is not allowed (a leave-one-out baseline needs S ≥ 2).
void check_objective_supported(const Family& family, const ObjectiveSpec& spec, int dim, int samples);
// The same judgement from the family's name and registry capabilities (vi::family_info(name)),
// without building one: what the UI asks every frame.
void check_objective_supported(std::string_view family, const FamilyCapabilities& can, const ObjectiveSpec& spec, int dim,
                               int samples);

// "reverse KL (ELBO)", "forward KL (exact draws of p)", "Rényi α = 0.5 (K = 64)", "IWAE (Rényi α = 0,
// K = 64)"… (samples ≤ 0: "K = S").
std::string objective_label(const ObjectiveSpec& spec, int samples);
std::string estimator_label(const ObjectiveSpec& spec);  // "reparam", "score + leave-one-out", "—" (forward KL)

}  // namespace vi
