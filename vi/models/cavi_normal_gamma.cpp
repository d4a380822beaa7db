// vi/models/cavi_normal_gamma.cpp — see cavi_normal_gamma.hpp.
//
// Index
// [SECTION] Data
// [SECTION] The exact posterior
// [SECTION] ELBO and CAVI
// [SECTION] Gradient fit
#include "vi/models/cavi_normal_gamma.hpp"

#include "vi/core/check.hpp"
#include "vi/core/math.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/core/rng.hpp"
#include "vi/core/special.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

namespace {

void check_prior(const char* fn, const NormalGammaPrior& p) {
  check_finite(fn, "mu0", p.mu0);
  check_positive(fn, "lambda0", p.lambda0);
  check_positive(fn, "a0", p.a0);
  check_positive(fn, "b0", p.b0);
}

void check_data(const char* fn, const NormalGammaData& d) {
  if (d.x.empty()) throw_invalid(fn, "data has no points, but needs at least 1");
}

// Σ (x_n − m)² = Σ (x_n − x̄)² + N (x̄ − m)².
double sum_sq_about(const NormalGammaData& d, double m) {
  const double dm = d.mean - m;
  return d.sum_sq + double(d.x.size()) * dm * dm;
}

}  // namespace

// [SECTION] Data

NormalGammaData ng_data(std::vector<double> x) {
  NormalGammaData d;
  d.x = std::move(x);
  check_data("ng_data", d);
  double s = 0;
  for (double v : d.x) s += v;
  d.mean = s / double(d.x.size());
  for (double v : d.x) d.sum_sq += (v - d.mean) * (v - d.mean);
  return d;
}

NormalGammaData ng_generate(int n, double mu_true, double tau_true, uint64_t seed) {
  check_positive("ng_generate", "N", n);
  check_finite("ng_generate", "mu_true", mu_true);
  check_positive("ng_generate", "tau_true", tau_true);
  Rng rng(seed);
  std::vector<double> x(static_cast<size_t>(n));
  const double sd = 1 / std::sqrt(tau_true);
  for (double& v : x) v = mu_true + sd * rng.normal();
  return ng_data(std::move(x));
}

// [SECTION] The exact posterior

NormalGammaExact ng_exact(const NormalGammaData& data, const NormalGammaPrior& prior) {
  check_prior("ng_exact", prior);
  check_data("ng_exact", data);
  const double N = double(data.x.size());
  NormalGammaExact e;
  NormalGammaParams& p = e.post;
  p.lambda = prior.lambda0 + N;
  p.mu = (prior.lambda0 * prior.mu0 + N * data.mean) / p.lambda;
  p.a = prior.a0 + N / 2;
  const double dm = data.mean - prior.mu0;
  p.b = prior.b0 + 0.5 * (data.sum_sq + prior.lambda0 * N * dm * dm / p.lambda);
  // p(x) = Γ(a_N)/Γ(a₀) · b₀^a₀ / b_N^a_N · (λ₀/λ_N)^½ · (2π)^(−N/2).
  e.log_evidence = std::lgamma(p.a) - std::lgamma(prior.a0) + prior.a0 * std::log(prior.b0) - p.a * std::log(p.b) +
                   0.5 * std::log(prior.lambda0 / p.lambda) - 0.5 * N * kLog2Pi;
  // μ's marginal is Student t (2a_N dof, scale² b_N/(a_N λ_N)): its variance exists for a_N > 1.
  e.mean_mu = p.mu;
  e.sd_mu = p.a > 1 ? std::sqrt(p.b / (p.lambda * (p.a - 1))) : std::numeric_limits<double>::infinity();
  e.mean_tau = p.a / p.b;
  e.sd_tau = std::sqrt(p.a) / p.b;
  return e;
}

