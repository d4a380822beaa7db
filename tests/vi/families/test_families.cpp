// Families: log q and entropy against closed forms, the backward pass against finite
// differences, and log q integrating to 1.
#include "tests/vi/fd.hpp"
#include "vi/families/family.hpp"
#include "vi/families/gaussian.hpp"
#include "vi/families/lowrank.hpp"
#include "vi/core/math.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/core/rng.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

using namespace vi;

namespace {
// A Gaussian family under test: how to build it, and its covariance built from φ directly from
// the parameterization's definition (not through the family's own code) for closed-form checks.
struct GaussianCase {
  std::string name;
  std::function<std::unique_ptr<Family>(int d)> make;
  std::function<Mat(const Vec& phi, int d)> covariance;
};

const std::vector<GaussianCase>& gaussian_cases() {
  static const std::vector<GaussianCase> cases{
      {"meanfield", [](int d) { return make_family("meanfield", d); },
       [](const Vec& phi, int d) -> Mat { return (2 * phi.segment(d, d).array()).exp().matrix().asDiagonal(); }},
      {"fullrank", [](int d) { return make_family("fullrank", d); },
       [](const Vec& phi, int d) -> Mat {
         Mat L = Mat::Zero(d, d);
         int k = d;
         for (int i = 0; i < d; ++i)
           for (int j = 0; j <= i; ++j, ++k) L(i, j) = i == j ? std::exp(phi(k)) : phi(k);
         return L * L.transpose();
       }},
      {"lowrank r=2", [](int d) -> std::unique_ptr<Family> { return std::make_unique<LowRankGaussian>(d, 2); },
       [](const Vec& phi, int d) -> Mat {
         Mat B = Eigen::Map<const Mat>(phi.data() + 2 * d, d, 2);
         Mat S = B * B.transpose();
         for (int i = 0; i < d; ++i) S(i, i) += std::exp(2 * phi(d + i));
         return S;
       }},
  };
  return cases;
}

double mvn_log_density(const Vec& z, const Vec& mu, const Mat& cov) {
  const Eigen::LLT<Mat> llt(cov);
  const Vec w = llt.matrixL().solve(z - mu);
  const double log_det = 2 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return -0.5 * (double(z.size()) * kLog2Pi + log_det + w.squaredNorm());
}

Vec random_params(const Family& f, Rng& rng) {
  Vec phi(f.num_params());
  for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) = 0.6 * rng.normal();
  return phi;
}
}  // namespace

TEST_CASE("Gaussian families: log q and entropy match the closed forms", "[families]") {
  Rng rng(7);
  for (const auto& c : gaussian_cases())
    for (int d : {1, 2, 3, 5}) {
      auto f = c.make(d);
      DYNAMIC_SECTION(c.name << " in " << d << "D") {
        for (int trial = 0; trial < 5; ++trial) {
          const Vec phi = random_params(*f, rng);
          const Mat cov = c.covariance(phi, d);
          const Vec mu = phi.head(d);
          Mat z(d, 7);
          rng.fill_normal(z);
          z *= 2;
          Vec lq(7);
          f->log_density(phi, z, lq);
          for (int s = 0; s < 7; ++s) CHECK(lq(s) == Approx(mvn_log_density(z.col(s), mu, cov)).epsilon(1e-10));
          // H = ½ log det(2πe Σ)
          const double h = 0.5 * (d * (1 + kLog2Pi) + std::log(cov.determinant()));
          CHECK(f->entropy(phi) == Approx(h).epsilon(1e-10));
          const Moments m = f->moments(phi);
          CHECK((m.mean - mu).norm() == Approx(0).margin(1e-12));
          CHECK((m.cov - cov).norm() == Approx(0).margin(1e-10));
        }
      }
    }
}

