// app/io/trained_models.hpp — models that bring their own trainer (the VAE, the BNN): what `vilab
// list`, `vilab run --model NAME` and `vilab gui|shot --model NAME` need to know of them.
//
// The 2D targets and the small models of vi/models/models.hpp are Problems the Engine fits with any
// family; CAVI models are fitted by their closed-form updates (app/io/cavi_settings.hpp). A trained
// model has its own parameters, data and views and runs in its own vi::LiveTrainer; the CLI
// treats all of them alike through this registry (one entry per model, one place to add one).
#pragma once

#include "vi/core/types.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vilab {

struct TrainedModel {
  std::string name;                      // "vae", "bnn"
  std::string summary;                   // one line for `vilab list`
  std::string step_unit;                 // what --steps counts: "epochs", "steps"
  int64_t default_steps = 1000;          // `vilab run --model NAME` without --steps
  std::vector<vi::ParamSpec> settings;   // what --set may set (names, defaults, ranges, help)
  // Trains headless from `settings` (complete: defaults merged and range-checked) for `steps`
  // step_units from `seed`, and returns the run's JSON object. Throws std::invalid_argument for
  // settings that fail a check the ranges cannot express.
  nlohmann::json (*run_json)(const std::map<std::string, double>& settings, uint64_t seed, int64_t steps) = nullptr;
  // Prints the human-readable summary of run_json's result (`vilab run` without --json).
  void (*print)(const nlohmann::json& result) = nullptr;
};

const std::vector<TrainedModel>& trained_models();
const TrainedModel* find_trained_model(std::string_view name);  // nullptr when unknown

}  // namespace vilab
