// vi/engine/scene.hpp — a Scene is a plain value that says everything one fit needs.
//
// The app edits a copy and sends it to the engine; the CLI builds one from its flags; a test
// builds one in a line. Same Scene ⇒ same trace, everywhere.
#pragma once

#include "vi/families/family.hpp"
#include "vi/targets/targets.hpp"
#include "vi/core/types.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace vi {

struct Scene {
  std::string target = "banana";   // a 2D target (target_registry()) or a model (model_registry())
  ParamValues target_params;       // overrides of its default parameters (e.g. {"rho", 0.95})
  DataPoints data;                 // a model's data, replacing its default data when non-empty (logreg: (x, label))
  // target = "formula": log p~(z1, z2) as an expression (vi/targets/formula.hpp), shown and
  // integrated on `formula_box`. Ignored by every other target.
  std::string formula;
  Box formula_box;
  std::string family = "fullrank"; // a name from family_registry()
  FamilyOptions family_options;    // sizes: flow depth K, RealNVP width, low rank r, mixture K
  std::string optimizer = "adam";  // a name from optimizer_registry()
  double lr = 0.05;                // learning rate (> 0)
  int samples = 64;                // Monte Carlo samples S per step (1 … 65536)
  uint64_t seed = 1;               // seeds every random stream of the run
  bool analytic_entropy = true;    // ELBO = E_q[log p~] + H[q] (closed form) instead of E_q[log p~ − log q]
  int anneal = 0;                  // β-annealing over this many steps: β_t = min(1, 0.01 + t/T); 0 = off
  // What a step maximizes and how (vi/objectives/objective_spec.hpp). A field the chosen objective does not
  // use is kept (a slider keeps its value when the objective changes) and ignored.
  std::string objective = "reverse-kl";  // reverse-kl | forward-kl | renyi
  double alpha = 0.5;                    // renyi: α in [0, 2]; 1 = ELBO, 0 = IWAE with K = S
  std::string estimator = "reparam";     // reverse-kl, renyi: reparam | score | stl
  std::string baseline = "none";         // score estimator: none | leave-one-out
  std::string sampling = "exact";        // forward-kl: exact (draws of p from the grid) | snis
  // Minibatch SVI and the step-size schedule (Hoffman, Blei, Wang & Paisley 2013).
  int batch = 0;                   // data models: |B| points per step, likelihood scaled by N/|B| (0 = all N)
  std::string lr_schedule = "constant";  // constant | decay: lr_t = lr · (1 + t/τ)^(−κ) (Robbins–Monro)
  double decay_kappa = 0.6;        // decay: κ in (0.5, 1], so that Σ lr_t = ∞ and Σ lr_t² < ∞
  double decay_tau = 100;          // decay: τ > 0, the steps before the rate has fallen by 2^κ
  double init_mean_x = 0, init_mean_y = 0;  // q's initial mean
  double init_log_sd = 0;          // q's initial log standard deviation (every axis)
  int metrics_every = 10;          // a KL point is recorded every this many steps (≥ 1)
  int metric_samples = 4096;       // fixed draws for KL(q‖p) and the smooth ELBO (≥ 16)
  int grid = 256;                  // cells per axis of the quadrature grid (16 … 2048)
  // Trust. Live fields: changing them keeps φ (can_continue_into).
  double grad_clip = 0;            // clip the gradient's Euclidean norm to this before each update (0 = off)
  int converge_every = 100;        // Stan ADVI's rule (vi/analysis/convergence_rule.hpp): the smooth ELBO every
                                   // this many steps (0 = off)
  int converge_window = 10;        // … relative changes kept in its window
  double converge_tol = 0.01;      // … converged when the window's statistic falls below this
  std::string converge_statistic = "either";  // … mean | median | either (Stan stops on either)
  bool auto_stop = false;          // pause the fit when the rule says it converged
  int khat_every = 250;            // PSIS k̂ and ESS at the current q every this many steps (0 = off)

  bool operator==(const Scene&) const = default;

  // The learning rate of step t + 1 under the schedule.
  double lr_at(int64_t t) const {
    return lr_schedule == "decay" ? lr * std::pow(1.0 + double(t) / decay_tau, -decay_kappa) : lr;
  }

  // β of the annealed objective before step t + 1 (1 when annealing is off).
  double beta(int64_t t) const { return anneal > 0 ? std::min(1.0, 0.01 + double(t) / double(anneal)) : 1.0; }

  // Throws std::invalid_argument naming the first bad field and what it must be.
  void validate() const;

  // A comparison fit: this scene's family and sizes and its objective (with α, estimator,
  // baseline and sampling) on everything else of `primary` (target, parameters, seed, S,
  // optimizer, learning rate, annealing, entropy option, start, grid), so fits side by side
  // differ only in what is being compared, and draw the same ε (common random numbers).
  Scene compared_with(const Scene& primary) const;

  // Same target, same parameters and same quadrature grid: the target's references (TargetData)
  // can be shared between the two.
  bool same_target(const Scene& other) const {
    return target == other.target && target_params == other.target_params && data == other.data && grid == other.grid &&
           (target != "formula" || (formula == other.formula && formula_box == other.formula_box));
  }

  // True when going from `*this` to `next` can keep the current φ and optimizer state (only
  // the learning rate, S, the annealing, Rényi α, the estimator, its baseline or the forward-KL
  // sampling changed); false when the run must start afresh.
  bool can_continue_into(const Scene& next) const;

  // True when `next` differs from this scene only in the problem's parameters or data (an edited
  // data point, a new σ_y, a formula target's formula or box): the engine then starts the new fit from the current q, so the class
  // watches q follow the posterior as the data change.
  bool only_problem_changes(const Scene& next) const;
};

}  // namespace vi