double ng_log_density(const NormalGammaParams& p, double mu, double tau) {
  if (!(tau > 0)) return -std::numeric_limits<double>::infinity();
  const double lt = std::log(tau), d = mu - p.mu;
  const double log_normal = 0.5 * (std::log(p.lambda) + lt - kLog2Pi) - 0.5 * p.lambda * tau * d * d;
  const double log_gamma = p.a * std::log(p.b) - std::lgamma(p.a) + (p.a - 1) * lt - p.b * tau;
  return log_normal + log_gamma;
}

double ng_log_joint(const NormalGammaData& data, const NormalGammaPrior& prior, double mu, double tau) {
  if (!(tau > 0)) return -std::numeric_limits<double>::infinity();
  const double N = double(data.x.size()), lt = std::log(tau);
  const double lik = 0.5 * N * (lt - kLog2Pi) - 0.5 * tau * sum_sq_about(data, mu);
  const NormalGammaParams pr{prior.mu0, prior.lambda0, prior.a0, prior.b0};
  return lik + ng_log_density(pr, mu, tau);
}

// [SECTION] ELBO and CAVI

double ng_elbo(const NormalGammaData& data, const NormalGammaPrior& prior, const NormalGammaQ& q) {
  const double N = double(data.x.size());
  const double Et = q.a / q.b, Elt = digamma(q.a) - std::log(q.b);
  const double dm = q.m - prior.mu0;
  // E[Σ(x_n − μ)²] = Σ(x_n − m)² + N/λ and E[(μ − μ₀)²] = (m − μ₀)² + 1/λ.
  const double e_lik = 0.5 * N * (Elt - kLog2Pi) - 0.5 * Et * (sum_sq_about(data, q.m) + N / q.lambda);
  const double e_mu = 0.5 * (std::log(prior.lambda0) + Elt - kLog2Pi) - 0.5 * prior.lambda0 * Et * (dm * dm + 1 / q.lambda);
  const double e_tau = prior.a0 * std::log(prior.b0) - std::lgamma(prior.a0) + (prior.a0 - 1) * Elt - prior.b0 * Et;
  const double h_mu = 0.5 * (1 + kLog2Pi - std::log(q.lambda));
  const double h_tau = q.a - std::log(q.b) + std::lgamma(q.a) + (1 - q.a) * digamma(q.a);
  return e_lik + e_mu + e_tau + h_mu + h_tau;
}

void ng_update_mu(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q) {
  const double N = double(data.x.size());
  q.m = (prior.lambda0 * prior.mu0 + N * data.mean) / (prior.lambda0 + N);  // PRML 10.26
  q.lambda = (prior.lambda0 + N) * q.mean_tau();                           // PRML 10.27
}

void ng_update_tau(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q) {
  const double N = double(data.x.size());
  const double dm = q.m - prior.mu0;
  q.a = prior.a0 + (N + 1) / 2;  // PRML 10.29
  // PRML 10.30 with E[μ] = m, E[μ²] = m² + 1/λ.
  q.b = prior.b0 + 0.5 * (sum_sq_about(data, q.m) + N / q.lambda + prior.lambda0 * (dm * dm + 1 / q.lambda));
}

NormalGammaQ ng_fixed_point(const NormalGammaData& data, const NormalGammaPrior& prior) {
  // At the fixed point m = μ_N, so Σ(x_n − m)² + λ₀(m − μ₀)² = 2(b_N − b₀), and
  // 1/λ = 1/((λ₀ + N) E[τ]) = b/((λ₀ + N) a). The q(τ) update then reads b = b_N + b/(2a):
  // linear in b, so b = b_N · 2a/(2a − 1), and E[τ] = a/b = (a − ½)/b_N = a_N/b_N.
  const NormalGammaExact e = ng_exact(data, prior);
  const double N = double(data.x.size());
  NormalGammaQ q;
  q.m = e.post.mu;
  q.a = prior.a0 + (N + 1) / 2;
  q.b = e.post.b * 2 * q.a / (2 * q.a - 1);
  q.lambda = (prior.lambda0 + N) * q.a / q.b;
  return q;
}

