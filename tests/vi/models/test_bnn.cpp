// The Bayesian neural network (vi/models/bnn.hpp) and its mean-field Gaussian layer
// (vi/models/bayes_dense.hpp): every gradient against central finite differences, the closed-form KL
// against Monte Carlo, local reparameterization unbiased and less noisy, the band wider in the
// data gap than on the data after training, the MAP fit, bad configurations, live data edits.
#include "vi/models/bayes_dense.hpp"
#include "vi/models/bnn.hpp"
#include "vi/engine/live_trainer.hpp"
#include "vi/core/math.hpp"

#include "tests/vi/fd.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using namespace vi;

namespace {

Mat random_mat(Rng& rng, Eigen::Index rows, Eigen::Index cols, double sd = 1.0) {
  Mat m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = sd * rng.normal();
  return m;
}

// A small problem for the gradient checks: 1→4→1, 6 data points.
BnnConfig small_config(nn::Activation act = nn::Activation::Tanh) {
  BnnConfig c;
  c.width = 4;
  c.activation = act;
  c.sigma_y = 0.5;
  c.prior_sd = 1.3;
  c.data = bnn_gap_data({6, 0.1, 3});
  return c;
}

// φ with moderate, varied scales (ρ around softplus⁻¹(0.3)), so that the ρ-gradients are not
// negligible next to the μ-gradients.
Vec test_phi(const BnnModel& m, Rng& rng) {
  const int p = m.weight_count();
  Vec phi(2 * p);
  phi.head(p) = random_mat(rng, p, 1, 0.8);
  for (int i = 0; i < p; ++i) phi(p + i) = nn::softplus_scale_inverse(0.3) + 0.3 * rng.normal();
  return phi;
}

}  // namespace

TEST_CASE("bnn: softplus scale and its inverse round-trip", "[bnn]") {
  for (double s : {1e-6, 1e-3, 0.05, 1.0, 30.0}) CHECK(nn::softplus_scale(nn::softplus_scale_inverse(s)) == Approx(s).epsilon(1e-12));
  CHECK(nn::softplus_scale(-800.0) >= 0.0);
  CHECK(nn::softplus_scale(800.0) == Approx(800.0));
}

TEST_CASE("bnn: local-reparameterization layer, ∂μ, ∂ρ and ∂x against finite differences", "[bnn]") {
  Rng rng(11);
  for (nn::Activation act : {nn::Activation::Identity, nn::Activation::Tanh, nn::Activation::Relu}) {
    INFO(nn::activation_name(act));
    const int in = 3, out = 4, batch = 5, offset = 2;
    const nn::DenseLayer layer{in, out, act, offset};
    const int n = offset + layer.param_count();
    const Vec mu = random_mat(rng, n, 1, 0.7);
    Vec rho(n);
    for (int i = 0; i < n; ++i) rho(i) = nn::softplus_scale_inverse(0.4) + 0.5 * rng.normal();
    const Mat x = random_mat(rng, in, batch), eps = random_mat(rng, out, batch), c = random_mat(rng, out, batch);
    auto objective = [&](const Vec& m, const Vec& r, const Mat& xx) {
      nn::LocalReparamTape t;
      nn::local_reparam_forward(layer, m.data(), r.data(), xx, eps, t);
      return (c.array() * t.a.array()).sum();
    };
    nn::LocalReparamTape t;
    nn::local_reparam_forward(layer, mu.data(), rho.data(), x, eps, t);
    Vec d_mu = Vec::Zero(n), d_rho = Vec::Zero(n);
    Mat dx;
    nn::local_reparam_backward(layer, mu.data(), rho.data(), x, eps, t, c, d_mu.data(), d_rho.data(), &dx);
    // Entries before the offset belong to another layer: untouched.
    CHECK(d_mu.head(offset).isZero());
    CHECK(d_rho.head(offset).isZero());
    test::expect_gradient("∂/∂μ", [&](const Vec& m) { return objective(m, rho, x); }, mu, d_mu);
    test::expect_gradient("∂/∂ρ", [&](const Vec& r) { return objective(mu, r, x); }, rho, d_rho);
    const Vec x_flat = x.reshaped();
    const Vec dx_flat = dx.reshaped();
    test::expect_gradient("∂/∂x", [&](const Vec& xf) { return objective(mu, rho, xf.reshaped(in, batch)); }, x_flat, dx_flat);
  }
}

