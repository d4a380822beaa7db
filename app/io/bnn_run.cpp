// app/io/bnn_run.cpp — `vilab run --model bnn`: train headless for N steps, then report the ELBO and its
// terms, the predictive band's sd in the gap and on the data, the MAP fit beside it, and the
// gradient variance with and without local reparameterization.
#include "app/io/model_runs.hpp"

#include "vi/models/bnn_settings.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace vilab {

namespace {

// The JSON's numbers may be NaN (no grid point in a gap): JSON has no NaN, so null.
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

void print_bnn_run(const nlohmann::json& j) {
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

nlohmann::json bnn_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t steps) {
  const vi::BnnConfig c = vi::bnn_config_from(vi::resolve_params("bnn", vi::bnn_model_info().params, settings), seed);
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

}  // namespace vilab
