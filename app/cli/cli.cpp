// app/cli/cli.cpp — the command line: the same engine as the app, no window.
//
// [SECTION] Scene flags shared by run, shot, gui and gradvar
// [SECTION] vilab list
// [SECTION] vilab run
// [SECTION] vilab gradvar
// [SECTION] Dispatch
#include "app/cli/cli.hpp"

#include "app/cli/bench.hpp"
#include "app/io/cavi_settings.hpp"
#include "app/io/trained_models.hpp"
#include "app/io/grid_report.hpp"
#include "app/io/gui_options.hpp"
#include "app/io/fit_spec.hpp"
#include "app/io/lessons.hpp"
#include "app/io/scene_file.hpp"
#include "app/io/export_csv.hpp"
#include "app/io/run_summary.hpp"
#include "app/cli/soak.hpp"
#include "vi/core/check.hpp"
#include "vi/families/family.hpp"
#include "vi/analysis/fit_diagnostics.hpp"
#include "vi/engine/fit_grid.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/objectives/gradvar.hpp"
#include "vi/objectives/moment_matching.hpp"
#include "vi/objectives/objective_spec.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/models/models.hpp"
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"
#include "vi/targets/formula.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <ostream>
#include <stdexcept>
#include <string_view>

namespace vilab {

namespace {

using nlohmann::json;

// [SECTION] Scene flags

struct SceneFlags {
  vi::Scene scene;
  std::vector<std::string> sets;  // "name=value" target parameter overrides
  bool mc_entropy = false;
  // The objective flags are checked by finish_scene (exit 2 with a message naming the flag), and
  // a flag the chosen objective would ignore is refused there when it was given explicitly.
  std::string objective;  // "reverse-kl", "forward-kl", "renyi" or "renyi:α"
  std::string alpha;      // Rényi α (text: parsed strictly)
  int iw = 0;             // --iw K: the importance samples of the Rényi/IWAE bound (sets S)
  std::string model;      // --model NAME: a model (vi/models/models.hpp) instead of a 2D target
  vi::ParamValues cavi_settings;  // a CAVI or trained model's --set values (finish_scene moves them here)
  std::string scene_path;         // --scene FILE: the fit (and, for gui/shot, the whole session) from a scene file
  std::string lesson;             // --lesson NAME: the same from a lesson of scenes/
  std::optional<SceneFile> file;  // … as read by finish_scene
  CLI::Option *target_opt = nullptr, *objective_opt = nullptr, *alpha_opt = nullptr, *estimator_opt = nullptr, *baseline_opt = nullptr,
              *sampling_opt = nullptr, *anneal_opt = nullptr, *mc_entropy_opt = nullptr, *iw_opt = nullptr,
              *samples_opt = nullptr;
};

bool is_cavi_model(const std::string& name) {
  const auto& names = cavi_model_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// A double from the whole of `text`, or std::invalid_argument naming `flag`.
double parse_number(const std::string& flag, const std::string& text) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v))
    throw std::invalid_argument(flag + ": '" + text + "' is not a number");
  return v;
}

// "a number > 0" with a readable message (CLI11's PositiveNumber prints the whole double range).
const CLI::Validator kPositive(
    [](std::string& text) -> std::string {
      try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v > 0 && std::isfinite(v)) return {};
      } catch (const std::exception&) {
      }
      return "'" + text + "' is not a number > 0";
    },
    "NUMBER > 0");

