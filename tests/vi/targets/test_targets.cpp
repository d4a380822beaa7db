// The registry of 2D targets: gradients against finite differences, batched vs point-by-point
// evaluation, finiteness far outside the boxes, registry errors, densities against direct
// (non-log-space) formulas, and exact moments against independent closed forms or 1D sums.
#include "vi/targets/targets.hpp"

#include "tests/vi/fd.hpp"
#include "vi/core/rng.hpp"

#include <Eigen/LU>  // inverse() and determinant() of the direct formulas

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

using namespace vi;

namespace {

constexpr double kPi = std::numbers::pi;

// One target configuration: a name and the overrides it is built with.
struct Variant {
  std::string target;
  ParamValues params;
  std::string label() const {
    std::string s = target;
    for (const auto& [k, v] : params) s += " " + k + "=" + std::to_string(v);
    return s;
  }
};

// Every target at its defaults, and every target with parameters at two non-default settings
// (each parameter at 20% and at 85% of its range; never at lo, where all mixture weights would
// be 0).
std::vector<Variant> all_variants() {
  std::vector<Variant> out;
  for (const auto& info : target_registry()) {
    out.push_back({info.name, {}});
    if (info.params.empty()) continue;
    for (double f : {0.2, 0.85}) {
      Variant v{info.name, {}};
      for (const auto& p : info.params) v.params[p.name] = p.lo + f * (p.hi - p.lo);
      out.push_back(v);
    }
  }
  return out;
}

// n points uniform in box, as the columns of a 2×n matrix.
Mat uniform_in(const Box& b, int n, Rng& rng) {
  Mat z(2, n);
  for (int s = 0; s < n; ++s) {
    z(0, s) = b.x0 + rng.uniform() * b.width();
    z(1, s) = b.y0 + rng.uniform() * b.height();
  }
  return z;
}

double normal_pdf(double x, double mean, double var) {
  return std::exp(-0.5 * (x - mean) * (x - mean) / var) / std::sqrt(2 * kPi * var);
}

// ∫ N(t; 0, var) f(t) dt by the midpoint rule over ±12 sd (smooth 1D integrands only).
template <class F>
double gauss_expect(double var, F f, int n = 200000) {
  const double sd = std::sqrt(var), a = -12 * sd, h = 24 * sd / n;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double t = a + (i + 0.5) * h;
    sum += normal_pdf(t, 0, var) * f(t);
  }
  return sum * h;
}

}  // namespace

TEST_CASE("Registry: names in display order, sane specs and boxes", "[targets]") {
  const std::vector<std::string> expected = {"gaussian", "correlated", "banana", "donut",   "funnel",
                                             "mixture",  "bimodal",    "squiggle", "two-moons", "U1",
                                             "U2",       "U3",         "U4"};
  CHECK(target_names() == expected);
  for (const auto& info : target_registry()) {
    INFO(info.name);
    CHECK_FALSE(info.summary.empty());
    CHECK(&find_target(info.name) == &info);
    for (const auto& p : info.params) {
      INFO(p.name);
      CHECK(p.lo < p.hi);
      CHECK(p.default_value >= p.lo);
      CHECK(p.default_value <= p.hi);
      CHECK(p.help.size() > 20);
    }
  }
  for (const auto& v : all_variants()) {
    INFO(v.label());
    const auto p = make_target(v.target, v.params);
    CHECK(p->name() == v.target);
    CHECK(p->dim() == 2);
    const Box view = p->view_box(), ref = p->reference_box();
    CHECK(view.width() > 0);
    CHECK(view.height() > 0);
    // The reference box contains the view box.
    CHECK(ref.x0 <= view.x0);
    CHECK(ref.x1 >= view.x1);
    CHECK(ref.y0 <= view.y0);
    CHECK(ref.y1 >= view.y1);
  }
}

TEST_CASE("Gradients match central finite differences, inside and far outside the box", "[targets]") {
  Rng rng(20240611);
  for (const auto& v : all_variants()) {
    DYNAMIC_SECTION(v.label()) {
      const auto p = make_target(v.target, v.params);
      Mat z = uniform_in(p->reference_box(), 24, rng);
      Mat far(2, 6);
      far << 30, -45, 0, 50, -20, 12,  //
          -20, 10, 50, 0, -40, 35;
      Mat all(2, z.cols() + far.cols());
      all << z, far;
      Vec lp(all.cols());
      Mat g(2, all.cols());
      p->eval(all, lp, &g);
      const auto f = [&](const Vec& x) { return p->log_density(x); };
      for (Eigen::Index s = 0; s < all.cols(); ++s)
        test::expect_gradient(v.label(), f, all.col(s), g.col(s));
    }
  }
}

