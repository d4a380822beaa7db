// Normalizing flows (planar, radial, RealNVP): each layer against the paper's formula and the
// finite-difference Jacobian, the backward pass against finite differences, invertibility,
// normalization, the layer scrubber's API, and option checking.
//
// [SECTION] Helpers: parameters and reference layers written from the papers' definitions
// [SECTION] Layers
// [SECTION] Backward pass
// [SECTION] Invertibility and normalization
// [SECTION] Layer scrubber, moments, names, options
#include "tests/vi/fd.hpp"
#include "vi/families/family.hpp"
#include "vi/families/flow.hpp"
#include "vi/core/math.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/core/rng.hpp"

#include <Eigen/LU>
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace vi;

namespace {

// [SECTION] Helpers

const std::vector<std::string> kFlows{"planar", "radial", "realnvp"};

// Small sizes keep the finite-difference checks fast; the code paths are the same at any size.
FamilyOptions small_options(int K) { return {K, 6, 2}; }

std::unique_ptr<FlowFamily> make_flow(const std::string& name, int d, const FamilyOptions& o) {
  auto f = make_family(name, d, o);
  auto* flow = dynamic_cast<FlowFamily*>(f.get());
  REQUIRE(flow != nullptr);
  f.release();
  return std::unique_ptr<FlowFamily>(flow);
}

double sp(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }

// Random φ with entries of size `scale`. In the first `violating` layers the planar flow's u is
// then set so that wᵀu = −5: without the reparameterization (wᵀû ≥ −1) such a layer would not
// be invertible; the radial flow's β_raw is pushed to −6, where an unconstrained β would fall
// below −α.
Vec random_params(const FlowFamily& f, Rng& rng, double scale, int violating = 64) {
  Vec phi(f.num_params());
  for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) = scale * rng.normal();
  const int d = f.dim();
  for (int k = 0; k < std::min(violating, f.num_layers()); ++k) {
    double* th = phi.data() + f.layer_offset(k);
    if (f.name() == "planar") {
      Eigen::Map<Vec> w(th, d), u(th + d, d);
      u += (-5.0 - w.dot(u)) / w.squaredNorm() * w;
    } else if (f.name() == "radial") {
      th[d + 1] = -6.0;
    }
  }
  return phi;
}

// Entries ±10 with random signs: saturated tanh's, near-singular layers, huge and tiny scales.
Vec extreme_params(const FlowFamily& f, Rng& rng) {
  Vec phi(f.num_params());
  for (Eigen::Index i = 0; i < phi.size(); ++i) phi(i) = rng.uniform() < 0.5 ? -10.0 : 10.0;
  return phi;
}

// Layer k of each flow, from the papers' definitions, one point at a time (std::tanh, no
// batching, no shared code with the families).
Vec reference_layer(const FlowFamily& f, const Vec& phi, int k, const Vec& x, const FamilyOptions& o) {
  const int d = f.dim();
  const double* th = phi.data() + f.layer_offset(k);
  if (f.name() == "planar") {
    const Eigen::Map<const Vec> w(th, d), u(th + d, d);
    const double b = th[2 * d], t = w.dot(u);
    const Vec uhat = u + ((-1.0 + sp(t)) - t) * w / w.squaredNorm();
    CHECK(w.dot(uhat) >= -1.0);  // the invertibility condition, for any φ
    return x + uhat * std::tanh(w.dot(x) + b);
  }
  if (f.name() == "radial") {
    const Eigen::Map<const Vec> c(th, d);
    const double alpha = sp(th[d]), beta = -alpha + sp(th[d + 1]);
    const double r = (x - c).norm(), h = 1.0 / (alpha + r);
    return x + beta * h * (x - c);
  }
  // RealNVP: blocks A (conditioning) and B (transformed) alternate between the two halves.
  const int half = d / 2;
  int a0 = 0, na = 0, b0 = 0, nb = 1;
  if (d > 1) {
    if (k % 2 == 0) a0 = 0, na = half, b0 = half, nb = d - half;
    else a0 = half, na = d - half, b0 = 0, nb = half;
  }
  const int H = o.hidden;
  Vec h = x.segment(a0, na);
  int off = 0;
  for (int l = 0; l < o.depth; ++l) {
    const int in = int(h.size());
    const Eigen::Map<const Mat> W(th + off, H, in);
    const Eigen::Map<const Vec> bias(th + off + H * in, H);
    off += H * in + H;
    Vec pre = W * h + bias;
    h = pre.unaryExpr([](double v) { return std::tanh(v); });
  }
  const Eigen::Map<const Mat> Wo(th + off, 2 * nb, H);
  const Eigen::Map<const Vec> bo(th + off + 2 * nb * H, 2 * nb);
  const Vec out = Wo * h + bo;
  Vec y = x;
  for (int i = 0; i < nb; ++i) {
    const double s = 2.0 * std::tanh(out(i) / 2.0);  // the bounded scale, |s| < 2
    y(b0 + i) = x(b0 + i) * std::exp(s) + out(nb + i);
  }
  return y;
}

