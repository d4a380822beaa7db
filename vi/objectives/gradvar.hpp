// vi/objectives/gradvar.hpp — how noisy each gradient estimator is at a fixed φ.
//
// For every estimator variant and every S: R independent gradient estimates at the same φ, their
// mean (with standard errors), and the trace of their covariance, tr Cov[ĝ] = E‖ĝ − E ĝ‖², with
// its standard error. All variants use the same draws for replicate r (common random numbers),
// so differences between them are the estimators', not the draws'. For forward KL the exact
// gradient is known by quadrature, and the distance of SNIS's mean from it shows SNIS's bias.
//
// A scene with minibatches (Scene::batch) draws a batch per replicate: tr Cov then includes the
// subsampling noise; the same scene with batch = 0 gives the Monte Carlo noise alone.
//
// Call it from the engine thread (or any thread): it reads the scene, the target data and φ, and
// builds its own family, so it never touches a Run's scratch. Cost: R · Σ S draws per variant.
#pragma once

#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vi {

struct GradVarOptions {
  std::vector<std::string> variants;      // empty: every variant of the scene's objective
  std::vector<int> samples{1, 4, 16, 64};  // S values (1 … 65536)
  int replicates = 200;                   // R ≥ 2 estimates per cell
  uint64_t seed = 1;                      // the draws (the same for every variant)
};

struct GradVarCell {
  std::string variant;
  int samples = 0;                 // S
  int replicates = 0;              // R
  std::string error;               // why this variant cannot run here (then nothing else is set)
  Vec mean;                        // mean of the R gradient estimates
  Vec mean_se;                     // standard error of each component of the mean
  double trace_cov = 0;            // tr Cov of one estimate
  double trace_cov_se = 0;         // its standard error
  double value_mean = 0;           // mean of the objective estimates
  double value_se = 0;
  double ess_mean = 0;             // SNIS: mean effective sample size; NaN otherwise
  double bias_norm = 0;            // ‖mean − exact gradient‖ where the exact gradient is known, else NaN
  double noise_norm = 0;           // √Σ mean_se²: the size bias_norm has from noise alone
};

struct GradVarTable {
  std::vector<std::string> variants;
  std::vector<int> samples;
  std::vector<GradVarCell> cells;  // variant-major: cells[v * samples.size() + s]
  Vec exact_gradient;              // forward KL: by quadrature on the reference grid; empty otherwise
  std::string reading;             // a few sentences on what the table shows (describe_gradient_variance)
  const GradVarCell& at(size_t v, size_t s) const { return cells[v * samples.size() + s]; }
};

// The variants of the scene's objective: reverse-kl and renyi: reparam, score, score+loo (score
// with the leave-one-out baseline), stl; forward-kl: exact, snis (its two ways to draw).
std::vector<std::string> gradient_variants(const Scene& scene);
// The scene with its estimator (and baseline) or forward-KL sampling set to `variant`. Throws
// std::invalid_argument naming the variant and the allowed ones.
Scene with_variant(const Scene& scene, std::string_view variant);

// Throws std::invalid_argument for bad options (naming the option); a variant the family cannot
// serve gets a cell with `error` set instead.
GradVarTable gradient_variance(const Scene& scene, const TargetData& target, const Vec& phi,
                               const GradVarOptions& options = {});

// "At S = 64 the score function's variance is 96× reparam's…": ratios to reparam (or to exact
// draws), how the variance scales with S, STL at q = p, SNIS's ESS and bias.
std::string describe_gradient_variance(const GradVarTable& table);

}  // namespace vi
