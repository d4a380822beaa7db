// vi/models/cavi_normal_gamma.hpp — the univariate Gaussian with unknown mean and precision (Bishop,
// PRML §10.1.3): its exact Normal-Gamma posterior and the factorized q(μ)q(τ) fitted by CAVI.
//
// Model: x_n ~ N(μ, τ⁻¹), μ | τ ~ N(μ₀, (λ₀τ)⁻¹), τ ~ Gamma(a₀, b₀) (rate b₀), PRML 10.21–10.22.
// The posterior is Normal-Gamma in closed form, so everything CAVI approximates has an exact
// answer beside it: the joint density, the marginal moments and the log evidence. The CAVI fixed
// point has a closed form too (see ng_fixed_point), which the tests hold the iteration to.
#pragma once

#include "vi/core/types.hpp"

#include <cstdint>
#include <vector>

namespace vi {

// [SECTION] Model and data

struct NormalGammaPrior {
  double mu0 = 0;      // prior mean of μ
  double lambda0 = 1;  // prior precision scale of μ (in units of τ)
  double a0 = 1;       // Gamma shape of τ
  double b0 = 1;       // Gamma rate of τ
};

struct NormalGammaData {
  std::vector<double> x;
  double mean = 0;   // x̄
  double sum_sq = 0; // Σ (x_n − x̄)²
};

// N points from N(mu_true, 1/tau_true), drawn from vi::Rng(seed).
NormalGammaData ng_generate(int n, double mu_true, double tau_true, uint64_t seed);
// The summary statistics of given points (N ≥ 1).
NormalGammaData ng_data(std::vector<double> x);

// [SECTION] The exact posterior

// NG(μ, τ) = N(μ | mu, (lambda τ)⁻¹) Gamma(τ | a, b).
struct NormalGammaParams {
  double mu = 0, lambda = 1, a = 1, b = 1;
};

struct NormalGammaExact {
  NormalGammaParams post;   // μ_N, λ_N, a_N, b_N
  double log_evidence = 0;  // log p(x), in closed form
  double mean_mu = 0, sd_mu = 0;    // the marginal of μ (Student t with 2a_N degrees of freedom)
  double mean_tau = 0, sd_tau = 0;  // the marginal of τ (Gamma(a_N, b_N))
};

NormalGammaExact ng_exact(const NormalGammaData& data, const NormalGammaPrior& prior);

// log NG(μ, τ | p) for τ > 0 (−∞ for τ ≤ 0).
double ng_log_density(const NormalGammaParams& p, double mu, double tau);

// log p(x | μ, τ) + log p(μ | τ) + log p(τ): the unnormalized posterior (for quadrature checks).
double ng_log_joint(const NormalGammaData& data, const NormalGammaPrior& prior, double mu, double tau);

// [SECTION] The factorized q(μ) q(τ) and CAVI

struct NormalGammaQ {
  double m = 0, lambda = 1;  // q(μ) = N(m, 1/lambda)
  double a = 1, b = 1;       // q(τ) = Gamma(a, b)
  double mean_tau() const { return a / b; }
};

// The ELBO of q in closed form: E_q[log p(x, μ, τ)] − E_q[log q(μ)] − E_q[log q(τ)].
double ng_elbo(const NormalGammaData& data, const NormalGammaPrior& prior, const NormalGammaQ& q);

// The CAVI updates (PRML 10.26–10.30), each the exact maximizer of the ELBO over one factor
// with the other held: q(μ) uses E[τ]; q(τ) uses E[μ] and E[μ²].
void ng_update_mu(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q);
void ng_update_tau(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q);

// The fixed point of the two updates, solved analytically (not by iterating): m = μ_N,
// a = a₀ + (N + 1)/2, and b solves b = b_N + b/(2a), i.e. E[τ] = a/b = a_N/b_N, λ = λ_N E[τ].
NormalGammaQ ng_fixed_point(const NormalGammaData& data, const NormalGammaPrior& prior);

// The q CAVI starts from: q(μ) = N(μ₀, 1/λ₀) — the prior's mean with τ = 1 — and q(τ) = the prior.
NormalGammaQ ng_initial_q(const NormalGammaPrior& prior);

struct CaviResult {
  int iterations = 0;    // full sweeps (update q(μ) then q(τ)) done
  bool converged = false;
  std::vector<double> elbo;  // the ELBO before the first sweep and after each sweep
};

// Sweeps until the relative ELBO change and the largest relative parameter change of a sweep
// are both below tol, or max_iterations sweeps.
CaviResult ng_cavi(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q,
                   int max_iterations = 1000, double tol = 1e-10);

// [SECTION] The gradient-based fit of the same family

// The unconstrained parameters u = (m, log λ, log a, log b).
Vec ng_pack(const NormalGammaQ& q);
NormalGammaQ ng_unpack(const Vec& u);
// The closed-form ELBO at u and its analytic gradient with respect to u.
double ng_elbo_grad(const NormalGammaData& data, const NormalGammaPrior& prior, const Vec& u, Vec& grad);

struct GradientFitResult {
  int steps = 0;
  double elbo = 0;
};
// Adam (vi::make_optimizer("adam")) on the closed-form ELBO over u from q, `steps` steps with the
// learning rate decaying geometrically from lr0 to lr1 (a fixed rate would leave Adam jittering
// around the optimum at the ~lr scale).
GradientFitResult ng_gradient_fit(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q,
                                  int steps = 20000, double lr0 = 0.05, double lr1 = 1e-5);

}  // namespace vi
