// app/ui/panels/trust_panel.hpp — can this fit be trusted? PSIS k̂ and ESS, the convergence rule's verdict
// and gradient clipping, as a line of numbers per fit and a k̂ plot with its thresholds.
//
// The numbers come from the Run's watchers (vi/engine/run.hpp: Scene::khat_every, converge_*,
// grad_clip) through the snapshot; this file only draws them. Part of the metrics panel.
#pragma once

#include "vi/engine/snapshot.hpp"

#include <imgui.h>

namespace vilab {

// One line for `fit`: "k̂ 0.53 ok · ESS 38 % · converged (Δ 0.4 %) · clipped 12" with the k̂
// class in its colour and a tooltip explaining each term. A comparison fit's line starts with a
// square in its colour (`swatch`, alpha 0 = none) whose tooltip is its name.
void draw_trust_line(const vi::Snapshot& fit, ImU32 swatch = 0, const char* name = nullptr);

// k̂ against the step with the 0.5 and 0.7 thresholds, and KL(q‖p) at the same steps beside it
// (exact in 2D), so the lesson "k̂ tracks the true error" is checkable; `height` in pixels.
// `kl_colour` is the KL plot's KL(q‖p) colour, so the two plots read alike.
void draw_khat_plot(const vi::Snapshot& snap, float height, ImU32 kl_colour);

// k̂ colours (Okabe–Ito): good bluish green, ok yellow, bad vermillion.
ImU32 khat_colour(double khat);

// What the last k̂ plot drew (framebuffer pixels; all zeros when it was not drawn this frame), for
// the GUI tests.
struct KhatPlotReport {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int points = 0;      // k̂ evaluations plotted
  double last_khat = 0;
};
KhatPlotReport last_khat_plot();
void clear_khat_plot_report();

}  // namespace vilab
