// The gradient estimators: unbiased (their means agree within their confidence intervals, and
// with closed forms on Gaussian targets), STL's variance vanishing at q = p, the score function's
// variance against reparameterization's, and the gradient-variance study itself.
#include "tests/vi/fd.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/objectives/gradvar.hpp"
#include "vi/objectives/moment_matching.hpp"
#include "vi/objectives/objective.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace vi;

namespace {

Scene scene_on(const std::string& target, const std::string& family, const std::string& objective = "reverse-kl",
               double alpha = 0.5) {
  Scene s;
  s.target = target;
  s.family = family;
  s.objective = objective;
  s.alpha = alpha;
  s.family_options.components = 2;
  return s;
}

// Largest |mean_a − mean_b| / √(se_a² + se_b²) over the components. The variants share their
// draws (common random numbers) and are positively correlated, so this overstates the noise of
// the difference: a small value is a conservative pass, and a large one a real difference.
double max_z(const GradVarCell& a, const GradVarCell& b) {
  const Vec se = (a.mean_se.array().square() + b.mean_se.array().square()).sqrt().max(1e-300);
  return ((a.mean - b.mean).array().abs() / se.array()).maxCoeff();
}

// A φ near the start but not symmetric.
Vec some_phi(const Scene& s, int dim = 2) {
  const auto f = make_family(s.family, dim, s.family_options);
  Vec phi = f->initial_params(Eigen::Vector2d(0.4, -0.3), -0.2);
  Rng rng(21);
  for (auto& v : phi) v += 0.1 * rng.normal();
  f->project(phi);
  return phi;
}

}  // namespace

TEST_CASE("Every estimator is unbiased: the means of many estimates agree within their confidence intervals", "[estimators]") {
  // Reverse KL and the Rényi bound (α = 0.5 and IWAE) on banana, for Gaussian q's and a mixture
  // (stratified draws for reparam and STL, ancestral ones for the score function); every
  // variant's mean gradient against reparam's. z < 4.5 over ≤ 12 components.
  struct Case {
    std::string family, objective;
    double alpha;
  };
  for (const Case& c : std::vector<Case>{{"fullrank", "reverse-kl", 1},
                                         {"fullrank", "renyi", 0.5},
                                         {"fullrank", "renyi", 0.0},
                                         {"meanfield", "reverse-kl", 1},
                                         {"mixture", "reverse-kl", 1},
                                         {"mixture", "renyi", 0.0}}) {
    const Scene s = scene_on("banana", c.family, c.objective, c.alpha);
    const auto target = make_target_data(s);
    GradVarOptions o;
    o.samples = {4};
    o.replicates = 40000;
    const GradVarTable t = gradient_variance(s, *target, some_phi(s), o);
    REQUIRE(t.variants.front() == "reparam");
    for (size_t v = 1; v < t.variants.size(); ++v) {
      const GradVarCell& cell = t.at(v, 0);
      INFO(c.family << " / " << c.objective << " α = " << c.alpha << " / " << cell.variant << ": " << cell.error);
      if (c.family == "mixture" && c.objective == "renyi") {
        // A mixture's Rényi bound is estimated from stratified draws, and only reparam
        // differentiates that bound: the score function's i.i.d. draws would estimate another
        // (this check saw it: z = 6.2 before the combination was refused).
        CHECK_THAT(cell.error, Catch::Contains("stratified"));
        continue;
      }
      REQUIRE(cell.error.empty());
      INFO("reparam mean " << t.at(0, 0).mean.transpose() << "\n" << cell.variant << " mean " << cell.mean.transpose());
      CHECK(max_z(cell, t.at(0, 0)) < 4.5);
      // And their values: every variant estimates the same objective from the same kind of draws.
      CHECK(std::abs(cell.value_mean - t.at(0, 0).value_mean) < 4.5 * std::hypot(cell.value_se, t.at(0, 0).value_se));
    }
  }
}

