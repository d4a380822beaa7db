// app/io/bnn_settings.hpp — the BNN (vi/models/bnn.hpp) as a trained model of the registry
// (app/io/trained_models.hpp): its --set settings, how they become a vi::BnnConfig (the window reads
// them the same way), and its headless run for `vilab run --model bnn` and `vilab bench`.
#pragma once

#include "app/io/trained_models.hpp"
#include "vi/models/bnn.hpp"

#include <map>
#include <string>

namespace vilab {

// The registry entry: name "bnn", settings width, relu, sigma_y, prior_sd, samples, local, lr,
// init_sd, n, noise, data_seed.
TrainedModel bnn_trained_model();

// A complete settings map (defaults merged and range-checked by vi::resolve_params) → the
// configuration and the data settings it describes. `seed` seeds the fit (not the data).
vi::BnnConfig bnn_config_from(const std::map<std::string, double>& settings, uint64_t seed, vi::BnnDataSettings* data = nullptr);

// Trains `steps` steps headless and returns the JSON of `vilab run --model bnn`.
nlohmann::json bnn_run_json(const std::map<std::string, double>& settings, uint64_t seed, int64_t steps);

}  // namespace vilab
