// app/io/cavi_settings.hpp — the headless result of a CAVI fit as JSON, for `vilab run --model …`.
//
// The main CLI (app/cli/cli.cpp) owns the flags; this file only turns options into the JSON object,
// so the same numbers come out of the app's windows, the CLI and the tests.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace vilab {

struct CaviCliOptions {
  uint64_t seed = 1;         // the data and (GMM) the initial q
  int max_iterations = 1000; // CAVI sweeps at most
  double tol = 1e-10;        // relative ELBO change and parameter change of a sweep
  bool trace = true;         // include "elbo_trace"
  // Normal-Gamma (PRML §10.1.3): data and prior.
  int n = 20;
  double mu_true = 0.5, tau_true = 2.0;
  double mu0 = 0, lambda0 = 1, a0 = 1, b0 = 1;
  // Gaussian mixture (Blei et al. 2017): K, dim (1 or 2), σ; `n` is the number of points (the
  // GMM's default is 200 when n is left at the Normal-Gamma default of 20).
  int K = 3;
  int dim = 2;
  double sigma = 4;
};

// The models `model` may name.
const std::vector<std::string>& cavi_model_names();  // {"normal-gamma", "gmm"}

// Runs CAVI on `model` and returns {model, iterations, converged, elbo, elbo_trace, q_mean, q_sd,
// …}: for normal-gamma also log_evidence, exact_mean and exact_sd (each [μ, τ]) and the
// posterior's parameters; for gmm the component means and sds (K rows), the true means and the
// responsibilities' hard-assignment accuracy against the true labels (up to relabelling).
// Throws std::invalid_argument for an unknown model or bad settings.
nlohmann::json cavi_run_json(const std::string& model, const CaviCliOptions& options);

}  // namespace vilab
