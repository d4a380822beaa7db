// CAVI with closed-form updates: the Normal-Gamma model (PRML §10.1.3) against its exact
// posterior and its analytic fixed point, the Gaussian mixture (Blei et al. 2017 §3) against
// monotonicity and a Monte Carlo ELBO, and both against a gradient fit of the same family.
#include "tests/vi/fd.hpp"

#include "vi/models/cavi_gmm.hpp"
#include "vi/models/cavi_normal_gamma.hpp"
#include "vi/core/math.hpp"
#include "vi/core/rng.hpp"
#include "vi/core/special.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>

using namespace vi;

namespace {

const NormalGammaPrior kPrior{0.5, 2.0, 2.0, 1.5};

NormalGammaData ng_test_data(uint64_t seed = 7, int n = 20) { return ng_generate(n, 1.0, 2.0, seed); }

// Midpoint-rule integral of exp(f(μ, τ) − shift) over a box around the exact posterior wide
// enough (±14 sd) that the truncated mass is far below the tolerances; returns log ∫ exp(f).
struct NgGrid {
  double mu0, dmu, tau0, dtau;
  int n;
};
NgGrid ng_grid(const NormalGammaExact& e, int n) {
  const double tlo = std::max(0.0, e.mean_tau - 14 * e.sd_tau), thi = e.mean_tau + 14 * e.sd_tau;
  const double mlo = e.mean_mu - 14 * e.sd_mu, mhi = e.mean_mu + 14 * e.sd_mu;
  return {mlo, (mhi - mlo) / n, tlo, (thi - tlo) / n, n};
}
double log_integral(const NgGrid& g, const std::function<double(double, double)>& f) {
  double shift = -std::numeric_limits<double>::infinity();
  std::vector<double> v(size_t(g.n) * size_t(g.n));
  for (int j = 0; j < g.n; ++j)
    for (int i = 0; i < g.n; ++i) {
      const double x = f(g.mu0 + (i + 0.5) * g.dmu, g.tau0 + (j + 0.5) * g.dtau);
      v[size_t(j) * size_t(g.n) + size_t(i)] = x;
      shift = std::max(shift, x);
    }
  double s = 0;
  for (double x : v) s += std::exp(x - shift);
  return shift + std::log(s * g.dmu * g.dtau);
}

double log_normal(double x, double m, double prec) { return 0.5 * (std::log(prec) - kLog2Pi) - 0.5 * prec * (x - m) * (x - m); }
double log_gamma_pdf(double t, double a, double b) { return a * std::log(b) - std::lgamma(a) + (a - 1) * std::log(t) - b * t; }

}  // namespace

// [SECTION] Special functions

TEST_CASE("digamma and trigamma match known values and the derivative of lgamma", "[cavi]") {
  CHECK(digamma(1.0) == Approx(-0.5772156649015329).epsilon(1e-13));
  CHECK(digamma(0.5) == Approx(-1.9635100260214235).epsilon(1e-13));
  CHECK(trigamma(1.0) == Approx(M_PI * M_PI / 6).epsilon(1e-13));
  CHECK(trigamma(0.5) == Approx(M_PI * M_PI / 2).epsilon(1e-13));
  for (double x : {0.3, 2.7, 11.0, 250.0}) {
    const double h = 1e-5 * x;
    CHECK(digamma(x) == Approx((std::lgamma(x + h) - std::lgamma(x - h)) / (2 * h)).epsilon(1e-7));
    CHECK(trigamma(x) == Approx((digamma(x + h) - digamma(x - h)) / (2 * h)).epsilon(1e-6));
  }
}

// [SECTION] Normal-Gamma: the exact posterior

TEST_CASE("the Normal-Gamma posterior density integrates to 1 and its moments match quadrature", "[cavi]") {
  const NormalGammaData d = ng_test_data();
  const NormalGammaExact e = ng_exact(d, kPrior);
  const NgGrid g = ng_grid(e, 800);
  CHECK(log_integral(g, [&](double m, double t) { return ng_log_density(e.post, m, t); }) == Approx(0).margin(1e-7));
  // First and second moments of μ and τ by the same rule.
  double s_m = 0, s_m2 = 0, s_t = 0, s_t2 = 0;
  for (int j = 0; j < g.n; ++j)
    for (int i = 0; i < g.n; ++i) {
      const double m = g.mu0 + (i + 0.5) * g.dmu, t = g.tau0 + (j + 0.5) * g.dtau;
      const double w = std::exp(ng_log_density(e.post, m, t)) * g.dmu * g.dtau;
      s_m += w * m, s_m2 += w * m * m, s_t += w * t, s_t2 += w * t * t;
    }
  CHECK(e.mean_mu == Approx(s_m).epsilon(1e-6));
  CHECK(e.sd_mu == Approx(std::sqrt(s_m2 - s_m * s_m)).epsilon(1e-4));  // t tails: truncation shows first here
  CHECK(e.mean_tau == Approx(s_t).epsilon(1e-6));
  CHECK(e.sd_tau == Approx(std::sqrt(s_t2 - s_t * s_t)).epsilon(1e-6));
}

