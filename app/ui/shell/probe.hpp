// app/ui/shell/probe.hpp — the app's report to a test that drives it with real input (`vilab gui --probe FILE`).
//
// A test that clicks and types through the X server (tests/input/) cannot ask the app where its
// controls are, so the app tells it: with --probe, every frame writes FILE (JSON, replaced
// atomically) with
//   "frame", "fps"                      the frame counter and the measured frame rate;
//   "window": {x, y, w, h}              the GLFW window on the screen (pixels);
//   "items": [{label, window, parent, x, y, w, h, visible}]
//                                       every widget drawn this frame, by its label as written in
//                                       the code ("Play", "Open scene…", "##path"), in window pixels,
//                                       with its root window and the (child) window it scrolls in;
//   "windows": [{name, x, y, w, h}]     every ImGui window drawn this frame, front last;
//   "popup"                             the name of the innermost open popup or modal ("" when none);
//   "text_input"                        a text field has the keyboard;
//   "state": {…}                        what the app's parts note with probe_state (engine state,
//                                       step, scene, open windows, look, …).
// Without --probe nothing is recorded and nothing is written: the calls below cost a branch.
//
// Widgets are recorded by app/ui/shell/widget_probe.hpp, which every file that draws widgets includes.
#pragma once

// The JSON type's declaration only: ~30 files draw widgets through widget_probe.hpp, and only the
// few that note state need the whole library (they include <nlohmann/json.hpp> themselves).
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace vilab {

// Turns the report on (before the first frame); `path` is the file each frame replaces.
void probe_open(const std::string& path);
bool probe_enabled();

// Starts a frame's record (after ImGui::NewFrame) and writes it (after ImGui::Render).
void probe_begin_frame();
void probe_end_frame(int window_x, int window_y, int window_w, int window_h, float fps);

// Notes a value of the app's state for this frame's report: "state": {key: value}.
void probe_state(std::string_view key, const nlohmann::json& value);

// Records the last item drawn under `label` (the widget wrappers call it; so can custom widgets
// drawn with the draw list, after an ImGui::InvisibleButton or ImGui::Dummy of their area).
// `label_beside`: the widget draws its label to the right of a frame (sliders, fields, combos):
// the report gives the frame as "frame" too, the part a click acts on.
void probe_item(std::string_view label, bool label_beside = false);

}  // namespace vilab
