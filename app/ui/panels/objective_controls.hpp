// app/ui/panels/objective_controls.hpp — the objective widgets: what a step maximizes and how its gradient
// is estimated.
//
// Objective (reverse KL, forward KL, Rényi α), α, estimator (reparam, score, STL), the score's
// baseline and forward KL's way of drawing p — only those the chosen objective uses. Choices the
// fit's family cannot serve are disabled, with vi::check_objective_supported's reason as their
// tooltip (flows have no ∇φ log q at fixed points, so no forward KL, score or STL; a mixture's
// stratified Rényi bound takes only reparam; leave-one-out needs S ≥ 2). The main fit's panel and
// each comparison fit use the same widgets.
#pragma once

#include "vi/families/family.hpp"
#include "vi/engine/scene.hpp"

#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace vilab {

// One Family per (name, sizes), built on first use and kept, so that the widgets can ask every
// frame what a family serves without building it again. UI thread only.
class FamilyProbe {
 public:
  // Null when the name or the sizes are bad (the engine reports those).
  const vi::Family* get(const std::string& family, const vi::FamilyOptions& options);

 private:
  struct Entry {
    std::string family;
    vi::FamilyOptions options;
    std::unique_ptr<vi::Family> instance;  // null: could not be built
  };
  std::vector<Entry> entries_;  // most recent last; a handful at most
};

// Why `family` cannot serve `scene`'s objective with its estimator, baseline and sampling (the
// message of vi::check_objective_supported, or of a bad name); empty when it can.
std::string objective_unsupported(const vi::Family& family, const vi::Scene& scene);

// Makes `scene`'s objective one its family can serve, after the family or S changed: first the
// pathwise estimator without a baseline, then reverse KL. Returns a sentence saying what changed
// and why (empty when nothing had to).
std::string fit_objective_to_family(vi::Scene& scene, FamilyProbe& probe);

struct ObjectiveWidgetOptions {
  // The fit's last SNIS effective sample size (of S), shown beside forward KL's sampling when it
  // is SNIS; NaN = unknown.
  double snis_ess = std::numeric_limits<double>::quiet_NaN();
};

// Draws the widgets editing `scene`'s objective, α, estimator, baseline and sampling (those its
// objective uses) into the current window; the caller pushes an ID per fit. Returns true when the
// scene changed.
bool draw_objective_widgets(vi::Scene& scene, FamilyProbe& probe, const ObjectiveWidgetOptions& options = {});

// "reverse KL(q‖p)", "forward KL(p‖q)", "Rényi α / IWAE": the objective combo's names.
const char* objective_display_name(const std::string& objective);

}  // namespace vilab
