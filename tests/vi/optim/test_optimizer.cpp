// Optimizers: the first Adam step, ascent on a concave quadratic, and the registry.
#include "vi/optim/optimizer.hpp"

#include <catch2/catch.hpp>

using namespace vi;

TEST_CASE("Adam's first step moves every coordinate by lr in the gradient's direction", "[optimizer]") {
  auto adam = make_optimizer("adam");
  adam->reset(3);
  Vec phi = Vec::Zero(3);
  Vec g(3);
  g << 5.0, -0.001, 200.0;
  adam->ascend(phi, g, 0.1);
  // After bias correction m̂ = g and v̂ = g², so the step is lr·g/(|g| + ε).
  CHECK(phi(0) == Approx(0.1).epsilon(1e-6));
  CHECK(phi(1) == Approx(-0.1).epsilon(1e-4));
  CHECK(phi(2) == Approx(0.1).epsilon(1e-6));
}

TEST_CASE("Every optimizer climbs a concave quadratic to its maximum", "[optimizer]") {
  // f(φ) = −½ (φ − a)ᵀ diag(c) (φ − a), gradient diag(c)(a − φ).
  Vec a(2), c(2);
  a << 1.5, -2.0;
  c << 1.0, 4.0;
  for (const auto& name : optimizer_names()) {
    auto opt = make_optimizer(name);
    opt->reset(2);
    Vec phi = Vec::Zero(2);
    for (int t = 0; t < 3000; ++t) {
      const Vec g = c.cwiseProduct(a - phi);
      opt->ascend(phi, g, name == "adam" ? 0.01 : 0.05);
    }
    INFO(name);
    CHECK((phi - a).norm() < 1e-3);
  }
}

TEST_CASE("Optimizer registry rejects unknown names with the allowed list", "[optimizer]") {
  CHECK_THROWS_WITH(make_optimizer("rmsprop"), Catch::Contains("unknown optimizer 'rmsprop'") &&
                                                   Catch::Contains("sgd, momentum, adam"));
}
