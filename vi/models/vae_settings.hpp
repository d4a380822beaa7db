// vi/models/vae_settings.hpp — the VAE (vi/models/vae_trainer.hpp) as an entry of the model registry
// (vi/models/models.hpp): its settings table, and how complete settings become a vi::VaeConfig
// (`vilab run --model vae` and the VAE window read them the same way).
#pragma once

#include "vi/models/models.hpp"
#include "vi/models/vae.hpp"

#include <cstdint>

namespace vi {

// The registry entry: name "vae", settings hidden, layers, activation, beta, likelihood, sigma_x,
// batch, lr, gap_images; its steps are epochs.
ModelInfo vae_model_info();

// A VaeConfig from settings (the names above) and a seed; settings not given keep the defaults.
VaeConfig vae_config_from_settings(const ParamValues& settings, uint64_t seed);

}  // namespace vi
