// vi/scene.cpp — validation of a Scene at the engine's boundary.
#include "vi/scene.hpp"

#include "vi/check.hpp"
#include "vi/family.hpp"
#include "vi/objective_spec.hpp"
#include "vi/optimizer.hpp"

namespace vi {

void Scene::validate() const {
  find_target(target);  // throws with the allowed names
  make_target(target, target_params);  // checks parameter names and ranges
  check_member("scene", "family", family, family_names());
  const auto fam = make_family(family, 2, family_options);  // checks the sizes the family uses
  if (family == "mixture" && samples < family_options.components)
    throw_invalid("scene", "samples S is " + std::to_string(samples) + ", but a mixture of " +
                               std::to_string(family_options.components) + " components needs S ≥ K");
  check_range("scene", "anneal T", anneal, 0, 100000000);
  check_member("scene", "optimizer", optimizer, optimizer_names());
  check_finite("scene", "learning rate", lr);
  check_positive("scene", "learning rate", lr);
  check_range("scene", "samples S", samples, 1, 65536);
  check_finite("scene", "initial mean x", init_mean_x);
  check_finite("scene", "initial mean y", init_mean_y);
  check_range("scene", "initial log sd", init_log_sd, -20.0, 20.0);
  check_range("scene", "metrics every", metrics_every, 1, 1000000);
  check_range("scene", "metric samples", metric_samples, 16, 1 << 20);
  check_range("scene", "grid", grid, 16, 2048);
  // Names and α, then whether this family can serve the objective (a 2D family: every target
  // is 2D; a Run checks again with the problem's dimension). Fields the objective does not use
  // (α outside renyi, the baseline outside score, the annealing under forward-kl…) are
  // ignored, as scene.hpp says, but their names and ranges are still checked.
  check_objective_supported(*fam, objective_spec(*this), 2, samples);
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
  return a == b;
}

}  // namespace vi
