// vi/scene.cpp — validation of a Scene at the engine's boundary.
#include "vi/scene.hpp"

#include "vi/check.hpp"
#include "vi/family.hpp"
#include "vi/optimizer.hpp"

namespace vi {

void Scene::validate() const {
  find_target(target);  // throws with the allowed names
  make_target(target, target_params);  // checks parameter names and ranges
  check_member("scene", "family", family, family_names());
  make_family(family, 2, family_options);  // checks the sizes the family uses
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
}

Scene Scene::compared_with(const Scene& primary) const {
  Scene s = primary;
  s.family = family;
  s.family_options = family_options;
  return s;
}

bool Scene::can_continue_into(const Scene& next) const {
  // The learning rate, S and the annealing schedule change how the next steps are taken, not
  // what is being fitted.
  Scene a = *this, b = next;
  a.lr = b.lr;
  a.samples = b.samples;
  a.anneal = b.anneal;
  return a == b;
}

}  // namespace vi