// One point through layer k with the family's own code.
Vec family_layer(const FlowFamily& f, const Vec& phi, int k, const Vec& x, double* log_det = nullptr) {
  Mat m = x;
  Vec ld = Vec::Zero(1);
  f.push_layers(phi, k, k + 1, m, ld);
  if (log_det) *log_det = ld(0);
  return m.col(0);
}

}  // namespace

// [SECTION] Layers

TEST_CASE("Flows: each layer matches its paper's formula, and its log-det the finite-difference Jacobian", "[flows]") {
  Rng rng(101);
  for (const auto& name : kFlows)
    for (int d : {1, 2, 3}) {
      const FamilyOptions o = small_options(3);
      auto f = make_flow(name, d, o);
      for (int trial = 0; trial < 3; ++trial) {
        const Vec phi = random_params(*f, rng, 0.8);
        for (int k = 0; k < f->num_layers(); ++k) {
          Vec x(d);
          for (int i = 0; i < d; ++i) x(i) = 1.5 * rng.normal();
          double ld = 0;
          const Vec y = family_layer(*f, phi, k, x, &ld);
          INFO(name << " D=" << d << " layer " << k << " x = " << x.transpose());
          CHECK((y - reference_layer(*f, phi, k, x, o)).cwiseAbs().maxCoeff() < 1e-12);
          // J(:, j) = ∂f/∂x_j by central differences; compare log|det J| with the layer's log-det.
          Mat J(d, d);
          const double h = 1e-6;
          for (int j = 0; j < d; ++j) {
            Vec xp = x, xm = x;
            xp(j) += h;
            xm(j) -= h;
            J.col(j) = (family_layer(*f, phi, k, xp) - family_layer(*f, phi, k, xm)) / (2 * h);
          }
          const double fd_ld = std::log(std::abs(J.determinant()));
          CHECK(ld == Approx(fd_ld).margin(1e-6).epsilon(1e-6));
        }
      }
    }
}

// [SECTION] Backward pass

