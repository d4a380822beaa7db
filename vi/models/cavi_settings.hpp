// vi/models/cavi_settings.hpp — the CAVI models (vi/models/cavi_normal_gamma.hpp,
// vi/models/cavi_gmm.hpp) as entries of the model registry (vi/models/models.hpp): their settings
// tables, and how settings become the options of a headless CAVI fit (`vilab run --model
// normal-gamma|gmm`; its JSON: app/io/cavi_run.hpp).
#pragma once

#include "vi/models/models.hpp"

#include <cstdint>
#include <string>

namespace vi {

// The registry entries: "normal-gamma" (settings n, mu_true, tau_true, mu0, lambda0, a0, b0, tol)
// and "gmm" (n, K, dim, sigma, tol); --steps caps the sweeps.
ModelInfo normal_gamma_model_info();
ModelInfo gmm_model_info();

// A headless CAVI fit's options.
struct CaviOptions {
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

// The options of `model`'s fit from its settings (missing names keep the defaults), a seed and
// the sweeps (clamped to 1 … 10⁶).
CaviOptions cavi_options_from(const std::string& model, const ParamValues& settings, uint64_t seed, int64_t sweeps);

}  // namespace vi
