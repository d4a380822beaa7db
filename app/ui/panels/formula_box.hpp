// app/ui/panels/formula_box.hpp — the formula box: type log p~(z1, z2), choose its box, Apply.
//
// Shown in the control panel under the target combo when the target is "formula" (or when the
// user picked "formula…" there). The text is edited in the box's own buffer, never in the scene:
// Apply (or Ctrl+Enter) builds the FormulaTarget on the UI thread first (a parse and a 64 × 64
// check, about a millisecond), and only a formula that builds is written into the edited scene,
// which the controls then send to the engine. A bad formula shows its message in red, with a
// caret under the error, and the previous target keeps running.
#pragma once

#include "vi/engine/scene.hpp"

#include <array>
#include <string>

namespace vilab {

struct FormulaBoxState {
  std::array<char, 4097> text{};           // the formula being edited (≤ vi::kFormulaMaxLength + slack, NUL-ended)
  std::array<double, 4> box{-4, 4, -4, 4};  // x0, x1, y0, y1 being edited
  std::string error;                       // the last Apply's message; empty when it was accepted
  bool open = false;                       // shown although the target is not "formula" yet
  // The scene's formula and box the editor was last loaded from or applied to: a scene that
  // changes them from elsewhere (a lesson, a scene file) reloads the editor.
  std::string synced_formula;
  vi::Box synced_box;
  bool synced = false;
};

// The check Apply makes: builds the target from `formula` on `box`; on success writes target,
// formula and box into `scene` (clearing parameters and data that belong to another problem) and
// returns an empty string, else returns the message and leaves `scene` as it was.
std::string apply_formula(const std::string& formula, const vi::Box& box, vi::Scene& scene);

// Draws the box (when scene.target is "formula" or st.open) and applies on request. Returns true
// when `scene` changed.
bool draw_formula_box(FormulaBoxState& st, vi::Scene& scene);

}  // namespace vilab
