// vi/analysis/elbo_landscape.hpp — the ELBO over a 2D slice of φ, and optimizer paths drawn over it.
//
// Both functions build their own Problem, Family and Optimizer from the Scene and share no
// mutable state, so they may run on a worker thread (each call is independent; cancel with the
// stop token). They allocate freely: they are for views, not for the step.
#pragma once

#include "vi/engine/scene.hpp"
#include "vi/core/types.hpp"

#include <stop_token>
#include <string>
#include <vector>

namespace vi {

struct LandscapeSpec {
  int i = 0, j = 1;                // the two entries of φ that vary (every other entry stays)
  double i_lo = -2, i_hi = 2;      // range of φ_i
  double j_lo = -2, j_hi = 2;      // range of φ_j
  int n = 41;                      // grid points per axis (≥ 2), ends included
  int quad_cells = 128;            // 2D targets: quadrature cells per axis on q's mass box (≥ 8)
  int mc_samples = 4096;           // other targets: fixed draws (antithetic pairs) per value (≥ 16)
  bool monte_carlo = false;        // use the fixed draws on 2D targets too (cheaper for flows, whose
                                   // log q inverts numerically on every quadrature point)
};

// How a value was computed.
//  "quadrature": ∫ q (log p~ − log q) by the midpoint rule on a quad_cells² grid over q's mass box
//    grown 1.4× (normalized by the grid mass of q), exactly what Run::metrics() does for the ELBO
//    of a 2D target (Metrics::elbo = log Z − KL(q‖p) on q's grid), so the value at the run's φ
//    equals the run's ELBO metric to rounding. Deterministic, smooth in φ.
//  "monte-carlo": (higher-dimensional targets, or LandscapeSpec::monte_carlo) the mean of log p~ − log q, or log p~ + H[q] when
//    the entropy is analytic, over fixed antithetic base draws from the scene seed's metric
//    stream: common random numbers, so the surface is smooth in φ (not Run::metrics()'s
//    control-variate form, which differs by O(1/√M)).
struct Landscape {
  LandscapeSpec spec;
  std::string method;          // "quadrature" or "monte-carlo"
  Vec xs, ys;                  // the n values of φ_i and of φ_j
  Mat value;                   // value(a, b) = ELBO at φ_i = xs(a), φ_j = ys(b); NaN where φ is
                               // not a valid q (Family::valid) or the value is not finite
  double best = 0;             // the largest finite value, and where it is
  int best_a = -1, best_b = -1;
  bool complete = true;        // false when stopped early (the rest is NaN)
};

// Throws std::invalid_argument for a bad scene, index or range (naming the field).
Landscape elbo_landscape(const Scene& scene, const Vec& phi, const LandscapeSpec& spec,
                         std::stop_token stop = {});

// The landscape's value at one φ (same method as elbo_landscape for this scene).
double landscape_elbo(const Scene& scene, const Vec& phi, const LandscapeSpec& spec = {});

// A fit started from phi0 with the given optimizer (the scene's otherwise: its objective,
// estimator, S, lr, seed and β schedule; a fresh optimizer state and the seed's training stream,
// as a Run starts), every entry of φ optimized; returns the path projected on (φ_i, φ_j):
// 2 × (steps + 1) columns, the first = (phi0(i), phi0(j)). Stops early (fewer columns) when the
// fit diverges or `stop` is requested.
Mat optimizer_path(const Scene& scene, const Vec& phi0, int i, int j, int steps, const std::string& optimizer,
                   std::stop_token stop = {});

}  // namespace vi
