// vi/objective.cpp — the reverse-KL ELBO with reparameterization gradients.
#include "vi/objective.hpp"

namespace vi {

double elbo_value_and_grad(const Problem& problem, const Family& family, const Vec& phi, const Mat& eps,
                           ElboOptions options, ObjectiveWorkspace& ws, Vec& grad) {
  const int d = family.dim();
  const int s = int(eps.cols());
  ws.resize(d, s);
  family.forward(phi, eps, ws.z, ws.log_q);
  problem.eval(ws.z, ws.logp, &ws.gz);

  const double inv_s = 1.0 / s;
  const bool analytic = options.analytic_entropy && family.has_analytic_entropy();
  grad.setZero();
  // ∂/∂z of the estimate is ∇ log p~(z_s) / S for both forms. The Monte Carlo form also carries
  // −log q along the path, whose derivative flows back through g_lq = −1/S.
  ws.gz *= inv_s;
  double value;
  if (analytic) {
    ws.g_lq.setZero();
    value = ws.logp.mean() + family.entropy(phi);
    family.add_entropy_grad(phi, grad);
  } else {
    ws.g_lq.setConstant(-inv_s);
    value = (ws.logp - ws.log_q).mean();
  }
  family.backward(phi, eps, ws.gz, ws.g_lq, grad);
  return value;
}

}  // namespace vi