TEST_CASE("Gaussian families: log q along the path equals log q at the sample", "[families]") {
  Rng rng(8);
  for (const auto& c : gaussian_cases()) {
    auto f = c.make(3);
    const Vec phi = random_params(*f, rng);
    Mat eps(f->base_dim(), 11), z(3, 11);
    rng.fill_normal(eps);
    Vec lq_path(11), lq_direct(11);
    f->forward(phi, eps, z, lq_path);
    f->log_density(phi, z, lq_direct);
    INFO(c.name);
    CHECK((lq_path - lq_direct).cwiseAbs().maxCoeff() < 1e-10);
  }
}

TEST_CASE("Gaussian families: backward pass and entropy gradient agree with finite differences", "[families]") {
  Rng rng(9);
  for (const auto& c : gaussian_cases())
    for (int d : {1, 2, 4}) {
      auto f = c.make(d);
      const Vec phi = random_params(*f, rng);
      const int S = 5;
      Mat eps(f->base_dim(), S), cz(d, S);
      Vec clq(S);
      rng.fill_normal(eps);
      rng.fill_normal(cz);
      for (int s = 0; s < S; ++s) clq(s) = rng.normal();
      test::expect_family_backward(c.name + " backward, D=" + std::to_string(d), *f, phi, eps, cz, clq);

      Vec gh = Vec::Zero(phi.size());
      f->add_entropy_grad(phi, gh);
      test::expect_gradient(c.name + " entropy gradient", [&](const Vec& p) { return f->entropy(p); }, phi, gh);
    }
}

TEST_CASE("Gaussian families: q integrates to 1 over its mass box", "[families]") {
  Rng rng(10);
  for (const auto& c : gaussian_cases()) {
    auto f = c.make(2);
    for (int trial = 0; trial < 3; ++trial) {
      const Vec phi = random_params(*f, rng);
      Grid2D g{f->mass_box(phi), 400, 400, {}};
      const Mat pts = g.points();
      Vec lq(pts.cols());
      f->log_density(phi, pts, lq);
      const double mass = lq.array().exp().sum() * g.dx() * g.dy();
      INFO(c.name << " φ = " << phi.transpose());
      // ±5 sd per axis cuts off < 1.2e-6 of the mass; the midpoint rule is exact to far less.
      CHECK(mass == Approx(1.0).margin(2e-6));
    }
  }
}

TEST_CASE("Family registry rejects unknown names with the allowed list", "[families]") {
  CHECK_THROWS_WITH(make_family("gaussian-mixture", 2), Catch::Contains("unknown family 'gaussian-mixture'") &&
                                                            Catch::Contains("meanfield, fullrank"));
  CHECK_THROWS_WITH(make_family("fullrank", 0), Catch::Contains("dimension"));
}

TEST_CASE("Gaussian families: the score at fixed z agrees with finite differences in φ and in z", "[families]") {
  Rng rng(12);
  for (const auto& c : gaussian_cases())
    for (int d : {1, 2, 3}) {
      auto f = c.make(d);
      REQUIRE(f->has_log_density_grad());
      const Vec phi = random_params(*f, rng);
      const int S = 4;
      Mat z(d, S);
      rng.fill_normal(z);
      Vec cw(S);
      for (int s = 0; s < S; ++s) cw(s) = rng.normal();
      Vec g = Vec::Zero(phi.size());
      Mat gz(d, S);
      f->log_density_grad(phi, z, cw, g, &gz);
      auto weighted = [&](const Vec& p) {
        Vec lq(S);
        f->log_density(p, z, lq);
        return cw.dot(lq);
      };
      test::expect_gradient(c.name + " score in φ, D=" + std::to_string(d), weighted, phi, g);
      for (int s = 0; s < S; ++s) {
        auto at = [&](const Vec& x) {
          Vec lq(1);
          f->log_density(phi, Mat(x), lq);
          return lq(0);
        };
        test::expect_gradient(c.name + " ∇z log q", at, z.col(s), gz.col(s));
      }
    }
}
