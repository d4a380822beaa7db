// Dragging q (vi/analysis/drag_q.hpp): every drag gives a valid q, the handles mean what they say, and
// φ → moments → φ round-trips.
#include "vi/analysis/drag_q.hpp"
#include "vi/families/family.hpp"
#include "vi/core/rng.hpp"

#include <catch2/catch.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace vi;

namespace {

Vec random_params(const Family& f, Rng& rng) {
  Vec mean(2);
  mean << 3 * rng.normal(), 3 * rng.normal();
  Vec phi = f.initial_params(mean, 1.5 * rng.normal());
  for (Eigen::Index i = 2; i < phi.size(); ++i) phi(i) += 0.8 * rng.normal();
  f.project(phi);
  return phi;
}

// The property every drag must keep: a finite φ the family accepts, a positive-definite
// covariance with its standard deviations in the clamped range.
void check_valid(const Family& f, const Vec& phi, const std::string& what) {
  INFO(what << ": φ = " << phi.transpose());
  REQUIRE(phi.size() == f.num_params());
  REQUIRE(phi.allFinite());
  REQUIRE(f.valid(phi));
  const Moments m = f.moments(phi);
  REQUIRE(m.mean.allFinite());
  REQUIRE(m.cov.allFinite());
  const Eigen::SelfAdjointEigenSolver<Mat> es(m.cov);
  REQUIRE(es.eigenvalues().minCoeff() > 0);
  REQUIRE(Eigen::LLT<Mat>(m.cov).info() == Eigen::Success);
  CHECK(m.mean.cwiseAbs().maxCoeff() <= kDragMaxAbsMean);
}

std::vector<double> adversarial_coords() {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  return {0.0, 1e-300, -1e-300, 1e-8, 1.0, -2.5, 1e6, -1e6, 1e300, -1e300, inf, -inf, nan,
          std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()};
}

}  // namespace

TEST_CASE("drag_params always yields a valid q for random and adversarial drags", "[drag]") {
  Rng rng(11);
  for (const std::string name : {"meanfield", "fullrank", "lowrank", "planar", "mixture"}) {
    auto f = make_family(name, 2);
    int checked = 0;
    const int trials = drag_support(*f).mean ? 300 : 8;  // a flow's moments are Monte Carlo: slow
    for (int trial = 0; trial < trials; ++trial) {
      const Vec phi = random_params(*f, rng);
      const Moments m = f->moments(phi);
      for (DragHandle h : {DragHandle::Mean, DragHandle::Axis1, DragHandle::Axis2}) {
        // Random points near q and far away, the centre itself, and adversarial coordinates
        // relative to the mean (through the centre, to infinity, NaN).
        std::vector<std::pair<double, double>> pts;
        for (int k = 0; k < 4; ++k) pts.push_back({m.mean(0) + 5 * rng.normal(), m.mean(1) + 5 * rng.normal()});
        pts.push_back({m.mean(0), m.mean(1)});
        const auto adv = adversarial_coords();
        for (int k = 0; k < 6; ++k) {
          const double a = adv[size_t(rng.uniform() * double(adv.size())) % adv.size()];
          const double b = adv[size_t(rng.uniform() * double(adv.size())) % adv.size()];
          pts.push_back({a, b});
          pts.push_back({m.mean(0) + a, m.mean(1) + b});
        }
        for (auto [x, y] : pts) {
          const Vec out = drag_params(*f, phi, h, x, y);
          check_valid(*f, out, name + " handle " + std::to_string(int(h)) + " to (" + std::to_string(x) + ", " +
                                   std::to_string(y) + ")");
          ++checked;
        }
      }
    }
    CHECK(checked > 10 * trials);
  }
}

TEST_CASE("A sequence of drags never leaves the clamped range", "[drag]") {
  // As in the app: each frame's drag starts from the last frame's φ.
  Rng rng(12);
  for (const std::string name : {"meanfield", "fullrank"}) {
    auto f = make_family(name, 2);
    Vec phi = f->initial_params(Vec::Zero(2), 0.0);
    for (int i = 0; i < 2000; ++i) {
      const DragHandle h = i % 3 == 0 ? DragHandle::Mean : i % 3 == 1 ? DragHandle::Axis1 : DragHandle::Axis2;
      const double scale = std::pow(10.0, 8 * rng.uniform() - 4);
      phi = drag_params(*f, phi, h, scale * rng.normal(), scale * rng.normal());
      check_valid(*f, phi, name + " step " + std::to_string(i));
      const Eigen::SelfAdjointEigenSolver<Mat> es(f->moments(phi).cov);
      const double lo = std::sqrt(es.eigenvalues()(0)), hi = std::sqrt(es.eigenvalues()(1));
      if (name == "fullrank") {
        // The extreme sd's of a full-rank q lie in the clamp, the axis ratio in its bound.
        CHECK(lo >= kDragMinSd * (1 - 1e-9));
        CHECK(hi <= kDragMaxSd * (1 + 1e-9));
        CHECK(hi / lo <= kDragMaxRatio * (1 + 1e-9));
      } else {
        CHECK(lo >= kDragMinSd * (1 - 1e-9));
        CHECK(hi <= kDragMaxSd * (1 + 1e-9));
      }
    }
  }
}

TEST_CASE("Dragging the mean moves the mean and keeps the covariance", "[drag]") {
  Rng rng(13);
  for (const std::string name : {"meanfield", "fullrank", "lowrank"}) {
    auto f = make_family(name, 2);
    const Vec phi = random_params(*f, rng);
    const Vec out = drag_params(*f, phi, DragHandle::Mean, 1.25, -0.75);
    const Moments a = f->moments(phi), b = f->moments(out);
    INFO(name);
    CHECK(b.mean(0) == 1.25);
    CHECK(b.mean(1) == -0.75);
    CHECK((b.cov - a.cov).norm() < 1e-12 * (1 + a.cov.norm()));
  }
}

