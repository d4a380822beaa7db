// vi/core/gauss_hermite.hpp — Gauss–Hermite quadrature for expectations under a standard normal.
//
// E[f(ε)], ε ~ N(0, 1), is Σ_i w_i f(u_i) for the n nodes u_i and weights w_i (Σ w_i = 1) below:
// exact for polynomials of degree < 2n. In 2D the tensor rule (u_i, u_j), w_i w_j gives
// E[f(ε)] for ε ~ N(0, I₂). The VAE's amortization gap (vi/models/vae_gap.hpp) uses it to make a
// 2D latent's ELBO deterministic, so an optimizer can climb it without Monte Carlo noise.
#pragma once

#include "vi/core/types.hpp"

namespace vi {

struct GaussHermite {
  Vec nodes;    // u_i, increasing (the probabilists' nodes: √2 × the physicists')
  Vec weights;  // w_i > 0, summing to 1
};

// The n-point rule (1 ≤ n ≤ 64), by Newton's method on the Hermite recurrence (Golub–Welsch would
// need an eigensolver for no gain at this size). Throws std::invalid_argument outside that range.
GaussHermite gauss_hermite(int n);

}  // namespace vi