TEST_CASE("bnn: local reparameterization draws the plain path's marginal per column", "[bnn]") {
  // One input column, many draws: the pre-activation's mean and variance under the local path
  // equal those of W x + b under w = μ + σ ε (the identity local reparameterization rests on).
  Rng rng(5);
  const nn::DenseLayer layer{2, 1, nn::Activation::Identity, 0};
  const Vec mu = (Vec(3) << 0.4, -0.7, 0.2).finished();
  const Vec rho = (Vec(3) << nn::softplus_scale_inverse(0.3), nn::softplus_scale_inverse(0.5), nn::softplus_scale_inverse(0.2)).finished();
  const Mat x = (Mat(2, 1) << 1.5, -0.8).finished();
  const double m_exact = 0.4 * 1.5 - 0.7 * -0.8 + 0.2;
  const double v_exact = 0.09 * 2.25 + 0.25 * 0.64 + 0.04;
  nn::LocalReparamTape t;
  nn::local_reparam_forward(layer, mu.data(), rho.data(), x, Mat::Zero(1, 1), t);
  CHECK(t.mean(0, 0) == Approx(m_exact));
  CHECK(t.sd(0, 0) == Approx(std::sqrt(v_exact)));
}

TEST_CASE("bnn: ELBO gradient with fixed noise against finite differences (plain and local)", "[bnn]") {
  for (nn::Activation act : {nn::Activation::Tanh, nn::Activation::Relu}) {
    for (bool local : {false, true}) {
      INFO(nn::activation_name(act) << (local ? ", local" : ", plain"));
      const BnnModel m(small_config(act));
      Rng rng(21);
      const Vec phi = test_phi(m, rng);
      const BnnNoise noise = m.draw_noise(rng, 3, local);
      Vec grad;
      const BnnTerms t = m.elbo(phi, noise, &grad);
      CHECK(t.elbo == Approx(t.expected_log_lik - t.kl));
      test::expect_gradient("∂ELBO/∂φ", [&](const Vec& p) { return m.elbo(p, noise, nullptr).elbo; }, phi, grad);
    }
  }
}

TEST_CASE("bnn: MAP log joint gradient against finite differences", "[bnn]") {
  const BnnModel m(small_config());
  Rng rng(4);
  const Vec w = random_mat(rng, m.weight_count(), 1, 0.8);
  Vec grad;
  const double lj = m.log_joint(w, &grad);
  const double lp = -0.5 * w.squaredNorm() / (1.3 * 1.3) - m.weight_count() * (0.5 * kLog2Pi + std::log(1.3));
  CHECK(lj == Approx(m.log_lik(w) + lp));
  test::expect_gradient("∂ log p(y, w)/∂w", [&](const Vec& ww) { return m.log_joint(ww, nullptr); }, w, grad);
}