TEST_CASE("Batched eval equals point-by-point eval, across chunk boundaries", "[targets]") {
  Rng rng(7);
  for (const auto& v : all_variants()) {
    DYNAMIC_SECTION(v.label()) {
      const auto p = make_target(v.target, v.params);
      // 150 columns: two full chunks of the batched kernel and a partial one.
      const Mat z = uniform_in(p->reference_box(), 150, rng);
      Vec lp(z.cols()), lp_only(z.cols());
      Mat g(2, z.cols());
      p->eval(z, lp, &g);
      p->eval(z, lp_only, nullptr);
      for (Eigen::Index s = 0; s < z.cols(); ++s) {
        INFO("column " << s << " at " << z.col(s).transpose());
        Vec g1;
        const double lp1 = p->log_density(z.col(s), &g1);
        // Vectorized and scalar paths of exp/log may differ in the last bits, so not exactly ==.
        CHECK(lp(s) == Approx(lp1).epsilon(1e-12).margin(1e-12));
        CHECK(lp_only(s) == lp(s));
        CHECK(g(0, s) == Approx(g1(0)).epsilon(1e-12).margin(1e-12));
        CHECK(g(1, s) == Approx(g1(1)).epsilon(1e-12).margin(1e-12));
      }
    }
  }
}

TEST_CASE("log p~ and its gradient are finite for |z| up to 50 in every direction", "[targets]") {
  const int angles = 72;
  const std::vector<double> radii = {0, 1e-300, 1e-8, 0.5, 5, 10, 20, 35, 50};
  Mat z(2, angles * int(radii.size()));
  for (size_t r = 0; r < radii.size(); ++r)
    for (int a = 0; a < angles; ++a) {
      const double t = 2 * kPi * a / angles;
      z(0, r * angles + a) = radii[r] * std::cos(t);
      z(1, r * angles + a) = radii[r] * std::sin(t);
    }
  for (const auto& v : all_variants()) {
    const auto p = make_target(v.target, v.params);
    Vec lp(z.cols());
    Mat g(2, z.cols());
    p->eval(z, lp, &g);
    for (Eigen::Index s = 0; s < z.cols(); ++s) {
      INFO(v.label() << " at " << z.col(s).transpose() << ": log p~ " << lp(s) << ", grad "
                     << g.col(s).transpose());
      CHECK(std::isfinite(lp(s)));
      CHECK(std::isfinite(g(0, s)));
      CHECK(std::isfinite(g(1, s)));
    }
  }
}

TEST_CASE("Edge cases: the donut's cone point and the funnel's deep neck", "[targets]") {
  // At and near the origin the donut's gradient is bounded by its value at ‖z‖ = 0, 2 r0 / w,
  // also where x² + y² underflows.
  const auto donut = make_target("donut", {{"r0", 2}, {"w", 0.5}});
  for (double r : {0.0, 1e-300, 1e-200, 1e-100}) {
    Vec g;
    const double lp = donut->log_density(Eigen::Vector2d(r, -r), &g);
    INFO("r = " << r << ": grad " << g.transpose());
    CHECK(lp == Approx(-8).margin(1e-12));
    CHECK(g.norm() <= 2 * 2 / 0.5 * (1 + 1e-12));
  }
  // e^{−v} overflows for v < −709; x² e^{−v} must still be 0 at x = 0 (not 0 · ∞ = NaN).
  const auto funnel = make_target("funnel", {{"sigma_v", 3}});
  Vec g;
  const double lp = funnel->log_density(Eigen::Vector2d(0, -800), &g);
  CHECK(std::isfinite(lp));
  CHECK(g(0) == 0);
  CHECK(g(1) == Approx(800.0 / 9 - 0.5));
}

