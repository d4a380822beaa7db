// app/ui/windows/cavi_window.hpp — the two CAVI windows ("small Bayesian models with exact
// answers"): the Normal-Gamma model of PRML §10.1.3 and the Gaussian mixture of Blei et al. 2017.
//
// Two windows rather than one with two tabs: each model has its own button and its own flag,
// a student can put both side by side, and a screenshot or test opens exactly one.
//
// These windows own their small models (vi/models/cavi_normal_gamma.hpp, vi/models/cavi_gmm.hpp) instead of
// going through the Engine: a CAVI sweep over a few hundred points takes microseconds, so the UI
// thread runs it on a button press (the design's "no heavy work on the UI thread" is kept: even
// "Run to convergence" is at most a thousand sweeps of O(N K), well under a millisecond per ten).
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "vi/models/cavi_gmm.hpp"
#include "vi/models/cavi_normal_gamma.hpp"
#include "vi/analysis/contours.hpp"

#include <vector>

namespace vilab {

// [SECTION] Normal-Gamma

struct NormalGammaWindowState {
  // Data and prior (what the sliders edit; any change redraws the data and resets q).
  int n = 20;                 // N points
  double mu_true = 0.5;       // the data's true mean
  double tau_true = 2.0;      // the data's true precision
  int seed = 1;
  vi::NormalGammaPrior prior{0, 1, 1, 1};
  // Where q starts, in the exact posterior's standard deviations from its mean (PRML Fig. 10.4
  // starts q away from the posterior, so that each factor update shows as a move).
  double start_dmu = -3.0, start_dtau = 2.5;

  // The model (rebuilt by `dirty`) and q with its history.
  bool dirty = true;
  vi::NormalGammaData data;
  vi::NormalGammaExact exact;
  vi::Box box;                                // the (μ, τ) window drawn
  std::vector<vi::Contour> exact_contours;    // the exact posterior's, on the grid over `box`
  vi::Grid2D exact_grid;                      // log NG on that grid (the green shading)
  std::vector<vi::NormalGammaQ> history;      // q after each update; history[0] is the start
  std::vector<char> updated;                  // which factor each update changed: 'm' (q(μ)) or 't' (q(τ))
  std::vector<double> elbo;                   // the ELBO of each history entry
  std::vector<vi::Contour> q_contours, previous_contours;  // the current q's and the one before
  int sweeps_to_converge = 0;                 // CAVI from the start, to tol 1e-10 (ng_cavi)
  int pending_updates = 0;                    // shot mode: single-factor updates to make on open
};

void draw_normal_gamma_window(NormalGammaWindowState& state, bool* open);

// What the window drew in the last frame, for tests and screenshots.
struct NormalGammaWindowReport {
  bool drawn = false;
  PixelRect plane, elbo_plot;      // framebuffer pixels
  int exact_contour_lines = 0;     // polylines of the exact posterior's contours drawn
  int q_contour_lines = 0;         // polylines of the current q's contours drawn
  std::vector<double> elbo;        // the ELBO after each update (the start first)
  double log_evidence = 0;
  double q_mean_tau = 0, exact_mean_tau = 0;
};
NormalGammaWindowReport last_normal_gamma_window();

// [SECTION] Gaussian mixture

struct GmmWindowState {
  vi::GmmSettings settings{3, 2, 200, 4.0, 2};  // K, dim, N, σ, data seed
  int init_seed = 1;                             // the initial q (m_k = K random data points)

  bool dirty = true;       // the data must be drawn again
  bool reset_q = true;     // q must start again
  vi::GmmData data;
  vi::GmmQ q;
  std::vector<double> elbo;   // the start, then one per sweep
  bool converged = false;
  int pending_steps = 0;      // shot mode: sweeps to make on open
};

void draw_gmm_window(GmmWindowState& state, bool* open);

struct GmmWindowReport {
  bool drawn = false;
  PixelRect data_plot, elbo_plot;
  int points_drawn = 0;
  int components_drawn = 0;
  std::vector<double> elbo;
  bool converged = false;
};
GmmWindowReport last_gmm_window();

// Their entries in the registry of tool windows (app/ui/windows/tool_window.hpp): [panels]
// normal_gamma and gmm, --cavi normal-gamma|gmm (shot mode makes GuiOptions::cavi_steps updates).
ToolWindowEntry normal_gamma_tool_window();
ToolWindowEntry gmm_tool_window();

}  // namespace vilab
