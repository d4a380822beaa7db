// tests/vi/targets/test_formula.cpp — custom targets from a formula (vi/targets/formula.hpp), tag [formula].
//
// Values and finite-difference gradients against analytic ones, the quadrature of a normalized
// formula, a fit on a formula equal to the built-in banana against the banana target, the scene
// plumbing, and a corpus of broken formulas with their messages.
#include "vi/models/models.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"
#include "vi/targets/formula.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <thread>
#include <vector>

using namespace vi;

namespace {

// The stated accuracy of the finite-difference gradient is ~1e-10 relative on smooth formulas;
// the test holds it to 1e-8 · max(1, |f|, |g|) (100× slack for muparser's rounding and f''').
constexpr double kGradTol = 1e-8;

struct Analytic {
  std::string formula;
  std::function<double(double, double)> f;
  std::function<std::pair<double, double>(double, double)> g;
};

const std::vector<Analytic>& analytic_cases() {
  static const std::vector<Analytic> cases = {
      {"-0.5*(z1^2 + z2^2) - log(2*_pi)",
       [](double x, double y) { return -0.5 * (x * x + y * y) - std::log(2 * M_PI); },
       [](double x, double y) { return std::pair{-x, -y}; }},
      // A correlated Gaussian (ρ = 0.8), written with x and y.
      {"-(x^2 - 1.6*x*y + y^2) / (2*0.36)",
       [](double x, double y) { return -(x * x - 1.6 * x * y + y * y) / 0.72; },
       [](double x, double y) { return std::pair{-(2 * x - 1.6 * y) / 0.72, -(2 * y - 1.6 * x) / 0.72}; }},
      // The banana, b = 0.5.
      {"-z1^2/8 - 0.5*(z2 - 0.5*(z1^2 - 4))^2",
       [](double x, double y) {
         const double r = y - 0.5 * (x * x - 4);
         return -x * x / 8 - 0.5 * r * r;
       },
       [](double x, double y) {
         const double r = y - 0.5 * (x * x - 4);
         return std::pair{-x / 4 + r * x, -r};
       }},
      // A mixture of two Gaussians through lse2.
      {"lse2(-0.5*((z1-2)^2 + z2^2), log(0.5) - 0.5*((z1+1)^2 + (z2-1)^2))",
       [](double x, double y) {
         const double a = -0.5 * ((x - 2) * (x - 2) + y * y), b = std::log(0.5) - 0.5 * ((x + 1) * (x + 1) + (y - 1) * (y - 1));
         const double m = std::max(a, b);
         return m + std::log(std::exp(a - m) + std::exp(b - m));
       },
       [](double x, double y) {
         const double a = -0.5 * ((x - 2) * (x - 2) + y * y), b = std::log(0.5) - 0.5 * ((x + 1) * (x + 1) + (y - 1) * (y - 1));
         const double wa = 1 / (1 + std::exp(b - a)), wb = 1 - wa;
         return std::pair{wa * -(x - 2) + wb * -(x + 1), wa * -y + wb * -(y - 1)};
       }},
      // softplus and lnormal.
      {"lnormal(z2, 0.5*z1, 1.5) - softplus(2*z1)",
       [](double x, double y) {
         const double u = (y - 0.5 * x) / 1.5;
         return -0.5 * u * u - std::log(1.5) - 0.5 * std::log(2 * M_PI) - std::log1p(std::exp(2 * x));
       },
       [](double x, double y) {
         const double u = (y - 0.5 * x) / 1.5;
         const double sig = 1 / (1 + std::exp(-2 * x));
         return std::pair{u / 1.5 * 0.5 - 2 * sig, -u / 1.5};
       }},
  };
  return cases;
}

bool gradient_close(double fd, double exact, double f) {
  return std::abs(fd - exact) <= kGradTol * std::max({1.0, std::abs(f), std::abs(exact)});
}

std::string message_of(const std::string& formula, Box box = {}) {
  try {
    FormulaTarget t(formula, box);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(accepted)";
}

Vec v2(double a, double b) {
  Vec v(2);
  v << a, b;
  return v;
}

Mat points() {
  Mat z(2, 9);
  z << -3, -1.5, -0.2, 0, 0.3, 1, 2.2, 3.5, 10,  //
      -2, 0.7, 1.1, 0, -0.4, 2, -1.3, 3, -7;
  return z;
}

}  // namespace

TEST_CASE("formula: values match the analytic densities (z1, z2 and x, y alike)", "[formula]") {
  const Mat z = points();
  for (const auto& c : analytic_cases()) {
    INFO(c.formula);
    const FormulaTarget t(c.formula, {-5, 5, -5, 5});
    Vec lp(z.cols());
    t.eval(z, lp, nullptr);
    for (Eigen::Index s = 0; s < z.cols(); ++s) CHECK(lp(s) == Approx(c.f(z(0, s), z(1, s))).epsilon(1e-12).margin(1e-12));
  }
}

TEST_CASE("formula: finite-difference gradients match analytic gradients to 1e-8", "[formula]") {
  const Mat z = points();
  for (const auto& c : analytic_cases()) {
    const FormulaTarget t(c.formula, {-5, 5, -5, 5});
    Vec lp(z.cols());
    Mat g(2, z.cols());
    t.eval(z, lp, &g);
    for (Eigen::Index s = 0; s < z.cols(); ++s) {
      const auto [gx, gy] = c.g(z(0, s), z(1, s));
      INFO(c.formula << " at (" << z(0, s) << ", " << z(1, s) << "): fd " << g(0, s) << ", " << g(1, s) << " exact " << gx
                     << ", " << gy);
      CHECK(gradient_close(g(0, s), gx, lp(s)));
      CHECK(gradient_close(g(1, s), gy, lp(s)));
    }
  }
}

TEST_CASE("formula: the gradient check is tight enough to catch a 1e-6 error", "[formula]") {
  // A gradient wrong by 1e-6 (far smaller than any bug that matters, far larger than the stated
  // accuracy) must fail the comparison above: the test can fail.
  const auto& c = analytic_cases()[2];
  const FormulaTarget t(c.formula, {-5, 5, -5, 5});
  Vec g;
  const double f = t.log_density(v2(0.7, -0.3), &g);
  const auto [gx, gy] = c.g(0.7, -0.3);
  CHECK(gradient_close(g(0), gx, f));
  CHECK_FALSE(gradient_close(g(0), gx + 1e-6, f));
  CHECK_FALSE(gradient_close(g(1), gy * (1 + 1e-6), f));
  // And the measured error is near the stated 1e-10 relative, not just under the tolerance.
  CHECK(std::abs(g(0) - gx) < 1e-9);
  CHECK(std::abs(g(1) - gy) < 1e-9);
}

TEST_CASE("formula: the banana written out is the banana target", "[formula]") {
  const auto banana = make_target("banana");  // b = 0.25
  const FormulaTarget t(formula_examples().front().formula, formula_examples().front().box);
  REQUIRE(formula_examples().front().name == "banana");
  const Mat z = points();
  Vec a(z.cols()), b(z.cols());
  Mat ga(2, z.cols()), gb(2, z.cols());
  banana->eval(z, a, &ga);
  t.eval(z, b, &gb);
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    CHECK(b(s) == Approx(a(s)).epsilon(1e-13).margin(1e-12));
    CHECK(gradient_close(gb(0, s), ga(0, s), a(s)));
    CHECK(gradient_close(gb(1, s), ga(1, s), a(s)));
  }
}