TEST_CASE("the Normal-Gamma log evidence matches quadrature of prior times likelihood", "[cavi]") {
  for (uint64_t seed : {7u, 8u}) {
    for (int n : {5, 40}) {
      const NormalGammaData d = ng_test_data(seed, n);
      const NormalGammaExact e = ng_exact(d, kPrior);
      const double numeric = log_integral(ng_grid(e, 800), [&](double m, double t) { return ng_log_joint(d, kPrior, m, t); });
      INFO("seed " << seed << ", N = " << n);
      CHECK(e.log_evidence == Approx(numeric).margin(1e-6));
      // And the posterior is prior × likelihood / evidence at any point.
      CHECK(ng_log_density(e.post, 0.9, 1.7) == Approx(ng_log_joint(d, kPrior, 0.9, 1.7) - e.log_evidence).margin(1e-10));
    }
  }
}

TEST_CASE("bad Normal-Gamma settings throw with the argument's name", "[cavi]") {
  CHECK_THROWS_WITH(ng_generate(0, 0, 1, 1), Catch::Contains("N"));
  CHECK_THROWS_WITH(ng_generate(10, 0, -1, 1), Catch::Contains("tau_true"));
  CHECK_THROWS_WITH(ng_exact(ng_test_data(), NormalGammaPrior{0, 1, 0, 1}), Catch::Contains("a0"));
  CHECK_THROWS_AS(ng_data({}), std::invalid_argument);
}

// [SECTION] Normal-Gamma: CAVI

TEST_CASE("the Normal-Gamma ELBO is log evidence minus KL(q||p) computed by quadrature", "[cavi]") {
  const NormalGammaData d = ng_test_data();
  const NormalGammaExact e = ng_exact(d, kPrior);
  const NgGrid g = ng_grid(e, 800);
  for (const NormalGammaQ& q : {ng_fixed_point(d, kPrior), NormalGammaQ{1.2, 30, 12, 7}, NormalGammaQ{0.8, 50, 20, 9}}) {
    double kl = 0;
    for (int j = 0; j < g.n; ++j)
      for (int i = 0; i < g.n; ++i) {
        const double m = g.mu0 + (i + 0.5) * g.dmu, t = g.tau0 + (j + 0.5) * g.dtau;
        const double lq = log_normal(m, q.m, q.lambda) + log_gamma_pdf(t, q.a, q.b);
        kl += std::exp(lq) * (lq - ng_log_density(e.post, m, t)) * g.dmu * g.dtau;
      }
    INFO("q = (" << q.m << ", " << q.lambda << ", " << q.a << ", " << q.b << ")");
    CHECK(kl > 0);
    CHECK(ng_elbo(d, kPrior, q) == Approx(e.log_evidence - kl).margin(1e-6));
  }
}

TEST_CASE("Normal-Gamma CAVI converges to the analytic fixed point, where E[tau] is the exact posterior mean", "[cavi]") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    const NormalGammaData d = ng_test_data(seed, 30);
    NormalGammaQ q = ng_initial_q(kPrior);
    const CaviResult r = ng_cavi(d, kPrior, q, 1000, 1e-12);
    const NormalGammaQ fp = ng_fixed_point(d, kPrior);
    INFO("seed " << seed << ": " << r.iterations << " sweeps");
    REQUIRE(r.converged);
    CHECK(r.iterations > 1);
    CHECK(q.m == Approx(fp.m).epsilon(1e-12));
    CHECK(q.lambda == Approx(fp.lambda).epsilon(1e-10));
    CHECK(q.a == Approx(fp.a).epsilon(1e-12));
    CHECK(q.b == Approx(fp.b).epsilon(1e-10));
    const NormalGammaExact e = ng_exact(d, kPrior);
    CHECK(fp.mean_tau() == Approx(e.mean_tau).epsilon(1e-12));
    CHECK(fp.m == Approx(e.mean_mu).epsilon(1e-12));
    // Mean-field under-estimates μ's spread: 1/λ < Var_p[μ].
    CHECK(1 / std::sqrt(fp.lambda) < e.sd_mu);
    // The fixed point is one: another sweep leaves it where it is.
    NormalGammaQ again = fp;
    ng_update_mu(d, kPrior, again);
    ng_update_tau(d, kPrior, again);
    CHECK(again.lambda == Approx(fp.lambda).epsilon(1e-13));
    CHECK(again.b == Approx(fp.b).epsilon(1e-13));
  }
}

