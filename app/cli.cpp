// app/cli.cpp — the command line: the same engine as the app, no window.
//
// [SECTION] Scene flags shared by run, shot and gui
// [SECTION] vilab list
// [SECTION] vilab run
// [SECTION] Dispatch
#include "app/cli.hpp"

#include "app/bench.hpp"
#include "app/grid_report.hpp"
#include "app/gui.hpp"
#include "vi/family.hpp"
#include "vi/check.hpp"
#include "vi/fit_grid.hpp"
#include "vi/optimizer.hpp"
#include "vi/run.hpp"
#include "vi/targets.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>

namespace vilab {

namespace {

using nlohmann::json;

// [SECTION] Scene flags

struct SceneFlags {
  vi::Scene scene;
  std::vector<std::string> sets;  // "name=value" target parameter overrides
  bool mc_entropy = false;
};

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

// `gui` and `shot` take --grid PRESET for the grid view, so the quadrature grid's flag is
// --quad-grid there; `run` keeps --grid as another name for it (it was its name before).
void add_scene_flags(CLI::App* app, SceneFlags& f, bool grid_is_quad_grid = false) {
  const vi::Scene defaults;
  app->add_option("--target,-t", f.scene.target, "2D target posterior")
      ->check(CLI::IsMember(vi::target_names()))
      ->default_str(defaults.target);
  app->add_option("--family,-f", f.scene.family, "variational family")
      ->check(CLI::IsMember(vi::family_names()))
      ->default_str(defaults.family);
  app->add_option("--optimizer,-o", f.scene.optimizer, "optimizer")
      ->check(CLI::IsMember(vi::optimizer_names()))
      ->default_str(defaults.optimizer);
  app->add_option("--lr", f.scene.lr, "learning rate (> 0)")
      ->check(kPositive)
      ->default_str(std::to_string(defaults.lr));
  app->add_option("--samples,-S", f.scene.samples, "Monte Carlo samples per step (1 … 65536)")
      ->check(CLI::Range(1, 65536))
      ->default_str(std::to_string(defaults.samples));
  app->add_option("--seed", f.scene.seed, "random seed")->default_str(std::to_string(defaults.seed));
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
  app->add_option("--anneal", f.scene.anneal, "β-annealing over T steps: β_t = min(1, 0.01 + t/T) (0 = off)")
      ->check(CLI::Range(0, 100000000))->default_str("0");
  app->add_flag("--mc-entropy", f.mc_entropy, "estimate the entropy by Monte Carlo instead of in closed form");
  app->add_option("--init-mean", [&f](const CLI::results_t& r) {
       f.scene.init_mean_x = std::stod(r.at(0));
       f.scene.init_mean_y = std::stod(r.at(1));
       return true;
     }, "q's initial mean (two numbers)")->expected(2)->type_name("X Y");
  app->add_option("--init-log-sd", f.scene.init_log_sd, "q's initial log standard deviation");
  app->add_option(grid_is_quad_grid ? "--quad-grid,--grid" : "--quad-grid", f.scene.grid,
                  "quadrature grid cells per axis (16 … 2048)")
      ->check(CLI::Range(16, 2048));
}

// Applies --set and --mc-entropy and validates the whole scene (throws std::invalid_argument).
vi::Scene finish_scene(SceneFlags& f) {
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
  try {
    f.scene.validate();
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(f.sets.empty() ? e.what() : std::string("--set: ") + e.what());
  }
  return f.scene;
}

json matrix_json(const vi::Mat& m) {
  json rows = json::array();
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    rows.push_back(row);
  }
  return rows;
}

json vector_json(const vi::Vec& v) {
  json a = json::array();
  for (Eigen::Index i = 0; i < v.size(); ++i) a.push_back(v(i));
  return a;
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
  for (const auto& f : vi::family_registry()) j["families"].push_back({{"name", f.name}, {"summary", f.summary}});
  for (const auto& o : vi::optimizer_registry()) j["optimizers"].push_back({{"name", o.name}, {"summary", o.summary}});
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
  std::cout << "families:\n";
  for (const auto& f : vi::family_registry()) std::printf("  %-11s %s\n", f.name.c_str(), f.summary.c_str());
  std::cout << "optimizers:\n";
  for (const auto& o : vi::optimizer_registry()) std::printf("  %-11s %s\n", o.name.c_str(), o.summary.c_str());
  std::cout << "grids (vilab grid PRESET, vilab gui --grid PRESET):\n";
  for (const auto& g : vi::fit_grid_registry()) std::printf("  %-20s %s\n", g.name.c_str(), g.summary.c_str());
  return 0;
}

// [SECTION] vilab run

int cmd_run(const vi::Scene& scene, int64_t steps, bool as_json) {
  vi::Run run(scene, nullptr, /*record_history=*/false);
  const auto t0 = std::chrono::steady_clock::now();
  run.step(steps);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const vi::Metrics m = run.metrics();
  const vi::Moments q = run.family().moments(run.params());
  const auto& ref = run.target_data()->reference;
  const bool ok = run.status() == vi::RunStatus::Ok;

  json j{{"target", scene.target},
         {"target_params", scene.target_params},
         {"family", scene.family},
         {"family_options", {{"K", scene.family_options.K}, {"hidden", scene.family_options.hidden},
                             {"layers", scene.family_options.depth}, {"rank", scene.family_options.rank},
                             {"components", scene.family_options.components},
                             {"component", scene.family_options.component}}},
         {"anneal", scene.anneal},
         {"optimizer", scene.optimizer},
         {"lr", scene.lr},
         {"samples", scene.samples},
         {"seed", scene.seed},
         {"analytic_entropy", scene.analytic_entropy},
         {"steps", run.steps()},
         {"seconds", seconds},
         {"steps_per_s", seconds > 0 ? double(run.steps()) / seconds : 0.0},
         {"status", ok ? "ok" : "diverged"},
         {"message", run.message()},
         {"elbo", m.elbo},
         {"elbo_estimate", m.elbo_estimate},
         {"kl_q_p", m.kl_q_p},
         {"kl_q_p_error", m.kl_q_p_error},
         {"kl_q_p_mc", m.kl_q_p_mc},
         {"kl_q_p_se", m.kl_q_p_se},
         {"kl_p_q", m.kl_p_q},
         {"log_z", m.log_z},
         {"log_z_exact", m.log_z_exact},
         {"log_z_error", m.log_z_error},
         {"mean", vector_json(q.mean)},
         {"cov", matrix_json(q.cov)},
         {"p_mean", vector_json(ref.moments.mean)},
         {"p_cov", matrix_json(ref.moments.cov)},
         {"param_names", run.family().param_names()},
         {"params", vector_json(run.params())},
         {"params_hash", vi::params_hash(run.params())}};
  if (as_json) {
    std::cout << j.dump(2) << "\n";
  } else {
    std::printf("%s / %s / %s, lr %g, S = %d, seed %llu\n", scene.target.c_str(), scene.family.c_str(),
                scene.optimizer.c_str(), scene.lr, scene.samples, (unsigned long long)scene.seed);
    std::printf("  steps        %lld in %.3f s (%.0f steps/s)\n", (long long)run.steps(), seconds,
                seconds > 0 ? double(run.steps()) / seconds : 0.0);
    std::printf("  ELBO         %.6f\n", m.elbo);
    std::printf("  KL(q‖p)      %.6f ± %.1e (quadrature on q's grid); %.6f ± %.6f (Monte Carlo, %d draws)\n",
                m.kl_q_p, m.kl_q_p_error, m.kl_q_p_mc, m.kl_q_p_se, scene.metric_samples);
    std::printf("  KL(p‖q)      %.6f (quadrature)\n", m.kl_p_q);
    std::printf("  log Z        %.6f (%s)\n", m.log_z, m.log_z_exact ? "exact" : "quadrature");
    std::printf("  mean of q    (%.4f, %.4f)   of p (%.4f, %.4f)\n", q.mean(0), q.mean(1), ref.moments.mean(0),
                ref.moments.mean(1));
    std::printf("  cov of q     [[%.4f, %.4f], [%.4f, %.4f]]\n", q.cov(0, 0), q.cov(0, 1), q.cov(1, 0), q.cov(1, 1));
    std::printf("  cov of p     [[%.4f, %.4f], [%.4f, %.4f]]\n", ref.moments.cov(0, 0), ref.moments.cov(0, 1),
                ref.moments.cov(1, 0), ref.moments.cov(1, 1));
  }
  if (!ok) {
    std::fprintf(stderr, "vilab run: diverged: %s\n", run.message().c_str());
    return 3;
  }
  return 0;
}

}  // namespace