TEST_CASE("bnn: closed-form KL(q ‖ prior) agrees with Monte Carlo", "[bnn]") {
  const BnnModel m(small_config());
  Rng rng(8);
  const Vec phi = test_phi(m, rng);
  const int p = m.weight_count();
  const double kl = m.kl(phi, nullptr);
  // KL = E_q[log q(w) − log p(w)] by 200 000 draws; its sd over draws is about 5, so the MC
  // standard error is ≈ 0.011: 5 standard errors of slack.
  const int draws = 200000;
  double sum = 0, sum2 = 0;
  Vec w(p), eps(p);
  for (int s = 0; s < draws; ++s) {
    for (int i = 0; i < p; ++i) eps(i) = rng.normal();
    double d = 0;
    for (int i = 0; i < p; ++i) {
      const double sd = nn::softplus_scale(phi(p + i)), wi = phi(i) + sd * eps(i);
      d += -std::log(sd) - 0.5 * eps(i) * eps(i) - (-std::log(1.3) - 0.5 * wi * wi / (1.3 * 1.3));
    }
    sum += d, sum2 += d * d;
  }
  const double mean = sum / draws, se = std::sqrt((sum2 / draws - mean * mean) / draws);
  INFO("closed form " << kl << ", Monte Carlo " << mean << " ± " << se);
  CHECK(std::abs(mean - kl) < 5 * se);
}

TEST_CASE("bnn: local reparameterization is unbiased and has smaller variance than the plain estimator", "[bnn]") {
  // At a fixed φ of the default problem (40 points, H = 20): the mean of ∂ELBO/∂μ over many
  // replicates is the same under both estimators (within Monte Carlo error), and the local
  // estimator's variance is smaller (Kingma et al. 2015: the per-point noise averages out).
  BnnConfig c;
  c.width = 20;
  const BnnModel m(c);
  Rng rng(3);
  Vec phi = m.initial_phi(rng, 0.1);
  const int p = m.weight_count(), reps = 3000;
  const BnnGradSpread plain = bnn_gradient_spread(m, phi, 1, false, reps, rng);
  const BnnGradSpread local = bnn_gradient_spread(m, phi, 1, true, reps, rng);
  int outside = 0;
  for (int i = 0; i < p; ++i) {
    const double se = std::sqrt((plain.variance(i) + local.variance(i)) / reps);
    if (std::abs(plain.mean(i) - local.mean(i)) > 4 * se) ++outside;
  }
  INFO(outside << " of " << p << " μ-components differ by more than 4 standard errors");
  CHECK(outside <= 1);  // at 4 se one in ~16 000 by chance
  const double v_plain = plain.variance.head(p).mean(), v_local = local.variance.head(p).mean();
  INFO("mean variance of ∂ELBO/∂μ: plain " << v_plain << ", local " << v_local);
  CHECK(v_local < 0.5 * v_plain);
}

TEST_CASE("bnn: after training, the predictive sd in the data gap exceeds the sd on the data", "[bnn]") {
  BnnConfig c;  // the defaults: 40 points, gap (−1.5, 1.5), H = 20, tanh, σ_y = 0.1
  BnnTrainer t(c);
  for (int i = 0; i < 4000; ++i) t.step();
  REQUIRE_FALSE(t.diverged());
  const auto s = t.snapshot();
  INFO("sd in the gap " << s->gap_sd.in_gap << ", on the data " << s->gap_sd.on_data << ", ELBO " << s->terms.elbo);
  CHECK(s->gap.lo < -1.0);
  CHECK(s->gap.hi > 1.0);
  CHECK(s->gap_sd.in_gap > 2.0 * s->gap_sd.on_data);
  // The fit is not simply vague: the network at q's means follows the points to about the noise.
  const Mat fit = t.model().predict(t.phi().head(t.model().weight_count()), t.model().x());
  CHECK(std::sqrt((t.model().y() - fit).squaredNorm() / 40) < 3 * c.sigma_y);
}

TEST_CASE("bnn: the MAP fit's training error is below a constant predictor's", "[bnn]") {
  BnnConfig c;
  BnnTrainer t(c);
  for (int i = 0; i < 1000; ++i) t.step();
  const auto s = t.snapshot();
  INFO("MAP rmse " << s->map_rmse << ", constant " << s->constant_rmse);
  CHECK(s->map_rmse < 0.5 * s->constant_rmse);
  CHECK(s->map_rmse < 2 * c.sigma_y);
}