TEST_CASE("formula: NaN is zero density, and the gradient is one-sided at the support's edge", "[formula]") {
  const FormulaTarget t("log(z1) - z1 - 0.5*z2^2", {0, 10, -4, 4});  // Gamma(2, 1) × N(0, 1), unnormalized
  CHECK(t.value(-1, 0) == -std::numeric_limits<double>::infinity());
  CHECK(t.value(1, 0) == Approx(-1));
  Vec g;
  // At z1 = 3e-6 the stencil's left point is at z1 < 0: a one-sided difference, O(h) accurate.
  const double f = t.log_density(v2(3e-6, 0.5), &g);
  CHECK(std::isfinite(f));
  CHECK(g(0) == Approx(1 / 3e-6 - 1).epsilon(0.5));  // a steep log: one-sided, so only roughly
  CHECK(g(1) == Approx(-0.5).epsilon(1e-8));
}

TEST_CASE("formula: quadrature of a normalized formula gives log Z = 0", "[formula]") {
  for (const auto& ex : formula_examples()) {
    if (ex.name != "gaussian") continue;
    const FormulaTarget t(ex.formula, {-8, 8, -8, 8});
    const TargetReference ref = compute_reference(t, 256);
    CHECK(std::abs(ref.log_z) < 1e-6);
    CHECK(ref.moments.mean.norm() < 1e-6);
    CHECK(ref.moments.cov(0, 0) == Approx(1).epsilon(1e-4));
    // On a box that cuts mass off, log Z is the log of the mass kept: [−1, 1]² keeps erf(1/√2)².
    const FormulaTarget cut(ex.formula, {-1, 1, -1, 1});
    const double kept = std::pow(std::erf(1 / std::sqrt(2.0)), 2);
    CHECK(compute_reference(cut, 256).log_z == Approx(std::log(kept)).epsilon(1e-4));
  }
}