TEST_CASE("Registry errors name the offending target, parameter and value", "[targets]") {
  using Catch::Contains;
  CHECK_THROWS_AS(make_target("nope"), std::invalid_argument);
  CHECK_THROWS_WITH(make_target("nope"), Contains("'nope'") && Contains("gaussian") && Contains("U4"));
  CHECK_THROWS_WITH(find_target("u1"), Contains("'u1'"));  // names are case-sensitive
  CHECK_THROWS_WITH(make_target("two_moons"), Contains("two-moons"));

  CHECK_THROWS_AS(make_target("banana", {{"rho", 0.5}}), std::invalid_argument);
  CHECK_THROWS_WITH(make_target("banana", {{"rho", 0.5}}),
                    Contains("banana") && Contains("'rho'") && Contains("allowed: b"));
  CHECK_THROWS_WITH(make_target("gaussian", {{"rho", 0.5}}), Contains("gaussian") && Contains("'rho'"));
  CHECK_THROWS_WITH(make_target("bimodal", {{"w", 0.5}, {"sep", 1}}),
                    Contains("bimodal") && Contains("'sep'") && Contains("w, d, s"));

  CHECK_THROWS_AS(make_target("banana", {{"b", 1.5}}), std::invalid_argument);
  CHECK_THROWS_WITH(make_target("banana", {{"b", 1.5}}),
                    Contains("banana") && Contains("b is 1.5") && Contains("[0, 1]"));
  CHECK_THROWS_WITH(make_target("correlated", {{"rho", -1}}),
                    Contains("correlated") && Contains("rho is -1") && Contains("[-0.99, 0.99]"));
  CHECK_THROWS_WITH(make_target("funnel", {{"sigma_v", std::nan("")}}),
                    Contains("funnel") && Contains("sigma_v") && Contains("nan"));
  CHECK_THROWS_WITH(make_target("donut", {{"w", INFINITY}}), Contains("donut") && Contains("inf"));
  CHECK_THROWS_WITH(make_target("mixture", {{"w1", 0}, {"w2", 0}, {"w3", 0}}),
                    Contains("mixture") && Contains("w1 + w2 + w3"));

  // Boundary values are allowed, and overrides take effect.
  CHECK_NOTHROW(make_target("banana", {{"b", 1}}));
  CHECK_NOTHROW(make_target("mixture", {{"w1", 0}, {"w2", 0}}));
  CHECK(make_target("correlated", {{"rho", -0.5}})->exact_moments()->cov(0, 1) == -0.5);
}

TEST_CASE("Notes explain the soft box of U2-U4 and the funnel's truncated references", "[targets]") {
  for (const char* name : {"U2", "U3", "U4"}) {
    INFO(name);
    CHECK_THAT(make_target(name)->note(), Catch::Contains("soft box"));
  }
  CHECK(make_target("U1")->note().empty());  // U1 decays: no soft box
  const std::string funnel = make_target("funnel")->note();
  CHECK_THAT(funnel, Catch::Contains("truncated"));
  CHECK_THAT(funnel, Catch::Contains("% of the mass"));
}

