// app/ui/windows/bnn_window.hpp — the Bayesian neural network window (vi/models/bnn.hpp): the data, q's predictive
// mean with ±2 sd bands, a few functions drawn from q, the MAP network, the ELBO and its terms.
//
// The fit runs in its own vi::LiveTrainer (a background thread): the window edits a copy of the
// configuration and sends it with apply() (a click that adds or removes a point, a slider, a new
// data seed), and draws the trainer's latest immutable frame. Nothing here steps the fit. Closing
// the window pauses the fit; opening it again resumes it if it was playing (its registry entry's
// close policy, app/ui/windows/tool_window.hpp).
#pragma once

#include "app/ui/panels/density_view.hpp"  // PixelRect
#include "app/ui/windows/tool_window.hpp"
#include "vi/models/bnn.hpp"
#include "vi/engine/live_trainer.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace vilab {

struct BnnWindowState {
  std::unique_ptr<vi::LiveTrainer<vi::BnnTrainer>> live;  // made on first open
  vi::BnnConfig edited;                 // what the widgets edit (sent when it differs from sent)
  vi::BnnConfig sent;
  vi::BnnDataSettings data;             // the generator behind "Regenerate"
  std::map<std::string, double> settings;  // --set values (vi/models/bnn_settings.hpp), read on first open
  std::string settings_error;           // why the --set values were refused (the defaults are used)
  int64_t pending_steps = 0;            // shot mode: steps trained before the first frame
  bool may_block = false;               // shot mode: wait for those steps (the UI never does otherwise)
  bool show_total = true;               // the outer band: ±2 sd of y (noise included)
  bool show_functions = true;
};

void draw_bnn_window(BnnWindowState& state, bool* open);

// What the window drew in the last frame, for tests and screenshots.
struct BnnWindowReport {
  bool drawn = false;
  PixelRect plot, elbo_plot;        // framebuffer pixels
  int points_drawn = 0;
  int functions_drawn = 0;
  bool band_drawn = false, map_drawn = false, mean_drawn = false;
  float band_px_in_gap = 0;         // the ±2 sd_f band's height in pixels at the gap's centre…
  float band_px_on_data = 0;        // … and its mean height over the grid points on the data
  int64_t steps = 0;
  double elbo = 0;
  std::string error;
};
BnnWindowReport last_bnn_window();

// Its entry in the registry of tool windows (app/ui/windows/tool_window.hpp): [panels] bnn with
// model_settings, --model bnn with --set.
ToolWindowEntry bnn_tool_window();

}  // namespace vilab