NormalGammaQ ng_initial_q(const NormalGammaPrior& prior) {
  check_prior("ng_initial_q", prior);
  return NormalGammaQ{prior.mu0, prior.lambda0, prior.a0, prior.b0};
}

CaviResult ng_cavi(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q, int max_iterations,
                   double tol) {
  check_prior("ng_cavi", prior);
  check_data("ng_cavi", data);
  check_positive("ng_cavi", "tol", tol);
  CaviResult r;
  r.elbo.push_back(ng_elbo(data, prior, q));
  auto rel = [](double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); };
  while (r.iterations < max_iterations) {
    const NormalGammaQ before = q;
    ng_update_mu(data, prior, q);
    ng_update_tau(data, prior, q);
    ++r.iterations;
    r.elbo.push_back(ng_elbo(data, prior, q));
    const double d_elbo = rel(r.elbo.back(), r.elbo[r.elbo.size() - 2]);
    const double d_par = std::max({std::abs(q.m - before.m) / std::max(1.0, std::abs(before.m)), rel(q.lambda, before.lambda),
                                   rel(q.a, before.a), rel(q.b, before.b)});
    if (d_elbo < tol && d_par < tol) {
      r.converged = true;
      break;
    }
  }
  return r;
}

// [SECTION] Gradient fit

Vec ng_pack(const NormalGammaQ& q) {
  Vec u(4);
  u << q.m, std::log(q.lambda), std::log(q.a), std::log(q.b);
  return u;
}

NormalGammaQ ng_unpack(const Vec& u) { return NormalGammaQ{u(0), std::exp(u(1)), std::exp(u(2)), std::exp(u(3))}; }

double ng_elbo_grad(const NormalGammaData& data, const NormalGammaPrior& prior, const Vec& u, Vec& grad) {
  const NormalGammaQ q = ng_unpack(u);
  const double N = double(data.x.size());
  const double Et = q.a / q.b;
  // The ELBO as c E[log τ] − E[τ] B − ½ log λ + H[Gamma(a, b)] + const, with c = a₀ + (N − 1)/2
  // and B = b₀ + ½(Σ(x_n − m)² + λ₀(m − μ₀)² + (N + λ₀)/λ): the q(τ) update sets a = c + 1, b = B.
  const double c = prior.a0 + (N - 1) / 2;
  const double dm = q.m - prior.mu0;
  const double B = prior.b0 + 0.5 * (sum_sq_about(data, q.m) + prior.lambda0 * dm * dm + (N + prior.lambda0) / q.lambda);
  grad.resize(4);
  grad(0) = Et * (N * data.mean + prior.lambda0 * prior.mu0 - (N + prior.lambda0) * q.m);
  grad(1) = 0.5 * Et * (N + prior.lambda0) / q.lambda - 0.5;
  grad(2) = q.a * ((c + 1 - q.a) * trigamma(q.a) - B / q.b + 1);
  grad(3) = q.a * B / q.b - (c + 1);
  return ng_elbo(data, prior, q);
}

GradientFitResult ng_gradient_fit(const NormalGammaData& data, const NormalGammaPrior& prior, NormalGammaQ& q, int steps,
                                  double lr0, double lr1) {
  check_prior("ng_gradient_fit", prior);
  check_data("ng_gradient_fit", data);
  check_positive("ng_gradient_fit", "steps", steps);
  Vec u = ng_pack(q), g(4);
  auto adam = make_optimizer("adam");
  adam->reset(u.size());
  const double decay = std::log(lr1 / lr0) / std::max(steps - 1, 1);
  for (int t = 0; t < steps; ++t) {
    ng_elbo_grad(data, prior, u, g);
    adam->ascend(u, g, lr0 * std::exp(decay * t));
  }
  q = ng_unpack(u);
  return {steps, ng_elbo(data, prior, q)};
}

}  // namespace vi
