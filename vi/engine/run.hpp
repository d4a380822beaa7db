// vi/engine/run.hpp — one fit: φ, optimizer state, random streams, history; step() advances it.
//
// A Run is single-threaded and owns everything it touches. The engine thread steps Runs; the
// CLI and the tests step them directly. Same Scene ⇒ same sequence of φ, bit for bit.
#pragma once

#include "vi/analysis/convergence_rule.hpp"
#include "vi/families/family.hpp"
#include "vi/analysis/fit_diagnostics.hpp"
#include "vi/engine/history.hpp"
#include "vi/models/minibatch.hpp"
#include "vi/objectives/objective.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/core/problem.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/core/rng.hpp"
#include "vi/engine/scene.hpp"

#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace vi {

// The fixed draws a scene's sample cloud is made of: base draws ε (base_rows × 600) and one
// uniform per column (a mixture's choice of component), from the display stream of its seed.
// Run pushes them through q; the layer scrubber pushes them through the first k layers, so its
// cloud at k = K is the same cloud.
struct DisplayDraws {
  Mat eps;
  Vec u;
};
DisplayDraws display_draws(const Scene& scene, int base_rows);

enum class RunStatus { Ok, Diverged };

// Why a run turned Diverged. Either the target: log p~ (TargetValue) or its gradient
// (TargetGradient) is not finite at a draw of the step within reach of the target's box — q puts
// mass where the target is undefined (a formula's log of a negative number), which no step size
// cures. Or the optimization: the objective's estimate (Objective) or its gradient (Gradient) is
// not finite at φ, or the update made φ invalid (Parameters) — the step blew up (the learning rate).
enum class FailureCause { None, TargetValue, TargetGradient, Objective, Gradient, Parameters };

struct RunFailure {
  FailureCause cause = FailureCause::None;
  int64_t step = 0;       // the step that failed (counting from 1)
  int64_t kept_step = 0;  // the step whose φ the run kept (Run::steps() after the failure)
  Vec z;                  // TargetValue, TargetGradient: the draw where it happened
  double log_p = 0;       // log p~ there as the target computes it (NaN, ±∞; finite for TargetGradient)
  bool target() const { return cause == FailureCause::TargetValue || cause == FailureCause::TargetGradient; }
};

// Quantities that describe how good q is right now.
struct Metrics {
  int64_t step = 0;
  double objective_estimate = 0;  // the last training step's estimate of what it maximizes: the
                                  // ELBO, −KL(p‖q) or the Rényi bound (NaN before the first step)
  double elbo_estimate = 0;  // the same when the objective is reverse-kl (the ELBO), else NaN
  double elbo = 0;           // E_q[log p~] (+ H[q] or − E_q[log q]) on the fixed metric draws
                             // (2D: by quadrature on q's grid); always exactly e_log_p + entropy
  double e_log_p = 0;        // the ELBO's first term E_q[log p~], by the same method as elbo
  double entropy = 0;        // its second term H[q] (2D: −∫ q log q on q's grid; else closed form
                             // with the control variate, or −E_q[log q] on the metric draws)
  double kl_q_p = 0;         // KL(q‖p): quadrature on q's own grid (2D), else Monte Carlo
  double kl_q_p_error = 0;   // its stated error: grid n vs n/2 (2D), else the MC standard error
  double kl_q_p_mc = 0;      // KL(q‖p) = E_q[log q − log p~] + log Z on the fixed metric draws
  double kl_q_p_se = 0;      // its standard error (from the sample variance of the draws)
  double kl_p_q = 0;         // KL(p‖q) on the quadrature grid
  double log_z = 0;          // the log Z used: exact when known, else quadrature
  double log_z_error = 0;    // 0 when exact, else the quadrature's stated error
  bool log_z_exact = false;
  double snis_ess = 0;       // forward KL by SNIS: the last step's effective sample size 1/Σw̄² (of S), else NaN
  // q against p's mean and covariance (p's exact moments when known, else quadrature): what the
  // forward-KL optimum of a Gaussian family matches exactly. NaN when skipped (full = false for
  // a flow, whose moments are Monte Carlo over thousands of pushed draws).
  double mean_error = 0;     // ‖mean(q) − mean(p)‖₂
  double cov_error = 0;      // ‖cov(q) − cov(p)‖_F
  bool p_moments_exact = false;
};

// The shared, read-only part of a run that depends only on the target: built once per target
// and handed to every snapshot by pointer.
struct TargetData {
  std::shared_ptr<const Problem> problem;
  TargetReference reference;  // quadrature on the reference box
  double log_z = 0;           // exact when known, else reference.log_z
  bool log_z_exact = false;
  Moments p_moments;          // p's mean and covariance: exact when known, else reference.moments
  bool p_moments_exact = false;
  GridSampler p_sampler;      // exact draws of p from the reference grid (forward KL; 2D targets)
};

