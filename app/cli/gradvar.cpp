// app/cli/gradvar.cpp — `vilab gradvar` (also `grad-variance`): the variance of the gradient
// estimators at one φ, against the number of samples S.
#include "app/cli/subcommand.hpp"

#include "app/cli/scene_flags.hpp"
#include "app/io/run_summary.hpp"
#include "vi/core/check.hpp"
#include "vi/engine/run.hpp"
#include "vi/objectives/gradvar.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace vilab {

namespace {

using nlohmann::json;

// "1,4,16,64" → {1, 4, 16, 64}; std::invalid_argument naming the flag for anything else.
std::vector<int> parse_int_list(const std::string& flag, const std::string& text, int lo, int hi) {
  std::vector<int> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    size_t used = 0;
    long v = 0;
    try {
      v = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size())
      throw std::invalid_argument(flag + ": '" + item + "' is not an integer (expected a list like 1,4,16,64)");
    if (v < lo || v > hi)
      throw std::invalid_argument(flag + ": " + item + " is out of range (each must be in [" + std::to_string(lo) +
                                  ", " + std::to_string(hi) + "])");
    out.push_back(int(v));
    start = comma + 1;
  }
  return out;
}

struct GradVarFlags {
  std::string estimators = "all";
  std::string samples = "1,4,16,64";
  int replicates = 500;
  int64_t steps = 0;
  bool json = false;
};

// The measurement's options from the flags: the S list and the estimators checked here, before
// anything runs (throws std::invalid_argument).
vi::GradVarOptions gradvar_options(const vi::Scene& scene, const GradVarFlags& g) {
  vi::GradVarOptions opt;
  opt.samples = parse_int_list("--samples", g.samples, 1, 65536);
  opt.replicates = g.replicates;
  opt.seed = scene.seed;
  if (g.estimators != "all") {
    const auto allowed = vi::gradient_variants(scene);
    size_t start = 0;
    while (start <= g.estimators.size()) {
      const size_t comma = std::min(g.estimators.find(',', start), g.estimators.size());
      const std::string v = g.estimators.substr(start, comma - start);
      vi::check_member("--estimator", "estimator for " + scene.objective, v, allowed);
      opt.variants.push_back(v);
      start = comma + 1;
    }
  }
  return opt;
}

int cmd_gradvar(const vi::Scene& scene, const GradVarFlags& g, const vi::GradVarOptions& opt) {
  // φ: the scene's own fit after --steps steps (0: its initial q).
  vi::Run run(scene, nullptr, /*record_history=*/false);
  run.step(g.steps);
  if (run.status() != vi::RunStatus::Ok) {
    std::fprintf(stderr, "vilab gradvar: the fit before the measurement diverged: %s\n", run.message().c_str());
    return 3;
  }
  const vi::GradVarTable t = vi::gradient_variance(scene, *run.target_data(), run.params(), opt);
  const vi::ObjectiveSpec spec = run.objective();
  if (g.json) {
    json rows = json::array();
    for (size_t v = 0; v < t.variants.size(); ++v) {
      json cells = json::array();
      for (size_t s = 0; s < t.samples.size(); ++s) {
        const vi::GradVarCell& c = t.at(v, s);
        if (!c.error.empty()) {
          cells.push_back({{"S", c.samples}, {"error", c.error}});
          continue;
        }
        cells.push_back({{"S", c.samples},
                         {"trace_cov", c.trace_cov},
                         {"trace_cov_se", c.trace_cov_se},
                         {"value_mean", c.value_mean},
                         {"value_se", c.value_se},
                         {"mean", vector_json(c.mean)},
                         {"mean_se", vector_json(c.mean_se)},
                         {"ess_mean", c.ess_mean},
                         {"bias_norm", c.bias_norm},
                         {"noise_norm", c.noise_norm}});
      }
      rows.push_back({{"estimator", t.variants[v]}, {"cells", cells}});
    }
    json j{{"target", scene.target},
           {"target_params", scene.target_params},
           {"family", scene.family},
           {"objective", scene.objective},
           {"objective_label", vi::objective_label(spec, scene.samples)},
           {"alpha", spec.kind == vi::ObjectiveKind::Renyi ? json(scene.alpha) : json(nullptr)},
           {"steps", run.steps()},
           {"seed", scene.seed},
           {"replicates", opt.replicates},
           {"samples", t.samples},
           {"param_names", run.family().param_names()},
           {"params", vector_json(run.params())},
           {"exact_gradient", t.exact_gradient.size() ? vector_json(t.exact_gradient) : json(nullptr)},
           {"rows", rows},
           {"reading", t.reading}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s / %s / %s, φ after %lld steps; R = %d estimates per cell, seed %llu\n", scene.target.c_str(),
              scene.family.c_str(), vi::objective_label(spec, 0).c_str(), (long long)run.steps(), opt.replicates,
              (unsigned long long)scene.seed);
  std::printf("tr Cov of one gradient estimate (± standard error)\n%-12s", "estimator");
  for (int S : t.samples) std::printf("  %-22s", ("S = " + std::to_string(S)).c_str());
  std::printf("\n");
  for (size_t v = 0; v < t.variants.size(); ++v) {
    std::printf("%-12s", t.variants[v].c_str());
    for (size_t s = 0; s < t.samples.size(); ++s) {
      const vi::GradVarCell& c = t.at(v, s);
      char cell[64];
      if (!c.error.empty())
        std::snprintf(cell, sizeof cell, "n/a");
      else
        std::snprintf(cell, sizeof cell, "%.4g ± %.2g", c.trace_cov, c.trace_cov_se);
      std::printf("  %-22s", cell);
    }
    std::printf("\n");
  }
  for (const auto& c : t.cells)
    if (!c.error.empty()) std::printf("n/a: %s at S = %d: %s\n", c.variant.c_str(), c.samples, c.error.c_str());
  if (!t.reading.empty()) std::printf("\n%s\n", t.reading.c_str());
  return 0;
}

class GradVarCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override {
    add_scene_flags(&app, flags_, {.for_gradvar = true});
    app.add_option("--estimator", opts_.estimators,
                   "estimators to compare, comma-separated, or all: reparam, score, score+loo (leave-one-out "
                   "baseline), stl; for forward-kl: exact, snis")
        ->default_str("all");
    app.add_option("--samples,-S", opts_.samples, "the S values, comma-separated (each 1 … 65536)")->default_str("1,4,16,64");
    app.add_option("--replicates,--repeats,-R", opts_.replicates, "independent estimates per cell (2 … 1000000)")
        ->check(CLI::Range(2, 1000000))
        ->default_str("500");
    app.add_option("--steps,-n", opts_.steps, "fit this many steps first (S = 64, the scene's estimator); 0 = initial q")
        ->check(CLI::Range(int64_t(0), int64_t(1) << 40))
        ->default_str("0");
    app.add_flag("--json", opts_.json, "print one JSON object");
  }

  void prepare() override {
    scene_ = finish_scene(flags_);
    measure_ = gradvar_options(scene_, opts_);
  }

  int execute() override { return cmd_gradvar(scene_, opts_, measure_); }

 private:
  SceneFlags flags_;
  GradVarFlags opts_;
  // What prepare builds for execute.
  vi::Scene scene_;
  vi::GradVarOptions measure_;
};

}  // namespace

std::unique_ptr<Subcommand> make_gradvar_command() { return std::make_unique<GradVarCommand>(); }

}  // namespace vilab