TEST_CASE("The same check detects a biased estimator: naive STL for IWAE", "[estimators]") {
  // Applying STL's recipe to IWAE without the doubly-reparameterized correction (dropping the
  // score term with the self-normalized weights ŵ in front) is biased (Tucker et al. 2019): its
  // mean is reparam's plus E[Σ ŵ_s ∂φ log q(z_s)] ≠ 0. The unbiasedness check above must see it.
  const Scene s = scene_on("banana", "fullrank", "renyi", 0.0);
  const auto target = make_target_data(s);
  const auto f = make_family("fullrank", 2);
  const Vec phi = some_phi(s);
  const ObjectiveContext ctx{*target->problem, *f, nullptr, 0.0};
  const ObjectiveSpec spec = objective_spec(s);
  Rng rng(3);
  const int R = 40000;
  Mat naive(phi.size(), R), dreg(phi.size(), R);
  Draws d;
  ObjectiveWorkspace ws;
  Vec g(phi.size());
  ObjectiveSpec stl = spec;
  stl.estimator = Estimator::Stl;
  for (int r = 0; r < R; ++r) {
    fill_draws(spec, *f, 4, rng, d);
    objective_value_and_grad(ctx, stl, phi, d, ws, g);
    dreg.col(r) = g;
    objective_value_and_grad(ctx, spec, phi, d, ws, g);  // reparam: the full path
    f->log_density_grad(phi, ws.z, ws.w, g, nullptr);    // + Σ ŵ ∂φ log q: the score term dropped
    naive.col(r) = g;
  }
  GradVarCell a, b;
  a.mean = naive.rowwise().mean();
  b.mean = dreg.rowwise().mean();
  a.mean_se = ((naive.colwise() - a.mean).array().square().rowwise().sum() / (double(R - 1) * R)).sqrt().matrix();
  b.mean_se = ((dreg.colwise() - b.mean).array().square().rowwise().sum() / (double(R - 1) * R)).sqrt().matrix();
  INFO("naive " << a.mean.transpose() << "\nDReG  " << b.mean.transpose());
  CHECK(max_z(a, b) > 10);
}

TEST_CASE("On a Gaussian target every reverse-KL estimator's mean is −∇KL(q‖p) in closed form", "[estimators]") {
  // log Z = 0, so ELBO = −KL(q‖p); its gradient by central differences of the closed form.
  Scene s = scene_on("correlated", "fullrank");
  s.target_params = {{"rho", 0.8}};
  const auto target = make_target_data(s);
  const Vec phi = some_phi(s);
  const auto f = make_family("fullrank", 2);
  const Moments p = *target->problem->exact_moments();
  const auto kl = [&](const Vec& x) { return gaussian_kl(f->moments(x), p); };
  const Vec closed = -test::central_difference(kl, phi, 1e-6);
  GradVarOptions o;
  o.samples = {8};
  o.replicates = 20000;
  for (bool analytic : {true, false}) {
    s.analytic_entropy = analytic;
    const GradVarTable t = gradient_variance(s, *target, phi, o);
    for (size_t v = 0; v < t.variants.size(); ++v) {
      const GradVarCell& c = t.at(v, 0);
      INFO(c.variant << (analytic ? " (analytic H)" : " (MC H)") << ": mean " << c.mean.transpose() << "\nclosed form "
                     << closed.transpose());
      for (Eigen::Index i = 0; i < phi.size(); ++i) CHECK(std::abs(c.mean(i) - closed(i)) < 4.5 * c.mean_se(i) + 1e-9);
      CHECK(std::abs(c.value_mean + kl(phi)) < 4.5 * c.value_se + 1e-9);
    }
  }
}

TEST_CASE("STL's variance goes to zero as q → p on a Gaussian target, plain reparameterization's does not", "[estimators]") {
  // At q = p, log p~ − log q is constant, so every draw's path derivative is exactly 0; the
  // reparameterization gradient keeps the score term, whose mean is 0 but whose variance is not.
  // Away from p by δ, STL's variance grows as δ² and reparam's stays put. The same holds for the
  // doubly-reparameterized Rényi estimator (here IWAE).
  for (const std::string objective : {"reverse-kl", "renyi"}) {
    Scene s = scene_on("correlated", "fullrank", objective, 0.0);
    s.target_params = {{"rho", 0.8}};
    s.analytic_entropy = false;
    const auto target = make_target_data(s);
    const auto f = make_family("fullrank", 2);
    const auto opt = forward_kl_optimum(*f, target->p_moments);  // a Gaussian p: q* = p exactly
    REQUIRE(opt);
    GradVarOptions o;
    o.variants = {"reparam", "stl"};
    o.samples = {16};
    o.replicates = 2000;
    Vec dir = Vec::Ones(opt->phi.size());
    dir /= dir.norm();
    double stl_prev = 0, rep_prev = 0;
    for (double delta : {0.0, 0.1, 0.01}) {
      const GradVarTable t = gradient_variance(s, *target, opt->phi + delta * dir, o);
      const double rep = t.at(0, 0).trace_cov, stl = t.at(1, 0).trace_cov;
      INFO(objective << ", δ = " << delta << ": tr Cov reparam " << rep << ", STL " << stl);
      CHECK(rep > 0.05);
      if (delta == 0) {
        CHECK(stl < 1e-24);
      } else if (delta == 0.01) {
        CHECK(stl_prev / stl == Approx(100).epsilon(0.3));  // ∝ δ²
        CHECK(rep_prev / rep == Approx(1).epsilon(0.3));    // no change
      }
      stl_prev = stl;
      rep_prev = rep;
    }
  }
}

