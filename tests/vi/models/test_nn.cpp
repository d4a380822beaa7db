// The shared network code (vi/models/nn.hpp): every activation's and every layer's backward pass against
// central finite differences, an MLP end to end, and the background trainer (vi/engine/live_trainer.hpp).
#include "vi/engine/live_trainer.hpp"
#include "vi/models/nn.hpp"

#include "tests/vi/fd.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;
using namespace vi::nn;

namespace {

Mat random_mat(Rng& rng, int rows, int cols, double sd = 1.0) {
  Mat m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = sd * rng.normal();
  return m;
}

// L = Σ C ⊙ output: a scalar whose gradient with respect to the output is C.
double contract(const Mat& c, const Mat& out) { return (c.array() * out.array()).sum(); }

}  // namespace

TEST_CASE("activations: names round-trip and an unknown name is refused", "[nn]") {
  for (const auto& name : activation_names()) CHECK(activation_name(parse_activation(name)) == name);
  CHECK_THROWS_WITH(parse_activation("gelu"), Catch::Contains("unknown activation 'gelu'"));
}

TEST_CASE("activations: values and derivatives against finite differences", "[nn]") {
  const Activation all[] = {Activation::Identity, Activation::Tanh, Activation::Relu, Activation::Softplus,
                            Activation::Sigmoid};
  Mat z(1, 7);
  z << -40.0, -3.0, -0.7, 0.3, 1.1, 4.0, 40.0;  // far tails too: softplus/sigmoid must stay finite
  for (Activation f : all) {
    INFO(activation_name(f));
    Mat a;
    activate(f, z, a);
    REQUIRE(a.allFinite());
    Mat da = Mat::Ones(1, 7), dz;
    activation_backward(f, z, a, da, dz);
    for (int j = 0; j < 7; ++j) {
      if (f == Activation::Relu && std::abs(z(0, j)) < 1e-3) continue;  // the kink
      const double h = 1e-6;
      Mat zp = z, zm = z, ap, am;
      zp(0, j) += h;
      zm(0, j) -= h;
      activate(f, zp, ap);
      activate(f, zm, am);
      const double fd = (ap(0, j) - am(0, j)) / (2 * h);
      CHECK(dz(0, j) == Approx(fd).margin(1e-7).epsilon(1e-6));
    }
  }
  Mat a;
  activate(Activation::Softplus, z, a);
  CHECK(a(0, 6) == Approx(40.0));
  CHECK(a(0, 0) == Approx(std::exp(-40.0)).epsilon(1e-9));
  activate(Activation::Sigmoid, z, a);
  CHECK(a(0, 3) == Approx(1 / (1 + std::exp(-0.3))));
}

TEST_CASE("dense layer: ∂W, ∂b and ∂x of every activation against finite differences", "[nn]") {
  const Activation all[] = {Activation::Identity, Activation::Tanh, Activation::Relu, Activation::Softplus,
                            Activation::Sigmoid};
  Rng rng(7);
  const int in = 3, out = 4, batch = 5, offset = 2;  // an offset: the layer sits inside a larger array
  for (Activation f : all) {
    INFO(activation_name(f));
    DenseLayer layer{in, out, f, offset};
    Vec params = random_mat(rng, offset + layer.param_count(), 1, 0.7);
    const Mat x = random_mat(rng, in, batch);
    const Mat c = random_mat(rng, out, batch);

    Mat z, a, dz, dx;
    dense_forward(layer, params.data(), x, z, a);
    Vec grad = Vec::Zero(params.size());
    dense_backward(layer, params.data(), x, z, a, c, dz, grad.data(), &dx);
    CHECK(grad.head(offset).isZero());  // nothing written outside the layer

    auto loss_params = [&](const Vec& p) {
      Mat zz, aa;
      dense_forward(layer, p.data(), x, zz, aa);
      return contract(c, aa);
    };
    test::expect_gradient("dense ∂params", loss_params, params, grad, {1e-6, 1e-5, 1e-6});

    Vec xv = Eigen::Map<const Vec>(x.data(), x.size());
    auto loss_x = [&](const Vec& v) {
      Mat zz, aa;
      dense_forward(layer, params.data(), Eigen::Map<const Mat>(v.data(), in, batch), zz, aa);
      return contract(c, aa);
    };
    test::expect_gradient("dense ∂x", loss_x, xv, Eigen::Map<const Vec>(dx.data(), dx.size()), {1e-6, 1e-5, 1e-6});
  }
}

