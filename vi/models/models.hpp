// vi/models/models.hpp — the registry of small Bayesian models, and make_problem over targets and models.
//
// A model is a Problem built from data: Bayesian linear regression on Wine (13 dimensions, exact
// Gaussian posterior) and 1-feature logistic regression (2D, drawn exactly like a target). A
// Scene's `target` names a 2D target or a model; make_problem builds either, so the Run, the
// engine, the CLI and the tests treat both alike. (CAVI models with closed-form coordinate
// updates are not Problems: vi/cavi_*.hpp.)
#pragma once

#include "vi/targets/targets.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

struct ModelInfo {
  std::string name;     // scene and CLI name, e.g. "blr-wine"
  std::string summary;  // one line for `vilab list` and tooltips
  std::vector<ParamSpec> params;
  bool takes_data = false;  // Scene::data, when non-empty, replaces the default data
  // Builds the model from complete parameter values and the scene's data (empty = default).
  std::function<std::unique_ptr<Problem>(const ParamValues&, const DataPoints&)> make;
};

const std::vector<ModelInfo>& model_registry();
std::vector<std::string> model_names();
bool is_model(std::string_view name);

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
