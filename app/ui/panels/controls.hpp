// app/ui/panels/controls.hpp — the control panel: the edited Scene, the run commands and the shortcuts.
//
// Widgets edit a copy of the scene (never the snapshot or the engine); every change sends the
// copy to the engine at once, and the engine decides whether the fit continues or restarts.
#pragma once

#include "app/io/scene_file.hpp"
#include "app/ui/panels/objective_controls.hpp"
#include "app/ui/panels/formula_box.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/scene.hpp"
#include "vi/engine/snapshot.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vilab {

// The floating windows the controls (and the Models menu) open, by their key in the registry of
// tool windows (app/ui/windows/tool_window.hpp). One value rather than a flag per window in
// ControlsState: a view that replaces the controls (a grid cell opened in the single view) copies
// it whole, so no window can be forgotten there; and the same value a scene file's [panels] keeps.
using WindowsShown = OpenWindows;

struct ControlsState {
  vi::Scene edited;     // what the widgets show and edit
  vi::Scene last_sent;  // what was last sent with engine.apply (to send each change once)
  double speed = 100;   // steps/s of the speed slider (1 … 10000)
  bool max_speed = false;  // "max": as fast as possible (engine.set_speed(0))
  int anneal_steps = 1000;  // T the β-annealing checkbox turns on with (remembered while off)

  // Fits side by side: each entry's family, sizes and objective (α, estimator, baseline,
  // sampling) are what is compared; the rest is taken from the primary scene when sent
  // (Scene::compared_with), including the annealing and the entropy estimator.
  std::vector<vi::Scene> compare;       // ≤ kMaxCompare entries
  std::vector<vi::Scene> compare_sent;  // what was last sent with engine.compare

  // Why an objective was changed for the family last chosen (what a family can serve is its
  // registry entry's capabilities): the main fit's note, then one per comparison fit.
  std::string objective_note;
  std::vector<std::string> compare_notes;

  // Which floating windows are open (one value, so that whatever keeps or copies them keeps all).
  WindowsShown windows;

  // The formula box (app/ui/panels/formula_box.hpp): the formula being edited, its box and its message.
  FormulaBoxState formula;

  // The lesson open now (app/io/lessons.hpp: its name; empty = none).
  std::string lesson;
  // The "Browse lessons" button was pressed: the app opens the lesson browser and clears this.
  bool open_lessons = false;

  // The grid view (paper figures): the preset the combo shows, and a request to open it that the
  // app takes and clears (empty = none).
  std::string grid_preset = "paper-fig3";
  std::string open_grid;
};

// `compare`: comparison fits already sent to the engine (e.g. from GuiOptions::compare).
// Move-only (it owns the family probes).
ControlsState make_controls_state(const vi::Scene& scene, double steps_per_s,
                                  const std::vector<vi::Scene>& compare = {});

// Draws the panel into the current window and sends commands to `engine`.
void draw_controls(ControlsState& state, vi::Engine& engine, const vi::Snapshot& snap);

// The run keys pressed this frame: Space (play / pause), Right arrow (one step, repeats), R
// (reset), read from the keymap (app/ui/shell/keymap.hpp). The grid view sends them to every cell; the
// single view's are read with the app's other keys (app/ui/shell/gui.cpp).
struct ShortcutKeys {
  bool toggle_play = false;
  int steps = 0;
  bool reset = false;
};
ShortcutKeys read_shortcuts();

}  // namespace vilab