// Which scene flags a subcommand takes. `gradvar` takes --samples and --estimator as lists (the
// S values and estimators to compare), so it asks for the scene flags without those and without
// --baseline and --sampling. `gui` and `shot` take --grid PRESET for the grid view, so the
// quadrature grid's flag is --quad-grid there; `run` keeps --grid as another name for it (it was
// its name before).
struct SceneFlagSet {
  bool for_gradvar = false;
  bool grid_is_quad_grid = false;
};
void add_scene_flags(CLI::App* app, SceneFlags& f, SceneFlagSet set = {}) {
  const bool for_gradvar = set.for_gradvar, grid_is_quad_grid = set.grid_is_quad_grid;
  const vi::Scene defaults;
  std::vector<std::string> targets = vi::target_names();
  targets.push_back(vi::kFormulaTarget);  // its log p~ from --formula, on --formula-box
  f.target_opt = app->add_option("--target,-t", f.scene.target, "2D target posterior (formula: your own, see --formula)")
                     ->check(CLI::IsMember(targets))
                     ->default_str(defaults.target);
  app->add_option("--formula", f.scene.formula,
                  "--target formula: log p~(z1, z2) as a formula, e.g. \"-0.5*(z1^2 + z2^2)\" (vilab list says the syntax)");
  app->add_option("--formula-box", [&f](const CLI::results_t& r) {
       // One value "x0,x1,y0,y1" (or four values): the box the formula is shown and integrated on.
       std::vector<std::string> parts;
       for (const auto& item : r) {
         size_t start = 0;
         for (;;) {
           const size_t comma = item.find(',', start);
           parts.push_back(item.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
           if (comma == std::string::npos) break;
           start = comma + 1;
         }
       }
       if (parts.size() != 4) throw std::invalid_argument("--formula-box: expected x0,x1,y0,y1 (four numbers), got " + std::to_string(parts.size()));
       vi::Box b{parse_number("--formula-box", parts[0]), parse_number("--formula-box", parts[1]),
                 parse_number("--formula-box", parts[2]), parse_number("--formula-box", parts[3])};
       try {
         vi::check_formula_box(b);
       } catch (const std::invalid_argument& e) {
         throw std::invalid_argument(std::string("--formula-box: ") + e.what());
       }
       f.scene.formula_box = b;
       return true;
     }, "--target formula: the box x0,x1,y0,y1 it is shown and integrated on (default -4,4,-4,4)")
      ->expected(1)->type_name("X0,X1,Y0,Y1");
  std::vector<std::string> models = vi::model_names();
  for (const auto& m : cavi_model_names()) models.push_back(m);
  for (const auto& m : trained_models()) models.push_back(m.name);
  app->add_option("--model", f.model,
                  "a small Bayesian model instead of a target: " + vi::join(models, ", ") +
                      " (normal-gamma and gmm are fitted by CAVI, the others after logreg by their own trainer; "
                      "their settings by --set, e.g. --set n=50)")
      ->check(CLI::IsMember(models));
  app->add_option("--batch", f.scene.batch, "models: minibatch size |B|, the likelihood scaled by N/|B| (0 = all data)")
      ->check(CLI::NonNegativeNumber)->default_str("0");
  app->add_option("--lr-schedule", f.scene.lr_schedule, "constant, or decay: lr·(1 + t/τ)^(−κ)")
      ->check(CLI::IsMember({"constant", "decay"}))->default_str(defaults.lr_schedule);
  app->add_option("--decay-kappa", f.scene.decay_kappa, "decay: κ in (0.5, 1]")->default_str(vi::to_text(defaults.decay_kappa));
  app->add_option("--decay-tau", f.scene.decay_tau, "decay: τ > 0 steps")->default_str(vi::to_text(defaults.decay_tau));
  app->add_option("--family,-f", f.scene.family, "variational family")
      ->check(CLI::IsMember(vi::family_names()))
      ->default_str(defaults.family);
  app->add_option("--optimizer,-o", f.scene.optimizer, "optimizer")
      ->check(CLI::IsMember(vi::optimizer_names()))
      ->default_str(defaults.optimizer);
  app->add_option("--lr", f.scene.lr, "learning rate (> 0)")
      ->check(kPositive)
      ->default_str(std::to_string(defaults.lr));
  if (!for_gradvar) {
    f.samples_opt = app->add_option("--samples,-S", f.scene.samples, "Monte Carlo samples per step (1 … 65536)")
                        ->check(CLI::Range(1, 65536))
                        ->default_str(std::to_string(defaults.samples));
    // The Rényi bound of a step is estimated from all its S draws, so the importance samples K of
    // the bound (IWAE's K at α = 0) are S: --iw K is that name for it.
    f.iw_opt = app->add_option("--iw", f.iw, "renyi: importance samples K of the bound (the step's S draws; sets S)")
                   ->check(CLI::Range(1, 65536));
  }
  f.objective_opt = app->add_option("--objective", f.objective,
                                    "what a step maximizes: reverse-kl (the ELBO), forward-kl, renyi or renyi:α")
                        ->default_str(defaults.objective);
  f.alpha_opt = app->add_option("--alpha", f.alpha,
                                "Rényi α in [" + vi::to_text(vi::kAlphaMin) + ", " + vi::to_text(vi::kAlphaMax) +
                                    "] (renyi only): 1 = ELBO, 0 = IWAE with K = S")
                    ->default_str(vi::to_text(defaults.alpha));
  if (!for_gradvar) {
    f.estimator_opt = app->add_option("--estimator", f.scene.estimator,
                                      "gradient estimator (reverse-kl, renyi): " + vi::join(vi::estimator_names(), ", "))
                          ->default_str(defaults.estimator);
    f.baseline_opt = app->add_option("--baseline", f.scene.baseline,
                                     "score estimator's baseline: " + vi::join(vi::baseline_names(), ", "))
                         ->default_str(defaults.baseline);
    f.sampling_opt = app->add_option("--sampling", f.scene.sampling,
                                     "forward-kl: exact (draws of p from the grid) or snis (importance sampling from q)")
                         ->default_str(defaults.sampling);
  }
  app->add_option("--seed", f.scene.seed, "random seed")->default_str(std::to_string(defaults.seed));
  app->add_option("--grad-clip", f.scene.grad_clip, "clip the gradient's norm to this before each update (0 = off)")
      ->check(CLI::NonNegativeNumber)->default_str("0");
  app->add_flag("--auto-stop", f.scene.auto_stop, "stop when the convergence rule says converged");
  app->add_option("--converge-every", f.scene.converge_every, "convergence rule: evaluate the ELBO every N steps (0 = off)")
      ->check(CLI::Range(0, 1000000))->default_str(std::to_string(defaults.converge_every));
  app->add_option("--converge-window", f.scene.converge_window, "convergence rule: relative changes in the window")
      ->check(CLI::Range(1, 10000))->default_str(std::to_string(defaults.converge_window));
  app->add_option("--converge-tol", f.scene.converge_tol, "convergence rule: tolerance on the relative ELBO change")
      ->check(kPositive)->default_str(vi::to_text(defaults.converge_tol));
  app->add_option("--converge-statistic", f.scene.converge_statistic, "convergence rule: mean, median or either (Stan)")
      ->check(CLI::IsMember({"mean", "median", "either"}))->default_str(defaults.converge_statistic);
  app->add_option("--khat-every", f.scene.khat_every, "app: PSIS k̂ and ESS every N steps (0 = off)")
      ->check(CLI::Range(0, 1000000))->default_str(std::to_string(defaults.khat_every));
  app->add_option("--set", f.sets, "target parameter override, e.g. --set rho=0.95 (repeatable)");
  auto& fo = f.scene.family_options;
  app->add_option("--K", fo.K, "flow depth: planar/radial layers, RealNVP coupling layers (1 … 64)")
      ->check(CLI::Range(1, 64))->default_str(std::to_string(fo.K));
  app->add_option("--hidden", fo.hidden, "RealNVP conditioner width (1 … 256)")
      ->check(CLI::Range(1, 256))->default_str(std::to_string(fo.hidden));
  app->add_option("--layers", fo.depth, "RealNVP conditioner hidden layers (1 … 4)")
      ->check(CLI::Range(1, 4))->default_str(std::to_string(fo.depth));
  app->add_option("--rank", fo.rank, "lowrank: rank r of B in Σ = diag d² + BBᵀ (1 … 64)")
      ->check(CLI::Range(1, 64))->default_str(std::to_string(fo.rank));
  app->add_option("--components", fo.components, "mixture: number of components (1 … 16)")
      ->check(CLI::Range(1, 16))->default_str(std::to_string(fo.components));
  app->add_option("--component", fo.component, "mixture: the components' family")
      ->check(CLI::IsMember({"fullrank", "meanfield"}))->default_str(fo.component);
  f.anneal_opt = app->add_option("--anneal", f.scene.anneal, "β-annealing over T steps: β_t = min(1, 0.01 + t/T) (0 = off)")
      ->check(CLI::Range(0, 100000000))->default_str("0");
  f.mc_entropy_opt = app->add_flag("--mc-entropy", f.mc_entropy, "estimate the entropy by Monte Carlo instead of in closed form");
  app->add_option("--init-mean", [&f](const CLI::results_t& r) {
       f.scene.init_mean_x = parse_number("--init-mean", r.at(0));  // not std::stod: its exceptions name no flag
       f.scene.init_mean_y = parse_number("--init-mean", r.at(1));
       return true;
     }, "q's initial mean (two numbers)")->expected(2)->type_name("X Y");
  app->add_option("--init-log-sd", f.scene.init_log_sd, "q's initial log standard deviation");
  app->add_option(grid_is_quad_grid ? "--quad-grid,--grid" : "--quad-grid", f.scene.grid,
                  "quadrature grid cells per axis (16 … 2048)")
      ->check(CLI::Range(16, 2048));
  // A scene file sets the whole fit: a flag beside it would silently lose to the file or win over
  // it, so the two are exclusive (edit the file, or drop --scene).
  const std::vector<CLI::Option*> fit_flags = app->get_options([app](const CLI::Option* o) { return o->nonpositional() && o != app->get_help_ptr(); });
  CLI::Option* scene_opt = app->add_option("--scene", f.scene_path, "a scene file (scenes/README.md): its fit instead of the flags above");
  CLI::Option* lesson_opt = app->add_option("--lesson,--preset", f.lesson, "a lesson of scenes/ by name: " + lesson_names());
  for (CLI::Option* o : fit_flags) scene_opt->excludes(o), lesson_opt->excludes(o);
  lesson_opt->excludes(scene_opt);
}

// The objective flags: names and α checked here so that the message names the flag, and flags the
// objective would ignore refused when given explicitly (a silently ignored flag misleads).
void finish_objective(SceneFlags& f) {
  vi::Scene& sc = f.scene;
  const auto given = [](const CLI::Option* o) { return o && o->count() > 0; };
  if (!f.objective.empty()) {
    const auto colon = f.objective.find(':');
    sc.objective = f.objective.substr(0, colon);
    vi::check_member("--objective", "objective", sc.objective, vi::objective_names());
    if (colon != std::string::npos) {
      if (sc.objective != "renyi")
        throw std::invalid_argument("--objective: only renyi takes a parameter (renyi:α), got '" + f.objective + "'");
      if (given(f.alpha_opt)) throw std::invalid_argument("--alpha: α is already given in --objective " + f.objective);
      sc.alpha = parse_number("--objective", f.objective.substr(colon + 1));
      vi::check_range("--objective", "Rényi α", sc.alpha, vi::kAlphaMin, vi::kAlphaMax);
    }
  }
  if (given(f.alpha_opt)) {
    sc.alpha = parse_number("--alpha", f.alpha);
    vi::check_range("--alpha", "Rényi α", sc.alpha, vi::kAlphaMin, vi::kAlphaMax);
  }
  vi::check_member("--estimator", "estimator", sc.estimator, vi::estimator_names());
  vi::check_member("--baseline", "baseline", sc.baseline, vi::baseline_names());
  vi::check_member("--sampling", "sampling", sc.sampling, vi::sampling_names());
  const bool forward = sc.objective == "forward-kl";
  if (given(f.alpha_opt) && sc.objective != "renyi")
    throw std::invalid_argument("--alpha: only --objective renyi uses α (the objective is " + sc.objective + ")");
  if (given(f.estimator_opt) && forward)
    throw std::invalid_argument("--estimator: forward-kl has no estimator to choose (its gradient E_p[∇φ log q] is "
                                "taken at draws of p); choose how p is drawn with --sampling exact|snis");
  if (given(f.baseline_opt) && (forward || sc.estimator != "score"))
    throw std::invalid_argument("--baseline: only --estimator score uses a baseline");
  if (given(f.sampling_opt) && !forward)
    throw std::invalid_argument("--sampling: only --objective forward-kl draws from p (the objective is " + sc.objective + ")");
  if (given(f.anneal_opt) && sc.anneal > 0 && forward)
    throw std::invalid_argument("--anneal: forward-kl has no target term to anneal (it draws from p itself)");
  if (given(f.iw_opt)) {
    if (sc.objective != "renyi")
      throw std::invalid_argument("--iw: only --objective renyi has importance samples (the objective is " + sc.objective + ")");
    if (given(f.samples_opt) && sc.samples != f.iw)
      throw std::invalid_argument("--iw: K is the step's S draws; --samples " + std::to_string(sc.samples) +
                                  " and --iw " + std::to_string(f.iw) + " disagree");
    sc.samples = f.iw;
  }
  if (given(f.mc_entropy_opt) && (sc.objective != "reverse-kl" || sc.estimator == "stl"))
    throw std::invalid_argument("--mc-entropy: only reverse-kl with --estimator reparam or score uses H[q] in closed "
                                "form; the others always estimate log q by Monte Carlo");
}

// Applies --set, --mc-entropy and the objective flags and validates the whole scene (throws
// std::invalid_argument).
vi::Scene finish_scene(SceneFlags& f) {
  if (!f.lesson.empty()) {
    f.file = find_lesson(f.lesson);  // std::invalid_argument naming the known lessons
    f.scene = f.file->scene;
    return f.scene;
  }
  if (!f.scene_path.empty()) {
    try {
      f.file = load_scene_file(f.scene_path);
    } catch (const SceneFileError& e) {
      throw std::invalid_argument(std::string("--scene: ") + e.what());
    }
    f.scene = f.file->scene;
    return f.scene;
  }
  for (const auto& s : f.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--set: expected name=value, got '" + s + "'");
    const std::string name = s.substr(0, eq), text = s.substr(eq + 1);
    size_t used = 0;
    double value = 0;
    try {
      value = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != text.size())
      throw std::invalid_argument("--set: '" + text + "' is not a number (in '" + s + "')");
    f.scene.target_params[name] = value;
  }
  f.scene.analytic_entropy = !f.mc_entropy;
  finish_objective(f);
  if (!f.model.empty()) {
    if (f.target_opt && f.target_opt->count() > 0)
      throw std::invalid_argument("--model: give a target (--target) or a model (--model), not both");
    if (is_cavi_model(f.model) || find_trained_model(f.model)) {
      // A CAVI or trained model is not a Scene: its --set values are its settings.
      f.cavi_settings = std::move(f.scene.target_params);
      f.scene.target_params.clear();
      f.scene.validate();
      return f.scene;
    }
    f.scene.target = f.model;
  }
  if (f.scene.target != vi::kFormulaTarget && !f.scene.formula.empty())
    throw std::invalid_argument("--formula: only --target formula uses a formula (the target is " + f.scene.target + ")");
  if (f.scene.target == vi::kFormulaTarget && !f.sets.empty())
    throw std::invalid_argument("--set: --target formula takes no parameters (write the numbers into --formula)");
  if (!f.sets.empty()) {
    // The problem's own check first, so that only its messages are attributed to --set.
    try {
      vi::make_problem(f.scene.target, f.scene.target_params);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("--set: ") + e.what());
    }
  }
  f.scene.validate();
  return f.scene;
}

