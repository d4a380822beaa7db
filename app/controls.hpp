// app/controls.hpp — the control panel: the edited Scene, the run commands and the shortcuts.
//
// Widgets edit a copy of the scene (never the snapshot or the engine); every change sends the
// copy to the engine at once, and the engine decides whether the fit continues or restarts.
#pragma once

#include "vi/engine.hpp"
#include "vi/scene.hpp"
#include "vi/snapshot.hpp"

namespace vilab {

struct ControlsState {
  vi::Scene edited;     // what the widgets show and edit
  vi::Scene last_sent;  // what was last sent with engine.apply (to send each change once)
  double speed = 100;   // steps/s of the speed slider (1 … 10000)
  bool max_speed = false;  // "max": as fast as possible (engine.set_speed(0))
};

ControlsState make_controls_state(const vi::Scene& scene, double steps_per_s);

// Draws the panel into the current window and sends commands to `engine`.
void draw_controls(ControlsState& state, vi::Engine& engine, const vi::Snapshot& snap);

// Space: play / pause, Right arrow: one step, R: reset — unless a text field has the keyboard.
void handle_shortcuts(vi::Engine& engine);

}  // namespace vilab
