// app/cli/list.cpp — `vilab list`: every target, model, family, optimizer, objective, estimator
// and grid preset, as text or (--json) JSON.
#include "app/cli/subcommand.hpp"

#include "vi/engine/fit_grid.hpp"
#include "vi/families/family.hpp"
#include "vi/models/models.hpp"
#include "vi/objectives/objective_spec.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/targets/formula.hpp"
#include "vi/targets/targets.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <utility>

namespace vilab {

namespace {

using nlohmann::json;

// A model's entry in `vilab list --json`: its settings, and how it is fitted when the engine's
// families do not fit it.
json model_json(const vi::ModelInfo& m) {
  json params = json::array();
  for (const auto& p : m.params)
    params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.lo}, {"max", p.hi}, {"help", p.help},
                      {"integer", p.integer}});
  json j{{"name", m.name}, {"summary", m.summary}, {"params", params}, {"takes_data", m.takes_data}};
  if (m.kind == vi::ModelKind::Trainer) j["trainer"] = true;
  if (m.kind == vi::ModelKind::Cavi) j["cavi"] = true;
  if (m.kind != vi::ModelKind::Fitted) j["step_unit"] = m.step_unit;
  return j;
}

// A model's lines in `vilab list`.
void print_model(const vi::ModelInfo& m) {
  switch (m.kind) {
    case vi::ModelKind::Fitted: std::printf("  %-11s %s\n", m.name.c_str(), m.summary.c_str()); break;
    case vi::ModelKind::Trainer:
      std::printf("  %-11s %s (own trainer; --steps counts %s)\n", m.name.c_str(), m.summary.c_str(), m.step_unit.c_str());
      break;
    case vi::ModelKind::Cavi:
      std::printf("  %-11s %s (CAVI; --steps caps the %s)\n", m.name.c_str(), m.summary.c_str(), m.step_unit.c_str());
      break;
  }
  for (const auto& p : m.params)
    std::printf("  %-11s   --set %s=%g  (%g … %g%s) %s\n", "", p.name.c_str(), p.default_value, p.lo, p.hi,
                p.integer ? ", whole" : "", p.help.c_str());
}

int cmd_list(bool as_json) {
  json j;
  for (const auto& t : vi::target_registry()) {
    json params = json::array();
    for (const auto& p : t.params)
      params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.lo}, {"max", p.hi}, {"help", p.help}});
    j["targets"].push_back({{"name", t.name}, {"summary", t.summary}, {"params", params}, {"note", vi::make_target(t.name)->note()}});
  }
  j["targets"].push_back({{"name", vi::kFormulaTarget}, {"summary", vi::formula_summary()}, {"params", json::array()},
                          {"note", vi::formula_syntax_help()}});
  for (const auto& m : vi::model_registry()) j["models"].push_back(model_json(m));
  for (const auto& f : vi::family_registry()) j["families"].push_back({{"name", f.name}, {"summary", f.summary}});
  for (const auto& o : vi::optimizer_registry()) j["optimizers"].push_back({{"name", o.name}, {"summary", o.summary}});
  const std::pair<const char*, const std::vector<vi::NamedChoice>*> choices[] = {
      {"objectives", &vi::objective_choices()},
      {"estimators", &vi::estimator_choices()},
      {"baselines", &vi::baseline_choices()},
      {"samplings", &vi::sampling_choices()}};
  for (const auto& [key, list] : choices)
    for (const auto& c : *list) j[key].push_back({{"name", c.name}, {"summary", c.summary}});
  for (const auto& g : vi::fit_grid_registry()) j["grids"].push_back({{"name", g.name}, {"summary", g.summary}});
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << "targets:\n";
  for (const auto& t : vi::target_registry()) {
    std::printf("  %-11s %s\n", t.name.c_str(), t.summary.c_str());
    for (const auto& p : t.params)
      std::printf("  %-11s   --set %s=%g  (%g … %g) %s\n", "", p.name.c_str(), p.default_value, p.lo, p.hi, p.help.c_str());
  }
  std::printf("  %-11s %s\n", vi::kFormulaTarget, vi::formula_summary().c_str());
  std::printf("  %-11s   --formula \"EXPR\" --formula-box x0,x1,y0,y1. %s\n", "", vi::formula_syntax_help().c_str());
  std::cout << "models (vilab run --model NAME):\n";
  for (const auto& m : vi::model_registry()) print_model(m);
  std::cout << "families:\n";
  for (const auto& f : vi::family_registry()) std::printf("  %-11s %s\n", f.name.c_str(), f.summary.c_str());
  std::cout << "optimizers:\n";
  for (const auto& o : vi::optimizer_registry()) std::printf("  %-11s %s\n", o.name.c_str(), o.summary.c_str());
  for (const auto& [key, list] : choices) {
    std::printf("%s:\n", key);
    for (const auto& c : *list) std::printf("  %-13s %s\n", c.name.c_str(), c.summary.c_str());
  }
  std::cout << "grids (vilab grid PRESET, vilab gui --grid PRESET):\n";
  for (const auto& g : vi::fit_grid_registry()) std::printf("  %-20s %s\n", g.name.c_str(), g.summary.c_str());
  return 0;
}

class ListCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override { app.add_flag("--json", as_json_, "print JSON"); }
  int execute() override { return cmd_list(as_json_); }

 private:
  bool as_json_ = false;
};

}  // namespace

std::unique_ptr<Subcommand> make_list_command() { return std::make_unique<ListCommand>(); }

}  // namespace vilab
