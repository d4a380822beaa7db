// vi/models/models.hpp — the one registry of models, and make_problem over targets and models.
//
// Every model is listed here once, whoever fits it (ModelKind):
//   - fitted by the engine's families: a Problem built from data — Bayesian linear regression on
//     Wine (13 dimensions, exact Gaussian posterior) and 1-feature logistic regression (2D, drawn
//     exactly like a target). A Scene's `target` names a 2D target or such a model; make_problem
//     builds either, so the Run, the engine, the CLI and the tests treat both alike.
//   - with its own trainer (the VAE, the BNN): its own parameters, data and views, trained by its
//     own vi::LiveTrainer (settings: vi/models/vae_settings.hpp, vi/models/bnn_settings.hpp).
//   - fitted by CAVI's closed-form coordinate updates (vi/models/cavi_settings.hpp).
// `vilab list`, `vilab run|gui|shot --model`, the controls and the Models menu all read this table:
// adding a model is its vi/models files and one line in model_registry() (models.cpp).
#pragma once

#include "vi/targets/targets.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

// Who fits a model.
enum class ModelKind {
  Fitted,   // a Problem, fitted by any family of the engine (a Scene can name it)
  Trainer,  // its own trainer and window (the VAE, the BNN)
  Cavi,     // coordinate-ascent VI by closed-form updates (its own window)
};

struct ModelInfo {
  std::string name;     // scene and CLI name, e.g. "blr-wine"
  std::string summary;  // one line for `vilab list` and tooltips
  // Fitted: the Problem's parameters (Scene::target_params); the others: the settings `--set`
  // may set (names, defaults, ranges, help).
  std::vector<ParamSpec> params;
  bool takes_data = false;  // Fitted: Scene::data, when non-empty, replaces the default data
  // Fitted: builds the model from complete parameter values and the scene's data (empty = default).
  std::function<std::unique_ptr<Problem>(const ParamValues&, const DataPoints&)> make;
  ModelKind kind = ModelKind::Fitted;
  // What `vilab run --steps` counts ("steps", "epochs", "sweeps"), and its count without --steps.
  std::string step_unit = "steps";
  int64_t default_steps = 1000;
};

// Every model, in the order `vilab list` and `--model`'s help name them.
const std::vector<ModelInfo>& model_registry();
const ModelInfo* find_model(std::string_view name);  // any kind; nullptr when unknown
std::vector<std::string> all_model_names();          // every kind
// The models a Scene can name (ModelKind::Fitted), and whether `name` is one.
std::vector<std::string> model_names();
bool is_model(std::string_view name);

// A model's --set values checked against its settings table (`where` names the flag), defaults
// merged: resolve_params on `params`, for every kind. Throws std::invalid_argument.
ParamValues resolve_model_settings(const std::string& where, const ModelInfo& model, const ParamValues& overrides);

// A 2D target or a model by name, with `overrides` over its default parameters (names and ranges
// checked; integer parameters must be whole) and `data` replacing a model's default data. Throws
// std::invalid_argument naming what is wrong; a target given data is refused.
std::unique_ptr<Problem> make_problem(std::string_view name, const ParamValues& overrides = {},
                                      const DataPoints& data = {});

struct Scene;
// The problem a scene describes: make_problem(scene.target, scene.target_params, scene.data), or
// for target "formula" the FormulaTarget of scene.formula on scene.formula_box (vi/targets/formula.hpp;
// it takes no parameters or data). Every caller that has a Scene uses this one.
std::unique_ptr<Problem> make_problem(const Scene& scene);

// The parameters a problem named `name` takes (a target's or a model's; none for "formula"); throws
// for unknown names.
const std::vector<ParamSpec>& problem_params(std::string_view name);

// Every parameter of `specs` with `overrides` applied, checked (unknown names, ranges, whole
// values for integer parameters): what factories receive. `where` names the target or model.
ParamValues resolve_params(const std::string& where, const std::vector<ParamSpec>& specs, const ParamValues& overrides);

}  // namespace vi
