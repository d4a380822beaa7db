// app/cli/run.cpp — `vilab run`: one fit headless (a 2D target or a model fitted by the engine's
// families), or a CAVI model, or a model with its own trainer; its result as text or JSON.
//
// [SECTION] Models with their own fitting
// [SECTION] A fit of the engine
// [SECTION] The subcommand
#include "app/cli/subcommand.hpp"

#include "app/cli/scene_flags.hpp"
#include "app/io/export_csv.hpp"
#include "app/io/run_summary.hpp"
#include "app/io/scene_file.hpp"
#include "app/io/model_runs.hpp"
#include "vi/analysis/fit_diagnostics.hpp"
#include "vi/core/check.hpp"
#include "vi/engine/run.hpp"
#include "vi/models/models.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <span>
#include <stdexcept>

namespace vilab {

namespace {

using nlohmann::json;

// [SECTION] Models with their own fitting

// `vilab run --model NAME` for a model the engine's families do not fit (its own trainer, or
// CAVI): its headless run (app/io/model_runs.hpp) from its checked --set values, for --steps of its
// step unit (its default_steps without --steps).
int cmd_run_model(const vi::ModelInfo& m, const vi::ParamValues& settings, uint64_t seed, int64_t steps, bool steps_given,
                  bool as_json) {
  const ModelRun* run = find_model_run(m.name);
  if (!run) throw std::invalid_argument("--model: " + m.name + " has no headless run");
  const json j = run->run_json(settings, seed, steps_given ? steps : m.default_steps);
  if (as_json || !run->print) std::cout << j.dump(2) << "\n";
  else run->print(j);
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


// What taking the steps found besides the Run's own state.
struct Stepped {
  double seconds = 0;         // wall time of the steps alone
  bool auto_stopped = false;  // the convergence rule stopped the fit
};

// Takes up to `steps` steps (fewer when the fit diverges or the convergence rule stops it),
// writing the traces to `csv` when it is open: its header and first row, a row every `csv_every`
// steps, and the last.
Stepped take_steps(vi::Run& run, const vi::Scene& scene, int64_t steps, std::ofstream& csv, int64_t csv_every) {
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
  Stepped s;
  const auto t0 = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < steps && run.status() == vi::RunStatus::Ok && !s.auto_stopped; ++i) {
    run.step();
    s.auto_stopped = run.take_convergence_stop();
    if (!csv.is_open()) continue;
    const bool last = i + 1 == steps || run.status() != vi::RunStatus::Ok || s.auto_stopped;
    if (run.steps() % csv_every == 0 || last) csv_row();
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

// `vilab run` without --json: the fit's result as text (`j` is its summary JSON).
void print_run_text(const vi::Scene& scene, const vi::Run& run, const Stepped& stepped, const vi::Metrics& m,
                    const vi::Moments& q, const vi::Moments& pm, const vi::FitDiagnostics& diag, const json& j) {
  const vi::ObjectiveSpec& spec = run.objective();
  const bool forward = spec.kind == vi::ObjectiveKind::ForwardKL;
  const vi::ConvergenceVerdict& v = run.convergence();
  const bool opt = j["forward_kl_optimum"].is_object();
  const double seconds = stepped.seconds;
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
                v.message.empty() ? "not yet converged" : v.message.c_str(), stepped.auto_stopped ? "; auto-stopped" : "",
                v.mean_rel, v.median_rel, scene.converge_window, scene.converge_every);
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
    std::printf("  forward-KL optimum (moment matching): KL(p‖q*) %.6f\n", j["forward_kl_optimum"]["kl_p_q"].get<double>());
}

int cmd_run(const vi::Scene& scene, int64_t steps, bool as_json, const RunOutputs& out) {
  std::ofstream csv, json_file;
  if (!out.csv.empty() && !open_output(csv, "--csv", out.csv)) return 1;
  if (!out.json_out.empty() && !open_output(json_file, "--json-out", out.json_out)) return 1;
  vi::Run run(scene, nullptr, /*record_history=*/false);
  run.watch_convergence(scene.converge_every > 0);
  const Stepped stepped = take_steps(run, scene, steps, csv, out.csv_every);
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
  in.seconds = stepped.seconds;
  in.auto_stopped = stepped.auto_stopped;
  vi::FitDiagnostics diag;
  const json j = run_summary_json(in, &diag);
  if (json_file.is_open()) json_file << j.dump(2) << "\n";
  for (std::ofstream* f : {&csv, &json_file}) {
    if (!f->is_open()) continue;
    f->close();
    if (!*f) {
      std::fprintf(stderr, "vilab run: cannot finish writing '%s' (disk full?)\n", (f == &csv ? out.csv : out.json_out).c_str());
      return 1;
    }
  }
  if (as_json) std::cout << j.dump(2) << "\n";
  else print_run_text(scene, run, stepped, m, q, pm, diag, j);
  if (!ok) {
    std::fprintf(stderr, "vilab run: diverged: %s\n", run.message().c_str());
    return 3;
  }
  return 0;
}

// [SECTION] The subcommand

class RunCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override {
    add_scene_flags(&app, flags_, {.grid_is_quad_grid = true});
    steps_opt_ = app.add_option("--steps,-n", steps_, "optimizer steps (epochs for the VAE)")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("1000");
    app.add_flag("--json", json_, "print one JSON object");
    app.add_option("--save-scene", save_scene_, "write the fit as a scene file (scenes/README.md) before running");
    auto* csv = app.add_option("--csv", out_.csv,
                               "write the traces as CSV: per step the ELBO estimate, the metrics every metrics-every "
                               "steps, and phi (columns in the file's # lines)");
    app.add_option("--csv-every", out_.csv_every, "a CSV row every N steps (and the last step)")
        ->check(CLI::Range(int64_t(1), int64_t(1) << 40))->default_str("1")->needs(csv);
    app.add_option("--json-out", out_.json_out, "also write the summary JSON to this file");
  }

  void prepare() override {
    scene_ = finish_scene(flags_);
    model_ = own_fit_model(flags_.model);
    if (!model_) return;
    if (!out_.csv.empty() || !out_.json_out.empty())
      throw std::invalid_argument("--csv and --json-out: not for --model " + flags_.model +
                                  " (it has its own trainer; use --json)");
    model_settings_ = vi::resolve_model_settings("--set", *model_, flags_.model_settings);
  }

  int execute() override {
    if (model_) return cmd_run_model(*model_, model_settings_, scene_.seed, steps_, steps_opt_ && steps_opt_->count() > 0, json_);
    if (!save_scene_.empty()) {
      SceneFile f;
      if (flags_.file) f = *flags_.file;
      f.scene = scene_;
      try {
        save_scene_file(save_scene_, f);
      } catch (const SceneFileError& e) {
        throw std::invalid_argument(std::string("--save-scene: ") + e.what());
      }
    }
    return cmd_run(scene_, steps_, json_, out_);
  }

 private:
  SceneFlags flags_;
  int64_t steps_ = 1000;
  CLI::Option* steps_opt_ = nullptr;
  bool json_ = false;
  std::string save_scene_;
  RunOutputs out_;
  // What prepare builds for execute.
  vi::Scene scene_;
  const vi::ModelInfo* model_ = nullptr;  // --model's entry when the engine's families do not fit it
  vi::ParamValues model_settings_;
};

}  // namespace

std::unique_ptr<Subcommand> make_run_command() { return std::make_unique<RunCommand>(); }

}  // namespace vilab