std::shared_ptr<const TargetData> make_target_data(const Scene& scene);

class Run {
 public:
  // Throws std::invalid_argument for a bad scene (naming the field). `target` may be passed to
  // share the (expensive) quadrature between runs on the same target.
  // With record_history = false no metric points are computed while stepping (the CLI's timed
  // runs measure the optimization alone).
  explicit Run(const Scene& scene, std::shared_ptr<const TargetData> target = nullptr,
               bool record_history = true);

  // One optimizer step. On non-finite ELBO, gradient or parameters the run turns Diverged and says
  // which quantity failed at which step and why (failure()); further steps do nothing until reset
  // or set_params. The φ it keeps has finite numbers: when the estimate at φ is not finite because
  // the step before blew φ up (a q of infinite scale is still finite φ), the run goes back to
  // the φ before that step (steps() goes back by one, the history with it; when even that φ's ELBO
  // is not finite, to the newest recorded φ whose ELBO is); when the target is
  // undefined where q puts mass, φ is fine and stays.
  void step();
  void step(int64_t n) {
    for (int64_t i = 0; i < n && status_ == RunStatus::Ok; ++i) step();
  }

  // Applies the live-changeable fields of `next` (see Scene::can_continue_into). Throws
  // std::invalid_argument, leaving the run as it was, when check_update would.
  void update_scene(const Scene& next);
  // Replaces φ (the app's drag of q), projected by the family. Throws std::invalid_argument for
  // a φ of the wrong size or one the family refuses, changing nothing. Resets the optimizer's
  // state (its moments belong to the old φ); keeps the step count and history; a diverged run
  // turns Ok again.
  void set_params(const Vec& phi);
  // Throws what update_scene(next) would throw, changing nothing: a caller updating several runs
  // together (the engine and its comparison fits) checks them all before it changes any.
  void check_update(const Scene& next) const;

  int64_t steps() const { return step_; }
  // The parsed objective (β as of the last step) and the workspace of the last step: its draws,
  // log weights and per-draw coefficients (vi/objectives/estimators.hpp), for views that show them.
  const ObjectiveSpec& objective() const { return spec_; }
  const ObjectiveWorkspace& last_estimate() const { return ws_; }
  // The last training step's estimate of its objective (Metrics::objective_estimate without
  // computing the metrics; NaN before the first step): the CLI's per-step trace.
  double last_objective_estimate() const;
  const Vec& params() const { return phi_; }
  RunStatus status() const { return status_; }
  const std::string& message() const { return message_; }
  const RunFailure& failure() const { return failure_; }  // cause None while Ok
  // Unique to this Run object in the process: a new fit (reset, a new scene) has a new id, while a
  // fit that steps, is dragged or takes a live change keeps its own. Views that hold results of a
  // fit (the gradient-variance window) compare it to know whether that fit is still the one shown.
  uint64_t id() const { return id_; }
  const Scene& scene() const { return scene_; }
  const Problem& problem() const { return *target_->problem; }
  const Family& family() const { return *family_; }
  const Optimizer& optimizer() const { return *optimizer_; }
  const std::shared_ptr<const TargetData>& target_data() const { return target_; }
  const History& history() const { return history_; }
  // φ at the history's steps (thinned more when φ is long), for the app's Traces CSV.
  const ParamTrace& param_history() const { return param_history_; }
  // The minibatch of the last step (indices into the model's data; empty when the step used all
  // of them).
  std::span<const int> last_batch() const;
  // The training stream where the next step will draw from (copy it to replay that step's
  // draws without moving the run: vi/analysis/step_through.hpp).
  const Rng& training_rng() const { return rng_; }

