// The small Bayesian models against their exact answers: the datasets, Bayesian linear
// regression on Wine (conjugate posterior and evidence in closed form, VI reaching them,
// mean-field's known optimum), 1-feature logistic regression (2D, quadrature), and minibatch SVI.
#include "tests/vi/fd.hpp"

#include "vi/models/datasets.hpp"
#include "vi/objectives/gradvar.hpp"
#include "vi/models/minibatch.hpp"
#include "vi/models/blr.hpp"
#include "vi/models/logreg.hpp"
#include "vi/models/models.hpp"
#include "vi/objectives/moment_matching.hpp"
#include "vi/engine/run.hpp"

#include <Eigen/Cholesky>

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <numeric>

using namespace vi;

// [SECTION] Datasets

TEST_CASE("the embedded datasets parse with their shapes and names", "[models][datasets]") {
  const Dataset& wine = dataset("wine");
  CHECK(wine.n() == 178);
  CHECK(wine.d() == 13);
  CHECK(wine.class_names.size() == 3);
  CHECK(wine.feature_names[0] == "alcohol");
  CHECK(wine.X(0, 0) == 14.23);  // the first row of wine_data.csv
  CHECK(wine.X(177, 12) == 560);
  const Dataset& bc = dataset("breast_cancer");
  CHECK(bc.n() == 569);
  CHECK(bc.d() == 30);
  CHECK(bc.feature_names[0] == "mean radius");
  CHECK(bc.label.minCoeff() == 0);
  CHECK(bc.label.maxCoeff() == 1);
  const Dataset& digits = dataset("digits");
  CHECK(digits.n() == 1797);
  CHECK(digits.d() == 64);
  CHECK(digits.label.maxCoeff() == 9);
  CHECK_THROWS_WITH(dataset("iris2"), Catch::Contains("unknown dataset 'iris2'"));
}

TEST_CASE("a broken dataset file is refused with its line and what was expected", "[models][datasets]") {
  CHECK_THROWS_WITH(parse_dataset_csv("2,2,a,b\n1,2,0\n1,x,1\n", "t.csv", true), Catch::Contains("t.csv:3") && Catch::Contains("'x'"));
  CHECK_THROWS_WITH(parse_dataset_csv("3,2,a,b\n1,2,0\n", "t.csv", true), Catch::Contains("says 3 rows"));
  CHECK_THROWS_WITH(parse_dataset_csv("1,2,a,b\n1,2\n", "t.csv", true), Catch::Contains("expected 3 fields"));
  CHECK_THROWS_WITH(parse_dataset_csv("1,2,a,b\n1,2,0.5\n", "t.csv", true), Catch::Contains("class label"));
  CHECK_THROWS_WITH(parse_dataset_csv("", "t.csv", true), Catch::Contains("empty"));
}

// [SECTION] Bayesian linear regression

namespace {
const BayesLinReg& wine_model(const TargetData& data) { return dynamic_cast<const BayesLinReg&>(*data.problem); }

Scene blr_scene(const std::string& family) {
  Scene s;
  s.target = "blr-wine";
  s.family = family;
  // Adam with a Robbins–Monro decay lr (1 + t/20)^−1: plain reparameterization gradients stay
  // noisy at the optimum, and the decay is what lets q settle there.
  s.samples = 32;
  s.lr = 0.05;
  s.seed = 5;
  s.init_log_sd = -1;
  s.lr_schedule = "decay";
  s.decay_kappa = 1;
  s.decay_tau = 20;
  return s;
}
}  // namespace

