// vi/objective.hpp — what a step maximizes, estimated from S base draws.
//
// The reverse-KL objective is the ELBO  L(φ) = E_q[log p~(z)] + H[q_φ]  with pathwise
// (reparameterization) gradients. value_and_grad is a deterministic function of (φ, ε): the
// tests check its gradient against finite differences with the same ε (common random numbers).
#pragma once

#include "vi/family.hpp"
#include "vi/problem.hpp"
#include "vi/types.hpp"

namespace vi {

// Scratch space for one objective evaluation; sized once for (dim, S), then reused.
struct ObjectiveWorkspace {
  Mat z, gz;
  Vec logp, log_q, g_lq, a, g_a;
  void resize(int dim, int samples) {
    if (z.rows() == dim && z.cols() == samples) return;
    z.resize(dim, samples);
    gz.resize(dim, samples);
    logp.resize(samples);
    log_q.resize(samples);
    g_lq.resize(samples);
    a.resize(samples);
    g_a.resize(samples);
  }
};

struct ElboOptions {
  // true: E_q[log p~] + H[q] with H in closed form (lower variance, when the family has one);
  // false: E_q[log p~ − log q] estimated entirely by Monte Carlo.
  bool analytic_entropy = true;
  // β-annealing (Rezende & Mohamed 2015): the target term is weighted β E_q[log p~], β ≤ 1.
  double beta = 1.0;
};

// Returns the ELBO estimate at φ from the draws eps (dim × S) and writes ∂(estimate)/∂φ to grad.
double elbo_value_and_grad(const Problem& problem, const Family& family, const Vec& phi,
                           const Mat& eps, ElboOptions options, ObjectiveWorkspace& ws, Vec& grad);

}  // namespace vi