// [SECTION] vilab list

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
  for (const auto& m : vi::model_registry()) {
    json params = json::array();
    for (const auto& p : m.params)
      params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.lo}, {"max", p.hi}, {"help", p.help},
                        {"integer", p.integer}});
    j["models"].push_back({{"name", m.name}, {"summary", m.summary}, {"params", params}, {"takes_data", m.takes_data}});
  }
  for (const auto& m : trained_models()) {
    json params = json::array();
    for (const auto& p : m.settings)
      params.push_back({{"name", p.name}, {"default", p.default_value}, {"min", p.lo}, {"max", p.hi}, {"help", p.help},
                        {"integer", p.integer}});
    j["models"].push_back({{"name", m.name}, {"summary", m.summary}, {"params", params}, {"takes_data", true},
                           {"trainer", true}, {"step_unit", m.step_unit}});
  }
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
  for (const auto& m : vi::model_registry()) {
    std::printf("  %-11s %s\n", m.name.c_str(), m.summary.c_str());
    for (const auto& p : m.params)
      std::printf("  %-11s   --set %s=%g  (%g … %g%s) %s\n", "", p.name.c_str(), p.default_value, p.lo, p.hi,
                  p.integer ? ", whole" : "", p.help.c_str());
  }
  for (const auto& m : trained_models()) {
    std::printf("  %-11s %s (own trainer; --steps counts %s)\n", m.name.c_str(), m.summary.c_str(), m.step_unit.c_str());
    for (const auto& p : m.settings)
      std::printf("  %-11s   --set %s=%g  (%g … %g%s) %s\n", "", p.name.c_str(), p.default_value, p.lo, p.hi,
                  p.integer ? ", whole" : "", p.help.c_str());
  }
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

