// The ELBO over a 2D slice of φ, and optimizer paths over it.
#include "vi/analysis/elbo_landscape.hpp"

#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <thread>

using namespace vi;

namespace {
Scene gaussian_meanfield() {
  Scene s;
  s.target = "gaussian";
  s.family = "meanfield";
  s.samples = 64;
  s.seed = 5;
  return s;
}
}  // namespace

TEST_CASE("The landscape's value at the run's φ is the run's ELBO metric", "[landscape]") {
  for (const char* family : {"meanfield", "fullrank", "planar"}) {
    INFO(family);
    Scene s;
    s.target = "banana";
    s.family = family;
    s.family_options.K = 4;
    s.samples = 32;
    s.seed = 3;
    Run run(s);
    run.step(60);
    const double metric = run.metrics().elbo;
    const double value = landscape_elbo(s, run.params());
    CHECK(std::isfinite(value));
    CHECK(value == Approx(metric).epsilon(1e-13).margin(1e-13));
    // elbo_landscape gives the same value where its grid passes through φ.
    LandscapeSpec spec;
    spec.i = 0;
    spec.j = 1;
    spec.n = 2;
    spec.i_lo = run.params()(0);
    spec.i_hi = spec.i_lo + 1;
    spec.j_lo = run.params()(1);
    spec.j_hi = spec.j_lo + 1;
    const Landscape l = elbo_landscape(s, run.params(), spec);
    CHECK(l.method == "quadrature");
    CHECK(l.value(0, 0) == Approx(metric).epsilon(1e-13).margin(1e-13));
    CHECK(l.value(1, 1) != Approx(metric).margin(1e-6));
  }
}

TEST_CASE("Gaussian target, mean-field q: the landscape is the closed form and peaks at mu = 0", "[landscape]") {
  const Scene s = gaussian_meanfield();
  const double log_z = *make_target("gaussian")->exact_log_z();
  Vec phi(4);
  phi << 0.7, -0.4, 0.0, 0.0;
  LandscapeSpec spec;
  spec.i = 0;
  spec.j = 1;
  spec.n = 21;
  spec.i_lo = -2;
  spec.i_hi = 2;
  spec.j_lo = -1.2;
  spec.j_hi = 2.8;  // not centred on the optimum: the peak must still be at μ = 0
  spec.quad_cells = 64;
  const Landscape l = elbo_landscape(s, phi, spec);
  REQUIRE(l.complete);
  REQUIRE(l.value.rows() == 21);
  // ELBO = log Z − KL(q‖p), KL = ½ Σ (σ² + μ² − 1 − 2 log σ) with σ = 1 here.
  double worst = 0;
  for (int a = 0; a < 21; ++a)
    for (int b = 0; b < 21; ++b) {
      const double exact = log_z - 0.5 * (l.xs(a) * l.xs(a) + l.ys(b) * l.ys(b));
      worst = std::max(worst, std::abs(l.value(a, b) - exact));
    }
  CHECK(worst < 1e-8);
  CHECK(l.best_a == 10);
  CHECK(l.best_b == 6);
  CHECK(std::abs(l.xs(l.best_a)) < 1e-12);
  CHECK(std::abs(l.ys(l.best_b)) < 1e-12);
  CHECK(l.best == Approx(log_z).margin(1e-8));

  // The slice (μ1, log σ1) peaks at (0, 0) too, where KL = 0.
  spec.i = 0;
  spec.j = 2;
  spec.i_lo = -1;
  spec.i_hi = 1;
  spec.j_lo = -1;
  spec.j_hi = 1;
  const Landscape m = elbo_landscape(s, Vec::Zero(4), spec);
  CHECK(std::abs(m.xs(m.best_a)) < 1e-12);
  CHECK(std::abs(m.ys(m.best_b)) < 1e-12);
  const double sd = std::exp(m.ys(3));
  CHECK(m.value(5, 3) == Approx(log_z - 0.5 * (sd * sd + m.xs(5) * m.xs(5) - 1 - 2 * m.ys(3))).margin(1e-8));
}

