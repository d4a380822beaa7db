// vi/objective.cpp — the reverse-KL ELBO with reparameterization gradients.
#include "vi/objective.hpp"

namespace vi {

double elbo_value_and_grad(const Problem& problem, const Family& family, const Vec& phi, const Mat& eps,
                           ElboOptions options, ObjectiveWorkspace& ws, Vec& grad) {
  const int s = int(eps.cols());
  ws.resize(family.dim(), s);
  family.forward(phi, eps, ws.z, ws.log_q);
  problem.eval(ws.z, ws.logp, &ws.gz);
  // The estimate is Σ_s a_s t_s with a_s = 1/S for i.i.d. draws, or a mixture's stratified
  // weights, and per-draw terms t_s = β log p~(z_s) − log q(z_s), or β log p~(z_s) with the
  // entropy added in closed form.
  family.sample_weights(phi, ws.a);
  const bool analytic = options.analytic_entropy && family.has_analytic_entropy();
  grad.setZero();
  ws.gz *= ws.a.asDiagonal();  // ∂/∂z_s = a_s β ∇ log p~(z_s)
  ws.gz *= options.beta;
  double value;
  if (analytic) {
    ws.g_lq.setZero();
    ws.g_a = options.beta * ws.logp;
    value = ws.a.dot(ws.g_a) + family.entropy(phi);
    family.add_entropy_grad(phi, grad);
  } else {
    // −log q along the path carries its own derivative back through g_lq = −a.
    ws.g_lq = -ws.a;
    ws.g_a = options.beta * ws.logp - ws.log_q;
    value = ws.a.dot(ws.g_a);
  }
  family.backward(phi, eps, ws.gz, ws.g_lq, grad);
  if (family.stratified()) family.add_weight_grad(phi, ws.g_a, grad);
  return value;
}

}  // namespace vi