// [SECTION] vilab run

// `vilab run --model normal-gamma|gmm`: CAVI to convergence (at most --steps sweeps), its settings
// from --set (names as in CaviCliOptions), with the exact references where they exist.
// The options of `vilab run --model normal-gamma|gmm` from its flags: --set names and values checked
// here, before anything runs (throws std::invalid_argument).
CaviCliOptions cavi_options(const SceneFlags& f, int64_t steps) {
  CaviCliOptions o;
  o.seed = f.scene.seed;
  o.max_iterations = int(std::clamp<int64_t>(steps, 1, 1000000));
  if (f.model == "gmm") o.n = 200;
  struct Setting {
    const char* name;
    double* d;
    int* i;
  };
  const Setting settings[] = {{"n", nullptr, &o.n},          {"mu_true", &o.mu_true, nullptr}, {"tau_true", &o.tau_true, nullptr},
                              {"mu0", &o.mu0, nullptr},       {"lambda0", &o.lambda0, nullptr}, {"a0", &o.a0, nullptr},
                              {"b0", &o.b0, nullptr},         {"K", nullptr, &o.K},             {"dim", nullptr, &o.dim},
                              {"sigma", &o.sigma, nullptr},   {"tol", &o.tol, nullptr}};
  std::vector<std::string> allowed;
  for (const auto& st : settings) allowed.push_back(st.name);
  for (const auto& [name, v] : f.cavi_settings) {  // parsed by finish_scene
    vi::check_member("--set", "setting of " + f.model, name, allowed);
    for (const auto& st : settings) {
      if (name != st.name) continue;
      if (st.d) *st.d = v;
      else if (v != std::floor(v)) throw std::invalid_argument("--set: " + name + " must be a whole number, got " + vi::to_text(v));
      else if (std::abs(v) > 1e9) throw std::invalid_argument("--set: " + name + " = " + vi::to_text(v) + " is out of range");  // int(v) would overflow
      else *st.i = int(v);
    }
  }
  return o;
}

int cmd_run_cavi(const std::string& model, CaviCliOptions o, bool as_json) {
  o.trace = as_json;
  const json j = cavi_run_json(model, o);
  if (as_json) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::printf("%s by CAVI, seed %llu\n", model.c_str(), (unsigned long long)o.seed);
  std::printf("  iterations   %d (%s)\n", j.value("iterations", 0), j.value("converged", false) ? "converged" : "not converged");
  std::printf("  ELBO         %.6f\n", j.value("elbo", 0.0));
  if (j.contains("log_evidence")) std::printf("  log evidence %.6f\n", j["log_evidence"].get<double>());
  std::cout << "  (vilab run --model " << model << " --json for every number)\n";
  return 0;
}

// `vilab run --model NAME` for a model with its own trainer (app/io/trained_models.hpp): its own
// headless run with its --set values (checked against its settings by vi::resolve_params first).
int cmd_run_trained(const TrainedModel& m, const vi::ParamValues& settings, uint64_t seed, int64_t steps, bool steps_given,
                    bool as_json) {
  const json j = m.run_json(settings, seed, steps_given ? steps : m.default_steps);
  if (as_json) std::cout << j.dump(2) << "\n";
  else if (m.print) m.print(j);
  else std::cout << j.dump(2) << "\n";
  return 0;
}

// `vilab run --model` without --json: per coordinate, the exact and fitted means and sds.
void print_model_table(const vi::Run& run, const vi::Moments& q, const vi::Moments& pm) {
  const auto names = run.problem().coordinate_names();
  std::printf("  %-22s %10s %10s %10s %10s %8s\n", "coordinate", "exact mean", "q mean", "exact sd", "q sd", "sd ratio");
  for (Eigen::Index i = 0; i < q.mean.size(); ++i) {
    const double es = std::sqrt(pm.cov(i, i)), qs = std::sqrt(q.cov(i, i));
    std::printf("  %-22s %10.4f %10.4f %10.4f %10.4f %8.3f\n", names[size_t(i)].c_str(), pm.mean(i), q.mean(i), es, qs, qs / es);
  }
}


// The files `vilab run` writes besides what it prints.
struct RunOutputs {
  std::string csv;        // --csv: the traces (app/io/export_csv.hpp)
  int64_t csv_every = 1;  // --csv-every: a row every N steps (and the last)
  std::string json_out;   // --json-out: the summary JSON
};

// Opens `path` for writing (truncating it) before the run, so a bad path fails at once.
bool open_output(std::ofstream& f, const std::string& flag, const std::string& path) {
  errno = 0;
  f.open(path, std::ios::out | std::ios::trunc);
  if (f) return true;
  const std::string why = errno ? std::strerror(errno) : "cannot open it";
  std::fprintf(stderr, "vilab run: %s: cannot write '%s': %s\n", flag.c_str(), path.c_str(), why.c_str());
  return false;
}

