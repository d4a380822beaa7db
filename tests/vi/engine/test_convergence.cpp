// Convergence on the correlated Gaussian, where the optimum of every Gaussian family is known:
// full-rank recovers p exactly; mean-field matches the precision's diagonal, variances 1 − ρ²,
// at KL(q‖p) = −½ ln(1 − ρ²) (the classic under-estimation of mean-field VI).
#include "vi/engine/run.hpp"

#include <Eigen/LU>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace vi;

namespace {
// Gaussian KL(q‖p) with p = N(0, [[1, ρ], [ρ, 1]]), in closed form.
double kl_to_correlated(const Moments& q, double rho) {
  Mat sigma(2, 2);
  sigma << 1, rho, rho, 1;
  const Mat inv = sigma.inverse();
  return 0.5 * ((inv * q.cov).trace() + q.mean.dot(inv * q.mean) - 2 + std::log(sigma.determinant() / q.cov.determinant()));
}

// Adam with a step-down schedule: a large rate to get there, then smaller ones to settle the
// Monte Carlo noise (plain reparameterization gradients stay noisy at the optimum).
Run fit(const std::string& family, double rho) {
  Scene s;
  s.target = "correlated";
  s.target_params = {{"rho", rho}};
  s.family = family;
  s.samples = 128;
  s.seed = 11;
  s.init_mean_x = 1.5;
  s.init_mean_y = -1.0;
  s.lr = 0.05;
  s.metric_samples = 1 << 18;  // so the Monte Carlo cross-check is within ~0.3 %
  Run run(s, nullptr, false);
  for (auto [lr, steps] : {std::pair{0.05, 1000}, {0.01, 1000}, {0.003, 2000}, {0.001, 2000}, {0.0003, 2000}}) {
    s.lr = lr;
    run.update_scene(s);
    run.step(steps);
  }
  REQUIRE(run.status() == RunStatus::Ok);
  return run;
}
}  // namespace

TEST_CASE("Full-rank on correlated reaches KL < 1e-3 and the true covariance", "[convergence]") {
  const double rho = 0.9;
  Run run = fit("fullrank", rho);
  const Moments q = run.family().moments(run.params());
  const double kl = kl_to_correlated(q, rho);
  const Metrics m = run.metrics();
  INFO("closed-form KL " << kl << "; Monte Carlo KL " << m.kl_q_p << " ± " << m.kl_q_p_se << "; cov " << q.cov);
  CHECK(kl < 1e-3);
  CHECK(m.kl_q_p == Approx(kl).margin(1e-8));
  CHECK(m.kl_q_p_mc < 1e-3 + 3 * m.kl_q_p_se);
  CHECK(q.cov(0, 0) == Approx(1).margin(0.02));
  CHECK(q.cov(1, 1) == Approx(1).margin(0.02));
  CHECK(q.cov(0, 1) == Approx(rho).margin(0.02));
  CHECK(q.mean.norm() < 0.02);
  WARN("full-rank on correlated (ρ = 0.9): KL(q‖p) = " << kl << " (closed form), " << m.kl_q_p << " (quadrature), " << m.kl_q_p_mc
                                                       << " ± " << m.kl_q_p_se << " (Monte Carlo)");
}

TEST_CASE("Mean-field on correlated reaches variances 1 − ρ² and KL = −½ ln(1 − ρ²)", "[convergence]") {
  const double rho = 0.9;
  Run run = fit("meanfield", rho);
  const Moments q = run.family().moments(run.params());
  const double kl = kl_to_correlated(q, rho);
  const double kl_star = -0.5 * std::log(1 - rho * rho);
  const Metrics m = run.metrics();
  INFO("variances " << q.cov.diagonal().transpose() << "; KL " << kl << " vs " << kl_star << "; metric " << m.kl_q_p
                    << " ± " << m.kl_q_p_se);
  CHECK(q.cov(0, 0) == Approx(1 - rho * rho).epsilon(0.01));
  CHECK(q.cov(1, 1) == Approx(1 - rho * rho).epsilon(0.01));
  CHECK(kl == Approx(kl_star).epsilon(0.01));
  CHECK(m.kl_q_p == Approx(kl_star).epsilon(0.01));     // quadrature on q's grid
  CHECK(m.kl_q_p == Approx(kl).epsilon(1e-6));          // ... which is the closed form
  CHECK(m.kl_q_p_mc == Approx(kl_star).epsilon(0.01));  // Monte Carlo cross-check
  WARN("mean-field on correlated (ρ = 0.9): variances " << q.cov(0, 0) << ", " << q.cov(1, 1) << " (exact "
                                                        << 1 - rho * rho << "); KL " << kl << " (closed form), "
                                                        << m.kl_q_p << " (quadrature), " << m.kl_q_p_mc << " ± " << m.kl_q_p_se << " (MC) vs −½ln(1−ρ²) = " << kl_star);
}

TEST_CASE("Planar K = 8 on U1 reaches a KL far below the best full-rank Gaussian's", "[convergence][flows]") {
  // U1 is a ring with two lobes: no Gaussian can bend around it. Started at the centre a
  // Gaussian stays on the symmetric stationary point (KL ≈ 3.2); started off-centre it settles
  // on one lobe (KL ≈ 0.9). The best of several starts is the full-rank figure to beat.
  auto fit_u1 = [](const std::string& family, double x0, double y0) {
    Scene s;
    s.target = "U1";
    s.family = family;
    s.family_options.K = 8;
    s.lr = 0.01;
    s.samples = 128;
    s.seed = 3;
    s.init_mean_x = x0;
    s.init_mean_y = y0;
    Run run(s, nullptr, false);
    run.step(4000);
    REQUIRE(run.status() == RunStatus::Ok);
    return run.metrics().kl_q_p;
  };
  double fullrank = 1e300;
  for (auto [x0, y0] : {std::pair{0.0, 0.0}, {2.0, 0.0}, {0.0, 2.0}, {1.5, 1.5}}) fullrank = std::min(fullrank, fit_u1("fullrank", x0, y0));
  const double planar = fit_u1("planar", 0, 0);
  INFO("KL(q‖p): planar K = 8 " << planar << ", best full-rank " << fullrank);
  CHECK(fullrank > 0.5);
  CHECK(planar < 0.2 * fullrank);
}
