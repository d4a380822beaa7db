// Determinism: a fixed-seed run's parameters hash to a constant (Box2D's EXPECTED_HASH habit),
// and the engine thread reaches the very same φ as a Run stepped directly.
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

using namespace vi;

namespace {
Scene fixed_scene() {
  Scene s;
  s.target = "banana";
  s.family = "fullrank";
  s.samples = 32;
  s.seed = 42;
  return s;
}
}  // namespace

TEST_CASE("A fixed-seed run's final parameters hash to a constant", "[determinism]") {
  Run run(fixed_scene());
  run.step(500);
  // Recorded from this code on Debian 12 (GCC 12, x86-64). A change here means the trace of
  // every saved scene changes: only update it on purpose, and say so in the commit.
  constexpr uint64_t kExpectedHash = 17609017160588694874ull;
  INFO("hash " << params_hash(run.params()) << ", φ = " << run.params().transpose());
  CHECK(params_hash(run.params()) == kExpectedHash);
}

TEST_CASE("Same scene, same trace: repeated runs and the engine thread agree bit for bit", "[determinism]") {
  Run a(fixed_scene()), b(fixed_scene());
  a.step(300);
  b.step(300);
  CHECK(params_hash(a.params()) == params_hash(b.params()));

  Engine engine(fixed_scene());
  engine.step(100);
  engine.step(200);
  engine.sync();
  const auto snap = engine.snapshot();
  REQUIRE(snap->step == 300);
  CHECK(params_hash(snap->phi) == params_hash(a.params()));
  // History recording (metrics every 10 steps) does not disturb the training stream.
  Run c(fixed_scene(), nullptr, false);
  c.step(300);
  CHECK(params_hash(c.params()) == params_hash(a.params()));
}

TEST_CASE("Different seeds give different traces", "[determinism]") {
  Scene s = fixed_scene();
  Run a(s);
  s.seed = 43;
  Run b(s);
  a.step(50);
  b.step(50);
  CHECK(params_hash(a.params()) != params_hash(b.params()));
}
