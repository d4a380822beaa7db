// vi/models/bnn_settings.cpp — the BNN's registry entry and settings (vi/models/bnn_settings.hpp).
#include "vi/models/bnn_settings.hpp"

namespace vi {

namespace {

const std::vector<ParamSpec>& bnn_settings() {
  static const std::vector<ParamSpec> specs = {
      {"width", 20, 1, 500, "hidden units H of the 1\u2192H\u21921 network", true},
      {"relu", 0, 0, 1, "1 = relu hidden units, 0 = tanh", true},
      {"sigma_y", 0.1, 1e-3, 10, "observation noise sd \u03C3_y (fixed)"},
      {"prior_sd", 1.0, 1e-2, 100, "prior sd \u03C3_p of every weight and bias"},
      {"samples", 1, 1, 1000, "S weight draws per step", true},
      {"local", 1, 0, 1, "1 = local reparameterization, 0 = one weight draw shared by the batch", true},
      {"lr", 0.01, 1e-6, 1, "Adam step size (VI and MAP fits alike)"},
      {"init_sd", 0.01, 1e-6, 1, "initial softplus(\u03C1): every weight's sd at the start"},
      {"n", 40, 1, 5000, "data points (half in each cluster)", true},
      {"noise", 0.1, 0, 5, "sd of the noise in the generated data"},
      {"data_seed", 1, 0, 1e9, "seed of the generated data", true},
  };
  return specs;
}

}  // namespace

BnnConfig bnn_config_from(const ParamValues& s, uint64_t seed, BnnDataSettings* data_out) {
  auto get = [&](const char* k) {
    const auto it = s.find(k);
    if (it != s.end()) return it->second;
    for (const auto& spec : bnn_settings())
      if (spec.name == k) return spec.default_value;
    return 0.0;
  };
  BnnDataSettings data;
  data.n = int(get("n"));
  data.noise = get("noise");
  data.seed = uint64_t(get("data_seed"));
  BnnConfig c;
  c.width = int(get("width"));
  c.activation = get("relu") != 0 ? nn::Activation::Relu : nn::Activation::Tanh;
  c.sigma_y = get("sigma_y");
  c.prior_sd = get("prior_sd");
  c.samples = int(get("samples"));
  c.local_reparam = get("local") != 0;
  c.lr = get("lr");
  c.init_sd = get("init_sd");
  c.seed = seed;
  c.data = bnn_gap_data(data);
  if (data_out) *data_out = data;
  return c;
}

ModelInfo bnn_model_info() {
  ModelInfo m;
  m.name = "bnn";
  m.kind = ModelKind::Trainer;
  m.summary = "Bayesian neural network 1\u2192H\u21921 on 1D data with a gap: mean-field Gaussian weights by Bayes by backprop "
              "(local reparameterization), predictive band, MAP network beside it";
  m.step_unit = "steps";
  m.default_steps = 5000;
  m.takes_data = true;
  m.params = bnn_settings();
  return m;
}

}  // namespace vi
