// app/ui/panels/metrics_panel.hpp — the right-hand panel: live ELBO and KL plots, and a numbers table.
//
// The "ELBO anatomy" section (open by default) plots the ELBO's two terms, E_q[log p~] and H[q],
// their sum and log Z, with the gap log Z − ELBO = KL(q‖p) shaded (primary fit only).
//
// With fits side by side, both plots show every fit in its colour, the KL plot either direction
// (KL(q‖p) or KL(p‖q)), and the numbers are the comparison table (app/ui/panels/comparison_table.hpp).
#pragma once

#include "app/ui/windows/forward_kl_reference.hpp"
#include "app/ui/widgets/plot.hpp"
#include "vi/engine/snapshot.hpp"

#include <string>
#include <vector>

namespace vilab {

struct MetricsPanelState {
  bool show_elbo_estimate = true;  // the noisy per-step ELBO estimate, faint, under the smooth one
  bool kl_log_scale = true;        // KL plot on a log axis (KL spans decades as q converges)
  bool kl_forward = false;         // fits side by side: the KL plot shows KL(p‖q) instead of KL(q‖p)
  bool show_anatomy = true;        // the "ELBO anatomy" section (open): E_q[log p~], H[q], ELBO, log Z
  bool show_khat_plot = false;     // the "Trust" section's k̂ plot (its line of numbers is always shown)
  ForwardKlReferences references;  // KL(p‖q*) of forward-KL fits' optimum, marked on the KL plot
};

// Draws the panel into the rest of the current window's content region.
void draw_metrics_panel(MetricsPanelState& state, const vi::Snapshot& snap);

// The screen rectangle of the last drawn ELBO-anatomy plot, in framebuffer pixels (x0, y0, x1, y1;
// all zeros when it was not drawn), for the GUI test.
struct AnatomyRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};
AnatomyRect last_anatomy_plot_rect();

// A plot series of one field of a fit's history against the step (`h` must outlive the plot).
plot::Series history_series(std::string label, ImU32 colour, float thickness, const std::vector<vi::HistoryPoint>* h,
                            double vi::HistoryPoint::*field, bool fit = true);

}  // namespace vilab
