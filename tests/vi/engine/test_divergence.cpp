// tests/vi/engine/test_divergence.cpp — why a run stops (vi/engine/run.hpp: RunFailure) and what it keeps, tag
// [divergence]: a target undefined where q puts mass is named as such (where, and what the formula
// gives there), a step that blows up keeps a φ whose numbers are finite, and every fit has an id
// of its own.
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

using namespace vi;

namespace {

Scene formula_scene(const std::string& formula) {
  Scene s;
  s.target = "formula";
  s.formula = formula;
  s.formula_box = {-4, 4, -4, 4};
  s.family = "fullrank";
  s.grid = 64;
  return s;
}

}  // namespace

TEST_CASE("Run: a formula outside its support stops where log p~ is NaN, without blaming the rate",
          "[divergence][formula]") {
  // q starts at N(0, I): half its draws have z1 < 0, where log(z1) is NaN.
  Run run(formula_scene("log(z1) - z2^2"));
  const Vec phi0 = run.params();
  run.step(50);
  REQUIRE(run.status() == RunStatus::Diverged);
  const RunFailure& f = run.failure();
  CHECK(f.cause == FailureCause::TargetValue);
  CHECK(f.target());
  CHECK(f.step == 1);
  CHECK(f.kept_step == 0);
  REQUIRE(f.z.size() == 2);
  CHECK(f.z(0) < 0);  // where the log's argument is negative
  CHECK(f.log_p == -std::numeric_limits<double>::infinity());  // eval reads NaN as −∞ …
  const std::string& m = run.message();
  INFO(m);
  CHECK_THAT(m, Catch::Contains("log p\u0303(z) is NaN at z = ("));  // … the message says what the formula gives
  CHECK_THAT(m, Catch::Contains("where q puts mass"));
  CHECK_THAT(m, Catch::Contains("outside the formula's support"));
  CHECK_THAT(m, !Catch::Contains("Lower the learning rate"));
  CHECK(run.params() == phi0);  // φ is not to blame: it stays
}

TEST_CASE("Run: a formula whose density is 0 (−∞) where q goes says so", "[divergence][formula]") {
  // log 0 = −∞ on the half plane z1 < 0 (no NaN anywhere).
  Run run(formula_scene("z1 > 0 ? -0.5*(z1^2 + z2^2) : log(0)"));
  run.step(50);
  REQUIRE(run.status() == RunStatus::Diverged);
  CHECK(run.failure().cause == FailureCause::TargetValue);
  CHECK_THAT(run.message(), Catch::Contains("is \u2212\u221E at z = (") && Catch::Contains("density is 0 there"));
}

TEST_CASE("Run: a learning rate that blows up keeps a φ whose numbers are finite", "[divergence]") {
  // Adam at lr 1e6 moves log σ by ~1e6 in one step: φ is finite but q's scale is e^(1e6) = ∞,
  // so the next estimate is NaN. The run goes back to the φ before that step.
  for (const std::string family : {"meanfield", "fullrank"}) {
    INFO(family);
    Scene s;
    s.target = "banana";
    s.family = family;
    s.lr = 1e6;
    s.grid = 64;
    s.metrics_every = 1;  // a history point at every step, so the broken one would show
    Run run(s);
    run.step(50);
    REQUIRE(run.status() == RunStatus::Diverged);
    const RunFailure& f = run.failure();
    CHECK_FALSE(f.target());
    CHECK(f.kept_step == run.steps());
    CHECK(f.step > f.kept_step);
    CHECK_THAT(run.message(), Catch::Contains("Lower the learning rate"));
    // The numbers of the kept φ, as the app's table shows them, are finite.
    const Metrics m = run.metrics(true);
    CHECK(std::isfinite(m.elbo));
    CHECK(std::isfinite(m.kl_q_p));
    const Moments q = run.family().moments(run.params());
    CHECK(q.mean.allFinite());
    CHECK(q.cov.allFinite());
    // The history ends at the kept step, every point finite.
    REQUIRE_FALSE(run.history().points().empty());
    CHECK(run.history().points().back().step <= run.steps());
    for (const HistoryPoint& p : run.history().points()) {
      CHECK(std::isfinite(p.elbo));
      CHECK(std::abs(p.elbo) < 1e12);
    }
  }
}

TEST_CASE("Run: blow-ups on the built-in targets are never blamed on the target", "[divergence]") {
  for (const std::string target : {"banana", "funnel", "donut"})
    for (const std::string opt : {"sgd", "adam"})
      for (const double lr : {1e3, 1e6}) {
        INFO(target << " / " << opt << " / lr " << lr);
        Scene s;
        s.target = target;
        s.family = "fullrank";
        s.optimizer = opt;
        s.lr = lr;
        s.grid = 32;
        Run run(s, nullptr, false);
        run.step(100);
        if (run.status() == RunStatus::Diverged) {
          INFO(run.message());
          CHECK_FALSE(run.failure().target());
          CHECK_THAT(run.message(), Catch::Contains("Lower the learning rate"));
        }
      }
}

TEST_CASE("Engine: snapshots carry the failure and the fit's id, and a reset makes a new fit", "[divergence][engine]") {
  Engine engine(formula_scene("log(z1) - z2^2"));
  const uint64_t id0 = engine.snapshot()->fit_id;
  CHECK(id0 != 0);
  engine.step(5);
  engine.sync();
  auto snap = engine.snapshot();
  CHECK(snap->state == EngineState::Diverged);
  CHECK(snap->failure.cause == FailureCause::TargetValue);
  CHECK(snap->fit_id == id0);  // the same fit
  engine.reset();
  engine.sync();
  CHECK(engine.snapshot()->fit_id != id0);  // a new fit
  CHECK(engine.snapshot()->failure.cause == FailureCause::None);
}