TEST_CASE("Flows: the backward pass agrees with finite differences end to end", "[flows]") {
  Rng rng(102);
  for (const auto& name : kFlows)
    for (int K : {1, 3, 8})
      for (int d : {1, 2, 3}) {
        auto f = make_flow(name, d, small_options(K));
        const Vec phi = random_params(*f, rng, 0.6);
        const int S = 5;
        Mat eps(d, S), cz(d, S);
        Vec clq(S);
        rng.fill_normal(eps);
        rng.fill_normal(cz);
        for (int s = 0; s < S; ++s) clq(s) = rng.normal();
        // Untaped: backward records its own pass.
        const std::string what = name + " backward, K=" + std::to_string(K) + ", D=" + std::to_string(d);
        const Vec g = test::expect_family_backward(what, *f, phi, eps, cz, clq);
        // Taped: forward() then backward() on the same (φ, ε), as the ELBO step does, must give
        // the same gradient; and a tape whose ε has since changed in place must not be reused.
        Mat z(d, S);
        Vec lq(S), g2 = Vec::Zero(phi.size());
        f->forward(phi, eps, z, lq);
        f->backward(phi, eps, cz, clq, g2);
        CHECK((g2 - g).cwiseAbs().maxCoeff() <= 1e-12 * (1 + g.cwiseAbs().maxCoeff()));
        Mat eps2 = eps;
        f->forward(phi, eps2, z, lq);
        eps2(0, 0) += 0.5;
        Vec g3 = Vec::Zero(phi.size()), g4 = Vec::Zero(phi.size());
        f->backward(phi, eps2, cz, clq, g3);
        auto fresh = make_flow(name, d, small_options(K));
        fresh->backward(phi, eps2, cz, clq, g4);
        CHECK((g3 - g4).cwiseAbs().maxCoeff() <= 1e-12 * (1 + g4.cwiseAbs().maxCoeff()));
        // A tape budget too small for the batch: recorded and reversed one point at a time.
        auto blocked = make_flow(name, d, small_options(K));
        blocked->set_tape_bytes(1);
        Vec g5 = Vec::Zero(phi.size());
        blocked->forward(phi, eps, z, lq);
        blocked->backward(phi, eps, cz, clq, g5);
        CHECK((g5 - g).cwiseAbs().maxCoeff() <= 1e-12 * (1 + g.cwiseAbs().maxCoeff()));
      }
}

// [SECTION] Invertibility and normalization

TEST_CASE("Flows: random φ (some violating the constraints before reparameterization) are valid, and "
          "log_density inverts forward to 1e-8", "[flows]") {
  Rng rng(103);
  for (const auto& name : kFlows)
    for (int d : {1, 2, 3}) {
      auto f = make_flow(name, d, small_options(8));
      for (int trial = 0; trial < 4; ++trial) {
        // One constraint-violating layer: every layer violating makes a stack of folds (each
        // squeezing space up to 150×) whose conditioning the extreme-φ test below deals with.
        const Vec phi = random_params(*f, rng, 1.0, /*violating=*/1);
        INFO(name << " D=" << d << " φ = " << phi.transpose());
        CHECK(f->valid(phi));
        const int S = 300;
        Mat eps(d, S), z(d, S);
        Vec lq_path(S), lq(S);
        rng.fill_normal(eps);
        f->forward(phi, eps, z, lq_path);
        f->log_density(phi, z, lq);
        CHECK((lq - lq_path).cwiseAbs().maxCoeff() < 1e-8);
      }
    }
}

// Plain Newton on α + c·tanh(α + b) = wᵀy can bounce forever between the two flat tails of tanh
// (e.g. c = 6.6: each step overshoots to the other side of the root). The bracket-and-halve
// safeguard must converge for every point; a sweep of layers and points, including that case.
TEST_CASE("Flows: the planar inverse converges for every point, where plain Newton cycles", "[flows]") {
  auto f = make_flow("planar", 1, small_options(1));
  Vec phi(5);
  Mat y(1, 3001);
  for (int s = 0; s < y.cols(); ++s) y(0, s) = -15.0 + 0.01 * s;
  y(0, 0) = 1.5452413590023257;  // the case that cycled: w = −3.706, u = −2.05, b = 0.6222
  int layers = 0;
  for (double w : {-3.706, -1.0, 0.5, 4.0})
    for (double t : {-5.0, 0.0, 7.6, 20.0})  // t = wu: wᵀû = softplus(t) − 1 from ≈ −1 to 19
      for (double b : {-3.0, 0.6222, 3.0}) {
        phi << 0.0, 0.0, w, t / w, b;
        Mat x = y;
        Vec ld = Vec::Zero(y.cols()), ld2 = Vec::Zero(y.cols());
        f->pull_layers(phi, 0, 1, x, ld);
        f->push_layers(phi, 0, 1, x, ld2);
        INFO("w = " << w << ", wu = " << t << ", b = " << b);
        CHECK((x - y).cwiseAbs().maxCoeff() <= 1e-12 * (1 + y.cwiseAbs().maxCoeff()));
        ++layers;
      }
  CHECK(layers == 48);
}