TEST_CASE("blr: log p~ and its gradient against finite differences, minibatches unbiased", "[models][blr]") {
  const auto p = make_problem("blr-wine");
  REQUIRE(p->dim() == 13);
  REQUIRE(p->data_size() == 178);
  Rng rng(3, 0);
  Mat z(13, 3);
  rng.fill_normal(z);
  z *= 0.3;
  Vec lp(3);
  Mat g(13, 3);
  p->eval(z, lp, &g);
  for (int s = 0; s < 3; ++s) {
    const Vec zs = z.col(s);
    test::expect_gradient("blr log p~", [&](const Vec& x) { return p->log_density(x); }, zs, g.col(s),
                          {1e-5, 1e-6, 1e-5});
  }
  // The N batches of one point each average to the full log p~ and gradient (exactly, up to
  // round-off): the minibatch estimate is unbiased.
  Vec mean_lp = Vec::Zero(3), blp(3);
  Mat mean_g = Mat::Zero(13, 3), bg(13, 3);
  for (int n = 0; n < 178; ++n) {
    const int idx[] = {n};
    p->eval_batch(z, idx, blp, &bg);
    mean_lp += blp / 178.0;
    mean_g += bg / 178.0;
  }
  CHECK((mean_lp - lp).cwiseAbs().maxCoeff() < 1e-9 * lp.cwiseAbs().maxCoeff());
  CHECK((mean_g - g).cwiseAbs().maxCoeff() < 1e-9 * (1 + g.cwiseAbs().maxCoeff()));
  // The whole data as one batch is the full evaluation.
  std::vector<int> all(178);
  std::iota(all.begin(), all.end(), 0);
  p->eval_batch(z, all, blp, &bg);
  CHECK((blp - lp).cwiseAbs().maxCoeff() < 1e-9 * lp.cwiseAbs().maxCoeff());
  // A batch's gradient of log p~ against finite differences of the batch's own log p~.
  const int some[] = {4, 77, 100, 3};
  p->eval_batch(z, some, blp, &bg);
  const Vec z0 = z.col(0);
  test::expect_gradient("blr batch log p~", [&](const Vec& x) {
    Mat xm = x;
    Vec l(1);
    p->eval_batch(xm, some, l, nullptr);
    return l(0);
  }, z0, bg.col(0), {1e-5, 1e-6, 1e-5});
}

TEST_CASE("blr: the conjugate posterior and the evidence match independent formulas", "[models][blr]") {
  const auto data = make_target_data([] { Scene s; s.target = "blr-wine"; s.family = "meanfield"; return s; }());
  const BayesLinReg& m = wine_model(*data);
  const Moments post = *m.exact_moments();
  // The mode of log p~ is the posterior mean (gradient 0 there), and the Hessian is −Λ.
  Vec g;
  m.log_density(post.mean, &g);
  CHECK(g.norm() < 1e-8);
  CHECK((post.cov * m.precision() - Mat::Identity(13, 13)).norm() < 1e-9);
  // The evidence as the marginal density of y: y ~ N(0, σ² I + α⁻¹ X Xᵀ), an N × N Gaussian.
  const Dataset& wine = dataset("wine");
  Mat X(178, 13);
  X.col(0).setOnes();
  for (int j = 1; j < 13; ++j) X.col(j) = standardized(wine.X, j);
  const Vec y = standardized(wine.X, 0);
  const double s2 = m.sigma_y() * m.sigma_y();
  const Mat C = s2 * Mat::Identity(178, 178) + X * X.transpose() / m.alpha();
  const Eigen::LLT<Mat> llt(C);
  const double log_det = 2 * Mat(llt.matrixL()).diagonal().array().log().sum();
  const double log_ev = -0.5 * (y.dot(llt.solve(y)) + log_det + 178 * std::log(2 * std::numbers::pi));
  CHECK(*m.exact_log_z() == Approx(log_ev).epsilon(1e-10));
  INFO("log evidence " << log_ev);
  // The evidence is what the model's σ_y trades off: σ_y far off the data's noise lowers it.
  const double far = *make_problem("blr-wine", {{"sigma_y", 3.0}})->exact_log_z();
  CHECK(far < log_ev - 50);
}

