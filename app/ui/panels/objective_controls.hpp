// app/ui/panels/objective_controls.hpp — the objective widgets: what a step maximizes and how its gradient
// is estimated.
//
// Objective (reverse KL, forward KL, Rényi α), α, estimator (reparam, score, STL), the score's
// baseline and forward KL's way of drawing p — only those the chosen objective uses. Choices the
// fit's family cannot serve are disabled, with vi::check_objective_supported's reason as their
// tooltip (flows have no ∇φ log q at fixed points, so no forward KL, score or STL; a mixture's
// stratified Rényi bound takes only reparam; leave-one-out needs S ≥ 2). What a family can serve
// is asked of the family registry's capabilities (vi::family_info), never of a family built on the
// UI thread. The main fit's panel and each comparison fit use the same widgets.
#pragma once

#include "vi/families/family.hpp"
#include "vi/engine/scene.hpp"

#include <limits>
#include <string>

namespace vilab {

// Why `scene`'s family cannot serve its objective with its estimator, baseline and sampling (the
// message of vi::check_objective_supported from the family's registry capabilities, or of a bad
// objective name); empty when it can, and when the family is unknown (the engine reports that).
std::string objective_unsupported(const vi::Scene& scene);

// Makes `scene`'s objective one its family can serve, after the family or S changed: first the
// pathwise estimator without a baseline, then reverse KL. Returns a sentence saying what changed
// and why (empty when nothing had to).
std::string fit_objective_to_family(vi::Scene& scene);

struct ObjectiveWidgetOptions {
  // The fit's last SNIS effective sample size (of S), shown beside forward KL's sampling when it
  // is SNIS; NaN = unknown.
  double snis_ess = std::numeric_limits<double>::quiet_NaN();
};

// Draws the widgets editing `scene`'s objective, α, estimator, baseline and sampling (those its
// objective uses) into the current window; the caller pushes an ID per fit. Returns true when the
// scene changed.
bool draw_objective_widgets(vi::Scene& scene, const ObjectiveWidgetOptions& options = {});

// "reverse KL(q‖p)", "forward KL(p‖q)", "Rényi α / IWAE": the objective combo's names.
const char* objective_display_name(const std::string& objective);

}  // namespace vilab
