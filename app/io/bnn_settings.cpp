// app/io/bnn_settings.cpp — the BNN's registry entry and headless run (see app/io/bnn_settings.hpp).
#include "app/io/bnn_settings.hpp"

#include "vi/models/models.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace vilab {

namespace {

const std::vector<vi::ParamSpec>& bnn_settings() {
  static const std::vector<vi::ParamSpec> specs = {
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

// The JSON's numbers may be NaN (no grid point in a gap): JSON has no NaN, so null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

void print_bnn(const nlohmann::json& j) {
  auto num = [&](const char* key) { return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN; };
  std::printf("bnn %s, %lld steps (%.0f steps/s)\n", j.value("architecture", std::string()).c_str(),
              (long long)j.value("steps", int64_t(0)), num("steps_per_s"));
  std::printf("  ELBO              %.4f  (E_q log-lik %.4f \u2212 KL %.4f)\n", num("elbo"), num("expected_log_lik"), num("kl"));
  std::printf("  predictive sd     %.4f in the gap, %.4f on the data (ratio %.2f)\n", num("predictive_sd_in_gap"),
              num("predictive_sd_on_data"), num("predictive_sd_in_gap") / num("predictive_sd_on_data"));
  std::printf("  MAP               log joint %.4f, training rmse %.4f (a constant: %.4f)\n", num("map_log_joint"),
              num("map_train_rmse"), num("constant_rmse"));
  std::cout << "  (vilab run --model bnn --json for every number)\n";
}

}  // namespace

vi::BnnConfig bnn_config_from(const std::map<std::string, double>& s, uint64_t seed, vi::BnnDataSettings* data_out) {
  auto get = [&](const char* k) {
    const auto it = s.find(k);
    if (it != s.end()) return it->second;
    for (const auto& spec : bnn_settings())
      if (spec.name == k) return spec.default_value;
    return 0.0;
  };
  vi::BnnDataSettings data;
  data.n = int(get("n"));
  data.noise = get("noise");
  data.seed = uint64_t(get("data_seed"));
  vi::BnnConfig c;
  c.width = int(get("width"));
  c.activation = get("relu") != 0 ? vi::nn::Activation::Relu : vi::nn::Activation::Tanh;
  c.sigma_y = get("sigma_y");
  c.prior_sd = get("prior_sd");
  c.samples = int(get("samples"));
  c.local_reparam = get("local") != 0;
  c.lr = get("lr");
  c.init_sd = get("init_sd");
  c.seed = seed;
  c.data = vi::bnn_gap_data(data);
  if (data_out) *data_out = data;
  return c;
}

nlohmann::json bnn_run_json(const std::map<std::string, double>& settings, uint64_t seed, int64_t steps) {
  const vi::BnnConfig c = bnn_config_from(vi::resolve_params("bnn", bnn_settings(), settings), seed);
  vi::BnnTrainer t(c);
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps && !t.diverged(); ++i) t.step();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto s = t.snapshot();
  nlohmann::json j;
  j["model"] = "bnn";
  j["architecture"] = s->architecture;
  j["seed"] = seed;
  j["steps"] = t.steps();
  j["diverged"] = t.diverged();
  j["elbo"] = s->terms.elbo;  // on the 200 fixed draws of the band (plain path, exact KL)
  j["expected_log_lik"] = s->terms.expected_log_lik;
  j["kl"] = s->terms.kl;
  j["map_log_joint"] = s->map_log_joint;
  j["map_train_rmse"] = s->map_rmse;
  j["constant_rmse"] = s->constant_rmse;
  j["predictive_sd_in_gap"] = number(s->gap_sd.in_gap);
  j["predictive_sd_on_data"] = number(s->gap_sd.on_data);
  j["gap"] = s->gap.found ? nlohmann::json::array({s->gap.lo, s->gap.hi}) : nlohmann::json();
  j["mean_weight_sd"] = s->mean_scale;
  j["n"] = c.data.size();
  j["seconds"] = seconds;
  j["steps_per_s"] = seconds > 0 ? double(t.steps()) / seconds : 0.0;
  // Why local reparameterization: the variance of ∂ELBO/∂μ (S = 1, mean over the μ components)
  // at the final φ, over 200 replicates of each estimator.
  vi::Rng rng(seed, vi::kDiagnosticStream);
  const int p = t.model().weight_count();
  const double v_plain = vi::bnn_gradient_spread(t.model(), t.phi(), 1, false, 200, rng).variance.head(p).mean();
  const double v_local = vi::bnn_gradient_spread(t.model(), t.phi(), 1, true, 200, rng).variance.head(p).mean();
  j["grad_var_mu_plain"] = v_plain;
  j["grad_var_mu_local"] = v_local;
  return j;
}

TrainedModel bnn_trained_model() {
  TrainedModel m;
  m.name = "bnn";
  m.summary = "Bayesian neural network 1\u2192H\u21921 on 1D data with a gap: mean-field Gaussian weights by Bayes by backprop "
              "(local reparameterization), predictive band, MAP network beside it";
  m.step_unit = "steps";
  m.default_steps = 5000;
  m.settings = bnn_settings();
  m.run_json = &bnn_run_json;
  m.print = &print_bnn;
  return m;
}

}  // namespace vilab