int cmd_run(const vi::Scene& scene, int64_t steps, bool as_json, const RunOutputs& out) {
  std::ofstream csv, json_file;
  if (!out.csv.empty() && !open_output(csv, "--csv", out.csv)) return 1;
  if (!out.json_out.empty() && !open_output(json_file, "--json-out", out.json_out)) return 1;
  vi::Run run(scene, nullptr, /*record_history=*/false);
  run.watch_convergence(scene.converge_every > 0);
  const std::vector<std::string> names = run.family().param_names();
  // A traces row: the step's estimate, the metrics at their cadence, φ (app/io/export_csv.hpp).
  const auto csv_row = [&] {
    TraceRow r;
    r.step = run.steps();
    r.objective_estimate = run.last_objective_estimate();
    r.elbo_estimate = run.objective().kind == vi::ObjectiveKind::ReverseKL ? r.objective_estimate : kNoValue;
    if (r.step % scene.metrics_every == 0) {
      const vi::Metrics at = run.metrics(/*full=*/false);  // what the app's history records there
      r.has_metrics = true;
      r.elbo = at.elbo, r.kl_q_p = at.kl_q_p, r.kl_p_q = at.kl_p_q, r.e_log_p = at.e_log_p, r.entropy = at.entropy;
    }
    r.phi = std::span<const double>(run.params().data(), size_t(run.params().size()));
    write_traces_row(csv, r, names.size());
  };
  if (csv.is_open()) {
    write_traces_header(csv, scene, names, "vilab run");
    csv_row();
  }
  const auto t0 = std::chrono::steady_clock::now();
  bool auto_stopped = false;
  for (int64_t i = 0; i < steps && run.status() == vi::RunStatus::Ok && !auto_stopped; ++i) {
    run.step();
    auto_stopped = run.take_convergence_stop();
    if (!csv.is_open()) continue;
    const bool last = i + 1 == steps || run.status() != vi::RunStatus::Ok || auto_stopped;
    if (run.steps() % out.csv_every == 0 || last) csv_row();
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const vi::Metrics m = run.metrics();
  const vi::Moments q = run.family().moments(run.params());
  const auto& pm = run.target_data()->p_moments;
  const bool ok = run.status() == vi::RunStatus::Ok;

  // The summary, shared with the app's Export → Run summary JSON… (app/io/run_summary.hpp).
  RunSummaryInput in;
  in.run = &run;
  in.metrics = m;
  in.steps = run.steps();
  in.ok = ok;
  in.message = run.message();
  in.convergence = run.convergence();
  in.clipped_steps = run.clipped_steps();
  in.seconds = seconds;
  in.auto_stopped = auto_stopped;
  vi::FitDiagnostics diag;
  const json j = run_summary_json(in, &diag);
  const vi::ObjectiveSpec& spec = run.objective();
  const bool forward = spec.kind == vi::ObjectiveKind::ForwardKL;
  const vi::ConvergenceVerdict& v = run.convergence();
  const bool opt = j["forward_kl_optimum"].is_object();
  if (json_file.is_open()) json_file << j.dump(2) << "\n";
  for (std::ofstream* f : {&csv, &json_file}) {
    if (!f->is_open()) continue;
    f->close();
    if (!*f) {
      std::fprintf(stderr, "vilab run: cannot finish writing '%s' (disk full?)\n", (f == &csv ? out.csv : out.json_out).c_str());
      return 1;
    }
  }
  if (as_json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%s / %s / %s, lr %g, S = %d, seed %llu\n", scene.target.c_str(), scene.family.c_str(),
                scene.optimizer.c_str(), scene.lr, scene.samples, (unsigned long long)scene.seed);
    std::printf("  objective    %s, estimator %s\n", vi::objective_label(spec, scene.samples).c_str(),
                vi::estimator_label(spec).c_str());
    std::printf("  steps        %lld in %.3f s (%.0f steps/s)\n", (long long)run.steps(), seconds,
                seconds > 0 ? double(run.steps()) / seconds : 0.0);
    std::printf("  ELBO         %.6f\n", m.elbo);
    // How the exact KLs were computed (Run::metrics): closed form for a Gaussian q on a conjugate
    // model's Gaussian posterior, quadrature in 2D, else Monte Carlo only.
    const bool closed = run.problem().gaussian_posterior() && run.family().gaussian();
    const char* how = closed ? "closed form" : run.problem().dim() == 2 ? "quadrature on q's grid" : "Monte Carlo";
    std::printf("  KL(q‖p)      %.6f ± %.1e (%s); %.6f ± %.6f (Monte Carlo, %d draws)\n", m.kl_q_p, m.kl_q_p_error, how,
                m.kl_q_p_mc, m.kl_q_p_se, scene.metric_samples);
    std::printf("  KL(p‖q)      %.6f (%s)\n", m.kl_p_q, closed ? "closed form" : "quadrature");
    std::printf("  log Z        %.6f (%s)\n", m.log_z, m.log_z_exact ? "exact" : "quadrature");
    std::printf("  PSIS k̂       %.3f (%s), ESS %.0f of %d draws\n", diag.psis.khat, vi::to_string(diag.verdict.cls),
                diag.psis.ess, diag.draws);
    if (scene.converge_every > 0)
      std::printf("  convergence  %s%s (mean relative ELBO change %.2g, median %.2g over the last %d evaluations, every %d steps)\n",
                  v.message.empty() ? "not yet converged" : v.message.c_str(), auto_stopped ? "; auto-stopped" : "", v.mean_rel,
                  v.median_rel, scene.converge_window, scene.converge_every);
    if (scene.grad_clip > 0)
      std::printf("  clipping     %lld of %lld steps had their gradient norm clipped to %g\n", (long long)run.clipped_steps(),
                  (long long)run.steps(), scene.grad_clip);
    if (run.problem().dim() == 2) {
      std::printf("  mean of q    (%.4f, %.4f)   of p (%.4f, %.4f)\n", q.mean(0), q.mean(1), pm.mean(0), pm.mean(1));
      std::printf("  cov of q     [[%.4f, %.4f], [%.4f, %.4f]]\n", q.cov(0, 0), q.cov(0, 1), q.cov(1, 0), q.cov(1, 1));
      std::printf("  cov of p     [[%.4f, %.4f], [%.4f, %.4f]]\n", pm.cov(0, 0), pm.cov(0, 1), pm.cov(1, 0), pm.cov(1, 1));
    } else {
      print_model_table(run, q, pm);
    }
    std::printf("  moment error ‖Δmean‖ %.4f, ‖Δcov‖_F %.4f (against p's %s moments)\n", m.mean_error, m.cov_error,
                m.p_moments_exact ? "exact" : "quadrature");
    if (forward && spec.sampling == vi::PSampling::Snis)
      std::printf("  SNIS ESS     %.1f of %d draws (last step)\n", m.snis_ess, scene.samples);
    if (opt)
      std::printf("  forward-KL optimum (moment matching): KL(p‖q*) %.6f\n",
                  j["forward_kl_optimum"]["kl_p_q"].get<double>());
  }
  if (!ok) {
    std::fprintf(stderr, "vilab run: diverged: %s\n", run.message().c_str());
    return 3;
  }
  return 0;
}

// [SECTION] vilab gradvar

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

// --cavi normal-gamma|gmm (repeatable): which CAVI windows open.
// Presentation mode, text size and high contrast (app/ui/widgets/style.hpp), for `gui` and `shot`.
void add_look_flags(CLI::App* app, GuiOptions& g) {
  app->add_flag("--present", g.present, "presentation mode: larger text, thicker lines, high contrast (F5 in the app)");
  app->add_option("--font-scale", g.font_scale, "text size, 0.6 \u2026 3 (presentation mode: its own size, 1.75 by default)")
      ->check(CLI::Range(0.6f, 3.0f));
  app->add_flag("--high-contrast", g.high_contrast, "black background, white text, saturated plot colours");
  app->add_flag("--keymap", g.keymap, "open the keyboard map (F1)");
}

void open_cavi(GuiOptions& g, const std::vector<std::string>& models) {
  for (const std::string& m : models) (m == "gmm" ? g.cavi_gmm : g.cavi_normal_gamma) = true;
}

// [SECTION] Dispatch