TEST_CASE("blr: full-rank VI reaches the exact posterior and ELBO = log evidence", "[models][blr][convergence]") {
  Run run(blr_scene("fullrank"), nullptr, false);
  run.step(40000);
  REQUIRE(run.status() == RunStatus::Ok);
  const Moments post = *run.problem().exact_moments();
  const Moments q = run.family().moments(run.params());
  const Vec sd = post.cov.diagonal().cwiseSqrt();
  const double worst = ((q.mean - post.mean).cwiseQuotient(sd)).cwiseAbs().maxCoeff();
  const Metrics m = run.metrics();
  INFO("max |Δmean| / sd " << worst << ", KL(q‖p) " << m.kl_q_p << ", ELBO " << m.elbo << ", log evidence " << m.log_z);
  CHECK(worst < 0.05);
  CHECK(m.log_z - m.elbo < 0.01);
  CHECK(m.log_z - m.elbo >= 0);  // the closed-form ELBO is a bound
  CHECK(m.kl_q_p == Approx(m.log_z - m.elbo).margin(1e-9));
  // The closed-form KL agrees with the Monte Carlo one on the metric draws.
  CHECK(std::abs(m.kl_q_p_mc - m.kl_q_p) < 4 * m.kl_q_p_se + 1e-3);
  const Vec ratio = q.cov.diagonal().cwiseSqrt().cwiseQuotient(sd);
  INFO("sd ratios " << ratio.transpose());
  CHECK((ratio.array() - 1).abs().maxCoeff() < 0.05);
}

TEST_CASE("blr: mean-field reaches variances 1/Λ_ii and KL = ½(Σ ln Λ_ii − ln|Λ|)", "[models][blr][convergence]") {
  Run run(blr_scene("meanfield"), nullptr, false);
  run.step(40000);
  REQUIRE(run.status() == RunStatus::Ok);
  const auto& m = dynamic_cast<const BayesLinReg&>(run.problem());
  const Mat& L = m.precision();
  const Moments q = run.family().moments(run.params());
  const Vec var_opt = L.diagonal().cwiseInverse();
  const Vec rel = (q.cov.diagonal() - var_opt).cwiseQuotient(var_opt);
  INFO("relative variance errors " << rel.transpose());
  CHECK(rel.cwiseAbs().maxCoeff() < 0.02);
  const Eigen::LLT<Mat> llt(L);
  const double log_det = 2 * Mat(llt.matrixL()).diagonal().array().log().sum();
  const double kl_opt = 0.5 * (L.diagonal().array().log().sum() - log_det);
  const Metrics met = run.metrics();
  INFO("KL " << met.kl_q_p << " vs optimum " << kl_opt);
  CHECK(met.kl_q_p == Approx(kl_opt).epsilon(0.001));
  CHECK(met.kl_q_p >= kl_opt - 1e-9);  // no mean-field q does better than the optimum
  // Mean-field under-estimates every marginal sd: sqrt(1/Λ_ii) ≤ sqrt(S_ii).
  const Vec exact_var = m.exact_moments()->cov.diagonal();
  CHECK((var_opt.array() <= exact_var.array() * (1 + 1e-12)).all());
  CHECK((var_opt.array() / exact_var.array()).minCoeff() < 0.5);  // Wine's correlated features
}

// [SECTION] Minibatch SVI

TEST_CASE("minibatch: batches are uniform subsets, and |B| = N is the full-data run bit for bit", "[models][minibatch]") {
  const auto p = make_problem("blr-wine");
  MinibatchProblem mb(*p, 10, 7);
  CHECK(mb.batch().empty());
  std::vector<int> counts(178, 0);
  for (int r = 0; r < 17800; ++r) {
    mb.draw();
    std::vector<int> b(mb.batch().begin(), mb.batch().end());
    std::sort(b.begin(), b.end());
    REQUIRE(std::adjacent_find(b.begin(), b.end()) == b.end());  // without replacement
    for (int i : b) ++counts[size_t(i)];
  }
  // Each point is in a batch with probability 10/178: 1000 of 17800 draws, sd ≈ 31.
  for (int c : counts) CHECK(std::abs(c - 1000) < 160);
  CHECK_THROWS_WITH(MinibatchProblem(*p, 179, 1), Catch::Contains("batch"));
  CHECK_THROWS_WITH(MinibatchProblem(*make_problem("banana"), 1, 1), Catch::Contains("no data"));

  Scene full = blr_scene("meanfield");
  Scene all = full;
  all.batch = 178;
  Run a(full, nullptr, false), b(all, nullptr, false);
  a.step(50);
  b.step(50);
  CHECK(params_hash(a.params()) == params_hash(b.params()));
}