TEST_CASE("The Monte Carlo landscape uses common random numbers: smooth, and exact in the mean", "[landscape]") {
  const Scene s = gaussian_meanfield();
  const double log_z = *make_target("gaussian")->exact_log_z();
  LandscapeSpec spec;
  spec.monte_carlo = true;
  spec.mc_samples = 2048;
  spec.n = 11;
  spec.i = 0;
  spec.j = 1;
  const Landscape l = elbo_landscape(s, Vec::Zero(4), spec);
  CHECK(l.method == "monte-carlo");
  // Antithetic draws make the mean of ε exactly 0, so E[log p~(μ + σε)] = −½μ² + const: the
  // peak is at μ = 0 and the surface is a paraboloid, up to the draws' error in E[ε²].
  CHECK(l.best_a == 5);
  CHECK(l.best_b == 5);
  for (int a = 0; a < 11; ++a)
    for (int b = 0; b < 11; ++b) {
      const double exact = log_z - 0.5 * (l.xs(a) * l.xs(a) + l.ys(b) * l.ys(b));
      CHECK(l.value(a, b) == Approx(exact).margin(0.05));
      CHECK(l.value(a, b) - l.value(5, 5) == Approx(exact - log_z).margin(1e-9));
    }
  // The same draws every call: deterministic.
  CHECK(landscape_elbo(s, Vec::Zero(4), spec) == l.value(5, 5));
}

TEST_CASE("The landscape can be computed on worker threads and stopped", "[landscape]") {
  Scene s;
  s.target = "banana";
  s.family = "fullrank";
  const Vec phi = Run(s).params();
  LandscapeSpec spec;
  spec.i = 0;
  spec.j = 3;  // μ1 and L21
  spec.n = 9;
  spec.quad_cells = 32;
  const Landscape serial = elbo_landscape(s, phi, spec);
  Landscape x, y;
  {
    std::jthread a([&] { x = elbo_landscape(s, phi, spec); });
    std::jthread b([&] { y = elbo_landscape(s, phi, spec); });
  }
  CHECK(x.value == serial.value);
  CHECK(y.value == serial.value);
  std::stop_source stop;
  stop.request_stop();
  const Landscape stopped = elbo_landscape(s, phi, spec, stop.get_token());
  CHECK_FALSE(stopped.complete);
  CHECK(std::isnan(stopped.value(0, 0)));
  spec.i = 9;
  CHECK_THROWS_AS(elbo_landscape(s, phi, spec), std::invalid_argument);
  spec.i = 3;
  CHECK_THROWS_AS(elbo_landscape(s, phi, spec), std::invalid_argument);
}

TEST_CASE("Optimizer paths start at phi0 and Adam's ends near the optimum", "[landscape]") {
  Scene s = gaussian_meanfield();
  s.lr = 0.05;
  Vec phi0(4);
  phi0 << 2.0, -1.5, 0.5, -0.5;
  for (const char* opt : {"sgd", "momentum", "adam"}) {
    INFO(opt);
    const Mat path = optimizer_path(s, phi0, 0, 1, 300, opt);
    REQUIRE(path.cols() == 301);
    CHECK(path(0, 0) == 2.0);
    CHECK(path(1, 0) == -1.5);
    CHECK(path.col(300).norm() < path.col(0).norm());
    if (std::string(opt) == "adam") CHECK(path.col(300).norm() < 0.25);
  }
  // Paths from the same start differ between optimizers.
  CHECK(optimizer_path(s, phi0, 0, 1, 20, "sgd") != optimizer_path(s, phi0, 0, 1, 20, "adam"));
}

TEST_CASE("An optimizer path from a run's start is that run's trajectory", "[landscape]") {
  Scene s;
  s.target = "banana";
  s.family = "fullrank";
  s.samples = 16;
  s.init_mean_x = 1.5;
  Run run(s);
  const Vec phi0 = run.params();
  const Mat path = optimizer_path(s, phi0, 0, 4, 25, s.optimizer);
  REQUIRE(path.cols() == 26);
  run.step(25);
  CHECK(path(0, 25) == run.params()(0));
  CHECK(path(1, 25) == run.params()(4));
}