// The radial inverse solves r² + (γ − r′)r − r′α = 0 in closed form; the textbook root
// ((r′ − γ) + √…)/2 cancels catastrophically when γ ≫ r′ (a strong pull toward the centre).
// Sweep radii from 1e-8 to 1e3, the centre itself, and α, γ from e^{−10} to 10. The centre is
// the origin, so that the points carry their radius to full relative precision; the map
// r ↦ r ρ(r), ρ = (r + γ)/(α + r), has a relative condition number below 2, so round trips
// hold to a few ulps of r′.
TEST_CASE("Flows: the radial inverse is exact to round-off along the whole ray", "[flows]") {
  auto f = make_flow("radial", 2, small_options(1));
  Vec phi(8);
  Mat y(2, 221);
  for (int s = 0; s < 220; ++s) {
    const double r = std::pow(10.0, -8.0 + 0.05 * s), a = 0.1 * s;
    y.col(s) << r * std::cos(a), r * std::sin(a);
  }
  y(0, 220) = y(1, 220) = 0.0;  // the centre
  for (double a_raw : {-10.0, 0.0, 10.0})
    for (double b_raw : {-10.0, 0.0, 10.0}) {
      phi << 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, a_raw, b_raw;
      Mat x = y;
      Vec ld = Vec::Zero(y.cols()), ld2 = Vec::Zero(y.cols());
      f->pull_layers(phi, 0, 1, x, ld);
      CHECK(ld.allFinite());
      f->push_layers(phi, 0, 1, x, ld2);
      INFO("α_raw = " << a_raw << ", β_raw = " << b_raw);
      for (int s = 0; s < y.cols(); ++s) {
        INFO("point " << s << ": r′ = " << y.col(s).norm());
        CHECK((x.col(s) - y.col(s)).norm() <= 1e-14 * y.col(s).norm());
      }
      CHECK((ld - ld2).cwiseAbs().maxCoeff() < 1e-12);  // the same log-det both ways
    }
}

// Entries ±10 make layers that are nearly singular (a planar layer with wᵀu = −100 has det down
// to e^{−100} at its fold; a radial layer pinches by γ/α ≈ 4.5e-6) and q's that are narrower
// than the spacing of doubles where they sit (σ = e^{−10} at |μ| = 10, then scaled by e^{−16}).
// There the rounded z no longer determines the path, and no inverse can reproduce the path's
// log q to 1e-8. What must hold for every φ: valid(φ); finite log q from both directions; every
// layer inverted to round-off. And wherever the forward pass is well-conditioned, the path's
// log q to 1e-8 plus what rounding the pass's own intermediate points changes (below).
TEST_CASE("Flows: extreme φ (entries ±10) stay valid and invertible, and log q agrees up to the pass's own "
          "rounding", "[flows]") {
  Rng rng(106);
  for (const auto& name : kFlows)
    for (int d : {1, 2, 3}) {
      const int K = 8, S = 200;
      auto f = make_flow(name, d, small_options(K));
      int checked = 0;
      for (int trial = 0; trial < 6; ++trial) {
        const Vec phi = extreme_params(*f, rng);
        INFO(name << " D=" << d << " φ = " << phi.transpose());
        REQUIRE(f->valid(phi));
        Mat eps(d, S), z(d, S);
        Vec lq_path(S), lq(S), lq2(S);
        rng.fill_normal(eps);
        f->forward(phi, eps, z, lq_path);
        f->log_density(phi, z, lq);
        CHECK(z.allFinite());
        CHECK(lq_path.allFinite());
        CHECK(lq.allFinite());
        // Walk the forward path layer by layer. At each stage: invert the layer and check its
        // residual ‖f(f⁻¹(y)) − y‖; move the stage's points by 2 ulps and see how much log q at
        // the end changes (the rounding the forward pass itself commits); note any layer whose
        // |det| leaves [1e-3, 1e3].
        Vec sensitivity = Vec::Zero(S);
        Eigen::Array<bool, Eigen::Dynamic, 1> conditioned = Eigen::Array<bool, Eigen::Dynamic, 1>::Constant(S, true);
        Mat x;
        f->base_transform(phi, eps, x);
        for (int k = 0; k <= K; ++k) {
          for (int i = 0; i < d; ++i)
            for (double dir : {-1.0, 1.0}) {
              Mat x2 = x;
              for (int s = 0; s < S; ++s) x2(i, s) = std::nextafter(std::nextafter(x(i, s), dir * 1e300), dir * 1e300);
              Vec ld = Vec::Zero(S);
              f->push_layers(phi, k, K, x2, ld);
              f->log_density(phi, x2, lq2);
              sensitivity = sensitivity.cwiseMax((lq2 - lq).cwiseAbs());
            }
          if (k == K) break;
          Vec ld = Vec::Zero(S), ld_back = Vec::Zero(S), ld_again = Vec::Zero(S);
          f->push_layers(phi, k, k + 1, x, ld);
          Mat back = x;
          f->pull_layers(phi, k, k + 1, back, ld_back);
          f->push_layers(phi, k, k + 1, back, ld_again);
          for (int s = 0; s < S; ++s) {
            INFO("layer " << k << " sample " << s << " y = " << x.col(s).transpose());
            CHECK((back.col(s) - x.col(s)).norm() <= 1e-12 * (1 + x.col(s).norm()));
            if (std::abs(ld(s)) > std::log(1e3)) conditioned(s) = false;
          }
        }
        for (int s = 0; s < S; ++s) {
          if (!conditioned(s)) continue;
          ++checked;
          INFO("sample " << s << ": log q " << lq(s) << ", path " << lq_path(s) << ", 2-ulp sensitivity "
                         << sensitivity(s));
          CHECK(std::abs(lq(s) - lq_path(s)) <= 1e-8 + 10 * sensitivity(s));
        }
      }
      INFO(name << " D=" << d);
      CHECK(checked >= 3 * S);  // the comparison is not vacuous
    }
}

