// vi/models/models.cpp — the model table (every kind), and make_problem over targets and models.
#include "vi/models/models.hpp"

#include "vi/core/check.hpp"
#include "vi/models/datasets.hpp"
#include "vi/models/blr.hpp"
#include "vi/models/bnn_settings.hpp"
#include "vi/models/cavi_settings.hpp"
#include "vi/models/vae_settings.hpp"
#include "vi/models/logreg.hpp"
#include "vi/core/registry.hpp"
#include "vi/engine/scene.hpp"
#include "vi/targets/formula.hpp"

#include <cmath>

namespace vi {

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> registry = {
      {"blr-wine",
       "Bayesian linear regression on Wine (13 weights): exact Gaussian posterior and log evidence.",
       {{"sigma_y", 0.6, 0.05, 5,
         "Noise sd σ_y of standardized alcohol given the 12 standardized features (fixed during a fit). "
         "Smaller σ_y trusts the data more: a narrower, more correlated posterior."},
        {"alpha", 1, 0.001, 1000,
         "Prior precision α: w ~ N(0, α⁻¹ I). Large α shrinks every weight toward 0."}},
       false,
       [](const ParamValues& v, const DataPoints&) { return make_blr_wine(v.at("sigma_y"), v.at("alpha")); }},
      {"logreg",
       "Logistic regression on one breast_cancer feature: a 2D posterior over intercept and slope.",
       {{"feature", 0, 0, 29,
         "Which of the 30 features x is (0 = mean radius, 1 = mean texture, … see `vilab list`), "
         "standardized over all 569 patients.",
         true},
        {"n", 40, 1, 569,
         "How many patients the default data draws. Few points: a wide, skewed posterior; all "
         "569: a narrow, nearly Gaussian one. Ignored once the data are edited.",
         true},
        {"prior_sd", 2, 0.1, 20, "Prior sd σ₀: (a, b) ~ N(0, σ₀² I)."},
        {"data_seed", 1, 0, 1000000, "Which patients the default data draws.", true}},
       true,
       [](const ParamValues& v, const DataPoints& data) -> std::unique_ptr<Problem> {
         const int feature = int(v.at("feature"));
         const std::string name = dataset("breast_cancer").feature_names[size_t(feature)];
         DataPoints d = data.empty() ? logreg_default_data(feature, int(v.at("n")), uint64_t(v.at("data_seed"))) : data;
         return std::make_unique<LogisticRegression2D>(std::move(d), v.at("prior_sd"), name);
       }},
      // Models with their own fitting: one line each (their files build the entry).
      normal_gamma_model_info(),
      gmm_model_info(),
      vae_model_info(),
      bnn_model_info(),
  };
  return registry;
}

const ModelInfo* find_model(std::string_view name) {
  for (const auto& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

std::vector<std::string> all_model_names() { return registry_names(model_registry()); }

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& m : model_registry())
    if (m.kind == ModelKind::Fitted) names.push_back(m.name);
  return names;
}

bool is_model(std::string_view name) {
  const ModelInfo* m = find_model(name);
  return m && m->kind == ModelKind::Fitted;
}

ParamValues resolve_model_settings(const std::string& where, const ModelInfo& model, const ParamValues& overrides) {
  return resolve_params(where, model.params, overrides);
}

ParamValues resolve_params(const std::string& where, const std::vector<ParamSpec>& specs, const ParamValues& overrides) {
  std::vector<std::string> allowed;
  for (const auto& p : specs) allowed.push_back(p.name);
  for (const auto& [key, value] : overrides) {
    if (allowed.empty()) throw_invalid(where, "unknown parameter '" + key + "' (" + where + " has no parameters)");
    check_member(where, "parameter", key, allowed);
  }
  ParamValues values;
  for (const auto& p : specs) {
    const auto it = overrides.find(p.name);
    const double v = it == overrides.end() ? p.default_value : it->second;
    // NaN fails the comparison and ±inf lies outside [lo, hi], so this also rejects non-finite values.
    check_range(where, "parameter " + p.name, v, p.lo, p.hi);
    if (p.integer && v != std::floor(v))
      throw_invalid(where, "parameter " + p.name + " is " + to_text(v) + ", but must be a whole number");
    values[p.name] = v;
  }
  return values;
}

const std::vector<ParamSpec>& problem_params(std::string_view name) {
  static const std::vector<ParamSpec> none;
  if (name == kFormulaTarget) return none;  // the formula is its own parameter (Scene::formula)
  if (is_model(name)) return find_model(name)->params;
  for (const auto& t : target_registry())
    if (t.name == name) return t.params;
  std::vector<std::string> allowed = target_names();
  allowed.push_back(kFormulaTarget);
  for (const auto& m : model_names()) allowed.push_back(m);
  check_member("problem", "target or model", name, allowed);
  throw_invalid("problem", "unreachable");
}

std::unique_ptr<Problem> make_problem(std::string_view name, const ParamValues& overrides, const DataPoints& data) {
  for (const auto& m : model_registry()) {
    if (m.name != name || m.kind != ModelKind::Fitted) continue;
    const std::string where = "model " + m.name;
    if (!data.empty() && !m.takes_data) throw_invalid(where, "takes no data points (its data are fixed)");
    return m.make(resolve_params(where, m.params, overrides), data);
  }
  if (!data.empty()) {
    problem_params(name);  // an unknown name: the message lists targets and models
    throw_invalid("target " + std::string(name), "takes no data points (only a model such as logreg does)");
  }
  problem_params(name);
  if (name == kFormulaTarget)
    throw_invalid("target formula", "needs its formula and box: build it from the scene (make_problem(const Scene&))");
  return make_target(name, overrides);
}

std::unique_ptr<Problem> make_problem(const Scene& scene) {
  if (scene.target != kFormulaTarget) return make_problem(scene.target, scene.target_params, scene.data);
  if (!scene.target_params.empty())
    throw_invalid("target formula", "takes no parameters (write the numbers into the formula), got '" +
                                        scene.target_params.begin()->first + "'");
  if (!scene.data.empty()) throw_invalid("target formula", "takes no data points (only a model such as logreg does)");
  return make_formula_target(scene.formula, scene.formula_box);
}

}  // namespace vi
