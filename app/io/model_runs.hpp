// app/io/model_runs.hpp — the headless runs of the models that are not Problems (a model with its
// own trainer, a CAVI model) as JSON, and their text: what `vilab run --model NAME` prints.
//
// The models themselves, their settings and step units are in the one registry
// (vi/models/models.hpp); this file only adds what needs JSON, which vi/ does not link. The
// models fitted by the engine's families are summarized by app/io/run_summary.hpp instead.
#pragma once

#include "vi/targets/targets.hpp"  // vi::ParamValues

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string_view>

namespace vilab {

struct ModelRun {
  const char* name;  // as in vi::model_registry()
  // Fits headless from `settings` (complete: vi::resolve_model_settings) for `steps` of the
  // model's step unit from `seed`, and returns the run's JSON object. Throws
  // std::invalid_argument for settings that fail a check the ranges cannot express.
  nlohmann::json (*run_json)(const vi::ParamValues& settings, uint64_t seed, int64_t steps);
  // Prints the human-readable summary of run_json's result (`vilab run` without --json).
  void (*print)(const nlohmann::json& result);
};

// The run of a model that is not fitted by the engine's families; nullptr for any other name.
const ModelRun* find_model_run(std::string_view name);

// Each model's run (its own file: app/io/vae_run.cpp, bnn_run.cpp, cavi_run.cpp).
nlohmann::json vae_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t epochs);
void print_vae_run(const nlohmann::json& result);
nlohmann::json bnn_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t steps);
void print_bnn_run(const nlohmann::json& result);
nlohmann::json normal_gamma_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps);
nlohmann::json gmm_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps);
void print_cavi_run(const nlohmann::json& result);

}  // namespace vilab
