// vi/objectives/objective.cpp — the reverse-KL ELBO with reparameterization gradients.
#include "vi/objectives/objective.hpp"

namespace vi {

double elbo_value_and_grad(const Problem& problem, const Family& family, const Vec& phi, const Mat& eps,
                           ElboOptions options, ObjectiveWorkspace& ws, Vec& grad) {
  const int s = int(eps.cols());
  ws.resize(family.dim(), s);
  family.forward(phi, eps, ws.z, ws.log_q);
  problem.eval(ws.z, ws.logp, &ws.gz);
  // The estimate is Σ_s a_s t_s with per-draw terms t_s = β log p~(z_s) − log q(z_s), or
  // β log p~(z_s) with the entropy added in closed form. Weights: a_s = 1/S for i.i.d. draws
  // (scalars, the fast path), or a mixture's stratified weights π_k / S_k, which depend on φ.
  const bool analytic = options.analytic_entropy && family.has_analytic_entropy();
  const bool weighted = family.stratified();
  if (weighted) {
    family.sample_weights(phi, ws.a);
    // ∂/∂z_s = a_s β ∇ log p~(z_s) (scaling by a plain vector, then by β: no temporary)
    ws.gz.array().rowwise() *= ws.a.transpose().array();
    ws.gz *= options.beta;
  } else {
    ws.gz *= options.beta / s;
  }
  grad.setZero();
  double value;
  if (analytic) {
    ws.g_lq.setZero();
    value = options.beta * (weighted ? ws.a.dot(ws.logp) : ws.logp.mean()) + family.entropy(phi);
    family.add_entropy_grad(phi, grad);
    if (weighted) ws.g_a = options.beta * ws.logp;
  } else {
    // −log q along the path carries its own derivative back through g_lq = −a.
    ws.g_a = options.beta * ws.logp - ws.log_q;
    if (weighted) {
      ws.g_lq = -ws.a;
      value = ws.a.dot(ws.g_a);
    } else {
      ws.g_lq.setConstant(-1.0 / s);
      value = ws.g_a.mean();
    }
  }
  family.backward(phi, eps, ws.gz, ws.g_lq, grad);
  if (weighted) family.add_weight_grad(phi, ws.g_a, grad);
  return value;
}

}  // namespace vi