TEST_CASE("Flows: q integrates to 1 on a grid over its mass box (2D)", "[flows]") {
  Rng rng(104);
  for (const auto& name : kFlows) {
    auto f = make_flow(name, 2, FamilyOptions{});
    Vec mean(2);
    mean << 0.5, -1.0;
    for (int trial = 0; trial < 3; ++trial) {
      // The initial q, then trained-looking q's: the initial φ plus random perturbations.
      Vec phi = f->initial_params(mean, -0.3);
      // RealNVP has ~10⁴ weights: noise 0.3 on all of them makes features finer than any
      // affordable grid resolves, so it gets 0.1.
      const double noise = name == "realnvp" ? 0.1 : 0.3;
      for (Eigen::Index i = 0; trial > 0 && i < phi.size(); ++i) phi(i) += noise * rng.normal();
      Grid2D g{f->mass_box(phi), 500, 500, {}};
      const Mat pts = g.points();
      Vec lq(pts.cols());
      f->log_density(phi, pts, lq);
      const double mass = lq.array().exp().sum() * g.dx() * g.dy();
      INFO(name << " trial " << trial << " φ = " << phi.transpose());
      // Two errors: the mass outside the box (the 4096-draw bounding box padded by 25 % a side,
      // about ±5 sd for a near-Gaussian q: measured ≤ 1e-7 here, 2e-6 when the box is doubled),
      // and the midpoint rule on 500² cells (measured ≤ 1e-5 against 1000² cells). 1e-4 bounds
      // both with margin; a wrong Jacobian term fails it by orders of magnitude.
      CHECK(mass == Approx(1.0).margin(1e-4));
    }
  }
}

// [SECTION] Layer scrubber, moments, names, options

