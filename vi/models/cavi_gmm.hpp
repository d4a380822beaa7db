// vi/models/cavi_gmm.hpp — CAVI for a Bayesian mixture of unit-variance Gaussians (Blei, Kucukelbir &
// McAuliffe 2017, §3), in 1D or 2D.
//
// Model: μ_k ~ N(0, σ² I) for k = 1…K, c_i ~ Cat(1/K, …, 1/K), x_i | c_i, μ ~ N(μ_{c_i}, I).
// Mean-field family: q(μ_k) = N(m_k, s_k² I), q(c_i) = Cat(φ_i). Each CAVI update maximizes the
// ELBO exactly over one factor, so the ELBO never decreases; the tests hold it to that.
#pragma once

#include "vi/core/types.hpp"

#include <cstdint>
#include <vector>

namespace vi {

// [SECTION] Model and data

struct GmmSettings {
  int K = 3;           // components
  int dim = 2;         // 1 or 2
  int N = 200;         // points
  double sigma = 4;    // prior sd of the means (σ)
  uint64_t seed = 1;   // data (true means and points) and the initial q
};

struct GmmData {
  int K = 0;
  Mat x;           // dim × N points
  Mat true_means;  // dim × K, drawn from the prior N(0, σ² I)
  std::vector<int> labels;  // the true component of each point
  double sigma = 1;
};

// True means from the prior and N points from the mixture, all from vi::Rng(seed).
GmmData gmm_generate(const GmmSettings& s);

// [SECTION] The variational family and CAVI

struct GmmQ {
  Mat m;    // dim × K: the means of q(μ_k)
  Vec s2;   // K: the variances s_k² of q(μ_k)
  Mat phi;  // N × K: q(c_i = k); rows sum to 1
};

// The initial q (Blei et al.'s recipe): m_k = K distinct data points picked with vi::Rng(seed,
// stream 1), s_k² = 1, φ_i uniform.
GmmQ gmm_initial_q(const GmmData& data, uint64_t seed);

// The ELBO in closed form: E[log p(μ)] + E[log p(c)] + E[log p(x | c, μ)] − E[log q(c)] − E[log q(μ)].
double gmm_elbo(const GmmData& data, const GmmQ& q);

// The two CAVI updates: every φ_i given q(μ), then every q(μ_k) given φ.
void gmm_update_assignments(const GmmData& data, GmmQ& q);
void gmm_update_means(const GmmData& data, GmmQ& q);
// One sweep: assignments, then means.
void gmm_step(const GmmData& data, GmmQ& q);

struct GmmCaviResult {
  int iterations = 0;
  bool converged = false;
  std::vector<double> elbo;  // before the first sweep and after each sweep
};

// Sweeps until the relative ELBO change and the largest change of m, s² and φ in a sweep are
// below tol, or max_iterations sweeps.
GmmCaviResult gmm_cavi(const GmmData& data, GmmQ& q, int max_iterations = 1000, double tol = 1e-10);

// [SECTION] The gradient-based fit of the same family

// Unconstrained parameters u = (m column by column, log s², softmax logits of φ row by row with
// the row's log φ as the logits).
Vec gmm_pack(const GmmQ& q);
GmmQ gmm_unpack(const Vec& u, int dim, int K, int N);
// The closed-form ELBO at u and its analytic gradient with respect to u.
double gmm_elbo_grad(const GmmData& data, const Vec& u, Vec& grad);

// Adam on u from q, with the learning rate decaying geometrically from lr0 to lr1.
double gmm_gradient_fit(const GmmData& data, GmmQ& q, int steps = 20000, double lr0 = 0.05, double lr1 = 1e-4);

// The permutation of q's components that best matches `reference` (perm[k] = the reference
// component that q's component k is), by the smallest total squared distance of the means.
std::vector<int> gmm_match_components(const Mat& means, const Mat& reference);

}  // namespace vi
