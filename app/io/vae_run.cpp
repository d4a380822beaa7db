// app/io/vae_run.cpp — `vilab run --model vae`: train headless for N epochs, then report the ELBO and
// its terms (train and held-out), the per-latent KL, and the held-out amortization gap.
#include "app/io/model_runs.hpp"

#include "vi/models/vae_settings.hpp"
#include "vi/models/vae_trainer.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace vilab {

namespace {

using nlohmann::json;

json stats_json(const vi::VaeEpochStats& s) {
  return {{"epoch", s.epoch},
          {"train_elbo", s.train_elbo},
          {"train_recon", s.train_recon},
          {"train_kl", s.train_kl},
          {"heldout_elbo", s.heldout_elbo},
          {"heldout_recon", s.heldout_recon},
          {"heldout_kl", s.heldout_kl},
          {"kl_per_latent", {s.kl_per_latent[0], s.kl_per_latent[1]}}};
}

}  // namespace

json vae_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t steps) {
  using clock = std::chrono::steady_clock;
  const vi::VaeConfig c = vi::vae_config_from_settings(settings, seed);
  vi::VaeTrainer t(c);  // throws std::invalid_argument on a bad combination (e.g. gap_images)
  const auto t0 = clock::now();
  t.train_epochs(int(std::min<int64_t>(steps, 100000)));
  const double seconds = std::chrono::duration<double>(clock::now() - t0).count();
  const vi::VaeEpochStats& last = t.history().back();
  json j = stats_json(last);
  j["model"] = "vae";
  j["networks"] = t.model().describe();
  j["seed"] = seed;
  j["epochs"] = t.epoch();
  j["minibatch_steps"] = t.steps();
  j["beta"] = c.beta;
  j["likelihood"] = vi::vae_likelihood_name(c.likelihood);
  j["train_objective"] = last.train_objective;
  j["diverged"] = t.diverged();
  j["seconds"] = seconds;
  j["epochs_per_s"] = seconds > 0 ? double(t.epoch()) / seconds : 0.0;
  json hist = json::array();
  for (const auto& s : t.history()) hist.push_back(stats_json(s));
  j["history"] = hist;
  if (!t.diverged()) {
    const auto g0 = clock::now();
    const vi::VaeGapSummary g = t.heldout_gap(c.gap_images);
    j["gap_images"] = g.images;
    j["amortization_gap_mean"] = g.mean;
    j["amortization_gap_sd"] = g.sd;
    j["amortization_gaps"] = g.gaps;
    j["approximation_gap_mean"] = g.approximation_mean;
    j["gap_elbo_encoder_mean"] = g.elbo_encoder_mean;
    j["gap_elbo_optimal_mean"] = g.elbo_optimal_mean;
    j["gap_log_px_mean"] = g.log_px_mean;
    j["gap_seconds"] = std::chrono::duration<double>(clock::now() - g0).count();
  }
  return j;
}

void print_vae_run(const json& j) {
  std::printf("VAE on 8x8 digits (%s), %s likelihood, beta %g, seed %llu\n", j.value("networks", "").c_str(),
              j.value("likelihood", "").c_str(), j.value("beta", 1.0), (unsigned long long)j.value("seed", 0ull));
  std::printf("  epochs        %d (%.1f epochs/s)%s\n", j.value("epochs", 0), j.value("epochs_per_s", 0.0),
              j.value("diverged", false) ? "  DIVERGED" : "");
  std::printf("  ELBO          train %.3f   held-out %.3f   (nats per image)\n", j.value("train_elbo", 0.0),
              j.value("heldout_elbo", 0.0));
  std::printf("    recon       train %.3f   held-out %.3f\n", j.value("train_recon", 0.0), j.value("heldout_recon", 0.0));
  std::printf("    KL          train %.3f   held-out %.3f   per latent %.3f, %.3f\n", j.value("train_kl", 0.0),
              j.value("heldout_kl", 0.0), j["kl_per_latent"][0].get<double>(), j["kl_per_latent"][1].get<double>());
  if (j.contains("amortization_gap_mean")) {
    std::printf("  amortization gap   %.4f ± %.4f nats (mean ± sd over %d held-out images)\n",
                j["amortization_gap_mean"].get<double>(), j["amortization_gap_sd"].get<double>(),
                j["gap_images"].get<int>());
    std::printf("  approximation gap  %.4f nats (log p(x) − ELBO(q*), same images)\n",
                j["approximation_gap_mean"].get<double>());
  }
  std::cout << "  (vilab run --model vae --json for every number)\n";
}

}  // namespace vilab