TEST_CASE("each single-factor Normal-Gamma update never decreases the ELBO, which stays below the log evidence", "[cavi]") {
  Rng rng(11);
  const NormalGammaData d = ng_test_data(4, 15);
  const double log_ev = ng_exact(d, kPrior).log_evidence;
  for (int trial = 0; trial < 20; ++trial) {
    NormalGammaQ q{2 * rng.normal(), std::exp(2 * rng.normal()), std::exp(rng.normal() + 1), std::exp(rng.normal())};
    double prev = ng_elbo(d, kPrior, q);
    CHECK(prev <= log_ev);
    // Alternate, starting with either factor.
    for (int u = 0; u < 8; ++u) {
      if ((u + trial) % 2 == 0) ng_update_mu(d, kPrior, q);
      else ng_update_tau(d, kPrior, q);
      const double now = ng_elbo(d, kPrior, q);
      INFO("trial " << trial << ", update " << u);
      CHECK(now >= prev - 1e-12 * std::abs(prev));
      CHECK(now <= log_ev);
      prev = now;
    }
  }
}

TEST_CASE("the Normal-Gamma ELBO gradient matches central differences", "[cavi]") {
  const NormalGammaData d = ng_test_data();
  for (const Vec& u : {ng_pack(NormalGammaQ{0.3, 4, 3, 2}), ng_pack(NormalGammaQ{1.4, 40, 11, 5}), ng_pack(ng_initial_q(kPrior))}) {
    Vec g;
    ng_elbo_grad(d, kPrior, u, g);
    vi::test::expect_gradient("normal-gamma ELBO", [&](const Vec& x) { return ng_elbo(d, kPrior, ng_unpack(x)); }, u, g);
  }
}

TEST_CASE("Adam on the Normal-Gamma ELBO reaches the CAVI fixed point", "[cavi]") {
  const NormalGammaData d = ng_test_data();
  NormalGammaQ q = ng_initial_q(kPrior);
  const GradientFitResult r = ng_gradient_fit(d, kPrior, q);
  const NormalGammaQ fp = ng_fixed_point(d, kPrior);
  const double best = ng_elbo(d, kPrior, fp);
  INFO("Adam ELBO " << r.elbo << ", CAVI " << best);
  CHECK(r.elbo <= best + 1e-12 * std::abs(best));
  CHECK(std::abs(r.elbo - best) <= 1e-6 * std::abs(best));
  CHECK(q.m == Approx(fp.m).epsilon(1e-4));
  CHECK(q.lambda == Approx(fp.lambda).epsilon(1e-3));
  CHECK(q.a == Approx(fp.a).epsilon(1e-3));
  CHECK(q.b == Approx(fp.b).epsilon(1e-3));
}

// [SECTION] Gaussian mixture

TEST_CASE("the GMM ELBO never decreases over 200 CAVI sweeps, nor within a sweep", "[cavi]") {
  for (int dim : {1, 2})
    for (uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
      GmmSettings s;
      s.dim = dim;
      s.seed = seed;
      s.K = 3 + int(seed % 2);
      const GmmData d = gmm_generate(s);
      GmmQ q = gmm_initial_q(d, seed);
      double prev = gmm_elbo(d, q);
      const double first = prev;
      for (int it = 0; it < 200; ++it) {
        gmm_update_assignments(d, q);
        const double mid = gmm_elbo(d, q);
        gmm_update_means(d, q);
        const double now = gmm_elbo(d, q);
        INFO("dim " << dim << ", seed " << seed << ", sweep " << it);
        CHECK(mid >= prev - 1e-12 * std::abs(prev));
        CHECK(now >= mid - 1e-12 * std::abs(mid));
        prev = now;
      }
      CHECK(prev > first);  // and it did climb
      CHECK((q.phi.rowwise().sum().array() - 1).abs().maxCoeff() < 1e-12);
    }
}

