// app/ui/windows/vae_window.hpp — the VAE window: a variational autoencoder on the 8×8 digits
// training live, its 2D latent space, the decoded manifold, reconstructions, the ELBO split into
// reconstruction and KL per epoch, and the amortization gap of a selected image.
//
// The VAE trains in its own vi::LiveTrainer (a background thread); the window only edits a copy
// of the configuration, sends it, and draws the trainer's latest snapshot. Closing the window
// pauses the training; opening it again resumes it if it was playing (its registry entry's close
// policy, app/ui/windows/tool_window.hpp). The selected image's gap is computed on the worker: the
// window asks for it (a trainer command) when the user clicks an image or training is paused,
// never each frame.
#pragma once

#include "app/ui/panels/density_view.hpp"  // PixelRect
#include "app/ui/windows/tool_window.hpp"
#include "vi/engine/live_trainer.hpp"
#include "vi/models/vae_trainer.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace vilab {

struct VaeWindowState {
  // Set before the first open: the --set values (the registry's names) and the seed.
  std::map<std::string, double> settings;
  uint64_t seed = 1;
  // Shot mode: train this many epochs (and compute the selected image's gap) before drawing,
  // blocking on the trainer (`vilab shot` only; the interactive app never waits).
  int64_t pending_epochs = 0;
  bool may_block = false;

  // Owned by the window.
  std::unique_ptr<vi::LiveTrainer<vi::VaeTrainer>> live;  // created on first open
  vi::VaeConfig edited;                 // what the controls edit (sent with apply)
  std::string error;                    // a bad --set value (the window then shows only this)
  int64_t gap_asked_at = -1;            // the step the last automatic gap request was sent at
  bool collapse_lesson = false;         // the posterior-collapse lesson is on (β raised)
};

void draw_vae_window(VaeWindowState& state, bool* open);
// Stops the trainer's thread (before the ImGui context goes).
void release_vae_window(VaeWindowState& state);

// What the window drew in the last frame, for tests and screenshots.
struct VaeWindowReport {
  bool drawn = false;
  PixelRect latent, manifold, elbo_plot, kl_plot, recon;  // framebuffer pixels
  int latent_points = 0;      // encoded means drawn
  int manifold_cells = 0;     // decoded images drawn in the manifold
  int recon_pairs = 0;        // original + reconstruction pairs drawn
  int elbo_points = 0;        // epochs in the ELBO curves (history entries)
  int posterior_lines = 0;    // polylines of p(z|x)'s contours drawn
  bool gap_drawn = false;     // q* and p(z|x) of the selected image were drawn (the gap is of this step)
  int64_t encoder_step = -1;  // the step of the encoder whose q(z|x) ellipse was drawn (−1: none)
  std::array<double, 2> encoder_mean{};  // that ellipse's centre
  double amortization_gap = 0, approximation_gap = 0;
  int epoch = 0;
  std::string error;
};
VaeWindowReport last_vae_window();

// Its entry in the registry of tool windows (app/ui/windows/tool_window.hpp): [panels] vae with
// model_settings, --model vae with --set.
ToolWindowEntry vae_tool_window();

}  // namespace vilab
