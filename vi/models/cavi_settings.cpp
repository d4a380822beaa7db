// vi/models/cavi_settings.cpp — the CAVI models' registry entries and settings
// (vi/models/cavi_settings.hpp).
#include "vi/models/cavi_settings.hpp"

#include <algorithm>

namespace vi {

namespace {

const ParamSpec kTol{"tol", 1e-10, 1e-15, 1, "stop when a sweep changes the ELBO and the parameters relatively by less than this"};

}  // namespace

ModelInfo normal_gamma_model_info() {
  ModelInfo m;
  m.name = "normal-gamma";
  m.kind = ModelKind::Cavi;
  m.summary = "Gaussian with unknown mean and precision (PRML \u00A710.1.3): CAVI on q(\u03BC) q(\u03C4) beside the exact "
              "Normal-Gamma posterior and log evidence";
  m.step_unit = "sweeps";
  m.default_steps = 1000;
  m.params = {
      {"n", 20, 1, 100000, "data points drawn from N(mu_true, 1/tau_true)", true},
      {"mu_true", 0.5, -1e6, 1e6, "the data's true mean"},
      {"tau_true", 2, 1e-9, 1e9, "the data's true precision"},
      {"mu0", 0, -1e6, 1e6, "prior mean of \u03BC"},
      {"lambda0", 1, 1e-9, 1e9, "prior precision scale of \u03BC: \u03BC | \u03C4 ~ N(mu0, 1/(lambda0 \u03C4))"},
      {"a0", 1, 1e-9, 1e9, "prior shape of \u03C4 ~ Gamma(a0, b0)"},
      {"b0", 1, 1e-9, 1e9, "prior rate of \u03C4 ~ Gamma(a0, b0)"},
      kTol,
  };
  return m;
}

ModelInfo gmm_model_info() {
  ModelInfo m;
  m.name = "gmm";
  m.kind = ModelKind::Cavi;
  m.summary = "mixture of K unit-variance Gaussians (Blei et al. 2017): CAVI on the responsibilities and the "
              "component means, against the true labels";
  m.step_unit = "sweeps";
  m.default_steps = 1000;
  m.params = {
      {"n", 200, 1, 100000, "data points (at least K)", true},
      {"K", 3, 1, 8, "mixture components", true},
      {"dim", 2, 1, 2, "dimension of the data", true},
      {"sigma", 4, 1e-9, 1e9, "prior sd \u03C3 of the component means"},
      kTol,
  };
  return m;
}

CaviOptions cavi_options_from(const std::string& model, const ParamValues& settings, uint64_t seed, int64_t sweeps) {
  CaviOptions o;
  o.seed = seed;
  o.max_iterations = int(std::clamp<int64_t>(sweeps, 1, 1000000));
  if (model == "gmm") o.n = 200;
  const auto set = [&](const char* name, auto& field) {
    if (const auto it = settings.find(name); it != settings.end()) field = static_cast<std::remove_reference_t<decltype(field)>>(it->second);
  };
  set("n", o.n);
  set("mu_true", o.mu_true);
  set("tau_true", o.tau_true);
  set("mu0", o.mu0);
  set("lambda0", o.lambda0);
  set("a0", o.a0);
  set("b0", o.b0);
  set("K", o.K);
  set("dim", o.dim);
  set("sigma", o.sigma);
  set("tol", o.tol);
  return o;
}

}  // namespace vi
