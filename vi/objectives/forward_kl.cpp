// vi/objectives/forward_kl.cpp — forward KL(p‖q) from exact draws of p or by SNIS from q.
//
// Minimizing KL(p‖q) = E_p[log p − log q] over φ is maximizing E_p[log q_φ(z)]; the draws of p do
// not depend on φ, so the gradient is E_p[∂φ log q_φ(z)] at fixed points (Family::log_density_grad).
// The value reported is −KL̂(p‖q), so that every objective is maximized and this one tends to
// −KL(p‖q*) of the best q in the family.
#include "vi/objectives/estimators.hpp"

#include "vi/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

double forward_kl_estimate(const ObjectiveContext& ctx, const ObjectiveSpec& spec, const Vec& phi,
                           const Draws& draws, ObjectiveWorkspace& ws, Vec& grad) {
  const Family& fam = ctx.family;
  if (spec.sampling == PSampling::Exact) {
    if (!ctx.p_sampler || ctx.p_sampler->empty())
      throw_invalid("forward-kl", "sampling 'exact' needs the target's quadrature grid (a 2D target)");
    ctx.p_sampler->sample(draws.grid_u, ws.z);
    fam.log_density(phi, ws.z, ws.log_q);
    ctx.problem.eval(ws.z, ws.logp, nullptr);
    ws.coef.setConstant(1.0 / double(ws.coef.size()));
    ws.ess = std::numeric_limits<double>::quiet_NaN();
  } else {
    // Draws of q along the path (stratified for a mixture: weights a_s), held fixed.
    fam.forward(phi, draws.eps, ws.z, ws.log_q);
    ctx.problem.eval(ws.z, ws.logp, nullptr);
    if (fam.stratified())
      fam.sample_weights(phi, ws.a);
    else
      ws.a.setConstant(1.0 / double(ws.a.size()));
    // w̄ ∝ a p~/q, normalized in log space.
    ws.l = ws.logp - ws.log_q;
    const double mx = ws.l.maxCoeff();
    ws.coef = ws.a.array() * (ws.l.array() - mx).exp();
    ws.coef /= ws.coef.sum();
    ws.ess = 1.0 / ws.coef.squaredNorm();
  }
  const double value = ws.coef.dot(ws.log_q - ws.logp) + ctx.log_z;
  grad.setZero();
  fam.log_density_grad(phi, ws.z, ws.coef, grad, nullptr);
  return value;
}

Vec forward_kl_gradient_quadrature(const Family& family, const Vec& phi, const TargetReference& ref) {
  const Grid2D& g = ref.log_p;
  double m = -std::numeric_limits<double>::infinity();
  for (double v : g.values)
    if (std::isfinite(v)) m = std::max(m, v);
  // Cell weights p_i ΔA normalized on the grid, as kl_p_q_on_grid has them.
  Vec c(Eigen::Index(g.values.size()));
  for (size_t i = 0; i < g.values.size(); ++i) c(Eigen::Index(i)) = std::isfinite(g.values[i]) ? std::exp(g.values[i] - m) : 0.0;
  c /= c.sum();
  Vec grad = Vec::Zero(family.num_params());
  family.log_density_grad(phi, g.points(), c, grad, nullptr);
  return grad;
}

}  // namespace vi