TEST_CASE("Flows and mixtures are not dragged and say why", "[drag]") {
  for (const std::string name : {"planar", "radial", "realnvp", "mixture"}) {
    auto f = make_family(name, 2);
    const DragSupport s = drag_support(*f);
    INFO(name);
    CHECK_FALSE(s.mean);
    CHECK_FALSE(s.covariance);
    CHECK_FALSE(s.why.empty());
    Rng rng(14);
    const Vec phi = random_params(*f, rng);
    CHECK(drag_params(*f, phi, DragHandle::Mean, 3, 3) == phi);
  }
  CHECK(drag_support(*make_family("meanfield", 2)).covariance);
  CHECK(drag_support(*make_family("fullrank", 2)).covariance);
  CHECK(drag_support(*make_family("lowrank", 2)).mean);
  CHECK_FALSE(drag_support(*make_family("lowrank", 2)).covariance);
}

TEST_CASE("A full-rank axis handle dragged to h makes h - mu a principal axis through h", "[drag]") {
  Rng rng(15);
  auto f = make_family("fullrank", 2);
  const double r = ellipse_radius(kDragEllipseMass);
  for (int trial = 0; trial < 200; ++trial) {
    const Vec phi = f->initial_params(Vec::Zero(2), 0.0);
    Vec start = phi;
    start(3) = 0.5 * rng.normal();
    const Moments m0 = f->moments(start);
    // A handle position within the clamps (sd 0.3 … 3, well inside the ratio bound).
    const double angle = 6.283185307179586 * rng.uniform(), sd = 0.3 + 2.7 * rng.uniform();
    const double hx = r * sd * std::cos(angle), hy = r * sd * std::sin(angle);
    const Vec out = drag_params(*f, start, trial % 2 ? DragHandle::Axis1 : DragHandle::Axis2, hx, hy);
    const Moments m1 = f->moments(out);
    Eigen::Vector2d u{std::cos(angle), std::sin(angle)}, p{-u(1), u(0)};
    INFO("trial " << trial);
    CHECK((m1.mean - m0.mean).norm() < 1e-14);
    // u is an eigenvector with sd `sd`; the spread across it is kept.
    CHECK((m1.cov * u - sd * sd * u).norm() < 1e-9 * (1 + sd * sd));
    CHECK(p.dot(m1.cov * p) == Approx(p.dot(m0.cov * p)).epsilon(1e-9));
    // The handle now sits at h (or its mirror): the drag and the drawing agree.
    const DragHandles h = drag_handles(*f, out);
    auto near = [&](const double* a) {
      return std::min(std::hypot(a[0] - hx, a[1] - hy), std::hypot(a[0] + hx, a[1] + hy)) < 1e-8;
    };
    CHECK((near(h.axis1) || near(h.axis2)));
  }
}

TEST_CASE("A mean-field axis handle sets its own sigma from the distance along its axis", "[drag]") {
  auto f = make_family("meanfield", 2);
  const double r = ellipse_radius(kDragEllipseMass);
  Vec phi(4);
  phi << 0.5, -1, std::log(0.7), std::log(1.3);
  const Vec a = drag_params(*f, phi, DragHandle::Axis1, 0.5 - r * 2.0, 7.0);  // the far end, any height
  CHECK(std::exp(a(2)) == Approx(2.0).epsilon(1e-12));
  CHECK(a(3) == phi(3));
  const Vec b = drag_params(*f, phi, DragHandle::Axis2, -4.0, -1 + r * 0.25);
  CHECK(std::exp(b(3)) == Approx(0.25).epsilon(1e-12));
  CHECK(b(2) == phi(2));
  // Through the centre: the smallest sd, never zero.
  const Vec c = drag_params(*f, phi, DragHandle::Axis1, 0.5, -1);
  CHECK(std::exp(c(2)) == Approx(kDragMinSd));
  // The handles sit on the 90 % ellipse's axes.
  const DragHandles h = drag_handles(*f, phi);
  CHECK(h.axis1[0] == Approx(0.5 + r * 0.7));
  CHECK(h.axis2[1] == Approx(-1 + r * 1.3));
  CHECK(ellipse_radius(0.9) == Approx(std::sqrt(-2 * std::log(0.1))));
}

TEST_CASE("phi to moments to phi round-trips for the Gaussian families", "[drag]") {
  Rng rng(16);
  for (const std::string name : {"meanfield", "fullrank"}) {
    for (int d : {2, 3, 5}) {
      auto f = make_family(name, d);
      for (int trial = 0; trial < 100; ++trial) {
        Vec phi = f->initial_params(Vec::Zero(d), 0.0);
        for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) = 1.5 * rng.normal();
        const Vec back = params_from_moments(*f, f->moments(phi));
        INFO(name << " d = " << d << " φ = " << phi.transpose() << " back = " << back.transpose());
        CHECK((back - phi).cwiseAbs().maxCoeff() < 1e-7 * (1 + phi.cwiseAbs().maxCoeff()));
        if (d == 2) CHECK((back - phi).cwiseAbs().maxCoeff() < 1e-12 * (1 + phi.cwiseAbs().maxCoeff()));
      }
    }
  }
  auto low = make_family("lowrank", 2);
  CHECK_THROWS_AS(params_from_moments(*low, low->moments(low->initial_params(Vec::Zero(2), 0))), std::invalid_argument);
  auto full = make_family("fullrank", 2);
  Mat bad(2, 2);
  bad << 1, 2, 2, 1;  // not positive definite
  CHECK_THROWS_AS(params_from_moments(*full, Moments{Vec::Zero(2), bad}), std::invalid_argument);
}
