// app/density_view.hpp — the density view: p's heatmap, q's exact-density contours, q's samples.
//
// Draws from one Snapshot: the target's log p~ grid as a viridis texture (uploaded once per
// TargetView), q's fixed-mass contours in white, p's contours dashed, the cloud of q samples,
// both means, axes z₁ and z₂ with equal aspect, a colour bar, and a hover readout. Mouse wheel
// zooms about the cursor, drag pans, double-click (or "Reset view") returns to the target's box.
#pragma once

#include "vi/snapshot.hpp"
#include "vi/types.hpp"

#include <memory>

namespace vilab {

struct DensityViewState {
  // Display options (the defaults are what a class sees first).
  bool log_density = false;     // colour by log p~ (clamped to max − 12) instead of p~ / max
  bool show_q_contours = true;  // q's 50 / 90 / 99 % contours
  bool show_p_contours = true;  // p's 50 / 90 / 99 % contours, dashed
  bool show_samples = true;     // the cloud of q samples
  bool show_means = true;       // markers at the means of q and p

  // The uploaded heatmap: kept alive so that the pointer comparison is sound.
  std::shared_ptr<const vi::TargetView> uploaded;
  bool uploaded_log = false;
  unsigned int texture = 0;  // GL texture name, 0 = none

  // The visible box (zoom / pan) and the target box it was derived from.
  vi::Box home;
  vi::Box view;
  bool has_view = false;
};

// Draws the view into the rest of the current window's content region.
void draw_density_view(DensityViewState& state, const vi::Snapshot& snap);

// Deletes the GL texture; call with the GL context current, before it is destroyed.
void release_density_view(DensityViewState& state);

// The screen rectangle (in framebuffer pixels) of the last drawn density frame, for the GUI test
// and screenshots. All zeros before the first draw.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // top-left inclusive, bottom-right exclusive
};
PixelRect last_density_view_rect();

}  // namespace vilab