TEST_CASE("the GMM ELBO in closed form matches a Monte Carlo estimate over q(mu)", "[cavi]") {
  // ELBO = E_q(μ)[log p(μ) − log q(μ) + Σ_i Σ_k φ_ik (log N(x_i | μ_k, I) − log K − log φ_ik)],
  // the sum over c exact, the expectation over μ by 40000 draws.
  GmmSettings s;
  s.N = 60;
  const GmmData d = gmm_generate(s);
  GmmQ q = gmm_initial_q(d, 3);
  gmm_step(d, q);
  q.s2 *= 30;  // a wide q(μ) so that its terms matter
  const int D = int(d.x.rows()), K = d.K, N = int(d.x.cols());
  Rng rng(5);
  const int S = 40000;
  double sum = 0, sum2 = 0;
  Mat mu(D, K);
  for (int t = 0; t < S; ++t) {
    double v = 0;
    for (int k = 0; k < K; ++k) {
      for (int j = 0; j < D; ++j) mu(j, k) = q.m(j, k) + std::sqrt(q.s2(k)) * rng.normal();
      const double r2 = mu.col(k).squaredNorm(), e2 = (mu.col(k) - q.m.col(k)).squaredNorm();
      v += -0.5 * D * (kLog2Pi + std::log(d.sigma * d.sigma)) - 0.5 * r2 / (d.sigma * d.sigma);
      v -= -0.5 * D * (kLog2Pi + std::log(q.s2(k))) - 0.5 * e2 / q.s2(k);
    }
    for (int i = 0; i < N; ++i)
      for (int k = 0; k < K; ++k) {
        const double p = q.phi(i, k);
        if (p > 0) v += p * (-0.5 * D * kLog2Pi - 0.5 * (d.x.col(i) - mu.col(k)).squaredNorm() - std::log(double(K)) - std::log(p));
      }
    sum += v, sum2 += v * v;
  }
  const double mean = sum / S, se = std::sqrt((sum2 / S - mean * mean) / S);
  INFO("Monte Carlo " << mean << " ± " << se);
  CHECK(std::abs(gmm_elbo(d, q) - mean) < 4 * se);
  CHECK(se < 0.5);
}

TEST_CASE("the GMM ELBO gradient matches central differences", "[cavi]") {
  for (int dim : {1, 2}) {
    GmmSettings s;
    s.dim = dim;
    s.N = 25;
    s.K = 3;
    const GmmData d = gmm_generate(s);
    GmmQ q = gmm_initial_q(d, 2);
    gmm_step(d, q);
    Rng rng(9);
    Vec u = gmm_pack(q);
    for (Eigen::Index i = 0; i < u.size(); ++i) u(i) += 0.3 * rng.normal();  // off the CAVI path
    Vec g;
    gmm_elbo_grad(d, u, g);
    CHECK(gmm_elbo(d, gmm_unpack(u, dim, 3, 25)) == Approx(gmm_elbo_grad(d, u, g)).epsilon(1e-12));
    vi::test::expect_gradient("gmm ELBO", [&](const Vec& x) { return gmm_elbo(d, gmm_unpack(x, dim, 3, 25)); }, u, g);
  }
}

TEST_CASE("Adam on the GMM ELBO reaches the CAVI optimum up to label permutation", "[cavi]") {
  for (int dim : {1, 2}) {
    GmmSettings s;
    s.dim = dim;
    s.N = 100;
    s.seed = 5;  // (seed 3 in 1D starts two components on one cluster: CAVI creeps off that saddle)
    const GmmData d = gmm_generate(s);
    GmmQ cavi = gmm_initial_q(d, s.seed), adam = cavi;
    const GmmCaviResult r = gmm_cavi(d, cavi, 2000, 1e-12);
    REQUIRE(r.converged);
    const double e_adam = gmm_gradient_fit(d, adam, 30000);
    const double e_cavi = r.elbo.back();
    INFO("dim " << dim << ": CAVI " << e_cavi << " in " << r.iterations << " sweeps, Adam " << e_adam);
    CHECK(std::abs(e_adam - e_cavi) <= 1e-6 * std::abs(e_cavi));
    const std::vector<int> perm = gmm_match_components(adam.m, cavi.m);
    for (int k = 0; k < d.K; ++k) {
      const int c = perm[size_t(k)];
      CHECK((adam.m.col(k) - cavi.m.col(c)).norm() < 1e-3);
      CHECK(adam.s2(k) == Approx(cavi.s2(c)).epsilon(1e-3));
    }
  }
}

TEST_CASE("bad GMM settings throw with the argument's name", "[cavi]") {
  GmmSettings s;
  s.dim = 3;
  CHECK_THROWS_WITH(gmm_generate(s), Catch::Contains("dim"));
  s.dim = 2;
  s.sigma = 0;
  CHECK_THROWS_WITH(gmm_generate(s), Catch::Contains("sigma"));
  s.sigma = 1;
  s.N = 2;
  CHECK_THROWS_WITH(gmm_generate(s), Catch::Contains("N"));
}