TEST_CASE("The score function's variance exceeds reparameterization's on the lesson target", "[estimators][lesson]") {
  // The default scene (banana, full-rank q) at its start and after 500 steps, S = 1 … 64.
  // Measured at the start (R = 500): score/reparam = 30, 26, 24, 25 for S = 1, 4, 16, 64; the
  // leave-one-out baseline cuts the score function's variance about fourfold.
  Scene s;
  Run run(s, nullptr, false);
  for (int steps : {0, 500}) {
    run.step(steps);
    GradVarOptions o;
    o.replicates = 4000;
    const GradVarTable t = gradient_variance(s, *run.target_data(), run.params(), o);
    REQUIRE(t.variants == std::vector<std::string>{"reparam", "score", "score+loo", "stl"});
    for (size_t k = 0; k < t.samples.size(); ++k) {
      const GradVarCell &rep = t.at(0, k), &score = t.at(1, k), &loo = t.at(2, k);
      INFO("step " << run.steps() << ", S = " << t.samples[k] << ": reparam " << rep.trace_cov << " ± " << rep.trace_cov_se
                   << ", score " << score.trace_cov << " ± " << score.trace_cov_se << ", score+loo " << loo.trace_cov);
      // Beyond two standard errors each way, by a factor of 3 (the estimates at S = 1 are
      // heavy-tailed: their standard errors are rough).
      CHECK(score.trace_cov - 2 * score.trace_cov_se > 3 * (rep.trace_cov + 2 * rep.trace_cov_se));
      if (t.samples[k] >= 4) CHECK(loo.trace_cov + 2 * loo.trace_cov_se < score.trace_cov - 2 * score.trace_cov_se);
    }
    // Independent draws: variance ∝ 1/S (slope −1 on log–log axes between S = 4 and 64).
    const double slope = std::log(t.at(0, 3).trace_cov / t.at(0, 1).trace_cov) / std::log(16.0);
    CHECK(slope == Approx(-1).margin(0.15));
    CHECK_THAT(t.reading, Catch::Contains("score") && Catch::Contains("×"));
  }
}

TEST_CASE("Gradient variance: same seed same table, shared draws across variants, errors for what a family lacks", "[estimators][gradvar]") {
  Scene s = scene_on("banana", "planar");
  const auto target = make_target_data(s);
  const Vec phi = make_family("planar", 2)->initial_params(Vec::Zero(2), 0.0);
  GradVarOptions o;
  o.samples = {1, 8};
  o.replicates = 50;
  const GradVarTable a = gradient_variance(s, *target, phi, o), b = gradient_variance(s, *target, phi, o);
  REQUIRE(a.cells.size() == 8);
  for (size_t i = 0; i < a.cells.size(); ++i) {
    CHECK(a.cells[i].error == b.cells[i].error);
    if (a.cells[i].error.empty()) CHECK(a.cells[i].mean == b.cells[i].mean);
  }
  CHECK(a.at(0, 1).error.empty());  // reparam runs on a flow
  CHECK(a.at(0, 1).trace_cov > 0);
  CHECK_THAT(a.at(1, 1).error, Catch::Contains("planar") && Catch::Contains("log_density_grad"));
  CHECK_THAT(a.at(2, 0).error, Catch::Contains("planar"));
  const Scene fr = scene_on("banana", "fullrank");
  const Vec fphi = make_family("fullrank", 2)->initial_params(Vec::Zero(2), 0.0);
  CHECK_THAT(gradient_variance(fr, *target, fphi, o).at(2, 0).error, Catch::Contains("S ≥ 2"));  // leave-one-out at S = 1
  // Common random numbers: reparam's cell does not depend on which other variants run.
  GradVarOptions only = o;
  only.variants = {"reparam"};
  const GradVarTable c = gradient_variance(s, *target, phi, only);
  CHECK(c.at(0, 1).mean == a.at(0, 1).mean);
  // Bad options are refused, naming them.
  GradVarOptions bad = o;
  bad.replicates = 1;
  CHECK_THROWS_WITH(gradient_variance(s, *target, phi, bad), Catch::Contains("replicates"));
  bad = o;
  bad.variants = {"exact"};  // a forward-KL variant on a reverse-KL scene
  CHECK_THROWS_WITH(gradient_variance(s, *target, phi, bad), Catch::Contains("exact") && Catch::Contains("reparam"));
}
