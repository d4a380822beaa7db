// app/io/gui_options.hpp — what a GUI session opens with (`vilab`, `vilab gui`, `vilab shot`, the
// GUI tests): a plain value the command line fills without including the GUI.
//
// run_gui is the GUI's entry point as the command line sees it: app/ui/shell/gui.cpp defines it,
// and app/cli/gui_absent.cpp does in a build without the GUI (-DVILAB_BUILD_APP=OFF), where it
// says so and returns 1.
#pragma once

#include "app/io/scene_file.hpp"
#include "vi/engine/scene.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vilab {

struct GuiOptions {
  vi::Scene scene;              // the scene the app opens on
  int width = 1600;             // window size in pixels
  int height = 1000;
  bool play = false;            // start playing at once
  double steps_per_s = 100;     // the engine's speed limit at start (0 = as fast as possible)
  // Shot mode (`vilab shot`): run `shot_steps` steps, render a few frames, save the window to
  // `shot_path` as PNG, and exit. Empty path = interactive.
  std::string shot_path;
  int64_t shot_steps = 0;
  // Shot mode: save only this panel, cropped from the window ("density", "metrics", "controls",
  // "timeline"; app/ui/shell/export_menu.hpp). Empty = the whole window.
  std::string shot_panel;
  // Shot mode: record the run's timeline while taking the steps (60 snapshots along the way) and
  // scrub it back to this step before the PNG (app/io/timeline.hpp). −1 = live.
  int64_t shot_timeline_step = -1;
  // Shot mode: the Export dialog of this panel's PNG is open in the picture ("" = none; "window"
  // = the window's), with `shot_export_error` shown in it when not empty (the GUI test's look).
  std::string shot_export_dialog;
  std::string shot_export_error;
  // Comparison fits to open with (at most 3), each a spec "family[:key=value,…]" as parsed by
  // parse_fit_spec (app/io/fit_spec.hpp), e.g. {"meanfield", "planar:K=16",
  // "fullrank:objective=forward-kl"}. Empty = single view.
  std::vector<std::string> compare;
  // Open this lesson (a name from lessons(), app/io/lessons.hpp, e.g. "bimodal-reverse-forward")
  // instead of `scene`: its scene, its comparison fits (`compare` specs are added after them,
  // read against the preset's scene), its speed, and playing when it says so (shot mode steps
  // `shot_steps` instead). Empty = none. An unknown name is a bad option (exit code 2).
  std::string preset;
  // Open the gradient-variance window (app/ui/windows/estimator_panel.hpp); it measures at once (in shot
  // mode before the PNG is taken).
  bool gradvar = false;
  // Open the step-through window (app/ui/windows/step_through_window.hpp) with `stepk` samples of the next
  // step revealed (shot mode: prepared before the PNG is taken).
  bool step_through = false;
  int stepk = 0;
  // Open the ELBO landscape window (computed before the PNG in shot mode).
  bool landscape = false;
  // Show the trust diagnostics at their fullest: the k̂ plot open and the PSIS-resampled draws.
  bool trust = false;
  // Open the CAVI windows (app/ui/windows/cavi_window.hpp) and make `cavi_steps` CAVI updates in each on
  // opening: single-factor updates for the Normal-Gamma model, sweeps for the Gaussian mixture.
  bool cavi_normal_gamma = false;
  bool cavi_gmm = false;
  int cavi_steps = 0;
  // Open the windows of models with their own trainer (vi::ModelKind::Trainer in vi/models/models.hpp: "vae", "bnn"),
  // with `model_settings` (--set values, checked by the window against the model's settings).
  // Shot mode trains `shot_steps` of the model's step units (epochs, steps) before the PNG.
  std::vector<std::string> model_windows;
  std::map<std::string, double> model_settings;
  // Open the layer scrubber at layer k (clamped to the flow's K; ignored for a family that is
  // not a flow, and while comparing). −1 = closed.
  int scrub_layer = -1;
  // Open the grid view on this preset (a name in vi::fit_grid_registry(), e.g. "paper-fig3")
  // instead of the single view; `scene` is then the single view's scene behind it. Empty = none.
  // In shot mode every cell takes `shot_steps` steps.
  std::string grid;
  // A scene file (`--scene FILE`, app/io/scene_file.hpp) to open with: its fit, comparison fits,
  // speed, view and windows, and its lesson text. `scene` is its fit; the window flags above are
  // added to the file's.
  std::optional<SceneFile> scene_file;
  std::string scene_file_path;  // where it was read from (File → Save scene… offers it)
  // Tests: paths opened as if dropped on the window when the loop starts (the last one wins).
  std::vector<std::string> drop_paths;
  // Show the lesson browser at start (`vilab gui --lessons`, `vilab shot --lessons`).
  bool lessons = false;
  // The look (app/ui/widgets/style.hpp): presentation mode (bigger text, thicker lines, high contrast), the
  // text size in effect (0 = the settings', or 1; else 0.6 … 3) and high contrast. In the
  // interactive app they override the settings file for this session; shot mode uses only these.
  bool present = false;
  float font_scale = 0;
  bool high_contrast = false;
  bool keymap = false;  // open the keyboard map (F1) at start
  // The interactive app reads and writes the settings file (app/io/settings.hpp); shot mode never
  // does. Tests that run the interactive loop turn it off.
  bool use_settings = true;
  // Open the scene the settings recorded last (`vilab` with no arguments), when it still opens.
  bool restore_last_scene = false;
  // The interactive app opens at the settings' window size unless the command line gave one.
  bool size_from_flags = false;
  // Hold the frame rate at or below this (0 = as vsync allows): a slow machine, for tests.
  double max_fps = 0;
  // Write a report of every frame here (app/ui/shell/probe.hpp), for tests that drive the app with real
  // input. Empty = none.
  std::string probe_path;
};

// Opens the window and runs until it is closed (or, in shot mode, until the PNG is saved).
// Returns a process exit code. Without a display it prints one line saying so, with how to run
// under xvfb-run or headless, and returns 1.
int run_gui(const GuiOptions& options);

}  // namespace vilab
