// vi/objectives/objective.hpp — what a step maximizes, estimated from S draws, and its gradient.
//
// objective_value_and_grad is the one entry point Run::step uses: it dispatches on an
// ObjectiveSpec (vi/objectives/objective_spec.hpp) to the ELBO's pathwise estimator below or to the
// estimators of vi/objectives/estimators.hpp. Every estimate is a deterministic function of (φ, draws): the
// tests check gradients against finite differences with the same draws (common random numbers).
//
// The reverse-KL objective is the ELBO  L(φ) = E_q[log p~(z)] + H[q_φ]; its pathwise
// (reparameterization) estimator, elbo_value_and_grad, is the default step's fast path.
#pragma once

#include "vi/families/family.hpp"
#include "vi/analysis/grid_sampler.hpp"
#include "vi/objectives/objective_spec.hpp"
#include "vi/core/problem.hpp"
#include "vi/core/rng.hpp"
#include "vi/core/types.hpp"

#include <limits>

namespace vi {

// Scratch space for one objective evaluation; sized once for (dim, S), then reused. After a call
// it also holds what the estimate was made of, for tests and views: the draws z, their log p~
// and log q, and `coef`, the per-draw weight each estimator treats as a constant (see
// vi/objectives/estimators.hpp).
struct ObjectiveWorkspace {
  Mat z, gz;
  Vec logp, log_q, g_lq, a, g_a;
  Mat gq;            // ∇z log q at the draws (STL)
  Vec l, w, coef;    // log weights l_s, their normalized weights ŵ_s, the stop-gradient coefficients
  Vec tmp, tmp2;     // per-draw scratch (leave-one-out sums)
  Vec g_scratch;     // a throw-away gradient (log_density_grad's g_phi when only ∇z log q is wanted)
  double ess = std::numeric_limits<double>::quiet_NaN();  // SNIS: effective sample size of the last call
  void resize(int dim, int samples) {
    if (z.rows() == dim && z.cols() == samples) return;
    z.resize(dim, samples);
    gz.resize(dim, samples);
    logp.resize(samples);
    log_q.resize(samples);
    g_lq.resize(samples);
    a.resize(samples);
    g_a.resize(samples);
    gq.resize(dim, samples);
    l.resize(samples);
    w.resize(samples);
    coef.resize(samples);
    tmp.resize(samples);
    tmp2.resize(samples);
  }
};

// The random inputs of one estimate. A Run fills them from its training stream (fill_draws);
// the gradient-variance study fills them from its own. Only what the spec needs is drawn, in a
// fixed order (normals, then uniforms), so the default reverse-KL step draws exactly the normals
// it always drew.
struct Draws {
  Mat eps;     // base normals (base_dim × S): draws of q (empty for exact draws of p)
  Mat grid_u;  // uniforms (3 × S) for exact draws of p from the grid (GridSampler::sample)
  Vec pick_u;  // uniforms (S): a mixture's component for each i.i.d. draw of q (score estimator)
  int samples() const { return int(eps.cols() > 0 ? eps.cols() : grid_u.cols()); }
};

// Sizes `d` for S draws under `spec` (no-op when the sizes hold) and fills it from rng.
void fill_draws(const ObjectiveSpec& spec, const Family& family, int samples, Rng& rng, Draws& d);

// What an estimate needs besides φ: the target, the family, and for forward KL exact draws of p
// from the grid (null when there is none) and log Z (the forward-KL value is −KL(p‖q)).
struct ObjectiveContext {
  const Problem& problem;
  const Family& family;
  const GridSampler* p_sampler = nullptr;
  double log_z = 0;
};

// The estimate of the objective `spec` names at φ (to be maximized: the ELBO, −KL(p‖q), or the
// Rényi bound), with its gradient estimate written to grad. Callers check the combination once,
// up front, with check_objective_supported: one it refuses may throw here (std::logic_error from
// a family without log_density_grad, std::invalid_argument for exact draws without a grid).
double objective_value_and_grad(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi,
                                const Draws& draws, ObjectiveWorkspace& ws, Vec& grad);

struct ElboOptions {
  // true: E_q[log p~] + H[q] with H in closed form (lower variance, when the family has one);
  // false: E_q[log p~ − log q] estimated entirely by Monte Carlo.
  bool analytic_entropy = true;
  // β-annealing (Rezende & Mohamed 2015): the target term is weighted β E_q[log p~], β ≤ 1.
  double beta = 1.0;
};

// The exact forward-KL gradient ∂/∂φ E_p[log q_φ] by quadrature on the reference grid (2D): the
// reference an estimate's mean is held to (SNIS's bias). Allocates; not for the step.
Vec forward_kl_gradient_quadrature(const Family& family, const Vec& phi, const TargetReference& ref);

// Returns the ELBO estimate at φ from the draws eps (dim × S) and writes ∂(estimate)/∂φ to grad.
double elbo_value_and_grad(const Problem& problem, const Family& family, const Vec& phi,
                           const Mat& eps, ElboOptions options, ObjectiveWorkspace& ws, Vec& grad);

}  // namespace vi