TEST_CASE("bnn: bad configurations are refused with a message", "[bnn]") {
  auto refused = [](auto edit, const char* words) {
    BnnConfig c;
    edit(c);
    CHECK_THROWS_WITH(BnnTrainer(c), Catch::Contains(words));
  };
  refused([](BnnConfig& c) { c.width = 0; }, "width H is 0");
  refused([](BnnConfig& c) { c.sigma_y = 0; }, "noise sd sigma_y is 0");
  refused([](BnnConfig& c) { c.sigma_y = -1; }, "must be > 0");
  refused([](BnnConfig& c) { c.prior_sd = 0; }, "prior sd is 0");
  refused([](BnnConfig& c) { c.samples = 0; }, "samples S is 0");
  refused([](BnnConfig& c) { c.lr = 0; }, "learning rate");
  refused([](BnnConfig& c) { c.data.clear(); }, "at least 1 point");
  refused([](BnnConfig& c) { c.data[3].y = std::numeric_limits<double>::quiet_NaN(); }, "data point 3");
  refused([](BnnConfig& c) { c.data[0].x = std::numeric_limits<double>::infinity(); }, "must be finite");
  refused([](BnnConfig& c) { c.activation = nn::Activation::Sigmoid; }, "tanh or relu");
  CHECK_THROWS_WITH(bnn_gap_data({0, 0.1, 1}), Catch::Contains("n is 0"));
  // A refused apply leaves the trainer as it was.
  BnnTrainer t{BnnConfig{}};
  t.step();
  const Vec before = t.phi();
  BnnConfig bad;
  bad.sigma_y = -2;
  CHECK_THROWS(t.apply(bad));
  CHECK(t.phi() == before);
}

TEST_CASE("bnn: editing the data through apply keeps the parameters, a new width restarts", "[bnn]") {
  BnnConfig c;
  BnnTrainer t(c);
  for (int i = 0; i < 50; ++i) t.step();
  const Vec phi = t.phi();
  BnnConfig edited = c;
  edited.data.push_back({0.0, 2.0});  // a point in the gap
  edited.sigma_y = 0.2;
  edited.local_reparam = false;
  edited.samples = 3;
  CHECK(t.apply(edited));
  CHECK(t.phi() == phi);
  CHECK(t.steps() == 50);
  CHECK(t.model().x().cols() == 41);
  t.step();  // and the fit moves on from there
  CHECK(t.phi() != phi);
  BnnConfig wider = edited;
  wider.width = 10;
  CHECK_FALSE(t.apply(wider));
  CHECK(t.phi().size() == 2 * (3 * 10 + 1));
  CHECK(t.steps() == 0);
}

TEST_CASE("bnn: a fixed seed gives the same fit, and the band is drawn from fixed draws", "[bnn]") {
  BnnConfig c;
  c.width = 10;
  BnnTrainer a(c), b(c);
  for (int i = 0; i < 100; ++i) a.step(), b.step();
  CHECK(a.phi() == b.phi());
  const auto s1 = a.snapshot(), s2 = a.snapshot();
  CHECK(s1->sd_f == s2->sd_f);  // no flicker between frames without steps
  CHECK(s1->functions.rows() == BnnTrainer::kFunctions);
  CHECK(s1->grid.size() == BnnTrainer::kGrid);
}

TEST_CASE("bnn: runs in a LiveTrainer (steps, apply with edited data, a refused config)", "[bnn]") {
  BnnConfig c;
  c.width = 8;
  LiveTrainer<BnnTrainer> live(c);
  live.step(30);
  live.sync();
  auto f = live.frame();
  CHECK(f->steps == 30);
  CHECK(f->model->steps == 30);
  BnnConfig edited = c;
  edited.data.erase(edited.data.begin());
  live.apply(edited);
  live.sync();
  f = live.frame();
  CHECK(f->steps == 30);
  CHECK(f->model->data.size() == c.data.size() - 1);
  BnnConfig bad = c;
  bad.width = 0;
  live.apply(bad);
  live.sync();
  CHECK_THAT(live.frame()->error, Catch::Contains("width H"));
}