TEST_CASE("minibatch: SVI adds gradient noise, and a decaying rate lets the fit settle", "[models][minibatch][convergence]") {
  Scene s = blr_scene("meanfield");
  const auto data = make_target_data(s);
  const Vec phi = [&] {
    Run r(s, data, false);
    r.step(5000);
    return Vec(r.params());
  }();
  GradVarOptions opt;
  opt.variants = {"reparam"};
  opt.samples = {8};
  opt.replicates = 300;
  const double mc = gradient_variance(s, *data, phi, opt).cells[0].trace_cov;
  Scene small = s;
  small.batch = 10;
  const double with_batches = gradient_variance(small, *data, phi, opt).cells[0].trace_cov;
  INFO("tr Cov: full data " << mc << ", |B| = 10 " << with_batches);
  CHECK(with_batches > 5 * mc);

  // With |B| = 10 and a constant rate q keeps jumping far from the optimum; the decaying rate
  // brings it to the mean-field optimum all the same (Robbins–Monro).
  Scene constant = small;
  constant.lr_schedule = "constant";
  Run jumpy(constant, data, false), settled(small, data, false);
  jumpy.step(40000);
  settled.step(40000);
  const double kl_jumpy = jumpy.metrics().kl_q_p, kl_settled = settled.metrics().kl_q_p;
  const auto& m = dynamic_cast<const BayesLinReg&>(*data->problem);
  const Mat& L = m.precision();
  const Eigen::LLT<Mat> llt(L);
  const double kl_opt = 0.5 * (L.diagonal().array().log().sum() - 2 * Mat(llt.matrixL()).diagonal().array().log().sum());
  INFO("KL constant-rate " << kl_jumpy << ", decaying " << kl_settled << ", optimum " << kl_opt);
  CHECK(kl_settled < kl_opt + 0.02);
  CHECK(kl_settled >= kl_opt - 1e-9);
  CHECK(kl_jumpy > kl_opt + 1);
}

TEST_CASE("scene: minibatch and schedule fields are validated", "[models][scene]") {
  Scene s;
  s.batch = 5;  // banana has no data
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("no data to subsample"));
  const Scene fresh;
  s = fresh;
  s.target = "blr-wine";
  s.family = "meanfield";
  s.batch = 179;
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("batch"));
  s.batch = 10;
  s.lr_schedule = "cosine";
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("unknown lr schedule 'cosine'"));
  s.lr_schedule = "decay";
  s.decay_kappa = 0.5;
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("(0.5, 1]"));
  s.decay_kappa = 1;
  s.validate();
  CHECK(s.lr_at(0) == s.lr);
  CHECK(s.lr_at(100) == Approx(s.lr / 2));  // τ = 100, κ = 1
  s.target_params = {{"sigma_y", -1}};
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("sigma_y"));
  s.target_params.clear();
  s.data = {{0, 1}};
  CHECK_THROWS_WITH(s.validate(), Catch::Contains("takes no data points"));
  // The batch and the schedule change how steps are taken, not what is fitted.
  Scene t = s;
  t.data.clear();
  Scene u = t;
  u.batch = 20;
  u.decay_tau = 10;
  CHECK(t.can_continue_into(u));
  u.target_params = {{"alpha", 2}};
  CHECK_FALSE(t.can_continue_into(u));
}

// [SECTION] Logistic regression in 2D

