// Stan ADVI's convergence rule: it stops where the arithmetic says, on noisy flat ELBOs, never on
// oscillating ones (and warns), tells mean from median, and validates its options.
#include "vi/analysis/convergence_rule.hpp"
#include "vi/core/rng.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace vi;

namespace {

using Stat = ConvergenceOptions::Statistic;

ConvergenceOptions opts(int eval_every, int window, double tol, Stat stat) {
  ConvergenceOptions o;
  o.eval_every = eval_every;
  o.window = window;
  o.tol_rel_obj = tol;
  o.statistic = stat;
  return o;
}

// Feeds ELBO_j at step j · eval_every for j = 0..max_evals−1; returns the first converged step,
// or −1.
template <class F>
int64_t first_converged(ConvergenceRule& rule, F elbo_at, int max_evals) {
  const int e = rule.options().eval_every;
  for (int j = 0; j < max_evals; ++j) {
    // Off-cadence steps in between must change nothing.
    if (j > 0) CHECK_FALSE(rule.observe(int64_t(j) * e - 1, -123.0).evaluated);
    if (rule.observe(int64_t(j) * e, elbo_at(j)).converged) return int64_t(j) * e;
  }
  return -1;
}

}  // namespace

TEST_CASE("A geometrically converging ELBO converges at the step computed by hand", "[convergence-rule]") {
  // ELBO_j = −(1 + x_j), x_j = 10 · 2^−j. Then Δ_j = |ELBO_j − ELBO_{j−1}| / |ELBO_j|
  // = (x_{j−1} − x_j) / (1 + x_j) = x_j / (1 + x_j):
  //   Δ_9  = 0.0195313 / 1.0195313 = 0.0191571
  //   Δ_10 = 0.0097656 / 1.0097656 = 0.0096712
  //   Δ_11 = 0.0048828 / 1.0048828 = 0.0048591
  //   Δ_12 = 0.0024414 / 1.0024414 = 0.0024355
  // Window 3, tol 0.01:
  //   mean:   j = 11 → (0.0191571 + 0.0096712 + 0.0048591)/3 = 0.0112291 ≥ 0.01;
  //           j = 12 → (0.0096712 + 0.0048591 + 0.0024355)/3 = 0.0056553 < 0.01 → step 120.
  //   median: j = 10 → median(Δ_8 = 0.0375940, Δ_9, Δ_10) = 0.0191571 ≥ 0.01;
  //           j = 11 → median(Δ_9, Δ_10, Δ_11) = 0.0096712 < 0.01 → step 110.
  // (eval_every = 10, so evaluation j is step 10 j.)
  auto elbo = [](int j) { return -(1.0 + 10.0 * std::pow(0.5, j)); };
  {
    ConvergenceRule rule(opts(10, 3, 0.01, Stat::mean));
    CHECK(first_converged(rule, elbo, 100) == 120);
    CHECK(rule.last().mean_rel == Approx(0.0056553).epsilon(1e-4));
    CHECK(rule.last().message == "mean ELBO converged");
    CHECK_FALSE(rule.last().stop);  // auto_stop is off by default
  }
  {
    ConvergenceRule rule(opts(10, 3, 0.01, Stat::median));
    CHECK(first_converged(rule, elbo, 100) == 110);
    CHECK(rule.last().median_rel == Approx(0.0096712).epsilon(1e-4));
    CHECK(rule.last().message == "median ELBO converged");
  }
  {
    // Stan's own behaviour (either statistic stops it) takes the earlier of the two.
    ConvergenceOptions o = opts(10, 3, 0.01, Stat::either);
    o.auto_stop = true;
    ConvergenceRule rule(o);
    CHECK(first_converged(rule, elbo, 100) == 110);
    CHECK(rule.last().stop);
  }
}

TEST_CASE("A flat ELBO with tiny noise converges as soon as the window is full", "[convergence-rule]") {
  // ELBO = −50 + 10⁻³ ε: Δ ≈ 3·10⁻⁵ ≪ 0.01. The first evaluation records no change, so the
  // window of 10 is full at evaluation 10 = step 1000 (Stan's defaults: eval 100, window 10).
  Rng rng(4);
  ConvergenceRule rule;  // Stan's defaults
  const int64_t at = first_converged(rule, [&](int) { return -50.0 + 1e-3 * rng.normal(); }, 100);
  CHECK(at == 1000);
  CHECK(rule.last().window_full);
  CHECK(rule.last().changes == 10);
  CHECK(rule.last().mean_rel < 1e-4);
  CHECK_FALSE(rule.last().may_be_diverging);
}