// The whole command line: the flags' storage, the CLI11 parser bound to it, and the three steps
// cli_main takes — parse (CLI11), prepare (build and check everything the chosen subcommand needs:
// the scene, a model's --set values, gradvar's lists, a lesson or comparison name), execute.
// check_cli stops after prepare, so nothing it checks can start a fit, a window or a file.
// Not copyable or movable: CLI11 holds pointers into the members.
class CommandLine {
 public:
  // Adds every subcommand, and the flags of `only` (a subcommand's name; "*": of all of them).
  // CLI11 spends most of a parse adding the ~200 flags, and the fuzz test parses 100k command
  // lines: see subcommand_named for why the others' flags are never needed.
  explicit CommandLine(std::string_view only = "*") : only_(only) {
    app.set_version_flag("--version", std::string("vilab ") + VILAB_VERSION);
    app.require_subcommand(0, 1);

    list = app.add_subcommand("list", "list targets, families, optimizers, objectives and estimators");
    if (wants("list")) {
      list->add_flag("--json", list_json, "print JSON");
    }

    run = app.add_subcommand("run", "run one fit headless and print its result");
    if (wants("run")) {
      add_scene_flags(run, run_flags, {.grid_is_quad_grid = true});
      run_steps_opt = run->add_option("--steps,-n", run_steps, "optimizer steps (epochs for the VAE)")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("1000");
      run->add_flag("--json", run_json, "print one JSON object");
      run->add_option("--save-scene", run_save_scene, "write the fit as a scene file (scenes/README.md) before running");
      auto* csv = run->add_option("--csv", run_out.csv,
                                  "write the traces as CSV: per step the ELBO estimate, the metrics every metrics-every "
                                  "steps, and phi (columns in the file's # lines)");
      run->add_option("--csv-every", run_out.csv_every, "a CSV row every N steps (and the last step)")
          ->check(CLI::Range(int64_t(1), int64_t(1) << 40))->default_str("1")->needs(csv);
      run->add_option("--json-out", run_out.json_out, "also write the summary JSON to this file");
    }

    shot = app.add_subcommand("shot", "run N steps in the app and save the window as PNG");
    if (wants("shot")) {
      add_scene_flags(shot, shot_flags);
      shot->add_option("--steps,-n", shot_steps, "optimizer steps before the shot")->check(CLI::Range(int64_t(0), int64_t(1) << 32))->default_str("300");
      shot->add_option("--out", shot_out, "PNG file to write")->required();
      shot->add_option("--panel", shot_gui.shot_panel, "save one panel, cropped from the window")
          ->check(CLI::IsMember({"density", "metrics", "controls", "timeline"}));
      shot->add_option("--timeline", shot_gui.shot_timeline_step,
                       "record the run's timeline while stepping and show the snapshot at this step (scrubbed back)")
          ->check(CLI::Range(int64_t(0), int64_t(1) << 40));
      shot->add_option("--width", shot_gui.width, "window width in pixels")->check(CLI::Range(320, 8192));
      shot->add_option("--height", shot_gui.height, "window height in pixels")->check(CLI::Range(240, 8192));
      shot->add_option("--compare", shot_gui.compare, "a fit beside the main one, e.g. planar:K=16 (repeatable, up to 3)");
      shot->add_option("--scrub", shot_gui.scrub_layer, "open the layer scrubber at layer k (flows)")->check(CLI::Range(0, 64));
      shot->add_option("--grid", shot_gui.grid, "shoot the grid view of a preset: " + vi::join(vi::fit_grid_names()));
      shot->add_flag("--lessons", shot_gui.lessons, "show the lesson browser in the shot");
      shot->add_flag("--gradvar", shot_gui.gradvar, "open the gradient-variance window (measured before the shot)");
      shot_st = shot->add_option("--step-through", shot_gui.stepk, "open the step-through window with K samples of the next step revealed")
          ->check(CLI::Range(0, 65536));
      shot->add_flag("--landscape", shot_gui.landscape, "open the ELBO landscape window (computed before the shot)");
      shot->add_flag("--trust", shot_gui.trust, "open the k\u0302 plot and show the PSIS-resampled draws");
      shot->add_option("--cavi", shot_cavi, "open a CAVI window (repeatable) and make --steps CAVI updates in it: normal-gamma, gmm")
          ->check(CLI::IsMember({"normal-gamma", "gmm"}));
      add_look_flags(shot, shot_gui);
    }

    bench = app.add_subcommand("bench", "time fixed workloads (W1 planar/U1, W2 mean-field/banana, W3 RealNVP/two-moons)");
    if (wants("bench")) {
      bench->add_option("--repeats", bench_opts.repeats, "repetitions per workload (median reported)")->check(CLI::Range(1, 1000))->default_str("5");
      bench->add_option("--steps", bench_opts.steps, "steps per repetition")->check(CLI::Range(1, 10000000))->default_str("2000");
      bench->add_option("--only", bench_opts.only, "one workload")->check(CLI::IsMember({"W1", "W2", "W3", "W4", "W5"}));
      bench->add_flag("--peer", bench_opts.peer, "also run the PyTorch reference, interleaved (needs python3-torch)");
      bench->add_option("--peer-script", bench_opts.peer_script, "path to peer_torch_vi.py");
      bench->add_flag("--json", bench_opts.json, "print JSON");
      auto* soak = bench->add_flag("--soak", bench_soak,
                                   "instead: the soak test, the engine playing the default scene with a reader at 60 Hz, "
                                   "resident memory watched (app/cli/soak.hpp)");
      bench->add_option("--soak-steps", soak_opts.steps, "the soak's engine steps")
          ->check(CLI::Range(int64_t(1), int64_t(1) << 40))->default_str("1000000")->needs(soak);
      bench->add_option("--soak-compare", soak_opts.compare, "the soak's comparison fits, e.g. planar:K=4 (repeatable, up to 3)")
          ->needs(soak);
      for (const char* other : {"--repeats", "--steps", "--only", "--peer", "--peer-script"}) soak->excludes(other);
    }

    gradvar = app.add_subcommand("gradvar", "variance of the gradient estimators at one φ, against S");
    gradvar->alias("grad-variance");
    if (wants("gradvar")) {
      add_scene_flags(gradvar, gradvar_flags, {.for_gradvar = true});
      gradvar->add_option("--estimator", gradvar_opts.estimators,
                          "estimators to compare, comma-separated, or all: reparam, score, score+loo (leave-one-out "
                          "baseline), stl; for forward-kl: exact, snis")
          ->default_str("all");
      gradvar->add_option("--samples,-S", gradvar_opts.samples, "the S values, comma-separated (each 1 … 65536)")
          ->default_str("1,4,16,64");
      gradvar->add_option("--replicates,--repeats,-R", gradvar_opts.replicates, "independent estimates per cell (2 … 1000000)")
          ->check(CLI::Range(2, 1000000))
          ->default_str("500");
      gradvar->add_option("--steps,-n", gradvar_opts.steps, "fit this many steps first (S = 64, the scene's estimator); 0 = initial q")
          ->check(CLI::Range(int64_t(0), int64_t(1) << 40))
          ->default_str("0");
      gradvar->add_flag("--json", gradvar_opts.json, "print one JSON object");
    }

    grid = app.add_subcommand("grid", "train a grid preset headless and print its KL(q‖p) table");
    if (wants("grid")) {
      grid->add_option("preset", grid_opts.preset, "grid preset: " + vi::join(vi::fit_grid_names()))->default_str(grid_opts.preset);
      grid->add_option("--steps,-n", grid_opts.steps, "optimizer steps per fit")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("10000");
      grid->add_option("--seeds", grid_opts.seeds, "fits per cell, seeds s, s+1, … (1 … 1000)")->check(CLI::Range(1, 1000))->default_str("3");
      grid->add_option("--threads", grid_opts.threads, "worker threads (1 … 256; default: one per hardware thread)")->check(CLI::Range(1, 256));
      grid->add_option("--anneal", grid_opts.anneal, "T of the annealed columns (0 = none; default: the preset's, else 2000)")->check(CLI::Range(0, 100000000));
      grid->add_flag("--json", grid_opts.json, "print JSON");
    }

    gui = app.add_subcommand("gui", "open the app on the scene the flags describe");
    if (wants("gui")) {
      add_scene_flags(gui, gui_flags);
      gui->add_flag("--play", gui_opts.play, "start playing at once");
      gui->add_option("--compare", gui_opts.compare, "a fit beside the main one, e.g. planar:K=16 (repeatable, up to 3)");
      gui->add_option("--scrub", gui_opts.scrub_layer, "open the layer scrubber at layer k (flows)")->check(CLI::Range(0, 64));
      gui->add_option("--grid", gui_opts.grid, "open the grid view of a preset: " + vi::join(vi::fit_grid_names()));
      gui->add_flag("--lessons", gui_opts.lessons, "start with the lesson browser open (keys 1–9 open the first nine lessons)");
      gui->add_flag("--gradvar", gui_opts.gradvar, "open the gradient-variance window");
      gui_st = gui->add_option("--step-through", gui_opts.stepk, "open the step-through window with K samples of the next step revealed")
          ->check(CLI::Range(0, 65536));
      gui->add_flag("--landscape", gui_opts.landscape, "open the ELBO landscape window");
      gui->add_flag("--trust", gui_opts.trust, "open the k\u0302 plot and show the PSIS-resampled draws");
      gui->add_option("--cavi", gui_cavi, "open a CAVI window (repeatable): normal-gamma, gmm")->check(CLI::IsMember({"normal-gamma", "gmm"}));
      add_look_flags(gui, gui_opts);
      gui->add_option("--width", gui_opts.width, "window width in pixels for this session (default: the settings')")
          ->check(CLI::Range(320, 8192))->each([this](const std::string&) { gui_opts.size_from_flags = true; });
      gui->add_option("--height", gui_opts.height, "window height in pixels for this session (default: the settings')")
          ->check(CLI::Range(240, 8192))->each([this](const std::string&) { gui_opts.size_from_flags = true; });
      gui->add_option("--max-fps", gui_opts.max_fps, "hold the frame rate at or below this (1 … 1000; tests of a slow machine)")
          ->check(CLI::Range(1.0, 1000.0));
      gui->add_option("--probe", gui_opts.probe_path,
                      "write a report of every frame to FILE (JSON: the widgets and their rectangles, the windows, the "
                      "app's state), for tests that drive the app with real input");
    }
  }
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses argv. Returns −1 when a subcommand (or the app) is ready for prepare(), else the exit
  // code of what parsing already did: help or version printed to `out` (0), or a one-line error
  // naming the flag printed to `err` (non-zero).
  int parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e, out, err);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e, out, err);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e, out, err);
    } catch (const CLI::ParseError& e) {
      // One line naming the flag and what is allowed, then a non-zero exit.
      err << where() << ": " << e.what() << " (see '" << where() << " --help')\n";
      return e.get_exit_code() ? e.get_exit_code() : 2;
    } catch (const std::exception& e) {
      // A flag's own callback refused its value (e.g. --init-mean's numbers).
      err << where() << ": " << e.what() << "\n";
      return 2;
    }
    return -1;
  }

  // Everything the parsed subcommand needs, built and checked without running it. Throws
  // std::invalid_argument naming the flag.
  void prepare() {
    if (run->parsed()) {
      run_scene = finish_scene(run_flags);
      if (is_cavi_model(run_flags.model)) run_cavi = cavi_options(run_flags, run_steps);
      if ((is_cavi_model(run_flags.model) || find_trained_model(run_flags.model)) &&
          (!run_out.csv.empty() || !run_out.json_out.empty()))
        throw std::invalid_argument("--csv and --json-out: not for --model " + run_flags.model +
                                    " (it has its own trainer; use --json)");
      if (const auto* m = find_trained_model(run_flags.model))
        run_trained_settings = vi::resolve_params("--set", m->settings, run_flags.cavi_settings);
    }
    if (gradvar->parsed()) {
      gradvar_scene = finish_scene(gradvar_flags);
      gradvar_measure = gradvar_options(gradvar_scene, gradvar_opts);
    }
    if (grid->parsed()) vi::check_member("grid", "preset", grid_opts.preset, vi::fit_grid_names());
    if (bench->parsed() && bench_soak) {
      if (soak_opts.compare.size() > 3)
        throw std::invalid_argument("--soak-compare: at most 3 comparison fits, got " + std::to_string(soak_opts.compare.size()));
      const vi::Scene soak_scene;  // the soak's own (the default scene); a named one: GCC 12 warns on a temporary here
      for (const std::string& spec : soak_opts.compare) parse_fit_spec(spec, soak_scene);
    }
    if (shot->parsed()) {
      shot_gui.scene = finish_scene(shot_flags);
      shot_gui.scene_file = shot_flags.file;
      shot_gui.scene_file_path = shot_flags.scene_path;
      if (is_cavi_model(shot_flags.model)) shot_cavi.push_back(shot_flags.model);
      if (find_trained_model(shot_flags.model)) {
        shot_gui.model_windows.push_back(shot_flags.model);
        shot_gui.model_settings = shot_flags.cavi_settings;
      }
      shot_gui.shot_path = shot_out;
      shot_gui.shot_steps = shot_steps;
      shot_gui.step_through = shot_st && shot_st->count() > 0;
      open_cavi(shot_gui, shot_cavi);
      shot_gui.cavi_steps = int(std::min<int64_t>(shot_steps, 100000));
      check_gui_names(shot_gui);
    }
    if (gui->parsed()) {
      gui_opts.scene = finish_scene(gui_flags);
      gui_opts.scene_file = gui_flags.file;
      gui_opts.scene_file_path = gui_flags.scene_path;
      if (is_cavi_model(gui_flags.model)) gui_cavi.push_back(gui_flags.model);
      if (find_trained_model(gui_flags.model)) {
        gui_opts.model_windows.push_back(gui_flags.model);
        gui_opts.model_settings = gui_flags.cavi_settings;
      }
      gui_opts.step_through = gui_st && gui_st->count() > 0;
      open_cavi(gui_opts, gui_cavi);
      check_gui_names(gui_opts);
    }
  }

  // Runs what prepare() built. Throws std::invalid_argument for what only running can find.
  int execute() {
    if (list->parsed()) return cmd_list(list_json);
    if (run->parsed()) {
      if (is_cavi_model(run_flags.model)) return cmd_run_cavi(run_flags.model, run_cavi, run_json);
      if (const auto* m = find_trained_model(run_flags.model))
        return cmd_run_trained(*m, run_trained_settings, run_scene.seed, run_steps, run_steps_opt && run_steps_opt->count() > 0, run_json);
      if (!run_save_scene.empty()) {
        SceneFile f;
        if (run_flags.file) f = *run_flags.file;
        f.scene = run_scene;
        try {
          save_scene_file(run_save_scene, f);
        } catch (const SceneFileError& e) {
          throw std::invalid_argument(std::string("--save-scene: ") + e.what());
        }
      }
      return cmd_run(run_scene, run_steps, run_json, run_out);
    }
    if (bench->parsed() && bench_soak) {
      soak_opts.json = bench_opts.json;
      return run_soak_command(soak_opts);
    }
    if (bench->parsed()) return run_bench(bench_opts);
    if (gradvar->parsed()) return cmd_gradvar(gradvar_scene, gradvar_opts, gradvar_measure);
    if (grid->parsed()) return run_grid_report(grid_opts);
    if (shot->parsed()) return run_gui(shot_gui);
    if (gui->parsed()) return run_gui(gui_opts);
    // No arguments: the app opens on the first lesson with its text, so a first-time user sees
    // what they are looking at (`vilab gui` without flags opens the plain default fit).
    GuiOptions defaults;
    if (!lessons().empty()) defaults.preset = lessons().front().name;
    defaults.restore_last_scene = true;  // … unless the settings remember the last session's scene
    // A test that drives the first launch with real input asks for the report here: this command
    // has no flags to ask with (app/ui/shell/probe.hpp).
    if (const char* probe = std::getenv("VILAB_PROBE"); probe && *probe) defaults.probe_path = probe;
    return run_gui(defaults);
  }

  // "vilab run": the words of the parsed command, for messages.
  std::string where() const {
    std::string w = "vilab";
    for (const auto* sub : app.get_subcommands()) w += " " + sub->get_name();
    return w;
  }

  // The parsed subcommand's name ("" for the app with no arguments).
  std::string command() const {
    const auto subs = app.get_subcommands();
    return subs.empty() ? std::string() : subs.front()->get_name();
  }

  // Every subcommand's flags as the parser knows them (for the fuzz tests' generators).
  std::vector<CliSubcommand> grammar() const {
    std::vector<CliSubcommand> out;
    const auto flags_of = [](const CLI::App& a) {
      std::vector<CliFlag> flags;
      for (const CLI::Option* o : a.get_options()) {
        CliFlag f;
        f.positional = !o->nonpositional();
        f.name = f.positional ? o->get_name() : (o->get_lnames().empty() ? "-" + o->get_snames().front()
                                                                         : "--" + o->get_lnames().front());
        f.values = o->get_type_size_max() == 0 ? 0 : std::max(1, o->get_type_size_max());
        f.type = o->get_type_name();
        flags.push_back(std::move(f));
      }
      return flags;
    };
    out.push_back({"", flags_of(app)});
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      out.push_back({sub->get_name(), flags_of(*sub)});
    return out;
  }

  // The subcommand argv names, for the constructor's `only`: the first argument that is a
  // subcommand's name or alias ("none" when no argument is). The top level takes no option with a
  // value (only --help and --version), and a command line holds at most one subcommand, so this is
  // the subcommand CLI11 will parse; the other subcommands' flags can never be reached.
  static std::string subcommand_named(int argc, const char* const* argv) {
    static const char* const names[] = {"list", "run", "shot", "bench", "gradvar", "grad-variance", "grid", "gui"};
    for (int i = 1; i < argc; ++i)
      for (const char* n : names)
        if (argv[i] && std::string_view(argv[i]) == n) return std::string_view(n) == "grad-variance" ? "gradvar" : n;
    return "none";
  }

 private:
  bool wants(std::string_view name) const { return only_ == "*" || only_ == name; }

  // The names run_gui checks when it starts (a lesson, a grid preset, comparison specs), checked
  // before: a bad name is a parse error, not a window that opens and closes.
  static void check_gui_names(const GuiOptions& g) {
    vi::Scene primary = g.scene;
    if (!g.grid.empty()) vi::check_member("--grid", "grid preset", g.grid, vi::fit_grid_names());
    if (!g.preset.empty()) primary = find_lesson(g.preset).scene;
    for (const std::string& spec : g.compare) parse_fit_spec(spec, primary);
  }

  std::string only_;
  CLI::App app{"vilab — a live laboratory for variational inference.\n"
               "With no arguments, opens the app on its default scene."};
  CLI::App *list = nullptr, *run = nullptr, *shot = nullptr, *bench = nullptr, *gradvar = nullptr, *grid = nullptr,
           *gui = nullptr;
  CLI::Option *run_steps_opt = nullptr, *shot_st = nullptr, *gui_st = nullptr;
  bool list_json = false;
  SceneFlags run_flags;
  int64_t run_steps = 1000;
  bool run_json = false;
  std::string run_save_scene;
  RunOutputs run_out;
  SceneFlags shot_flags;
  int64_t shot_steps = 300;
  std::string shot_out;
  GuiOptions shot_gui;
  std::vector<std::string> shot_cavi;
  BenchOptions bench_opts;
  bool bench_soak = false;
  SoakOptions soak_opts;
  SceneFlags gradvar_flags;
  GradVarFlags gradvar_opts;
  GridReportOptions grid_opts;
  SceneFlags gui_flags;
  GuiOptions gui_opts;
  std::vector<std::string> gui_cavi;
  // What prepare() builds for execute().
  vi::Scene run_scene, gradvar_scene;
  CaviCliOptions run_cavi;
  vi::ParamValues run_trained_settings;
  vi::GradVarOptions gradvar_measure;
};

}  // namespace

int cli_main(int argc, char** argv) {
  CommandLine cl(CommandLine::subcommand_named(argc, argv));
  const int parsed = cl.parse(argc, argv, std::cout, std::cerr);
  if (parsed >= 0) return parsed;
  try {
    cl.prepare();
    return cl.execute();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", cl.where().c_str(), e.what());
    return 2;
  }
}

std::vector<CliSubcommand> cli_grammar() {
  const CommandLine cl;
  return cl.grammar();
}

CliCheck check_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandLine cl(CommandLine::subcommand_named(argc, argv));
  CliCheck c;
  const int parsed = cl.parse(argc, argv, out, err);
  c.command = cl.command();
  if (parsed >= 0) {
    c.exit_code = parsed;
    return c;
  }
  try {
    cl.prepare();
  } catch (const std::invalid_argument& e) {
    err << cl.where() << ": " << e.what() << "\n";
    c.exit_code = 2;
    return c;
  }
  c.valid = true;
  return c;
}

}  // namespace vilab
