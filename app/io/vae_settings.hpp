// app/io/vae_settings.hpp — the VAE's entry in the trained-model registry (app/io/trained_models.hpp):
// its --set settings, `vilab run --model vae` (headless training, JSON) and the settings → config
// mapping the window shares.
#pragma once

#include "app/io/trained_models.hpp"
#include "vi/models/vae.hpp"

#include <map>
#include <string>

namespace vilab {

TrainedModel vae_trained_model();

// A VaeConfig from complete settings (the registry's names: hidden, layers, activation, beta,
// likelihood, sigma_x, batch, lr, gap_images) and a seed; settings not given keep the defaults.
vi::VaeConfig vae_config_from_settings(const std::map<std::string, double>& settings, uint64_t seed);

}  // namespace vilab