TEST_CASE("An oscillating growing ELBO never converges and may be diverging", "[convergence-rule]") {
  // ELBO_j = −10 (1 + j) for even j, −30 (1 + j) for odd j: Δ ≥ 0.5 at every evaluation
  // (e.g. −10 → −60 is 5/6, −60 → −30 is 1, −30 → −120 is 3/4, …).
  ConvergenceRule rule(opts(5, 4, 0.01, Stat::either));
  int first_warning = -1;
  for (int j = 0; j < 300; ++j) {
    const double e = (j % 2 ? -30.0 : -10.0) * (1 + j);
    const ConvergenceVerdict v = rule.observe(int64_t(j) * 5, e);
    REQUIRE_FALSE(v.converged);
    if (v.may_be_diverging && first_warning < 0) first_warning = j;
  }
  // Stan warns after 10 evaluations; we count changes, which start at the second evaluation.
  CHECK(first_warning == 10);
  CHECK(rule.last().may_be_diverging);
  CHECK(rule.last().message == "may be diverging, inspect ELBO");
  CHECK(rule.last().median_rel > 0.5);
}

TEST_CASE("Mean and median disagree on a window with one outlier", "[convergence-rule]") {
  // −100, −100.1, −100.2, −100.3, then a jump to −150 and back to small steps: the window of 5
  // after 6 changes holds Δ_2..Δ_6 = {0.1/100.2, 0.1/100.3, 49.7/150, 0.1/150.1, 0.1/150.2}
  // = {0.000998, 0.000997, 0.331333, 0.000666, 0.000666}: mean 0.0669 > 0.01, median 0.000997.
  const double seq[] = {-100.0, -100.1, -100.2, -100.3, -150.0, -150.1, -150.2};
  auto run = [&](Stat s) {
    ConvergenceRule rule(opts(1, 5, 0.01, s));
    ConvergenceVerdict v;
    for (int j = 0; j < 7; ++j) v = rule.observe(j, seq[j]);
    return v;
  };
  const ConvergenceVerdict mean = run(Stat::mean), median = run(Stat::median);
  CHECK(mean.mean_rel == Approx((0.1 / 100.2 + 0.1 / 100.3 + 49.7 / 150.0 + 0.1 / 150.1 + 0.1 / 150.2) / 5).epsilon(1e-9));
  CHECK(mean.median_rel == Approx(0.1 / 100.3).epsilon(1e-9));
  CHECK(mean.mean_rel > 0.01);
  CHECK_FALSE(mean.converged);
  CHECK(median.converged);
  // The same numbers either way: only the decision differs.
  CHECK(median.mean_rel == mean.mean_rel);
  ConvergenceRule rule(opts(1, 5, 0.01, Stat::mean));
  for (int j = 0; j < 7; ++j) rule.observe(j, seq[j]);
  REQUIRE(rule.window_values().size() == 5);
  CHECK(rule.window_values()[2] == Approx(49.7 / 150.0));  // oldest first
}

TEST_CASE("The convergence rule validates its options and its steps", "[convergence-rule]") {
  ConvergenceOptions o;
  o.window = 0;
  CHECK_THROWS_WITH(ConvergenceRule(o), Catch::Contains("window"));
  o = {};
  o.eval_every = -1;
  CHECK_THROWS_WITH(ConvergenceRule(o), Catch::Contains("eval_every"));
  o = {};
  o.tol_rel_obj = 0;
  CHECK_THROWS_WITH(ConvergenceRule(o), Catch::Contains("tol_rel_obj"));
  o = {};
  o.diverging_threshold = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(ConvergenceRule(o), Catch::Contains("diverging_threshold"));
  o = {};
  o.diverging_min_changes = 0;
  CHECK_THROWS_WITH(ConvergenceRule(o), Catch::Contains("diverging_min_changes"));
  o = {};
  o.below_best_tol = -1;
  CHECK_THROWS_AS(ConvergenceRule(o), std::invalid_argument);

  ConvergenceRule rule(opts(1, 2, 0.01, Stat::mean));
  rule.observe(3, -1.0);
  CHECK_THROWS_WITH(rule.observe(3, -1.0), Catch::Contains("reset()"));
  rule.reset();
  CHECK(rule.observe(0, -1.0).evaluated);
  // A NaN ELBO is reported, not recorded: the next finite one is compared with the last finite.
  const ConvergenceVerdict v = rule.observe(1, std::numeric_limits<double>::quiet_NaN());
  CHECK(v.may_be_diverging);
  CHECK_THAT(v.message, Catch::Contains("not finite"));
  CHECK(rule.observe(2, -1.0).changes == 1);
}

TEST_CASE("Converging below an earlier best ELBO is noted as Stan does", "[convergence-rule]") {
  // The ELBO peaks at −1, then settles at −2 (50 % below): converged, but below_best.
  ConvergenceRule rule(opts(1, 2, 0.01, Stat::mean));
  const double seq[] = {-3.0, -1.0, -2.0, -2.0, -2.0};
  ConvergenceVerdict v;
  for (int j = 0; j < 5; ++j) v = rule.observe(j, seq[j]);
  CHECK(v.converged);
  CHECK(v.below_best);
  CHECK_THAT(v.message, Catch::Contains("earlier ELBO was higher"));
}
