// The ELBO estimator: its gradient against finite differences of the same estimator (common
// random numbers), and its value against closed forms on Gaussian targets.
#include "tests/vi/fd.hpp"
#include "vi/families/family.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/objectives/objective.hpp"
#include "vi/core/rng.hpp"
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;


TEST_CASE("ELBO gradient equals finite differences of the same estimator", "[elbo]") {
  Rng rng(3);
  for (const std::string target : {"banana", "correlated", "donut", "funnel", "U3"})
    for (const std::string family : {"meanfield", "fullrank"})
      for (bool analytic : {true, false}) {
        auto p = make_target(target);
        auto f = make_family(family, 2);
        Vec phi = f->initial_params(Vec::Constant(2, 0.3), -0.4);
        for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) += 0.2 * rng.normal();
        Mat eps(2, 16);
        rng.fill_normal(eps);
        ObjectiveWorkspace ws;
        Vec grad(phi.size());
        elbo_value_and_grad(*p, *f, phi, eps, {analytic}, ws, grad);
        auto value = [&](const Vec& x) {
          ObjectiveWorkspace w;
          Vec g(x.size());
          return elbo_value_and_grad(*p, *f, x, eps, {analytic}, w, g);
        };
        test::expect_gradient(target + " / " + family + (analytic ? " / analytic H" : " / MC entropy"), value, phi,
                              grad, {1e-5, 1e-5, 1e-6});
      }
}

TEST_CASE("With q = p the Monte Carlo ELBO is exactly log Z = 0 for every draw", "[elbo]") {
  // log p~(z) − log q(z) = 0 pointwise: the estimator has zero variance at the optimum.
  auto p = make_target("gaussian");
  auto f = make_family("meanfield", 2);
  const Vec phi = f->initial_params(Vec::Zero(2), 0.0);
  Rng rng(4);
  Mat eps(2, 64);
  rng.fill_normal(eps);
  ObjectiveWorkspace ws;
  Vec grad(phi.size());
  const double elbo = elbo_value_and_grad(*p, *f, phi, eps, {false}, ws, grad);
  CHECK(elbo == Approx(0).margin(1e-12));
  // The gradient is not zero for plain reparameterization (only its mean is): this is the
  // noise that "sticking the landing" removes, and a reason the optimizer needs a schedule.
  CHECK(grad.norm() > 1e-3);
}

TEST_CASE("The run's ELBO and KL(q‖p) metrics match the closed-form Gaussian KL", "[elbo][metrics]") {
  // On a Gaussian target (log Z = 0) with a Gaussian q, ELBO = −KL(q‖p) in closed form.
  Scene s;
  s.target = "correlated";
  s.family = "fullrank";
  s.init_mean_x = 0.7;
  s.init_mean_y = -0.4;
  s.init_log_sd = -0.3;
  Run run(s);
  const Metrics m = run.metrics();
  const Moments q = run.family().moments(run.params());
  Mat sigma(2, 2);
  sigma << 1, 0.9, 0.9, 1;
  const Moments p{Vec::Zero(2), sigma};
  const double kl = gaussian_kl(q, p);
  INFO("closed form " << kl << ", quadrature " << m.kl_q_p << " ± " << m.kl_q_p_error << ", Monte Carlo "
                       << m.kl_q_p_mc << " ± " << m.kl_q_p_se);
  CHECK(m.log_z_exact);
  CHECK(m.kl_q_p == Approx(kl).epsilon(1e-6));
  CHECK(std::abs(m.kl_q_p - kl) <= m.kl_q_p_error + 1e-9);  // the stated error holds
  CHECK(std::abs(m.kl_q_p_mc - kl) < 4 * m.kl_q_p_se + 1e-9);
  CHECK(m.kl_q_p_se < 0.02 * kl);  // the stated error is small against the value
  CHECK(m.elbo == Approx(-m.kl_q_p).margin(1e-12));
  // KL(p‖q) on the quadrature grid against its closed form.
  const double kl_pq = gaussian_kl(p, q);
  CHECK(m.kl_p_q == Approx(kl_pq).epsilon(1e-6));
}
