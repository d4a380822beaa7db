// vi/models/vae_gap.hpp — inference suboptimality of a trained VAE, for one image (Cremer, Li & Duvenaud
// 2018, "Inference suboptimality in variational autoencoders").
//
// With the decoder fixed, three numbers bound each other for an image x:
//   ELBO(encoder's q(z|x)) ≤ ELBO(q*) ≤ log p(x),
// where q* = N(m, diag s²) is the best Gaussian for THIS image alone (a free q, optimized). So
//   log p(x) − ELBO(encoder) = [log p(x) − ELBO(q*)]       the approximation gap (the family)
//                            + [ELBO(q*) − ELBO(encoder)]  the amortization gap (one network for all x).
// With a 2D latent all three are deterministic numbers:
//   - ELBO(q) = E_q[log p(x|z)] − KL(q ‖ N(0, I)) by a tensor Gauss–Hermite rule in q's own
//     coordinates: `opt_nodes`² nodes while optimizing q*, a FINER `eval_nodes`² rule to report
//     both ELBOs (so an optimizer that got worse than where it started shows as a negative gap);
//   - log p(x) = log ∫ p(x|z) p(z) dz by the midpoint rule on a grid over a box that holds the
//     encoder's q ± 5σ and q* ± 8s; the same grid gives the exact posterior p(z|x)'s contours.
//     A mode of p(z|x) outside that box would be missed: `edge_mass` (the grid mass in its
//     outermost ring) and `log_px_error` (the grid against one of half the resolution) say how
//     far to trust it.
// The ELBOs here are the β = 1 ones whatever β the VAE was trained with.
#pragma once

#include "vi/analysis/contours.hpp"
#include "vi/models/vae.hpp"

#include <array>
#include <vector>

namespace vi {

struct VaeGapOptions {
  int opt_nodes = 10;      // Gauss–Hermite nodes per latent while optimizing q*
  int eval_nodes = 24;     // … to evaluate ELBO(encoder) and ELBO(q*)
  int iterations = 120;    // Adam steps on (m, log s) (the gap agrees to 1e-5 nats with 1000)
  double lr = 0.05;        // Adam's initial rate, decayed 100× over the iterations
  int grid = 80;           // cells per side of the log p(x) grid (0 = skip log p(x))
  bool contours = true;    // compute p(z|x)'s contours on that grid
};

// A diagonal Gaussian over the 2D latent space.
struct LatentGaussian {
  std::array<double, kVaeLatent> mean{}, sd{1, 1};
};

struct VaeGap {
  int image = -1;
  int64_t step = 0;                   // the trainer's step the decoder was taken at
  LatentGaussian encoder, optimal;    // q(z|x) from the encoder; the per-image optimum q*
  double elbo_encoder = 0, elbo_optimal = 0;  // fine-rule ELBOs (β = 1)
  double amortization_gap = 0;        // elbo_optimal − elbo_encoder (≥ 0 up to quadrature)
  int iterations = 0;
  bool has_log_px = false;
  double log_px = 0;                  // log p(x) by grid quadrature
  double log_px_error = 0;            // |log p(x) − the same on a grid of half the resolution|
  double edge_mass = 0;               // fraction of the grid's mass in its outermost ring
  double approximation_gap = 0;       // log_px − elbo_optimal
  Grid2D log_joint;                   // log p(x|z) + log p(z) on the grid (unnormalized posterior)
  std::vector<Contour> posterior;     // p(z|x) at 50/90/99 % (normalized within the box)
};

// ELBO(q) of the image x (64 × 1) under the fixed decoder by a Gauss–Hermite rule with `nodes`²
// points; when grad is non-null it gets ∂/∂(m₁, m₂, log s₁, log s₂).
double vae_quadrature_elbo(const VaeModel& model, const Vec& params, const Mat& x, const LatentGaussian& q,
                           int nodes, std::array<double, 4>* grad = nullptr);

// The encoder's q, q* (Adam from the encoder's q), both ELBOs, and log p(x) with the posterior.
VaeGap vae_amortization_gap(const VaeModel& model, const Vec& params, const Mat& x, int image,
                            const VaeGapOptions& options = {});

}  // namespace vi
