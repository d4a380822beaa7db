// The mixture family and its stratified estimator: gradients against finite differences, the
// estimator unbiased for the exact ELBO and its gradient (quadrature), weights on the simplex,
// and q normalized.
#include "tests/vi/fd.hpp"
#include "vi/families/family.hpp"
#include "vi/families/mixture.hpp"
#include "vi/objectives/objective.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/core/rng.hpp"
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;

namespace {
// The exact ELBO ∫ q (log p~ − log q) by the midpoint rule on a fine grid over q's mass box.
double exact_elbo(const Problem& p, const Family& f, const Vec& phi) {
  Grid2D g{f.mass_box(phi), 300, 300, {}};
  const Mat pts = g.points();
  Vec lq(pts.cols()), lp(pts.cols());
  f.log_density(phi, pts, lq);
  p.eval(pts, lp, nullptr);
  double sum = 0;
  for (Eigen::Index k = 0; k < pts.cols(); ++k) sum += std::exp(lq(k)) * (lp(k) - lq(k));
  return sum * g.dx() * g.dy();
}

Vec test_params(const Family& f) {
  Vec phi = f.initial_params(Vec::Zero(2), -0.3);
  phi(0) = 0.4;  // unequal weights
  phi(1) = -0.5;
  return phi;
}
}  // namespace

TEST_CASE("Mixture: the stratified ELBO's gradient equals finite differences of the same estimator", "[mixture]") {
  Rng rng(21);
  for (const std::string component : {"fullrank", "meanfield"})
    for (int k : {1, 2, 3}) {
      MixtureFamily f(2, k, component);
      auto p = make_target("U1");
      Vec phi = test_params(f);
      for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) += 0.1 * rng.normal();
      Mat eps(2, 7);  // not a multiple of K: unequal strata
      rng.fill_normal(eps);
      ObjectiveWorkspace ws;
      Vec grad(phi.size());
      elbo_value_and_grad(*p, f, phi, eps, {false}, ws, grad);
      auto value = [&](const Vec& x) {
        ObjectiveWorkspace w;
        Vec g(x.size());
        return elbo_value_and_grad(*p, f, x, eps, {false}, w, g);
      };
      test::expect_gradient("mixture of " + std::to_string(k) + " " + component, value, phi, grad);
    }
}

TEST_CASE("Mixture: the stratified estimator is unbiased for the exact ELBO and its gradient", "[mixture]") {
  MixtureFamily f(2, 3, "fullrank");
  auto p = make_target("mixture");
  const Vec phi = test_params(f);
  const double truth = exact_elbo(*p, f, phi);
  const Vec truth_grad =
      test::central_difference([&](const Vec& x) { return exact_elbo(*p, f, x); }, phi, 1e-5);

  Rng rng(22);
  const int R = 4000;
  Mat eps(2, 12);
  ObjectiveWorkspace ws;
  Vec g(phi.size()), g_sum = Vec::Zero(phi.size()), g_sq = Vec::Zero(phi.size());
  double v_sum = 0, v_sq = 0;
  for (int r = 0; r < R; ++r) {
    rng.fill_normal(eps);
    const double v = elbo_value_and_grad(*p, f, phi, eps, {false}, ws, g);
    v_sum += v;
    v_sq += v * v;
    g_sum += g;
    g_sq += g.cwiseAbs2();
  }
  const double v_mean = v_sum / R, v_se = std::sqrt((v_sq / R - v_mean * v_mean) / R);
  INFO("ELBO: exact " << truth << ", estimator mean " << v_mean << " ± " << v_se);
  CHECK(std::abs(v_mean - truth) < 4 * v_se + 1e-4);
  const Vec g_mean = g_sum / R;
  const Vec g_se = ((g_sq / R - g_mean.cwiseAbs2()) / R).cwiseSqrt();
  for (Eigen::Index i = 0; i < phi.size(); ++i) {
    INFO("∂ELBO/∂" << f.param_names()[size_t(i)] << ": exact " << truth_grad(i) << ", estimator " << g_mean(i) << " ± "
                   << g_se(i));
    CHECK(std::abs(g_mean(i) - truth_grad(i)) < 4.5 * g_se(i) + 1e-4);
  }
}

TEST_CASE("Mixture: q integrates to 1 and the weights stay on the simplex after any update", "[mixture]") {
  MixtureFamily f(2, 3, "fullrank");
  Vec phi = test_params(f);
  Grid2D g{f.mass_box(phi), 400, 400, {}};
  const Mat pts = g.points();
  Vec lq(pts.cols());
  f.log_density(phi, pts, lq);
  CHECK(lq.array().exp().sum() * g.dx() * g.dy() == Approx(1.0).margin(1e-5));

  // A run at an absurd learning rate either stays valid or stops as Diverged; the weights are
  // always a distribution (softmax of the logits).
  Scene s;
  s.target = "mixture";
  s.family = "mixture";
  s.optimizer = "sgd";
  s.lr = 50;
  Run run(s, nullptr, false);
  run.step(200);
  const Vec pi = MixtureFamily(2, 3, "fullrank").weights(run.params());
  CHECK(pi.minCoeff() >= 0);
  CHECK(pi.sum() == Approx(1.0).epsilon(1e-12));
  CHECK(run.params().allFinite());
}

TEST_CASE("Mixture of 3 on the 3-blob target beats every single Gaussian", "[mixture][convergence]") {
  auto fit = [](const std::string& family) {
    Scene s;
    s.target = "mixture";
    s.family = family;
    s.samples = 96;
    s.lr = 0.03;
    Run run(s, nullptr, false);
    run.step(3000);
    return run.metrics().kl_q_p;
  };
  const double mixture = fit("mixture"), fullrank = fit("fullrank");
  WARN("KL(q‖p) on 'mixture': mixture of 3 " << mixture << ", full-rank " << fullrank);
  CHECK(mixture < 0.1);
  CHECK(mixture < 0.25 * fullrank);
}
