// app/ui/windows/estimator_panel.hpp — the estimator window: how noisy each gradient estimator is at the
// current q.
//
// On request ("Measure", and with "auto" again every few seconds while φ moves) it measures
// vi::gradient_variance at a fit's current φ — every estimator of its objective (reparam, score,
// score + leave-one-out, STL; or forward KL's exact and SNIS draws) × S = 1, 4, 16, 64, R
// replicates — off the UI thread (GradVarProbe), and plots tr Cov of one gradient estimate against
// S on log–log axes (one line per estimator, ± its standard error) with app/plot, under a table
// of the numbers and the engine's reading of them. It reads the snapshot's scene and φ and never
// writes engine state; a result whose fit has since changed is dropped, not shown, and when the
// fit it measured is gone (a reset, a lesson, a new scene: a new Snapshot::fit_id) the window
// measures the new fit.
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/gradvar_probe.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "vi/engine/snapshot.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace vilab {

struct EstimatorPanelState {
  GradVarProbe probe;
  int fit = 0;              // which fit: 0 = the main one, i = comparison fit i
  int replicates = 300;     // R
  bool auto_refresh = false;  // measure again every kAutoSeconds while φ moves
  bool may_block = false;   // shot mode: measure on the UI thread, so the PNG shows the result
  bool was_open = false;    // the window was open last frame (opening it measures at once)
  std::chrono::steady_clock::time_point last_start;
  static constexpr double kAutoSeconds = 3;
};

// Draws the window while `*open` (its close button clears it) for `snap`'s fits.
void draw_estimator_panel(EstimatorPanelState& state, bool* open, const vi::Snapshot& snap);

// What the window drew in the last frame, for tests and screenshots.
struct EstimatorPanelReport {
  bool drawn = false;
  PixelRect plot;                  // the plot's rectangle (framebuffer pixels)
  std::vector<std::string> lines;  // the estimators plotted, in order
  std::vector<unsigned int> colours;  // their colours (ImU32)
  std::string reading;
  // Which fit the numbers shown belong to (0 and −1 when none are shown), and the fit on screen.
  uint64_t measured_fit_id = 0;
  int64_t measured_step = -1;
  uint64_t fit_id = 0;
  int64_t fit_step = 0;
};
EstimatorPanelReport last_estimator_panel();

// Its entry in the registry of tool windows (app/ui/windows/tool_window.hpp): [panels] gradvar, --gradvar.
ToolWindowEntry gradvar_tool_window();

}  // namespace vilab
