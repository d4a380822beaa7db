// vi/objectives/estimators.hpp — the gradient estimators behind objective_value_and_grad (one mechanism).
//
// [SECTION] Log-weight objectives (the ELBO and the Rényi bound)
// Both are functions of the per-draw log weights
//     l_s = β log p~(z_s) − log q(z_s),   z_s = T_φ(ε_s),
// reduced with the draws' weights a_s (1/S for i.i.d. draws; π_k/S_k for a mixture's stratified
// draws, Σ a_s = 1):
//     f(l; a) = Σ_s a_s l_s                     t = 0: the ELBO (and Rényi α = 1)
//     f(l; a) = (1/t) log Σ_s a_s e^{t l_s}     t = 1 − α ≠ 0: the Rényi bound (α = 0: IWAE)
// The reduction returns f, the normalized weights ŵ_s = ∂f/∂l_s and ∂f/∂a_s. Each estimator then
// sends cotangents back through the family; ws.coef receives the per-draw weights it treats as
// constants (what a finite-difference check of its surrogate needs):
//   reparam  g_z = β ŵ ⊙ ∇log p~, g_lq = −ŵ through Family::backward: the whole path.
//            coef = ŵ.
//   stl      g_z = k ⊙ (β ∇log p~ − ∇z log q), g_lq = 0: the path through z only. The dropped
//            term −Σ ŵ_s ∂φ log q(z_s) has mean zero when ŵ is constant (t = 0: Roeder et al.
//            2017); for t ≠ 0 the weights depend on z_s, and the identity
//            E[h(z) ∂φ log q(z)] = E[∇z h · ∂z/∂φ] turns the term into a path term:
//            k_s = ŵ_s − ∂ŵ_s/∂l_s = ŵ_s (α + (1 − α) ŵ_s), the doubly-reparameterized estimator
//            (Tucker et al. 2019; ŵ² at α = 0). It vanishes identically when q = p (l constant).
//            coef = k.
//   score    Σ_s c_s ∂φ log q(z_s) at fixed z through Family::log_density_grad, with i.i.d.
//            draws of q (a mixture draws its components by ancestral sampling here, so every
//            draw has weight 1/S; for the ELBO, linear in the draws, both ways of drawing have
//            the same expectation, but not for the Rényi bound, so a mixture's Rényi bound —
//            estimated from stratified draws — takes reparam only). t = 0: c_s = (l_s − b_s)/S, per draw (the −(1/S) Σ ∂φ log q
//            term has mean zero and is dropped); b_s = 0 or the mean of the other S − 1 values.
//            t ≠ 0: f does not split into per-draw terms, so c_s = f − b_s − ŵ_s, with b_s = 0 or
//            f of the other S − 1 draws (a VIMCO-style leave-one-out baseline, Mnih & Rezende
//            2016). With H[q] in closed form (reverse-kl only), l_s = β log p~ and ∇H is added.
//            coef = c.
// Every one is unbiased for the gradient of E[f] (the tests check it), and reduces at t = 0 to
// the corresponding ELBO estimator.
//
// [SECTION] Forward KL
//   exact    z_s drawn from p's quadrature grid; value −KL̂(p‖q) = (1/S) Σ (log q − log p~) + log Z,
//            gradient (1/S) Σ ∂φ log q(z_s). coef = 1/S.
//   snis     z_s = T_φ(ε_s) from q, weights w̄_s ∝ a_s p~(z_s)/q(z_s) normalized to sum 1;
//            value Σ w̄ (log q − log p~) + log Z, gradient Σ w̄_s ∂φ log q(z_s) with the proposal held
//            fixed. Biased for finite S (a ratio estimator); ws.ess = 1/Σ w̄² says how much.
//            coef = w̄.
#pragma once

#include "vi/objectives/objective.hpp"

namespace vi {

// [SECTION] Log-weight reductions (vi/objectives/renyi.cpp)

// f(l; a) for exponent t, the weights ŵ = ∂f/∂l into w, and (when g_a is non-null) ∂f/∂a into
// *g_a, shifted by the constant −1/t (which Σ_s ∂a_s/∂φ = 0 cancels): expm1(t(l_s − f))/t, or
// l_s − f at t = 0. Stable for every t: log-sum-exp for large |t|·spread, expm1/log1p near t = 0.
double log_weight_reduce(double t, const Vec& l, const Vec& a, Vec& w, Vec* g_a);

// out_s = f of the other S − 1 values with equal weights (S ≥ 2), in O(S): prefix and suffix
// log-sum-exps (scratch p, q) where a subtraction would cancel.
void log_weight_leave_one_out(double t, const Vec& l, Vec& out, Vec& p, Vec& q);

// [SECTION] Estimators (vi/objectives/estimators.cpp). t = spec.t(); all write grad (not add to it).
double reparam_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Mat& eps,
                        ObjectiveWorkspace& ws, Vec& grad);
double stl_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Mat& eps,
                    ObjectiveWorkspace& ws, Vec& grad);
double score_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Draws& draws,
                      ObjectiveWorkspace& ws, Vec& grad);

// [SECTION] Forward KL (vi/objectives/forward_kl.cpp)
double forward_kl_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi,
                           const Draws& draws, ObjectiveWorkspace& ws, Vec& grad);

}  // namespace vi
