// app/ui/panels/density_view.hpp — the density view: p's heatmap, q's exact-density contours, q's samples.
//
// Draws from one Snapshot: the target's log p~ grid as a viridis texture (uploaded once per
// TargetView), q's fixed-mass contours in white, p's contours dashed, the cloud of q samples,
// both means, axes z₁ and z₂ with equal aspect, a colour bar, and a hover readout. Mouse wheel
// zooms about the cursor, drag pans, double-click (or "Reset view") returns to the target's box.
//
// Two more modes share the same drawing (one function draws one fit's view into a rectangle):
// - comparison: when the snapshot carries comparison fits, the fits are drawn side by side as
//   smaller views, each titled with its family, sizes, objective and the KL it minimizes
//   (KL(p‖q) for forward KL, else KL(q‖p)); zoom and pan are shared.
// A forward-KL fit of a Gaussian family also shows the optimum it should reach (moment matching,
// app/ui/windows/forward_kl_reference.hpp) as dashed ellipses at q's contour masses.
// - layer scrubber (flows only): at layer k = 0 … K, the base draws and a grid of the base space
//   pushed through the first k layers, over layer k's log|det J_k| (app/ui/windows/layer_scrubber.hpp).
// While the fit is paused, q can be dragged: its mean (the diamond), and for mean-field and
// full-rank q the handles at the ends of its 90 % ellipse's axes (DragQState).
// Other views made of many panels (app/ui/windows/grid_view.hpp) draw each with draw_density_panel: the same
// drawing, with the panel's own texture and zoom box.
#pragma once

#include "app/io/density_layers.hpp"
#include "app/ui/windows/forward_kl_reference.hpp"
#include "app/ui/windows/layer_scrubber.hpp"
#include "app/ui/shell/screenshot.hpp"
#include "vi/families/family.hpp"
#include "vi/engine/snapshot.hpp"
#include "vi/core/types.hpp"

#include <imgui.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vilab {

// One panel's own state: its heatmap of p~ (a GL texture, uploaded once per TargetView and
// colouring) and its zoom box.
struct DensityPanel {
  // The uploaded heatmap: kept alive so that the pointer comparison is sound.
  std::shared_ptr<const vi::TargetView> uploaded;
  bool uploaded_log = false;
  unsigned int texture = 0;  // GL texture name, 0 = none
  // The visible box (zoom / pan) and the target box it was derived from.
  vi::Box home;
  vi::Box view;
  bool has_view = false;
};

// Dragging q (single view, fit paused; comparison fits are not dragged): the mean, and for the
// Gaussian families the handles on q's 90 % ellipse (vi/analysis/drag_q.hpp maps a handle's position to φ).
// The view never writes engine state: it leaves the φ to send in `request`, and the frame loop
// sends it as cmd::SetParams (at most one per frame).
struct DragQState {
  bool enabled = true;       // handles shown when the fit is paused
  int handle = -1;           // the handle held: −1 none, 0 the mean, 1 / 2 the ellipse's axes
  vi::Vec phi;               // the φ last asked for while dragging (the next drag builds on it)
  double grab_dx = 0, grab_dy = 0;  // the mean handle: where it was grabbed, relative to the mean
  std::optional<vi::Vec> request;   // φ to send this frame (taken by the frame loop)
  // The family the handles are computed for (made on the UI thread when the scene's changes).
  std::unique_ptr<vi::Family> family;
  std::string family_name;
  vi::FamilyOptions family_options;
};

struct DensityViewState {
  DensityLayers layers;
  // The one panel of the view (comparison fits share it: they show the same target, zoomed alike).
  DensityPanel panel;

  // The layer scrubber (a mode of the view for flows, single view only).
  bool scrubber = false;   // show the flow layer by layer instead of q's density
  int scrub_k = -1;        // layers applied (clamped to 0 … K; −1 = K, the final q)
  bool may_block = false;  // compute it on the UI thread (shot mode, so the PNG shows it)
  LayerScrubber scrub;
  // The uploaded log|det J_k| map of the scrubber.
  std::shared_ptr<const ScrubResult> scrub_uploaded;
  unsigned int scrub_texture = 0;

  // The forward-KL optima of the fits shown (computed once per target and family).
  ForwardKlReferences references;

  DragQState drag;  // dragging q with the mouse

  // A scene file's view box, applied once the snapshot shows the scene's target (the engine may
  // still be showing the last one for a frame or two).
  std::optional<vi::Box> requested_view;
  vi::Scene requested_for;
};

// Draws the view into the rest of the current window's content region.
void draw_density_view(DensityViewState& state, const vi::Snapshot& snap);

// Deletes the GL textures; call with the GL context current, before it is destroyed.
void release_density_view(DensityViewState& state);

// The screen rectangle (in framebuffer pixels) of the last drawn density frame, for the GUI test
// and screenshots. All zeros before the first draw.
// (PixelRect: app/ui/shell/screenshot.hpp, the rectangle the screenshots crop to.)
// The primary fit's frame.
PixelRect last_density_view_rect();
// Every frame drawn in the last frame: the primary fit's first, then each comparison fit's.
std::vector<PixelRect> last_density_view_rects();

// [SECTION] One density panel, for views made of many (the grid view)

// The layers' checkboxes, wrapping onto new lines as the width requires. `scrubbing` greys out
// those the layer scrubber does not draw; `optimum`: a fit shown has a forward-KL optimum to draw
// (its checkbox is shown only then).
void draw_layer_options(DensityLayers& layers, bool scrubbing = false, bool optimum = false);

struct PanelOptions {
  bool compact = true;         // tighter margins and denser ticks (a small panel)
  bool axes = true;            // ticks and the z₁, z₂ labels around the frame; false: the frame alone
  bool contour_labels = true;  // "50%", "90%", "99%" on q's contours
  // Wheel zooms, drag pans, double-click resets. When false the panel reports clicks instead.
  bool interactive = true;
};

struct PanelResult {
  ImVec2 a0, a1;       // the frame's screen corners (top-left, bottom-right)
  PixelRect pixels;    // the same in framebuffer pixels
  bool hovered = false;
  bool clicked = false;  // a non-interactive panel was clicked (left button, released over it)
};

// Draws `fit` into the screen rectangle [r0, r1] of the current window the way the main view
// does: p~'s heatmap (uploaded into `panel` when the target or the colouring changes; the zoom
// box follows the target's box), p's and q's fixed-mass contours, q's samples and the means,
// inside a frame with the view box's aspect ratio. The caller pushes a unique ImGui ID per panel.
PanelResult draw_density_panel(DensityPanel& panel, const DensityLayers& layers, const vi::Snapshot& fit, ImVec2 r0,
                               ImVec2 r1, const PanelOptions& options);

// The legend of what `layers` shows, in rows no wider than `width`: its height, and drawing it
// centred on `centre_x` from `top`.
float density_legend_height(const DensityLayers& layers, float width);
void draw_density_legend(const DensityLayers& layers, float centre_x, float top, float width);

// Deletes the panel's GL texture (GL context current).
void release_density_panel(DensityPanel& panel);

}  // namespace vilab