TEST_CASE("log p~ agrees with direct formulas (normalizing constants included)", "[targets]") {
  Rng rng(99);
  const auto N2 = [](double x, double y, double mx, double my, double var) {
    return normal_pdf(x, mx, var) * normal_pdf(y, my, var);
  };
  const auto sq = [](double t) { return t * t; };
  // z -> p~(z) (or log p~ where noted), written straight from the definitions.
  struct Case {
    std::string name;
    ParamValues params;
    std::function<double(double, double)> log_p;
  };
  const double rho = 0.7, b = 0.4, sv = 1.5, r0 = 2.0, w = 0.3;
  const std::vector<Case> cases = {
      {"gaussian", {}, [&](double x, double y) { return std::log(N2(x, y, 0, 0, 1)); }},
      {"correlated",
       {{"rho", rho}},
       [&](double x, double y) {
         Eigen::Matrix2d S;
         S << 1, rho, rho, 1;
         const Eigen::Vector2d z(x, y);
         return std::log(std::exp(-0.5 * z.dot(S.inverse() * z)) / (2 * kPi * std::sqrt(S.determinant())));
       }},
      {"banana",
       {{"b", b}},
       [&](double x, double y) { return std::log(normal_pdf(x, 0, 4) * normal_pdf(y, b * (x * x - 4), 1)); }},
      {"donut",
       {{"r0", r0}, {"w", w}},
       [&](double x, double y) { return -sq(std::hypot(x, y) - r0) / w; }},
      {"funnel",
       {{"sigma_v", sv}},
       [&](double x, double y) { return std::log(normal_pdf(y, 0, sv * sv) * normal_pdf(x, 0, std::exp(y))); }},
      {"mixture",
       {{"w1", 1}, {"w2", 2}, {"w3", 5}},
       [&](double x, double y) {
         return std::log((1 * N2(x, y, -1.5, -1.5, 0.8) + 2 * N2(x, y, 1.5, 1.5, 0.8) + 5 * N2(x, y, -2, 2, 0.5)) / 8);
       }},
      {"bimodal",
       {{"w", 0.3}, {"d", 3}, {"s", 0.8}},
       [&](double x, double y) { return std::log(0.3 * N2(x, y, -1.5, 0, 0.64) + 0.7 * N2(x, y, 1.5, 0, 0.64)); }},
      {"squiggle",
       {},
       [&](double x, double y) {
         Eigen::Matrix2d S;
         S << 2, 0.25, 0.25, 0.5;
         const Eigen::Vector2d u(x, y + std::sin(5 * x));
         return std::log(std::exp(-0.5 * u.dot(S.inverse() * u)) / (2 * kPi * std::sqrt(S.determinant())));
       }},
      {"two-moons",  // the |z1| form from the definition, not the log-sum-exp form in the code
       {},
       [&](double x, double y) {
         return -0.5 * sq((std::hypot(x, y) - 2) / 0.2) - 0.5 * sq((std::abs(x) - 2) / 0.3) +
                std::log(1 + std::exp(-4 * std::abs(x) / 0.09));
       }},
      {"U1", {}, [&](double x, double y) {
         return -0.5 * sq((std::hypot(x, y) - 2) / 0.4) +
                std::log(std::exp(-0.5 * sq((x - 2) / 0.6)) + std::exp(-0.5 * sq((x + 2) / 0.6)));
       }},
  };
  const auto w1 = [](double x) { return std::sin(2 * kPi * x / 4); };
  const auto w2 = [&](double x) { return 3 * std::exp(-0.5 * sq((x - 1) / 0.6)); };
  const auto w3 = [](double x) { return 3 / (1 + std::exp(-(x - 1) / 0.3)); };
  const auto box = [](double x) { return -0.5 * std::pow(x / 4, 8); };
  std::vector<Case> waves = {
      {"U2", {}, [&](double x, double y) { return -0.5 * sq((y - w1(x)) / 0.4) + box(x); }},
      {"U3", {}, [&](double x, double y) {
         return std::log(std::exp(-0.5 * sq((y - w1(x)) / 0.35)) + std::exp(-0.5 * sq((y - w1(x) + w2(x)) / 0.35))) + box(x);
       }},
      {"U4", {}, [&](double x, double y) {
         return std::log(std::exp(-0.5 * sq((y - w1(x)) / 0.4)) + std::exp(-0.5 * sq((y - w1(x) + w3(x)) / 0.35))) + box(x);
       }},
  };
  std::vector<Case> all = cases;
  all.insert(all.end(), waves.begin(), waves.end());
  CHECK(all.size() == target_registry().size());

  for (const auto& c : all) {
    const auto p = make_target(c.name, c.params);
    // Points in the view box, where the direct formulas neither underflow nor overflow.
    const Mat z = uniform_in(p->view_box(), 40, rng);
    Vec lp(z.cols());
    p->eval(z, lp, nullptr);
    for (Eigen::Index s = 0; s < z.cols(); ++s) {
      const double expected = c.log_p(z(0, s), z(1, s));
      if (!std::isfinite(expected) || expected < -300) continue;  // direct formula underflowed
      INFO(c.name << " at " << z.col(s).transpose());
      CHECK(lp(s) == Approx(expected).epsilon(1e-10).margin(1e-10));
    }
  }
}