TEST_CASE("MLP: shapes, initialization and the end-to-end gradient against finite differences", "[nn]") {
  Rng rng(3);
  const Mlp mlp({3, 6, 5, 2}, Activation::Tanh, Activation::Identity, 4);
  CHECK(mlp.in() == 3);
  CHECK(mlp.out() == 2);
  CHECK(mlp.param_count() == (6 * 3 + 6) + (5 * 6 + 5) + (2 * 5 + 2));
  CHECK(mlp.layers()[1].offset == 4 + 24);
  CHECK(mlp.describe() == "3\u21926\u21925\u21922 (tanh, identity)");

  Vec params = Vec::Zero(4 + mlp.param_count() + 3);
  mlp.init(params.data(), rng);
  CHECK(params.head(4).isZero());
  CHECK(params.tail(3).isZero());
  const auto w0 = mlp.layers()[0].weight(params.data());
  CHECK(w0.cwiseAbs().maxCoeff() <= std::sqrt(6.0 / 9.0));
  CHECK(w0.cwiseAbs().maxCoeff() > 0.1);
  CHECK(mlp.layers()[0].bias(params.data()).isZero());

  const Mat x = random_mat(rng, 3, 4);
  const Mat c = random_mat(rng, 2, 4);
  Tape tape;
  mlp.forward(params.data(), x, tape);
  Vec grad = Vec::Zero(params.size());
  Mat dx;
  mlp.backward(params.data(), x, tape, c, grad.data(), &dx);
  CHECK(grad.head(4).isZero());

  auto loss = [&](const Vec& p) {
    Tape t;
    return contract(c, mlp.forward(p.data(), x, t));
  };
  test::expect_gradient("mlp ∂params", loss, params, grad, {1e-6, 1e-5, 1e-7});
  Vec xv = Eigen::Map<const Vec>(x.data(), x.size());
  auto loss_x = [&](const Vec& v) {
    Tape t;
    return contract(c, mlp.forward(params.data(), Eigen::Map<const Mat>(v.data(), 3, 4), t));
  };
  test::expect_gradient("mlp ∂x", loss_x, xv, Eigen::Map<const Vec>(dx.data(), dx.size()), {1e-6, 1e-5, 1e-7});

  // Gradients accumulate: a second backward pass doubles them.
  Vec twice = grad;
  mlp.forward(params.data(), x, tape);
  mlp.backward(params.data(), x, tape, c, twice.data());
  CHECK((twice - 2 * grad).norm() < 1e-12 * (1 + grad.norm()));
}

TEST_CASE("MLP: bad sizes are refused with a message", "[nn]") {
  CHECK_THROWS_WITH(Mlp({3}, Activation::Tanh, Activation::Identity), Catch::Contains("at least an input and an output"));
  CHECK_THROWS_WITH(Mlp({3, 0, 2}, Activation::Tanh, Activation::Identity), Catch::Contains("at least 1, got 0"));
}

// [SECTION] The background trainer

namespace {
// A toy trainer: gradient ascent on −(x − target)²; a rate above 1.5 gives a NaN step.
struct ToyTrainer {
  struct Config {
    double target = 1, rate = 0.1;
  };
  struct Snapshot {
    double x = 0;
    int64_t steps = 0;
  };
  explicit ToyTrainer(const Config& c) : config(c) {
    if (!(c.rate > 0)) throw std::invalid_argument("toy: rate must be positive");
  }
  void step() {
    const double next = config.rate > 1.5 ? std::nan("") : x + config.rate * 2 * (config.target - x);
    if (!std::isfinite(next)) {
      bad = true;
      return;
    }
    x = next;
    ++steps;
  }
  bool apply(const Config& c) {
    if (!(c.rate > 0)) throw std::invalid_argument("toy: rate must be positive");
    config = c;
    return true;  // keeps x
  }
  std::shared_ptr<const Snapshot> snapshot() const { return std::make_shared<Snapshot>(Snapshot{x, steps}); }
  bool diverged() const { return bad; }
  Config config;
  double x = 0;
  int64_t steps = 0;
  bool bad = false;
};
}  // namespace

TEST_CASE("LiveTrainer: steps, applies, refuses bad configs and pauses on divergence", "[nn][engine]") {
  LiveTrainer<ToyTrainer> live(ToyTrainer::Config{});
  live.step(50);
  live.sync();
  auto f = live.frame();
  CHECK(f->steps == 50);
  CHECK(f->model->steps == 50);
  CHECK(f->model->x == Approx(1.0).margin(1e-4));
  CHECK_FALSE(f->playing);

  live.apply({3.0, 0.1});  // kept: x carries on towards the new target
  live.step(100);
  live.sync();
  f = live.frame();
  CHECK(f->model->x == Approx(3.0).margin(1e-6));
  CHECK(f->config.target == 3.0);

  live.apply({3.0, -1.0});  // refused: the previous config stays
  live.sync();
  f = live.frame();
  CHECK_THAT(f->error, Catch::Contains("rate must be positive"));
  CHECK(f->config.rate == 0.1);

  live.apply({3.0, 2.0});  // diverges: paused, the last finite x kept
  live.play();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);  // only a hang reaches it
  while (!live.frame()->diverged && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  live.sync();
  f = live.frame();
  CHECK(f->diverged);
  CHECK_FALSE(f->playing);
  CHECK(std::isfinite(f->model->x));

  live.reset();
  live.sync();
  CHECK(live.frame()->steps == 0);
  CHECK(live.frame()->model->x == 0);
}