TEST_CASE("logreg: gradient, integer parameters, edited data, and quadrature against the Laplace fit", "[models][logreg]") {
  const auto p = make_problem("logreg", {{"n", 30}});
  REQUIRE(p->dim() == 2);
  const auto& lr = dynamic_cast<const LogisticRegression2D&>(*p);
  CHECK(lr.data_points().size() == 30);
  Mat z(2, 3);
  z << 0.1, -1, 2, -0.5, 3, 0.2;
  Vec lp(3);
  Mat g(2, 3);
  p->eval(z, lp, &g);
  for (int s = 0; s < 3; ++s) {
    const Vec zs = z.col(s);
    test::expect_gradient("logreg log p~", [&](const Vec& x) { return p->log_density(x); }, zs, g.col(s));
  }
  Vec gm;
  p->log_density(lr.mode(), &gm);
  CHECK(gm.norm() < 1e-8);  // Newton's mode is the mode

  CHECK_THROWS_WITH(make_problem("logreg", {{"feature", 2.5}}), Catch::Contains("whole number"));
  CHECK_THROWS_WITH(make_problem("logreg", {{"feature", 30}}), Catch::Contains("feature"));
  CHECK_THROWS_WITH(make_problem("logreg", {}, {{0.0, 2.0}}), Catch::Contains("label must be 0 or 1"));
  // Edited data replace the default data; more points on one side move the posterior.
  const DataPoints few = {{-1, 0}, {-0.5, 0}, {0.5, 1}, {1, 1}};
  const auto edited = make_problem("logreg", {}, few);
  CHECK(edited->data_points() == few);
  DataPoints more = few;
  more.push_back({2, 0});  // a point that contradicts the trend lowers the slope
  CHECK(dynamic_cast<const LogisticRegression2D&>(*make_problem("logreg", {}, more)).mode()(1) <
        dynamic_cast<const LogisticRegression2D&>(*edited).mode()(1));

  // The 2D posterior's quadrature against the Laplace fit for all 569 points: nearly Gaussian, so
  // the mean is within a fraction of a sd of the mode (skewness moves it by O(1/√n) sd) and the
  // covariances agree to a few per cent.
  Scene s;
  s.target = "logreg";
  s.target_params = {{"n", 569}};
  const auto data = make_target_data(s);
  const auto& big = dynamic_cast<const LogisticRegression2D&>(*data->problem);
  const Moments& m = data->p_moments;
  INFO("quadrature mean " << m.mean.transpose() << " mode " << big.mode().transpose());
  const Vec sd = big.laplace_cov().diagonal().cwiseSqrt();
  CHECK(((m.mean - big.mode()).cwiseQuotient(sd)).cwiseAbs().maxCoeff() < 0.3);
  CHECK((m.cov - big.laplace_cov()).norm() < 0.1 * big.laplace_cov().norm());
  CHECK(data->reference.edge_mass < 1e-8);
}

TEST_CASE("logreg: the reverse-KL Gaussian beats the Laplace approximation in KL(q‖p)", "[models][logreg][convergence]") {
  // Laplace's Gaussian is one member of the full-rank family, so the reverse-KL optimum over the
  // family can only be closer to p; on a skewed 40-point posterior it is strictly closer.
  Scene s;
  s.target = "logreg";
  s.family = "fullrank";
  s.samples = 64;
  s.lr = 0.05;
  s.seed = 2;
  s.lr_schedule = "decay";
  s.decay_kappa = 1;
  s.decay_tau = 50;
  Run run(s, nullptr, false);
  run.step(8000);
  const double kl_vi = run.metrics().kl_q_p;
  const auto& lr = dynamic_cast<const LogisticRegression2D&>(run.problem());
  const auto laplace = forward_kl_optimum(run.family(), Moments{lr.mode(), lr.laplace_cov()});
  REQUIRE(laplace);
  Run at_laplace(s, run.target_data(), false);
  at_laplace.set_params(laplace->phi);
  const double kl_laplace = at_laplace.metrics().kl_q_p;
  INFO("KL(q‖p): VI " << kl_vi << ", Laplace " << kl_laplace);
  CHECK(kl_vi > 0);
  CHECK(kl_vi < kl_laplace);
}