TEST_CASE("Flows: push_layers through all K layers equals forward", "[flows]") {
  Rng rng(105);
  for (const auto& name : kFlows)
    for (int d : {1, 2, 3}) {
      const int K = 5;
      auto f = make_flow(name, d, small_options(K));
      REQUIRE(f->num_layers() == K);
      const Vec phi = random_params(*f, rng, 0.7);
      const int S = 300;  // more than one block of the untaped pass
      Mat eps(d, S), z(d, S), x;
      Vec lq(S);
      rng.fill_normal(eps);
      f->forward(phi, eps, z, lq);
      f->base_transform(phi, eps, x);
      Vec ld = Vec::Zero(S);
      f->push_layers(phi, 0, 2, x, ld);  // in two legs, as the scrubber steps
      f->push_layers(phi, 2, K, x, ld);
      INFO(name << " D=" << d);
      CHECK((x - z).cwiseAbs().maxCoeff() < 1e-12);
      const Vec path = (-0.5 * eps.colwise().squaredNorm().transpose()).array() - 0.5 * d * kLog2Pi -
                       phi.segment(d, d).sum() - ld.array();
      CHECK((path - lq).cwiseAbs().maxCoeff() < 1e-12);
      CHECK_THROWS_WITH(f->push_layers(phi, 0, K + 1, x, ld), Catch::Contains(name) && Catch::Contains("last layer"));
    }
}

TEST_CASE("Flows: initial φ is deterministic and near the identity, with readable names", "[flows]") {
  for (const auto& name : kFlows) {
    auto f = make_flow(name, 2, FamilyOptions{});
    auto g = make_flow(name, 2, FamilyOptions{});
    Vec mean(2);
    mean << 1.0, -2.0;
    const Vec phi = f->initial_params(mean, std::log(0.5));
    INFO(name);
    CHECK(phi == g->initial_params(mean, std::log(0.5)));
    CHECK(f->valid(phi));
    // Near the identity: q starts close to N(mean, 0.5² I).
    const Moments m = f->moments(phi);
    CHECK((m.mean - mean).norm() < 0.05);
    CHECK(std::abs(m.cov(0, 0) - 0.25) < 0.03);
    CHECK(std::abs(m.cov(0, 1)) < 0.03);
    CHECK(f->moments(phi).cov == m.cov);  // fixed draws: deterministic
    // ... but not the identity for the planar and radial layers' parameters (they are random),
    // and the names are unique, one per parameter.
    const auto names = f->param_names();
    REQUIRE(int(names.size()) == f->num_params());
    CHECK(std::set<std::string>(names.begin(), names.end()).size() == names.size());
    CHECK(names[0] == "μ1");
    CHECK(names[3] == "log σ2");
  }
  CHECK(make_flow("planar", 2, FamilyOptions{})->param_names()[2 * 2 + 5 * 2 + 2] == "u1[3]");
  CHECK(make_flow("radial", 2, FamilyOptions{})->param_names()[4 + 4 * 1 + 2] == "α_raw[2]");
  CHECK(make_flow("realnvp", 2, FamilyOptions{})->param_names()[4] == "W1(1,1)[1]");
}

TEST_CASE("Flows: sizes are checked, naming the family and the argument", "[flows]") {
  CHECK_THROWS_WITH(make_family("planar", 2, {0, 32, 2}), Catch::Contains("planar") && Catch::Contains("depth K"));
  CHECK_THROWS_WITH(make_family("planar", 2, {65, 32, 2}), Catch::Contains("planar") && Catch::Contains("depth K"));
  CHECK_THROWS_WITH(make_family("radial", 2, {-1, 32, 2}), Catch::Contains("radial") && Catch::Contains("depth K"));
  CHECK_THROWS_WITH(make_family("realnvp", 2, {0, 32, 2}),
                    Catch::Contains("realnvp") && Catch::Contains("coupling layers K"));
  CHECK_THROWS_WITH(make_family("realnvp", 2, {8, 0, 2}),
                    Catch::Contains("realnvp") && Catch::Contains("hidden width"));
  CHECK_THROWS_WITH(make_family("realnvp", 2, {8, 32, 9}),
                    Catch::Contains("realnvp") && Catch::Contains("hidden depth"));
  for (const auto& name : kFlows) {
    CHECK(make_family(name, 2, {64, 32, 2})->num_layers() == 64);
    CHECK(make_family(name, 2, {1, 32, 2})->num_layers() == 1);
    CHECK(make_family(name, 2)->num_layers() == 8);  // the default options
  }
  // The Gaussian families ignore the options.
  CHECK(make_family("fullrank", 2, {0, 0, 0})->num_params() == 5);
}