  // [SECTION] Trust: watched at the scene's cadences while the run records its history (none of it
  // draws from the training stream, so the trace is the same with or without it).
  // The convergence rule's latest verdict (Scene::converge_*; Stan ADVI's rule on the smooth
  // ELBO of the fixed metric draws, with a 1-nat floor under |ELBO|).
  const ConvergenceVerdict& convergence() const { return rule_.last(); }
  // True once after an evaluation of the rule said stop (Scene::auto_stop): the engine pauses on
  // it, the CLI ends the run. Returns the flag and clears it.
  bool take_convergence_stop() { return std::exchange(stop_pending_, false); }
  bool convergence_stop_pending() const { return stop_pending_; }
  // A run without history (record_history = false: the CLI's timed runs) still evaluates the
  // convergence rule when this is on (`vilab run` reports its verdict and can auto-stop).
  void watch_convergence(bool on) { watch_convergence_ = on; }
  // PSIS k̂, ESS and KL(q‖p) every Scene::khat_every steps (thinned to at most 1024 points as the
  // run grows, like History), and the latest diagnosis with 600 PSIS-resampled draws.
  const std::vector<DiagnosticPoint>& diagnostic_history() const { return diag_history_; }
  const std::shared_ptr<const FitDiagnostics>& last_diagnostics() const { return last_diag_; }
  // Gradient clipping (Scene::grad_clip): steps whose gradient was scaled down, and the norm of
  // the last step's gradient before clipping.
  int64_t clipped_steps() const { return clipped_; }
  double last_grad_norm() const { return last_grad_norm_; }

  // Metrics at the current φ. Deterministic: uses the run's fixed metric draws. With
  // full = false, families whose density is expensive (Family::cheap_density) skip the grid
  // quadratures: KL(q‖p) is then the Monte Carlo estimate and KL(p‖q) is NaN.
  // With grids = false only the Monte Carlo numbers on the fixed metric draws are computed (no
  // quadrature, no moment errors; closed forms kept): the convergence rule's cheap evaluation.
  Metrics metrics(bool full = true, bool grids = true) const;

  // The run's fixed display draws pushed through the current q (2 × M): a cloud that moves
  // smoothly with q instead of flickering.
  Mat display_samples() const;

 private:
  void record_history();
  void add_history(const Metrics& m);  // the history point of metrics m at this step
  void watch();  // history, convergence rule and k̂ at their cadences
  void diagnose(double kl_q_p);
  void fail(const std::string& what);
  // The step's estimate or gradient is not finite: finds out why (failure_), and the φ to keep.
  void fail_estimate(const Problem& problem, double value);
  bool find_target_fault(const Problem& problem, RunFailure& f) const;

  Scene scene_;
  std::shared_ptr<const TargetData> target_;
  std::unique_ptr<Family> family_;
  std::unique_ptr<Optimizer> optimizer_;
  Rng rng_;
  Vec phi_, grad_;
  int64_t step_ = 0;
  double last_value_ = 0;  // the last step's objective estimate
  ObjectiveSpec spec_;
  RunStatus status_ = RunStatus::Ok;
  std::string message_;
  RunFailure failure_;
  uint64_t id_ = 0;
  History history_;
  ParamTrace param_history_;
  ConvergenceRule rule_;
  bool stop_pending_ = false;
  bool watch_convergence_ = false;
  std::vector<DiagnosticPoint> diag_history_;
  int64_t diag_stride_ = 1;  // record every diag_stride_-th evaluation (doubles when thinning)
  int64_t diag_count_ = 0;
  std::shared_ptr<const FitDiagnostics> last_diag_;
  int64_t clipped_ = 0;
  double last_grad_norm_ = 0;

  bool record_;

  // Minibatch SVI (Scene::batch): each step's likelihood comes from |B| of the N data points,
  // chosen from the run's own batch stream, so the ε draws stay those of a full-data run with the
  // same seed (common random numbers across batch sizes). Null when every step uses all the data.
  std::unique_ptr<MinibatchProblem> minibatch_;
  void configure_minibatch();

  // Workspace: sized at construction (and when S changes), reused by every step.
  Draws draws_;
  ObjectiveWorkspace ws_;
  Vec prev_phi_;  // φ before the step: restored when the step produces non-finite parameters
  bool prev_phi_valid_ = false;  // prev_phi_ is φ of step step_ − 1 (not after set_params)
  // Fixed draws for metrics and display; their own random streams. The metric draws come in
  // antithetic pairs (ε, −ε), which cancels the odd part of the Monte Carlo error.
  Mat metric_eps_, display_eps_;
  Vec display_u_;         // the display draws' uniforms (a mixture's choice of component)
  mutable Vec metric_a_;  // the metric draws' weights
  mutable Mat metric_z_;
  mutable Vec metric_logp_, metric_logq_;
  Mat grid_points_;  // the reference grid's cell centres (for KL(p‖q))
  mutable Vec grid_logq_;
  mutable Mat qgrid_points_;  // a grid over q's mass box (for KL(q‖p) by quadrature)
  mutable Vec qgrid_logq_, qgrid_logp_;
  double kl_q_p_on_q_grid(int n) const;
};

// FNV-1a over the bytes of φ: the determinism tests' fingerprint of a run.
uint64_t params_hash(const Vec& phi);

}  // namespace vi
