// vi/models/vae_settings.cpp — the VAE's registry entry and settings (vi/models/vae_settings.hpp).
#include "vi/models/vae_settings.hpp"

namespace vi {

namespace {

double get(const ParamValues& s, const char* name, double fallback) {
  const auto it = s.find(name);
  return it == s.end() ? fallback : it->second;
}

}  // namespace

VaeConfig vae_config_from_settings(const ParamValues& s, uint64_t seed) {
  VaeConfig c;
  c.hidden = int(get(s, "hidden", c.hidden));
  c.layers = int(get(s, "layers", c.layers));
  c.activation = get(s, "activation", 0) == 1 ? "relu" : "tanh";
  c.beta = get(s, "beta", c.beta);
  c.likelihood = VaeLikelihood(int(get(s, "likelihood", 0)));
  c.sigma_x = get(s, "sigma_x", c.sigma_x);
  c.batch = int(get(s, "batch", c.batch));
  c.lr = get(s, "lr", c.lr);
  c.gap_images = int(get(s, "gap_images", c.gap_images));
  c.seed = seed;
  return c;
}

ModelInfo vae_model_info() {
  ModelInfo m;
  m.name = "vae";
  m.kind = ModelKind::Trainer;
  m.summary = "variational autoencoder on the 8x8 digits, 2D latent, with the amortization gap";
  m.step_unit = "epochs";
  m.default_steps = 30;
  m.takes_data = true;
  m.params = {
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
  return m;
}

}  // namespace vi
