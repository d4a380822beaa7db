// app/io/run_summary.cpp — the run summary JSON (moved here from cmd_run so the app writes the same).
#include "app/io/run_summary.hpp"

#include "vi/targets/formula.hpp"

#include "vi/families/family.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/models/models.hpp"
#include "vi/objectives/moment_matching.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <cmath>
#include <stdexcept>

namespace vilab {

using nlohmann::json;

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

namespace {

// The keys every model adds: its exact references (the evidence, the posterior's mean and sd
// where known) and the ratio of q's marginal sds to the exact ones, per coordinate.
void add_model_json(json& j, const vi::Run& run, const vi::Moments& q, const vi::Moments& pm) {
  const vi::Scene& scene = run.scene();
  if (!vi::is_model(scene.target)) return;
  j["model"] = scene.target;
  j["batch"] = scene.batch;
  j["data_size"] = run.problem().data_size();
  j["lr_schedule"] = scene.lr_schedule;
  if (scene.lr_schedule == "decay") j["decay"] = {{"kappa", scene.decay_kappa}, {"tau", scene.decay_tau}};
  j["coordinate_names"] = run.problem().coordinate_names();
  j["log_evidence"] = run.target_data()->log_z;  // log Z of log p~ = log p(y, w) is the evidence
  j["log_evidence_exact"] = run.target_data()->log_z_exact;
  const vi::Vec exact_sd = pm.cov.diagonal().cwiseSqrt(), q_sd = q.cov.diagonal().cwiseSqrt();
  j["exact_mean"] = vector_json(pm.mean);
  j["exact_sd"] = vector_json(exact_sd);
  j["exact_moments_exact"] = run.target_data()->p_moments_exact;  // else quadrature (2D)
  j["q_sd"] = vector_json(q_sd);
  j["sd_ratio"] = vector_json(q_sd.cwiseQuotient(exact_sd));
  // The mean error in units of each coordinate's posterior sd.
  j["mean_error_in_sd"] = vector_json((q.mean - pm.mean).cwiseQuotient(exact_sd));
  j["elbo_gap"] = run.target_data()->log_z - j["elbo"].get<double>();
}

// Every family option by its name (the families' tables), whichever family the fit uses.
json family_options_json(const vi::FamilyOptions& o) {
  json j = json::object();
  for (const vi::FamilyParam& p : vi::all_family_params()) j[p.spec.name] = o.*p.field;
  for (const vi::FamilyChoice& c : vi::all_family_choices()) j[c.name] = o.*c.field;
  return j;
}

}  // namespace

json run_summary_json(const RunSummaryInput& in, vi::FitDiagnostics* diag_out) {
  const vi::Run& run = *in.run;
  const vi::Scene& scene = run.scene();
  const vi::Metrics& m = in.metrics;
  const vi::Moments q = run.family().moments(run.params());
  const auto& ref = run.target_data()->reference;
  const auto& pm = run.target_data()->p_moments;
  const bool timed = std::isfinite(in.seconds);
  const double steps_per_s = timed ? (in.seconds > 0 ? double(in.steps) / in.seconds : 0.0) : in.steps_per_s;

  json j{{"target", scene.target},
         {"target_params", scene.target_params},
         {"family", scene.family},
         {"family_options", family_options_json(scene.family_options)},
         {"anneal", scene.anneal},
         {"optimizer", scene.optimizer},
         {"lr", scene.lr},
         {"samples", scene.samples},
         {"seed", scene.seed},
         {"analytic_entropy", scene.analytic_entropy},
         {"steps", in.steps},
         {"seconds", timed ? json(in.seconds) : json(nullptr)},
         {"steps_per_s", steps_per_s},
         {"status", in.ok ? "ok" : "diverged"},
         {"message", in.message},
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
         {"param_names", run.family().param_names()},
         {"params", vector_json(run.params())},
         {"params_hash", vi::params_hash(run.params())}};
  if (scene.target == vi::kFormulaTarget) {
    j["formula"] = scene.formula;
    j["formula_box"] = {scene.formula_box.x0, scene.formula_box.x1, scene.formula_box.y0, scene.formula_box.y1};
  }
  // What was maximized and how, with null for the fields this objective does not use.
  const vi::ObjectiveSpec& spec = run.objective();
  const bool forward = spec.kind == vi::ObjectiveKind::ForwardKL;
  j["objective"] = scene.objective;
  j["objective_label"] = vi::objective_label(spec, scene.samples);
  j["alpha"] = spec.kind == vi::ObjectiveKind::Renyi ? json(scene.alpha) : json(nullptr);
  j["estimator"] = forward ? json(nullptr) : json(scene.estimator);
  j["baseline"] = !forward && spec.estimator == vi::Estimator::Score ? json(scene.baseline) : json(nullptr);
  j["sampling"] = forward ? json(scene.sampling) : json(nullptr);
  j["objective_estimate"] = m.objective_estimate;
  j["snis_ess"] = m.snis_ess;
  j["mean_error"] = m.mean_error;
  j["cov_error"] = m.cov_error;
  j["p_moments_exact"] = m.p_moments_exact;
  j["p_mean"] = vector_json(pm.mean);
  j["p_cov"] = matrix_json(pm.cov);
  // The forward-KL optimum of a Gaussian family (moment matching): the fit forward KL should reach.
  j["forward_kl_optimum"] = nullptr;
  const auto opt = vi::forward_kl_optimum(run.family(), pm);
  if (opt && run.problem().dim() == 2) {
    const vi::Mat pts = ref.log_p.points();
    vi::Vec lq(pts.cols());
    run.family().log_density(opt->phi, pts, lq);
    j["forward_kl_optimum"] = {{"mean", vector_json(opt->moments.mean)},
                               {"cov", matrix_json(opt->moments.cov)},
                               {"params", vector_json(opt->phi)},
                               {"kl_p_q", vi::kl_p_q_on_grid(ref, lq)}};
  }
  add_model_json(j, run, q, pm);
  // Can the fit be trusted? PSIS k̂ and the importance-sampling ESS at the final q.
  const vi::FitDiagnostics diag = vi::diagnose_fit(run);
  j["khat"] = std::isfinite(diag.psis.khat) ? json(diag.psis.khat) : json(nullptr);
  j["khat_class"] = vi::to_string(diag.verdict.cls);
  j["khat_flag"] = diag.failure.empty() ? json(vi::to_string(diag.psis.flag)) : json(diag.failure);
  j["ess"] = std::isfinite(diag.psis.ess) ? json(diag.psis.ess) : json(nullptr);
  j["ess_raw"] = std::isfinite(diag.psis.ess_raw) ? json(diag.psis.ess_raw) : json(nullptr);
  j["diagnostic_draws"] = diag.draws;
  // Stan ADVI's convergence rule on the smooth ELBO (and whether it ended the run: --auto-stop).
  const vi::ConvergenceVerdict& v = in.convergence;
  auto num = [](double x) { return std::isfinite(x) ? json(x) : json(nullptr); };
  j["convergence"] = {{"every", scene.converge_every},
                      {"window", scene.converge_window},
                      {"tol", scene.converge_tol},
                      {"statistic", scene.converge_statistic},
                      {"auto_stop", scene.auto_stop},
                      {"auto_stopped", in.auto_stopped},
                      {"changes", v.changes},
                      {"converged", v.converged},
                      {"rel_change", num(v.rel_change)},
                      {"mean_rel", num(v.mean_rel)},
                      {"median_rel", num(v.median_rel)},
                      {"may_be_diverging", v.may_be_diverging},
                      {"below_best", v.below_best},
                      {"message", v.message}};
  j["grad_clip"] = scene.grad_clip;
  j["clipped_steps"] = in.clipped_steps;
  if (diag_out) *diag_out = diag;
  return j;
}

json run_summary_json(const vi::Snapshot& snap) {
  if (!snap.target || !snap.target->data)
    throw std::invalid_argument("run summary: the snapshot has no target (the engine has not published one yet)");
  // Everything below depends on the scene, the target and φ only: the same numbers as the fit's
  // own Run (the determinism tests hold φ bit for bit between the engine and the CLI).
  vi::Run run(snap.scene, snap.target->data, /*record_history=*/false);
  run.set_params(snap.phi);
  RunSummaryInput in;
  in.run = &run;
  in.metrics = snap.metrics;
  if (!snap.metrics_exact) {
    // A flow's light snapshot: the exact numbers now; the training step's estimates stay the
    // snapshot's (a rebuilt Run has taken no step).
    in.metrics = run.metrics(/*full=*/true);
    in.metrics.objective_estimate = snap.metrics.objective_estimate;
    in.metrics.elbo_estimate = snap.metrics.elbo_estimate;
    in.metrics.snis_ess = snap.metrics.snis_ess;
  }
  in.metrics.step = snap.step;
  in.steps = snap.step;
  in.ok = snap.state == vi::EngineState::Paused || snap.state == vi::EngineState::Playing;
  in.message = snap.message;
  in.convergence = snap.convergence;
  in.clipped_steps = snap.clipped_steps;
  in.steps_per_s = snap.steps_per_s;
  return run_summary_json(in);
}

}  // namespace vilab
