// app/io/cavi_run.hpp — the headless result of a CAVI fit as JSON, for `vilab run --model
// normal-gamma|gmm` (app/io/model_runs.hpp) and the tests.
//
// The models' settings and options are in vi/models/cavi_settings.hpp; this file only turns
// options into the JSON object, so the same numbers come out of the app's windows, the CLI and
// the tests.
#pragma once

#include "vi/models/cavi_settings.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vilab {

// The models `model` may name: the registry's CAVI models.
std::vector<std::string> cavi_model_names();  // {"normal-gamma", "gmm"}

// Runs CAVI on `model` and returns {model, iterations, converged, elbo, elbo_trace, q_mean, q_sd,
// …}: for normal-gamma also log_evidence, exact_mean and exact_sd (each [μ, τ]) and the
// posterior's parameters; for gmm the component means and sds (K rows), the true means and the
// responsibilities' hard-assignment accuracy against the true labels (up to relabelling).
// Throws std::invalid_argument for an unknown model or bad settings.
nlohmann::json cavi_run_json(const std::string& model, const vi::CaviOptions& options);

}  // namespace vilab