TEST_CASE("formula: every example parses, is finite and says where its mass is", "[formula]") {
  REQUIRE(formula_examples().size() >= 5);
  for (const auto& ex : formula_examples()) {
    INFO(ex.name);
    const FormulaTarget t(ex.formula, ex.box);
    CHECK(t.view_box() == ex.box);
    CHECK(t.reference_box() == ex.box);
    CHECK_THAT(t.note(), Catch::Contains("mass outside it is cut off"));
    const TargetReference ref = compute_reference(t, 128);
    CHECK(std::isfinite(ref.log_z));
  }
  // A box too small for its density says so in the note.
  CHECK_THAT(FormulaTarget("-0.5*(z1^2 + z2^2)", {-0.5, 0.5, -0.5, 0.5}).note(), Catch::Contains("widen the box"));
}

TEST_CASE("formula: a fit on the banana formula follows the banana target", "[formula]") {
  Scene a;
  a.target = "banana";
  a.family = "fullrank";
  a.seed = 7;
  Scene b = a;
  b.target = kFormulaTarget;
  b.formula = formula_examples().front().formula;
  b.formula_box = {-12, 12, -7, 41};  // the banana's own reference box: log Z by quadrature ≈ 0
  Run ra(a), rb(b);
  for (int i = 0; i < 400; ++i) {
    ra.step();
    rb.step();
  }
  REQUIRE(ra.status() == RunStatus::Ok);
  REQUIRE(rb.status() == RunStatus::Ok);
  // Gradients agree to ~1e-10 relative, so after 400 Adam steps φ agrees to far better than 1e-6.
  CHECK((ra.params() - rb.params()).cwiseAbs().maxCoeff() < 1e-6);
  CHECK(std::abs(rb.target_data()->log_z) < 1e-4);
  const Metrics ma = ra.metrics(), mb = rb.metrics();
  CHECK(mb.elbo == Approx(ma.elbo).margin(1e-6));
  CHECK(mb.kl_q_p == Approx(ma.kl_q_p).margin(1e-3));
}

TEST_CASE("formula: the scene treats the formula and its box as part of the problem", "[formula]") {
  Scene s;
  s.target = kFormulaTarget;
  s.formula = "-0.5*(z1^2 + z2^2)";
  s.validate();
  CHECK(make_problem(s)->name() == "formula");
  Scene t = s;
  t.formula = "-0.5*(z1^2 + 2*z2^2)";
  CHECK_FALSE(s.same_target(t));
  CHECK_FALSE(s.can_continue_into(t));
  CHECK(s.only_problem_changes(t));
  Scene u = s;
  u.formula_box = {-5, 5, -5, 5};
  CHECK_FALSE(s.same_target(u));
  CHECK(s.only_problem_changes(u));
  // Another target ignores the formula fields.
  Scene b1, b2;
  b2.formula = "z1";
  CHECK(b1.same_target(b2));
  CHECK(b1.can_continue_into(b2));
  // A bad formula fails validation with its message.
  t.formula = "-0.5*(z1^2 + *z2)";
  CHECK_THROWS_WITH(t.validate(), Catch::Contains("unexpected operator '*'"));
  // The formula target takes no parameters or data; the name alone cannot build it.
  Scene p = s;
  p.target_params["b"] = 1;
  CHECK_THROWS_WITH(make_problem(p), Catch::Contains("takes no parameters"));
  CHECK_THROWS_WITH(make_problem("formula"), Catch::Contains("needs its formula"));
  CHECK(problem_params("formula").empty());
}

