// app/density_view.hpp — the density view: p's heatmap, q's exact-density contours, q's samples.
//
// Draws from one Snapshot: the target's log p~ grid as a viridis texture (uploaded once per
// TargetView), q's fixed-mass contours in white, p's contours dashed, the cloud of q samples,
// both means, axes z₁ and z₂ with equal aspect, a colour bar, and a hover readout. Mouse wheel
// zooms about the cursor, drag pans, double-click (or "Reset view") returns to the target's box.
//
// Two more modes share the same drawing (one function draws one fit's view into a rectangle):
// - comparison: when the snapshot carries comparison fits, the fits are drawn side by side as
//   smaller views, each titled with its family, sizes and KL(q‖p); zoom and pan are shared.
// - layer scrubber (flows only): at layer k = 0 … K, the base draws and a grid of the base space
//   pushed through the first k layers, over layer k's log|det J_k| (app/layer_scrubber.hpp).
#pragma once

#include "app/layer_scrubber.hpp"
#include "vi/snapshot.hpp"
#include "vi/types.hpp"

#include <memory>
#include <string>
#include <vector>

namespace vilab {

struct DensityViewState {
  // Display options (the defaults are what a class sees first).
  bool log_density = false;     // colour by log p~ (clamped to max − 12) instead of p~ / max
  bool show_q_contours = true;  // q's 50 / 90 / 99 % contours
  bool show_p_contours = true;  // p's 50 / 90 / 99 % contours, dashed
  bool show_samples = true;     // the cloud of q samples
  bool show_means = true;       // markers at the means of q and p

  // The layer scrubber (a mode of the view for flows, single view only).
  bool scrubber = false;   // show the flow layer by layer instead of q's density
  int scrub_k = -1;        // layers applied (clamped to 0 … K; −1 = K, the final q)
  bool may_block = false;  // compute it on the UI thread (shot mode, so the PNG shows it)
  LayerScrubber scrub;

  // The uploaded heatmap: kept alive so that the pointer comparison is sound.
  std::shared_ptr<const vi::TargetView> uploaded;
  bool uploaded_log = false;
  unsigned int texture = 0;  // GL texture name, 0 = none
  // The uploaded log|det J_k| map of the scrubber.
  std::shared_ptr<const ScrubResult> scrub_uploaded;
  unsigned int scrub_texture = 0;

  // How many layers the shown family has (0 = not a flow), asked of the family when it changes.
  std::string probed_family;
  vi::FamilyOptions probed_options;
  int probed_layers = -1;  // −1 = not probed yet

  // The visible box (zoom / pan) and the target box it was derived from.
  vi::Box home;
  vi::Box view;
  bool has_view = false;
};

// Draws the view into the rest of the current window's content region.
void draw_density_view(DensityViewState& state, const vi::Snapshot& snap);

// Deletes the GL textures; call with the GL context current, before it is destroyed.
void release_density_view(DensityViewState& state);

// The screen rectangle (in framebuffer pixels) of the last drawn density frame, for the GUI test
// and screenshots. All zeros before the first draw.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // top-left inclusive, bottom-right exclusive
};
// The primary fit's frame.
PixelRect last_density_view_rect();
// Every frame drawn in the last frame: the primary fit's first, then each comparison fit's.
std::vector<PixelRect> last_density_view_rects();

}  // namespace vilab