TEST_CASE("Exact log Z and moments agree with independent closed forms and 1D sums", "[targets]") {
  // Normalized targets state log Z = 0; the others leave it to quadrature.
  for (const auto& info : target_registry()) {
    INFO(info.name);
    const auto p = make_target(info.name);
    const bool normalized = info.name == "gaussian" || info.name == "correlated" || info.name == "banana" ||
                            info.name == "funnel" || info.name == "mixture" || info.name == "bimodal" ||
                            info.name == "squiggle";
    CHECK(p->exact_log_z().has_value() == normalized);
    if (normalized) CHECK(*p->exact_log_z() == 0.0);
    CHECK(p->exact_moments().has_value() == normalized);
  }

  const auto expect_moments = [](const std::string& what, const Moments& got, Eigen::Vector2d mean,
                                 Eigen::Matrix2d cov, double tol) {
    INFO(what << ": mean " << got.mean.transpose() << " vs " << mean.transpose() << "\ncov\n"
              << got.cov << "\nvs\n"
              << cov);
    REQUIRE(got.mean.size() == 2);
    REQUIRE(got.cov.rows() == 2);
    REQUIRE(got.cov.cols() == 2);
    CHECK((got.mean - mean).norm() <= tol);
    CHECK((got.cov - cov).norm() <= tol);
  };
  Eigen::Matrix2d cov;

  SECTION("Gaussians: the parameters themselves") {
    expect_moments("gaussian", *make_target("gaussian")->exact_moments(), {0, 0}, Eigen::Matrix2d::Identity(), 0);
    cov << 1, 0.3, 0.3, 1;
    expect_moments("correlated", *make_target("correlated", {{"rho", 0.3}})->exact_moments(), {0, 0}, cov, 1e-15);
  }

  SECTION("mixture and bimodal: hand-computed values") {
    // Equal weights: mean = (−1.5 + 1.5 − 2, −1.5 + 1.5 + 2) / 3; E z1² = (0.8 + 2.25 + 0.8 + 2.25
    // + 0.5 + 4) / 3 = 10.6 / 3; E z1 z2 = (2.25 + 2.25 − 4) / 3 = 0.5 / 3.
    const double m = 2.0 / 3;
    cov << 10.6 / 3 - m * m, 0.5 / 3 + m * m, 0.5 / 3 + m * m, 10.6 / 3 - m * m;
    expect_moments("mixture", *make_target("mixture")->exact_moments(), {-m, m}, cov, 1e-12);
    // One weight: just that component.
    expect_moments("mixture w3 only", *make_target("mixture", {{"w1", 0}, {"w2", 0}, {"w3", 2}})->exact_moments(),
                   {-2, 2}, 0.5 * Eigen::Matrix2d::Identity(), 1e-12);
    // w N((−d/2, 0), s²I) + (1 − w) N((d/2, 0), s²I): mean d/2 (1 − 2w), Var z1 = s² + w(1 − w) d².
    cov << 0.36 + 0.24 * 16, 0, 0, 0.36;
    expect_moments("bimodal", *make_target("bimodal")->exact_moments(), {-0.4, 0}, cov, 1e-12);
  }

  SECTION("banana: 1D sums over z1 of the conditional moments of z2") {
    for (double b : {0.0, 0.25, 0.7}) {
      const double ey = gauss_expect(4, [&](double x) { return b * (x * x - 4); });
      const double ey2 = gauss_expect(4, [&](double x) { return 1 + b * b * (x * x - 4) * (x * x - 4); });
      const double exy = gauss_expect(4, [&](double x) { return x * b * (x * x - 4); });
      const double ex2 = gauss_expect(4, [](double x) { return x * x; });
      cov << ex2, exy, exy, ey2 - ey * ey;
      expect_moments("banana b=" + std::to_string(b), *make_target("banana", {{"b", b}})->exact_moments(), {0, ey},
                     cov, 1e-8);
    }
  }

  SECTION("funnel: 1D sum of E[x² | v] = e^v over v") {
    for (double sv : {0.5, 2.0, 3.0}) {
      const double vx = gauss_expect(sv * sv, [](double v) { return std::exp(v); });
      cov << vx, 0, 0, sv * sv;
      expect_moments("funnel sigma_v=" + std::to_string(sv),
                     *make_target("funnel", {{"sigma_v", sv}})->exact_moments(), {0, 0}, cov, 1e-8 * vx);
    }
  }

  SECTION("squiggle: 1D sums over z1, with z2 | z1 ~ N(z1/8 − sin 5z1, 0.5 − 0.25²/2)") {
    const auto mean_y = [](double x) { return x / 8 - std::sin(5 * x); };
    const double var_y_given_x = 0.5 - 0.25 * 0.25 / 2;
    const double ey = gauss_expect(2, mean_y);
    const double exy = gauss_expect(2, [&](double x) { return x * mean_y(x); });
    const double ey2 = gauss_expect(2, [&](double x) { return var_y_given_x + mean_y(x) * mean_y(x); });
    cov << 2, exy, exy, ey2 - ey * ey;
    expect_moments("squiggle", *make_target("squiggle")->exact_moments(), {0, ey}, cov, 1e-9);
  }
}
