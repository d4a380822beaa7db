// vi/models/bnn_settings.hpp — the BNN (vi/models/bnn.hpp) as an entry of the model registry
// (vi/models/models.hpp): its settings table, and how complete settings become a vi::BnnConfig
// (`vilab run --model bnn` and the BNN window read them the same way).
#pragma once

#include "vi/models/bnn.hpp"
#include "vi/models/models.hpp"

#include <cstdint>

namespace vi {

// The registry entry: name "bnn", settings width, relu, sigma_y, prior_sd, samples, local, lr,
// init_sd, n, noise, data_seed; its steps are optimizer steps.
ModelInfo bnn_model_info();

// A settings map (missing names take their defaults) → the configuration and the data settings
// it describes. `seed` seeds the fit (not the data).
BnnConfig bnn_config_from(const ParamValues& settings, uint64_t seed, BnnDataSettings* data = nullptr);

}  // namespace vi
