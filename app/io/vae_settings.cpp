// app/io/vae_settings.cpp — `vilab run --model vae`: train headless for N epochs, then report the ELBO and
// its terms (train and held-out), the per-latent KL, and the held-out amortization gap.
#include "app/io/vae_settings.hpp"

#include "vi/models/vae_trainer.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace vilab {

namespace {

using nlohmann::json;

double get(const std::map<std::string, double>& s, const char* name, double fallback) {
  const auto it = s.find(name);
  return it == s.end() ? fallback : it->second;
}

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

json run_json(const std::map<std::string, double>& settings, uint64_t seed, int64_t steps) {
  using clock = std::chrono::steady_clock;
  const vi::VaeConfig c = vae_config_from_settings(settings, seed);
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

void print(const json& j) {
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

}  // namespace

vi::VaeConfig vae_config_from_settings(const std::map<std::string, double>& s, uint64_t seed) {
  vi::VaeConfig c;
  c.hidden = int(get(s, "hidden", c.hidden));
  c.layers = int(get(s, "layers", c.layers));
  c.activation = get(s, "activation", 0) == 1 ? "relu" : "tanh";
  c.beta = get(s, "beta", c.beta);
  c.likelihood = vi::VaeLikelihood(int(get(s, "likelihood", 0)));
  c.sigma_x = get(s, "sigma_x", c.sigma_x);
  c.batch = int(get(s, "batch", c.batch));
  c.lr = get(s, "lr", c.lr);
  c.gap_images = int(get(s, "gap_images", c.gap_images));
  c.seed = seed;
  return c;
}

TrainedModel vae_trained_model() {
  TrainedModel m;
  m.name = "vae";
  m.summary = "variational autoencoder on the 8x8 digits, 2D latent, with the amortization gap";
  m.step_unit = "epochs";
  m.default_steps = 30;
  m.settings = {
      {"hidden", 128, 2, 512, "width of the encoder's and decoder's hidden layers", true},
      {"layers", 1, 1, 3, "hidden layers in each network", true},
      {"activation", 0, 0, 1, "hidden activation: 0 = tanh, 1 = relu", true},
      {"beta", 1, 0, 100, "the KL's weight (β-VAE); the reported ELBO is always the β = 1 one"},
      {"likelihood", 0, 0, 1, "0 = Bernoulli (pixels/16 as cross-entropy targets), 1 = Gaussian with fixed sigma_x", true},
      {"sigma_x", 0.2, 0.01, 10, "the Gaussian likelihood's pixel σ (pixels scaled to [0, 1])"},
      {"batch", 64, 1, 1497, "minibatch size", true},
      {"lr", 1e-3, 1e-6, 1, "Adam's learning rate"},
      {"gap_images", 20, 1, 300, "held-out images averaged for the amortization gap", true},
  };
  m.run_json = &run_json;
  m.print = &print;
  return m;
}

}  // namespace vilab