TEST_CASE("formula: broken formulas each get their own message", "[formula]") {
  struct Case {
    std::string formula;
    Box box;
    std::string expect;
  };
  const Box ok{-4, 4, -4, 4};
  const std::vector<Case> corpus = {
      {"-0.5*(z1^2 + *z2)", ok, "unexpected operator '*' at position 14\n  -0.5*(z1^2 + *z2)\n               ^"},
      {"(z1 + z2", ok, "missing ')'"},
      {"z1 + z2)", ok, "unexpected ')' at position 8"},
      {"w + z1", ok, "unknown variable 'w': use z1, z2"},
      {"foo(z1)", ok, "unknown function 'foo'"},
      {"", ok, "empty"},
      {"   \n ", ok, "empty"},
      {"z1 +", ok, "ends too early"},
      {"1/0", ok, "+inf at"},
      {"+inf", ok, "no inf constant"},
      {"0/0", ok, "not finite anywhere"},
      {"log(-1 - z1^2)", ok, "not finite anywhere"},
      {"-z1^2", {-1e7, 1e7, -1, 1}, "within ±"},
      {"-z1^2", {-1, 1e6, -1, 1}, "width is"},
      {"-z1^2", {1, -1, -1, 1}, "x0 = 1 must be less than x1 = -1"},
      {"-z1^2", {-1, 1, 1, 1}, "y0 = 1 must be less than y1 = 1"},
      {"-z1^2", {-1, 1, -1e-8, 1e-8}, "height is"},
      {"-z1^2", {-1, std::numeric_limits<double>::quiet_NaN(), -1, 1}, "must be finite"},
      {"sin(z1, z2)", ok, "too many arguments to 'sin'"},
      {"lse2(z1)", ok, "too few arguments to 'lse2'"},
      {"z1 z2", ok, "unexpected variable 'z2'"},
      {"z1 = 3", ok, "'=' assigns"},
      {"z1, z2", ok, "several results"},
      {"\"abc\"", ok, "strings"},
      {"z1 \u2265 2", ok, "unexpected character '\u2265'"},
      {"pi*z1", ok, "written _pi"},
      {"1e999 + z1", ok, "bad number"},
      {"z1 ? 1", ok, "without its ':'"},
      {"-0.5*z1^2\n + 2*(z2", ok, "at line 2"},
      {std::string(5000, '1'), ok, "at most 4000"},
      {"z1\x01", ok, "control character"},
  };
  REQUIRE(corpus.size() >= 12);
  for (const auto& c : corpus) {
    const std::string msg = message_of(c.formula, c.box);
    INFO("formula [" << c.formula.substr(0, 60) << "] gave: " << msg);
    CHECK(msg.rfind("formula", 0) == 0);  // "formula: …" or "formula box: …"
    CHECK_THAT(msg, Catch::Contains(c.expect));
  }
}

TEST_CASE("formula: the caret points at the character in a line of Unicode", "[formula]") {
  // Positions count characters, not bytes: "α" is two bytes but one column.
  const std::string msg = message_of("-\u03B1 = 3");
  CHECK_THAT(msg, Catch::Contains("'=' assigns"));
  CHECK_THAT(msg, Catch::Contains("at position 4\n  -\u03B1 = 3\n     ^"));
}

TEST_CASE("formula: a long line is shown as a window around the error", "[formula]") {
  std::string f;
  for (int i = 0; i < 60; ++i) f += "z1 + ";
  f += "w";
  for (int i = 0; i < 60; ++i) f += " + z2";
  const std::string msg = message_of(f);
  CHECK_THAT(msg, Catch::Contains("unknown variable 'w'") && Catch::Contains("at position 301"));
  const auto first_nl = msg.find('\n'), second_nl = msg.find('\n', first_nl + 1);
  REQUIRE(second_nl != std::string::npos);
  const std::string line = msg.substr(first_nl + 3, second_nl - first_nl - 3), caret = msg.substr(second_nl + 3);
  CHECK(line.size() < 100);
  CHECK(line.rfind("\u2026", 0) == 0);  // cut on both sides
  // The caret sits under the 'w' (the ellipsis is one character, three bytes).
  REQUIRE(caret.size() >= 1);
  CHECK(caret.back() == '^');
  CHECK(line.substr(caret.size() - 1 + 2, 1) == "w");
}

TEST_CASE("formula: evaluation from two threads at once gives the same numbers", "[formula]") {
  const FormulaTarget t(formula_examples()[2].formula, formula_examples()[2].box);
  Mat z(2, 2000);
  for (Eigen::Index s = 0; s < z.cols(); ++s) z.col(s) << -3 + 6.0 * double(s) / 2000, std::sin(double(s));
  Vec ref(z.cols());
  Mat gref(2, z.cols());
  t.eval(z, ref, &gref);
  auto work = [&](Vec& lp, Mat& g) {
    for (int r = 0; r < 5; ++r) t.eval(z, lp, &g);
  };
  Vec l1(z.cols()), l2(z.cols());
  Mat g1(2, z.cols()), g2(2, z.cols());
  std::thread a(work, std::ref(l1), std::ref(g1)), b(work, std::ref(l2), std::ref(g2));
  a.join();
  b.join();
  CHECK(l1 == ref);
  CHECK(l2 == ref);
  CHECK(g1 == gref);
  CHECK(g2 == gref);
}
