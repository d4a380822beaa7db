// vi/objectives/dispatch.cpp — the one entry point a step calls: draws, then the estimator.
#include "vi/core/check.hpp"
#include "vi/objectives/estimators.hpp"

namespace vi {

void fill_draws(const ObjectiveSpec& spec, const Family& family, int samples, Rng& rng, Draws& d) {
  const bool forward = spec.kind == ObjectiveKind::ForwardKL;
  const bool grid = forward && spec.sampling == PSampling::Exact;
  const bool pick = !forward && spec.estimator == Estimator::Score && family.stratified();
  // Resizing to the same shape is a no-op in Eigen: nothing is allocated after the first step.
  d.eps.resize(family.base_dim(), grid ? 0 : samples);
  d.grid_u.resize(3, grid ? samples : 0);
  d.pick_u.resize(pick ? samples : 0);
  // Normals first, then uniforms: the default step draws exactly the normals it always drew.
  if (d.eps.size() > 0) rng.fill_normal(d.eps);
  for (Eigen::Index i = 0; i < d.grid_u.size(); ++i) d.grid_u.data()[i] = rng.uniform();
  for (Eigen::Index i = 0; i < d.pick_u.size(); ++i) d.pick_u(i) = rng.uniform();
}

double objective_value_and_grad(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi,
                                const Draws& draws, ObjectiveWorkspace& ws, Vec& grad) {
  ws.resize(ctx.family.dim(), draws.samples());
  ws.ess = std::numeric_limits<double>::quiet_NaN();
  if (spec.kind == ObjectiveKind::ForwardKL) return forward_kl_estimate(ctx, spec, phi, draws, ws, grad);
  const bool elbo = spec.kind == ObjectiveKind::ReverseKL;
  switch (spec.estimator) {
    case Estimator::Reparam:
      // The ELBO's own pathwise estimator (H[q] in closed form when the family has it): the
      // default step's fast path, bit for bit what it always was. Rényi goes the general way
      // (at α = 1 it equals the ELBO with Monte Carlo entropy; a test checks it).
      if (elbo) {
        const double value = elbo_value_and_grad(ctx.problem, ctx.family, phi, draws.eps,
                                                 {spec.analytic_entropy, spec.beta}, ws, grad);
        if (ctx.family.stratified())
          ws.coef = ws.a;  // the weights the ELBO used
        else
          ws.coef.setConstant(1.0 / double(ws.coef.size()));
        return value;
      }
      return reparam_estimate(ctx, spec, phi, draws.eps, ws, grad);
    case Estimator::Stl: return stl_estimate(ctx, spec, phi, draws.eps, ws, grad);
    case Estimator::Score: return score_estimate(ctx, spec, phi, draws, ws, grad);
  }
  throw_invalid("objective_value_and_grad", "unknown estimator");
}

}  // namespace vi
