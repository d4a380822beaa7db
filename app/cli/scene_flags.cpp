// app/cli/scene_flags.cpp — the fit's flags shared by run, shot, gui and gradvar
// (app/cli/scene_flags.hpp).
//
// [SECTION] Helpers
// [SECTION] The flags
// [SECTION] From flags to a checked scene
#include "app/cli/scene_flags.hpp"

#include "app/io/lessons.hpp"
#include "vi/core/check.hpp"
#include "vi/families/family.hpp"
#include "vi/objectives/objective_spec.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/models/models.hpp"
#include "vi/targets/targets.hpp"
#include "vi/targets/formula.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace vilab {

namespace {

// [SECTION] Helpers

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

}  // namespace

const vi::ModelInfo* own_fit_model(const std::string& name) {
  const vi::ModelInfo* m = vi::find_model(name);
  return m && m->kind != vi::ModelKind::Fitted ? m : nullptr;
}

// [SECTION] The flags

namespace {

// --formula-box's value: one "x0,x1,y0,y1" (or four values), the box the formula is shown and
// integrated on.
bool set_formula_box(SceneFlags& f, const CLI::results_t& r) {
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
}

// The problem: a target (or a formula) or a model.
void add_problem_flags(CLI::App* app, SceneFlags& f) {
  const vi::Scene defaults;
  std::vector<std::string> targets = vi::target_names();
  targets.push_back(vi::kFormulaTarget);  // its log p~ from --formula, on --formula-box
  f.target_opt = app->add_option("--target,-t", f.scene.target, "2D target posterior (formula: your own, see --formula)")
                     ->check(CLI::IsMember(targets))
                     ->default_str(defaults.target);
  app->add_option("--formula", f.scene.formula,
                  "--target formula: log p~(z1, z2) as a formula, e.g. \"-0.5*(z1^2 + z2^2)\" (vilab list says the syntax)");
  app->add_option("--formula-box", [&f](const CLI::results_t& r) { return set_formula_box(f, r); },
                  "--target formula: the box x0,x1,y0,y1 it is shown and integrated on (default -4,4,-4,4)")
      ->expected(1)->type_name("X0,X1,Y0,Y1");
  const std::vector<std::string> models = vi::all_model_names();
  app->add_option("--model", f.model,
                  "a small Bayesian model instead of a target: " + vi::join(models, ", ") +
                      " (normal-gamma and gmm are fitted by CAVI, the others after logreg by their own trainer; "
                      "their settings by --set, e.g. --set n=50)")
      ->check(CLI::IsMember(models));
}

// Minibatches, the learning-rate schedule, the family and the optimizer.
void add_fit_flags(CLI::App* app, SceneFlags& f) {
  const vi::Scene defaults;
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
}

// The samples and the objective with its estimator (gradvar takes S and the estimators as lists).
void add_objective_flags(CLI::App* app, SceneFlags& f, bool for_gradvar) {
  const vi::Scene defaults;
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
}

// The seed, gradient clipping, the convergence rule, k̂ and the target's --set values.
void add_run_flags(CLI::App* app, SceneFlags& f) {
  const vi::Scene defaults;
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
}

// The family's options (flow depth, RealNVP conditioner, rank, mixture components).
void add_family_option_flags(CLI::App* app, SceneFlags& f) {
  auto& fo = f.scene.family_options;
  // One flag per family option (--K, --hidden, --layers, --rank, --components, --component), with
  // the range and words of the families' tables.
  for (const vi::FamilyParam& p : vi::all_family_params())
    app->add_option("--" + p.spec.name, fo.*p.field, vi::family_option_help(p.spec.name))
        ->check(CLI::Range(int(p.spec.lo), int(p.spec.hi)))->default_str(std::to_string(fo.*p.field));
  for (const vi::FamilyChoice& c : vi::all_family_choices())
    app->add_option("--" + c.name, fo.*c.field, vi::family_option_help(c.name))
        ->check(CLI::IsMember(c.allowed))->default_str(fo.*c.field);
}

// Annealing, the entropy's estimate, q's start and the quadrature grid.
void add_start_flags(CLI::App* app, SceneFlags& f, bool grid_is_quad_grid) {
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
}

}  // namespace

void add_scene_flags(CLI::App* app, SceneFlags& f, SceneFlagSet set) {
  // In the order `--help` lists them.
  add_problem_flags(app, f);
  add_fit_flags(app, f);
  add_objective_flags(app, f, set.for_gradvar);
  add_run_flags(app, f);
  add_family_option_flags(app, f);
  add_start_flags(app, f, set.grid_is_quad_grid);
  // A scene file sets the whole fit: a flag beside it would silently lose to the file or win over
  // it, so the two are exclusive (edit the file, or drop --scene).
  const std::vector<CLI::Option*> fit_flags = app->get_options([app](const CLI::Option* o) { return o->nonpositional() && o != app->get_help_ptr(); });
  CLI::Option* scene_opt = app->add_option("--scene", f.scene_path, "a scene file (scenes/README.md): its fit instead of the flags above");
  CLI::Option* lesson_opt = app->add_option("--lesson,--preset", f.lesson, "a lesson of scenes/ by name: " + lesson_names());
  for (CLI::Option* o : fit_flags) scene_opt->excludes(o), lesson_opt->excludes(o);
  lesson_opt->excludes(scene_opt);
}

// [SECTION] From flags to a checked scene

namespace {

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

}  // namespace

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
    if (own_fit_model(f.model)) {
      // A CAVI or trained model is not a Scene: its --set values are its settings.
      f.model_settings = std::move(f.scene.target_params);
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

}  // namespace vilab
