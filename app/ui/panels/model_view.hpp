// app/ui/panels/model_view.hpp — the centre view of a model with more than two dimensions (blr-wine).
//
// A 13-dimensional posterior cannot be drawn as a density, so the view compares numbers against
// the exact answer instead: a forest plot (per coordinate: the exact posterior mean ± 2 sd, and
// each fit's q mean ± 2 sd beside it), the ratio of each fit's marginal sd to the exact one (the
// variance under-estimation of mean-field, in numbers), KL(q‖p) in closed form and the ELBO
// against the log evidence, and, for minibatch SVI, the gradient noise the batches add (measured
// off the UI thread). It only reads the snapshot.
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/gradvar_probe.hpp"
#include "vi/engine/snapshot.hpp"

#include <string>
#include <vector>

namespace vilab {

struct ModelViewState {
  // The minibatch noise: tr Cov of the gradient with all data and with the fit's batches, each
  // measured by its own probe at the same φ.
  GradVarProbe full_data, batched;
  bool may_block = false;  // shot mode: measure on the UI thread, so the PNG shows the result
};

// Draws into the current window's remaining content region.
void draw_model_view(ModelViewState& state, const vi::Snapshot& snap);

// What the view drew in the last frame, for tests and screenshots.
struct ModelViewReport {
  bool drawn = false;
  PixelRect forest;                       // the forest plot's rectangle (framebuffer pixels)
  std::vector<std::string> rows;          // coordinate names, top to bottom
  std::vector<std::string> fits;          // fit titles, primary first
  std::vector<std::vector<double>> sd_ratio;  // per fit, per coordinate: sd(q) / sd(exact)
  std::vector<double> kl;                 // per fit: KL(q‖p)
  double log_evidence = 0;
  double noise_full = -1, noise_batched = -1;  // tr Cov measured (−1: not measured)
};
ModelViewReport last_model_view();

// Whether the snapshot's problem is drawn by this view rather than as a 2D density.
bool uses_model_view(const vi::Snapshot& snap);

}  // namespace vilab
