// vi/analysis/step_through.hpp — "Inside one step": one optimizer step of a Run, one Monte Carlo sample
// at a time.
//
// A StepThrough replays the draws the run's next step() will make (a copy of the run's training
// stream: same stream, same order) and computes that step's batch estimate, gradient and
// optimizer update on its own copies of the family and the optimizer. The run is not touched
// until finish(), which calls Run::step() itself: the run then advances exactly one step, with
// the very φ the preview shows (the tests check the two agree bit for bit). The per-sample
// quantities (next()) are a decomposition of that batch for display: their average equals the
// batch gradient up to rounding, but the update is always made from the batch.
//
// Only the reverse-KL ELBO with reparameterization gradients is supported: its estimate is a
// plain average of per-sample terms t_s, so "sample s's contribution" is well defined. Other
// objectives (forward KL, Rényi), other estimators (score, STL) and stratified families (a
// mixture, whose draw weights depend on φ) are refused with std::invalid_argument.
//
// It keeps a pointer to its Run (which must outlive it) and is not thread-safe with respect to
// it: build it, read it and finish() it on the thread that steps the run (for the engine: the
// engine thread; publish copies of the StepSamples).
#pragma once

#include "vi/engine/run.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vi {

// What one sample of the step is made of. z_s = T_φ(ε_s); its ELBO term is
//   t_s = β log p~(z_s) + H[q]          (analytic entropy), or
//   t_s = β log p~(z_s) − log q(z_s)    (Monte Carlo entropy),
// and the batch ELBO estimate is (1/S) Σ_s t_s.
struct StepSample {
  int index = 0;
  Vec eps;                  // ε_s (base_dim)
  Vec z;                    // z_s (dim), as the batch computed it
  std::vector<Vec> layers;  // flows: z after the base (z₀), then after each layer 1 … K (the
                            // last equals z up to rounding); empty for other families
  double log_p = 0;         // log p~(z_s)
  double log_q = 0;         // log q(z_s) along the path
  double term = 0;          // t_s
  Vec grad_log_p;           // ∇_z log p~(z_s)
  std::optional<Vec> grad_log_q;  // ∇_z log q(z_s), when the family has log_density_grad
  // ∂t_s/∂φ (num_params), split into the path through β log p~(z_s(φ)) and the q part: ∇H when
  // the entropy is analytic, else the derivative of −log q(z_s(φ)) along the path.
  Vec grad, grad_target, grad_q;
  // Gaussian families (meanfield, fullrank) only, else empty: the chain rule written out for
  // z = μ + L ε (meanfield: L = diag σ):
  //   ∂(β log p~)/∂μ = β ∇_z log p~(z_s)                        -> dterm_dmu (dim)
  //   ∂(β log p~)/∂L = β ∇_z log p~(z_s) ε_sᵀ, lower triangle    -> dterm_dL (dim × dim; meanfield:
  //                                                                 diagonal only)
  // φ stores log L_ii (log σ_i), so grad_target's diagonal entries are L_ii · dterm_dL(i, i);
  // the entropy's part is in grad_q (and StepThrough::entropy_grad).
  Vec dterm_dmu;
  Mat dterm_dL;
};

// An optimizer's named state vectors, copied (Optimizer::state()).
using OptimizerStateCopy = std::vector<std::pair<std::string, Vec>>;

class StepThrough {
 public:
  // Throws std::invalid_argument for an unsupported objective, estimator or family, or a run that
  // has diverged (its step() would do nothing).
  explicit StepThrough(Run& run);

  int samples() const { return int(eps_.cols()); }
  int revealed() const { return int(samples_.size()); }
  bool complete() const { return revealed() == samples(); }
  // Computes the next sample (in draw order) and returns it; std::out_of_range when complete().
  const StepSample& next();
  void reveal_all();
  const StepSample& sample(int s) const { return samples_.at(size_t(s)); }
  const std::vector<StepSample>& revealed_samples() const { return samples_; }

  const std::vector<std::string>& param_names() const { return names_; }
  const Mat& eps() const { return eps_; }   // all S base draws of the step (base_dim × S)
  double beta() const { return beta_; }
  bool analytic_entropy() const { return analytic_; }
  // ∇_φ H[q] when the entropy is analytic (it is every sample's grad_q then), else empty.
  const Vec& entropy_grad() const { return entropy_grad_; }

  // The batch, exactly as Run::step computes it (available from construction; a view shows them
  // once every sample is revealed).
  double batch_value() const { return batch_value_; }     // the step's ELBO estimate
  const Vec& batch_gradient() const { return batch_grad_; }
  // (1/S) Σ_s grad over the revealed samples: the batch gradient up to rounding once complete().
  Vec averaged_gradient() const;
  // Whether the batch estimate and gradient are finite (else step() will mark the run Diverged).
  bool finite() const { return finite_; }

  const Vec& phi_before() const { return phi_before_; }
  const Vec& phi_after() const { return phi_after_; }  // after the optimizer and the projection
  const Vec& update() const { return update_; }        // phi_after − phi_before
  const OptimizerStateCopy& optimizer_before() const { return opt_before_; }
  const OptimizerStateCopy& optimizer_after() const { return opt_after_; }
  const Moments& moments_before() const { return moments_before_; }
  const Moments& moments_after() const { return moments_after_; }

  // Advances the run by exactly one Run::step(). Returns true when the run's new φ equals
  // phi_after() bit for bit (it always should). Throws std::logic_error when called twice or
  // when the run has moved since construction (its step count or φ changed).
  bool finish();
  bool finished() const { return finished_; }

 private:
  Run* run_;
  std::unique_ptr<Family> family_;  // own copy: the preview never touches the run's scratch
  int64_t step_ = 0;
  double beta_ = 1;
  bool analytic_ = true, finite_ = true, finished_ = false;
  std::vector<std::string> names_;
  Mat eps_;
  ObjectiveWorkspace ws_;
  double batch_value_ = 0;
  Vec batch_grad_, entropy_grad_;
  Vec phi_before_, phi_after_, update_;
  OptimizerStateCopy opt_before_, opt_after_;
  Moments moments_before_, moments_after_;
  std::vector<StepSample> samples_;
};

}  // namespace vi
