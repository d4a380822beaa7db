// vi/engine/scene.cpp — validation of a Scene at the engine's boundary.
#include "vi/engine/scene.hpp"

#include "vi/core/check.hpp"
#include "vi/families/family.hpp"
#include "vi/models/models.hpp"
#include "vi/objectives/objective_spec.hpp"
#include "vi/optim/optimizer.hpp"

namespace vi {

void Scene::validate() const {
  // The problem: its name (targets and models), parameter names and ranges, and data.
  const auto problem = make_problem(*this);
  const int dim = problem->dim();
  check_member("scene", "family", family, family_names());
  const auto fam = make_family(family, dim, family_options);  // checks the sizes the family uses
  if (family == "mixture" && samples < family_options.components)
    throw_invalid("scene", "samples S is " + std::to_string(samples) + ", but a mixture of " +
                               std::to_string(family_options.components) + " components needs S ≥ K");
  check_range("scene", "anneal T", anneal, 0, 100000000);
  check_member("scene", "optimizer", optimizer, optimizer_names());
  check_finite("scene", "learning rate", lr);
  check_positive("scene", "learning rate", lr);
  check_range("scene", "samples S", samples, 1, 65536);
  if (batch != 0) {
    if (problem->data_size() == 0)
      throw_invalid("scene", "batch is " + std::to_string(batch) + ", but " + target + " has no data to subsample (use 0)");
    check_range("scene", "batch", batch, 1, problem->data_size());
  }
  check_member("scene", "lr schedule", lr_schedule, {"constant", "decay"});
  if (!(decay_kappa > 0.5 && decay_kappa <= 1))
    throw_invalid("scene", "decay κ is " + to_text(decay_kappa) + ", but must be in (0.5, 1] (Robbins–Monro)");
  check_finite("scene", "decay τ", decay_tau);
  check_positive("scene", "decay τ", decay_tau);
  check_finite("scene", "initial mean x", init_mean_x);
  check_finite("scene", "initial mean y", init_mean_y);
  check_range("scene", "initial log sd", init_log_sd, -20.0, 20.0);
  check_range("scene", "metrics every", metrics_every, 1, 1000000);
  check_range("scene", "metric samples", metric_samples, 16, 1 << 20);
  check_range("scene", "grid", grid, 16, 2048);
  check_finite("scene", "gradient clip", grad_clip);
  if (grad_clip < 0) throw_invalid("scene", "gradient clip is " + to_text(grad_clip) + ", but must be ≥ 0 (0 = off)");
  check_range("scene", "converge every", converge_every, 0, 1000000);
  check_range("scene", "converge window", converge_window, 1, 10000);
  check_finite("scene", "converge tol", converge_tol);
  check_positive("scene", "converge tol", converge_tol);
  check_member("scene", "converge statistic", converge_statistic, {"mean", "median", "either"});
  check_range("scene", "k̂ every", khat_every, 0, 1000000);
  // Names and α, then whether this family can serve the objective in the problem's dimension.
  // Fields the objective does not use
  // (α outside renyi, the baseline outside score, the annealing under forward-kl…) are
  // ignored, as scene.hpp says, but their names and ranges are still checked.
  check_objective_supported(*fam, objective_spec(*this), dim, samples);
}

Scene Scene::compared_with(const Scene& primary) const {
  Scene s = primary;
  s.family = family;
  s.family_options = family_options;
  s.objective = objective;
  s.alpha = alpha;
  s.estimator = estimator;
  s.baseline = baseline;
  s.sampling = sampling;
  return s;
}

bool Scene::can_continue_into(const Scene& next) const {
  // The learning rate, S and the annealing schedule change how the next steps are taken, not
  // what is being fitted. So do the estimator, its baseline and the forward-KL sampling: every
  // one of them estimates the same gradient. Rényi α does change the objective, but slightly per
  // step of a slider, and watching q widen from where it is as α falls is the lesson; the
  // objective itself (reverse, forward, Rényi) starts a new fit, so that the fits a class
  // compares all start from the same q. Adam keeps its moment estimates across such a change;
  // they adapt to the new gradient noise within ~1/(1 − β2) = 1000 steps.
  Scene a = *this, b = next;
  a.lr = b.lr;
  a.samples = b.samples;
  a.anneal = b.anneal;
  a.alpha = b.alpha;
  a.estimator = b.estimator;
  a.baseline = b.baseline;
  a.sampling = b.sampling;
  a.batch = b.batch;  // minibatches estimate the same gradient
  a.lr_schedule = b.lr_schedule;
  a.decay_kappa = b.decay_kappa;
  a.decay_tau = b.decay_tau;
  // How the fit is watched and guarded, not what it fits (the rule restarts its window).
  a.grad_clip = b.grad_clip;
  a.converge_every = b.converge_every;
  a.converge_window = b.converge_window;
  a.converge_tol = b.converge_tol;
  a.converge_statistic = b.converge_statistic;
  a.auto_stop = b.auto_stop;
  a.khat_every = b.khat_every;
  if (a.target != "formula" && b.target != "formula") {
    a.formula = b.formula;  // ignored by every other target
    a.formula_box = b.formula_box;
  }
  return a == b;
}

bool Scene::only_problem_changes(const Scene& next) const {
  if (*this == next || target != next.target) return false;
  Scene a = *this;
  a.target_params = next.target_params;
  a.data = next.data;
  a.formula = next.formula;  // part of the problem (target "formula"); ignored by the others
  a.formula_box = next.formula_box;
  return a == next;
}

}  // namespace vi
