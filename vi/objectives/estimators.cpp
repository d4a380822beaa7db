// vi/objectives/estimators.cpp — reparam, STL and score-function estimators of the log-weight objectives.
//
// The formulas and why each is unbiased are in vi/objectives/estimators.hpp. Nothing here allocates once
// the workspace and the family's scratch are sized for S.
#include "vi/objectives/estimators.hpp"

namespace vi {

namespace {

// The draws' weights a_s: a mixture's stratified π_k/S_k, else 1/S.
void draw_weights(const Family& family, const Vec& phi, Vec& a) {
  if (family.stratified())
    family.sample_weights(phi, a);
  else
    a.setConstant(1.0 / double(a.size()));
}

// Reparameterized draws with log q along the path, log p~ and (when wanted) ∇log p~ into
// ws.gz, and the log weights l = β log p~ − log q.
void path_draws(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Mat& eps,
                ObjectiveWorkspace& ws, bool target_grad) {
  ctx.family.forward(phi, eps, ws.z, ws.log_q);
  ctx.problem.eval(ws.z, ws.logp, target_grad ? &ws.gz : nullptr);
  ws.l = spec.beta * ws.logp - ws.log_q;
}

}  // namespace

double reparam_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Mat& eps,
                        ObjectiveWorkspace& ws, Vec& grad) {
  const Family& fam = ctx.family;
  const bool weighted = fam.stratified();
  path_draws(ctx, spec, phi, eps, ws, true);
  draw_weights(fam, phi, ws.a);
  const double f = log_weight_reduce(spec.t(), ws.l, ws.a, ws.w, weighted ? &ws.g_a : nullptr);
  // ∂f/∂z_s = ŵ_s β ∇log p~(z_s) plus, along the path, ∂f/∂log q_s = −ŵ_s.
  ws.gz.array().rowwise() *= ws.w.transpose().array();
  ws.gz *= spec.beta;
  ws.g_lq = -ws.w;
  grad.setZero();
  fam.backward(phi, eps, ws.gz, ws.g_lq, grad);
  if (weighted) fam.add_weight_grad(phi, ws.g_a, grad);
  ws.coef = ws.w;
  return f;
}

double stl_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Mat& eps,
                    ObjectiveWorkspace& ws, Vec& grad) {
  const Family& fam = ctx.family;
  const bool weighted = fam.stratified();
  const double t = spec.t();
  path_draws(ctx, spec, phi, eps, ws, true);
  draw_weights(fam, phi, ws.a);
  const double f = log_weight_reduce(t, ws.l, ws.a, ws.w, weighted ? &ws.g_a : nullptr);
  // k = ŵ − ∂ŵ/∂l = ŵ (1 − t + t ŵ): ŵ itself for the ELBO.
  ws.coef = ws.w.array() * (1.0 - t + t * ws.w.array());
  // ∇z log q at the draws (φ held fixed: the score's own gradient is not wanted here).
  ws.tmp.setZero();
  ws.g_scratch.setZero(fam.num_params());
  fam.log_density_grad(phi, ws.z, ws.tmp, ws.g_scratch, &ws.gq);
  ws.gz *= spec.beta;
  ws.gz -= ws.gq;
  ws.gz.array().rowwise() *= ws.coef.transpose().array();
  ws.g_lq.setZero();
  grad.setZero();
  fam.backward(phi, eps, ws.gz, ws.g_lq, grad);
  if (weighted) fam.add_weight_grad(phi, ws.g_a, grad);
  return f;
}

double score_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi, const Draws& draws,
                      ObjectiveWorkspace& ws, Vec& grad) {
  const Family& fam = ctx.family;
  const double t = spec.t();
  const Eigen::Index S = draws.eps.cols();
  // i.i.d. draws of q, held fixed: a mixture picks each draw's component from u (its stratified
  // draws would need weights that depend on φ, and a baseline that is not constant across
  // strata would bias the estimate).
  if (fam.stratified()) {
    fam.sample(phi, draws.eps, draws.pick_u, ws.z);
    fam.log_density(phi, ws.z, ws.log_q);
  } else {
    fam.forward(phi, draws.eps, ws.z, ws.log_q);
  }
  ctx.problem.eval(ws.z, ws.logp, nullptr);
  const bool analytic = spec.kind == ObjectiveKind::ReverseKL && spec.analytic_entropy && fam.has_analytic_entropy();
  const bool loo = spec.baseline == Baseline::LeaveOneOut;
  ws.a.setConstant(1.0 / double(S));
  double f;
  if (t == 0) {
    // l_s: β log p~ − log q, or β log p~ with H[q] added in closed form.
    if (analytic)
      ws.l = spec.beta * ws.logp;
    else
      ws.l = spec.beta * ws.logp - ws.log_q;
    f = ws.l.mean();
    if (loo) {
      log_weight_leave_one_out(0, ws.l, ws.tmp, ws.w, ws.tmp2);
      ws.coef = (ws.l - ws.tmp) / double(S);
    } else {
      ws.coef = ws.l / double(S);
    }
    if (analytic) f += fam.entropy(phi);
  } else {
    ws.l = spec.beta * ws.logp - ws.log_q;
    f = log_weight_reduce(t, ws.l, ws.a, ws.w, nullptr);
    if (loo) {
      log_weight_leave_one_out(t, ws.l, ws.tmp, ws.g_a, ws.tmp2);
      ws.coef = f - ws.tmp.array() - ws.w.array();
    } else {
      ws.coef = f - ws.w.array();
    }
  }
  grad.setZero();
  fam.log_density_grad(phi, ws.z, ws.coef, grad, nullptr);
  if (analytic) fam.add_entropy_grad(phi, grad);
  return f;
}

}  // namespace vi
