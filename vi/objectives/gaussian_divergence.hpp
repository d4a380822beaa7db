// vi/objectives/gaussian_divergence.hpp — closed-form divergences between Gaussians.
//
// The references the tests hold the estimators to on Gaussian targets, and what a view can show
// beside an estimate: KL(N₀‖N₁) and the Rényi divergence D_α(N₀‖N₁), whose negative is the
// Rényi bound of a Gaussian q on a normalized Gaussian target (L_α = log Z − D_α(q‖p)).
#pragma once

#include "vi/core/types.hpp"

namespace vi {

// KL(N(a.mean, a.cov) ‖ N(b.mean, b.cov)).
double gaussian_kl(const Moments& a, const Moments& b);

// D_α(N₀‖N₁) = 1/(α − 1) log ∫ N₀^α N₁^{1−α}  (Gil, Alajaji & Linder 2013):
//   α/2 Δᵀ Σ_α⁻¹ Δ − 1/(2(α − 1)) log(|Σ_α| / (|Σ₀|^{1−α} |Σ₁|^α)),  Σ_α = α Σ₁ + (1 − α) Σ₀,
// with Δ = μ₀ − μ₁. α = 1 gives the KL (the limit); +∞ when Σ_α is not positive definite (the
// integral diverges, which can happen for α > 1).
double gaussian_renyi_divergence(const Moments& a, const Moments& b, double alpha);

}  // namespace vi