// [SECTION] Dispatch

int cli_main(int argc, char** argv) {
  CLI::App app{"vilab — a live laboratory for variational inference.\n"
               "With no arguments, opens the app on its default scene."};
  app.set_version_flag("--version", std::string("vilab ") + VILAB_VERSION);
  app.require_subcommand(0, 1);

  auto* list = app.add_subcommand("list", "list targets, families and optimizers");
  bool list_json = false;
  list->add_flag("--json", list_json, "print JSON");

  auto* run = app.add_subcommand("run", "run one fit headless and print its result");
  SceneFlags run_flags;
  int64_t run_steps = 1000;
  bool run_json = false;
  add_scene_flags(run, run_flags, /*grid_is_quad_grid=*/true);
  run->add_option("--steps,-n", run_steps, "optimizer steps")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("1000");
  run->add_flag("--json", run_json, "print one JSON object");

  auto* shot = app.add_subcommand("shot", "run N steps in the app and save the window as PNG");
  SceneFlags shot_flags;
  int64_t shot_steps = 300;
  std::string shot_out;
  GuiOptions shot_gui;
  add_scene_flags(shot, shot_flags);
  shot->add_option("--steps,-n", shot_steps, "optimizer steps before the shot")->check(CLI::Range(int64_t(0), int64_t(1) << 32))->default_str("300");
  shot->add_option("--out", shot_out, "PNG file to write")->required();
  shot->add_option("--width", shot_gui.width, "window width in pixels")->check(CLI::Range(320, 8192));
  shot->add_option("--height", shot_gui.height, "window height in pixels")->check(CLI::Range(240, 8192));
  shot->add_option("--compare", shot_gui.compare, "a fit beside the main one, e.g. planar:K=16 (repeatable, up to 3)");
  shot->add_option("--scrub", shot_gui.scrub_layer, "open the layer scrubber at layer k (flows)")->check(CLI::Range(0, 64));
  shot->add_option("--grid", shot_gui.grid, "shoot the grid view of a preset: " + vi::join(vi::fit_grid_names()));

  auto* bench = app.add_subcommand("bench", "time fixed workloads (W1 planar/U1, W2 mean-field/banana, W3 RealNVP/two-moons)");
  BenchOptions bench_opts;
  bench->add_option("--repeats", bench_opts.repeats, "repetitions per workload (median reported)")->check(CLI::Range(1, 1000))->default_str("5");
  bench->add_option("--steps", bench_opts.steps, "steps per repetition")->check(CLI::Range(1, 10000000))->default_str("2000");
  bench->add_option("--only", bench_opts.only, "one workload")->check(CLI::IsMember({"W1", "W2", "W3"}));
  bench->add_flag("--peer", bench_opts.peer, "also run the PyTorch reference, interleaved (needs python3-torch)");
  bench->add_option("--peer-script", bench_opts.peer_script, "path to peer_torch_vi.py");
  bench->add_flag("--json", bench_opts.json, "print JSON");

  auto* grid = app.add_subcommand("grid", "train a grid preset headless and print its KL(q‖p) table");
  GridReportOptions grid_opts;
  grid->add_option("preset", grid_opts.preset, "grid preset: " + vi::join(vi::fit_grid_names()))->default_str(grid_opts.preset);
  grid->add_option("--steps,-n", grid_opts.steps, "optimizer steps per fit")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("10000");
  grid->add_option("--seeds", grid_opts.seeds, "fits per cell, seeds s, s+1, … (1 … 1000)")->check(CLI::Range(1, 1000))->default_str("3");
  grid->add_option("--threads", grid_opts.threads, "worker threads (1 … 256; default: one per hardware thread)")->check(CLI::Range(1, 256));
  grid->add_option("--anneal", grid_opts.anneal, "T of the annealed columns (0 = none; default: the preset's, else 2000)")->check(CLI::Range(0, 100000000));
  grid->add_flag("--json", grid_opts.json, "print JSON");

  auto* gui = app.add_subcommand("gui", "open the app on the scene the flags describe");
  SceneFlags gui_flags;
  GuiOptions gui_opts;
  add_scene_flags(gui, gui_flags);
  gui->add_flag("--play", gui_opts.play, "start playing at once");
  gui->add_option("--compare", gui_opts.compare, "a fit beside the main one, e.g. planar:K=16 (repeatable, up to 3)");
  gui->add_option("--scrub", gui_opts.scrub_layer, "open the layer scrubber at layer k (flows)")->check(CLI::Range(0, 64));
  gui->add_option("--grid", gui_opts.grid, "open the grid view of a preset: " + vi::join(vi::fit_grid_names()));

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line naming the flag and what is allowed, then a non-zero exit.
    std::string where = "vilab";
    for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::fprintf(stderr, "%s: %s (see '%s --help')\n", where.c_str(), e.what(), where.c_str());
    return e.get_exit_code() ? e.get_exit_code() : 2;
  }

  try {
    if (list->parsed()) return cmd_list(list_json);
    if (run->parsed()) return cmd_run(finish_scene(run_flags), run_steps, run_json);
    if (bench->parsed()) return run_bench(bench_opts);
    if (grid->parsed()) return run_grid_report(grid_opts);
    if (shot->parsed()) {
      shot_gui.scene = finish_scene(shot_flags);
      shot_gui.shot_path = shot_out;
      shot_gui.shot_steps = shot_steps;
      return run_gui(shot_gui);
    }
    if (gui->parsed()) {
      gui_opts.scene = finish_scene(gui_flags);
      return run_gui(gui_opts);
    }
    const GuiOptions defaults;
    return run_gui(defaults);
  } catch (const std::invalid_argument& e) {
    std::string where = "vilab";
    for (const auto* sub : app.get_subcommands()) where += " " + sub->get_name();
    std::fprintf(stderr, "%s: %s\n", where.c_str(), e.what());
    return 2;
  }
}

}  // namespace vilab
