// The engine thread: commands in, immutable snapshots out, under load. Run these under the
// sanitizer presets too (ASan+UBSan, and TSan for the threading).
#include "vi/engine/engine.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

using namespace vi;
using namespace std::chrono_literals;

namespace {
Scene quick_scene() {
  Scene s;
  s.target = "banana";
  s.family = "meanfield";
  s.samples = 16;
  s.grid = 64;  // the references are not under test here: keep construction cheap
  return s;
}
}  // namespace

TEST_CASE("Engine: step, pause, play, reset and apply do what they say", "[engine]") {
  Engine engine(quick_scene());
  auto s0 = engine.snapshot();
  REQUIRE(s0);
  CHECK(s0->state == EngineState::Paused);
  CHECK(s0->step == 0);

  engine.step(25);
  engine.sync();
  CHECK(engine.snapshot()->step == 25);
  CHECK(engine.snapshot()->state == EngineState::Paused);

  engine.play();
  std::this_thread::sleep_for(50ms);
  engine.sync();
  CHECK(engine.snapshot()->state == EngineState::Playing);
  engine.pause();
  engine.sync();
  const int64_t paused_at = engine.snapshot()->step;
  CHECK(paused_at > 25);
  std::this_thread::sleep_for(30ms);
  engine.sync();
  CHECK(engine.snapshot()->step == paused_at);  // paused means paused

  engine.reset();
  engine.sync();
  CHECK(engine.snapshot()->step == 0);

  // A learning-rate change continues the run; a target change starts afresh.
  engine.step(10);
  Scene s = quick_scene();
  s.lr = 0.01;
  engine.apply(s);
  engine.sync();
  CHECK(engine.snapshot()->step == 10);
  CHECK(engine.snapshot()->scene.lr == 0.01);
  s.target = "donut";
  engine.apply(s);
  engine.sync();
  CHECK(engine.snapshot()->step == 0);
  CHECK(engine.snapshot()->target->data->problem->name() == "donut");
}

TEST_CASE("Engine: a bad scene is rejected with its message and the previous fit stays", "[engine]") {
  Engine engine(quick_scene());
  engine.step(5);
  Scene bad = quick_scene();
  bad.target = "no-such-target";
  engine.apply(bad);
  engine.sync();
  auto snap = engine.snapshot();
  CHECK(snap->state == EngineState::Error);
  CHECK_THAT(snap->message, Catch::Contains("no-such-target") && Catch::Contains("allowed"));
  CHECK(snap->scene.target == "banana");
  CHECK(snap->step == 5);
  // Play resumes the previous fit.
  engine.step(3);
  engine.sync();
  CHECK(engine.snapshot()->step == 8);

  CHECK_THROWS_WITH(Engine(bad), Catch::Contains("no-such-target"));
}

TEST_CASE("Engine: a learning rate that blows up pauses the fit as Diverged with finite φ", "[engine]") {
  Scene s = quick_scene();
  s.optimizer = "sgd";
  s.lr = 1e6;
  Engine engine(s);
  engine.step(50);
  engine.sync();
  auto snap = engine.snapshot();
  CHECK(snap->state == EngineState::Diverged);
  CHECK_THAT(snap->message, Catch::Contains("non-finite") && Catch::Contains("step"));
  CHECK(snap->phi.allFinite());
  CHECK(snap->step < 50);
  // Lowering the learning rate restarts cleanly.
  s.lr = 0.01;
  s.optimizer = "adam";
  engine.apply(s);
  engine.step(20);
  engine.sync();
  CHECK(engine.snapshot()->state == EngineState::Paused);
  CHECK(engine.snapshot()->step == 20);
}

TEST_CASE("Engine: commands and snapshot reads from many threads under load, then destroy", "[engine][threads]") {
  for (int round = 0; round < 3; ++round) {
    auto engine = std::make_unique<Engine>(quick_scene(), 0.0);
    engine->play();
    std::atomic<bool> done{false};
    std::atomic<int64_t> reads{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 2; ++r)
      readers.emplace_back([&] {
        uint64_t last_serial = 0;
        while (!done.load()) {
          auto s = engine->snapshot();
          // Snapshots are complete and only ever move forward.
          REQUIRE(s->serial >= last_serial);
          last_serial = s->serial;
          REQUIRE(s->phi.size() == 4);
          REQUIRE(s->samples.cols() > 0);
          reads.fetch_add(1);
        }
      });
    std::thread commander([&] {
      Scene s = quick_scene();
      for (int k = 0; k < 40; ++k) {
        switch (k % 6) {
          case 0: engine->pause(); break;
          case 1: engine->step(7); break;
          case 2: engine->play(); break;
          case 3: engine->reset(); break;
          case 4: s.lr = 0.01 * (1 + k % 3); engine->apply(s); break;
          case 5: engine->set_speed(k % 2 ? 0 : 500); break;
        }
        std::this_thread::sleep_for(1ms);
      }
    });
    commander.join();
    engine->sync();
    done = true;
    for (auto& t : readers) t.join();
    CHECK(reads.load() > 0);
    engine.reset();  // destroy while playing
  }
}

TEST_CASE("Engine: the speed limit holds the step rate", "[engine]") {
  Engine engine(quick_scene(), 200.0);
  engine.play();
  std::this_thread::sleep_for(500ms);
  engine.pause();
  engine.sync();
  const int64_t steps = engine.snapshot()->step;
  // 200 steps/s for 0.5 s is 100 steps; allow for scheduling on a loaded 2-core machine.
  CHECK(steps >= 40);
  CHECK(steps <= 130);
}

TEST_CASE("Engine: comparison fits share the target and seed, step together and diverge alone", "[engine]") {
  Scene s = quick_scene();
  s.target = "gaussian";
  s.optimizer = "sgd";
  s.lr = 5;  // mean-field survives this on N(0, I); the mixture does not (found by `vilab run`)
  Engine engine(s);
  Scene mixture = s;
  mixture.family = "mixture";
  Scene fullrank = s;
  fullrank.family = "fullrank";
  fullrank.seed = 999;  // ignored: a comparison fit takes the primary's seed
  engine.compare({mixture, fullrank});
  engine.step(40);
  engine.sync();
  auto snap = engine.snapshot();
  REQUIRE(snap->comparison.size() == 2);
  CHECK(snap->state == EngineState::Paused);
  CHECK(snap->step == 40);
  const auto& mix = *snap->comparison[0];
  const auto& full = *snap->comparison[1];
  CHECK(mix.scene.family == "mixture");
  CHECK(mix.state == EngineState::Diverged);
  CHECK_THAT(mix.message, Catch::Contains("non-finite"));
  CHECK(mix.phi.allFinite());
  CHECK(full.state == EngineState::Paused);
  CHECK(full.step == 40);
  CHECK(full.scene.seed == s.seed);
  CHECK(full.target == snap->target);  // one target view, shared

  // A new primary scene carries the comparison fits along onto the new target.
  s.target = "banana";
  s.lr = 0.05;
  s.optimizer = "adam";
  engine.apply(s);
  engine.step(5);
  engine.sync();
  snap = engine.snapshot();
  REQUIRE(snap->comparison.size() == 2);
  CHECK(snap->comparison[0]->scene.target == "banana");
  CHECK(snap->comparison[0]->state == EngineState::Paused);
  CHECK(snap->comparison[1]->step == 5);

  engine.compare({});
  engine.sync();
  CHECK(engine.snapshot()->comparison.empty());
}

TEST_CASE("Engine: α and the estimator change without a restart, and a change one fit refuses changes none", "[engine][objectives]") {
  Scene s = quick_scene();
  s.objective = "renyi";
  s.alpha = 1.0;
  Engine engine(s);
  // A comparison fit with its own family and objective: the score function with a
  // leave-one-out baseline, which needs S ≥ 2 draws.
  Scene score = s;
  score.family = "fullrank";
  score.objective = "reverse-kl";
  score.estimator = "score";
  score.baseline = "leave-one-out";
  engine.compare({score});
  engine.step(30);
  engine.sync();
  REQUIRE(engine.snapshot()->step == 30);

  // α falls: the same fits carry on from where they are (no reset to step 0); the comparison
  // keeps its own objective.
  Scene next = s;
  next.alpha = 0.0;
  engine.apply(next);
  engine.step(10);
  engine.sync();
  auto snap = engine.snapshot();
  CHECK(snap->state == EngineState::Paused);
  CHECK(snap->step == 40);
  CHECK(snap->scene.alpha == 0.0);
  REQUIRE(snap->comparison.size() == 1);
  CHECK(snap->comparison[0]->scene.objective == "reverse-kl");
  CHECK(snap->comparison[0]->scene.estimator == "score");
  CHECK(snap->comparison[0]->step == 40);

  // S = 1: the primary could take it, the comparison's baseline cannot. Nothing changes.
  Scene one = next;
  one.samples = 1;
  engine.apply(one);
  engine.sync();
  snap = engine.snapshot();
  CHECK(snap->state == EngineState::Error);
  CHECK_THAT(snap->message, Catch::Contains("leave-one-out") && Catch::Contains("S"));
  CHECK(snap->scene.samples == 16);
  CHECK(snap->comparison[0]->scene.samples == 16);
  CHECK(snap->step == 40);
}

TEST_CASE("Engine: a comparison fit's alpha changes without a restart, its objective restarts every fit", "[engine][objectives]") {
  Scene s = quick_scene();
  Engine engine(s);
  Scene renyi = s;
  renyi.family = "fullrank";
  renyi.objective = "renyi";
  renyi.alpha = 1.0;
  engine.compare({renyi});
  engine.step(30);
  engine.sync();
  REQUIRE(engine.snapshot()->comparison.size() == 1);
  const Vec phi30 = engine.snapshot()->comparison[0]->phi;

  // α falls (the app's slider sends the comparison again): both fits carry on from step 30.
  renyi.alpha = 0.2;
  engine.compare({renyi});
  engine.sync();
  auto snap = engine.snapshot();
  CHECK(snap->state == EngineState::Paused);
  CHECK(snap->step == 30);
  REQUIRE(snap->comparison.size() == 1);
  CHECK(snap->comparison[0]->step == 30);
  CHECK(snap->comparison[0]->scene.alpha == 0.2);
  CHECK(snap->comparison[0]->phi == phi30);
  engine.step(10);
  engine.sync();
  CHECK(engine.snapshot()->comparison[0]->step == 40);

  // A change the fit refuses (the score function with leave-one-out at S = 1) changes nothing.
  Scene one = s;
  one.samples = 1;
  engine.apply(one);  // the fits take S = 1 and carry on
  Scene loo = renyi;
  loo.estimator = "score";
  loo.baseline = "leave-one-out";
  engine.compare({loo});
  engine.sync();
  snap = engine.snapshot();
  CHECK(snap->state == EngineState::Error);
  CHECK_THAT(snap->message, Catch::Contains("leave-one-out"));
  CHECK(snap->comparison[0]->scene.estimator == "reparam");
  CHECK(snap->comparison[0]->step == 40);
  engine.apply(s);  // back to S = 16: now the comparison can take the baseline …
  engine.compare({loo});
  engine.sync();
  snap = engine.snapshot();
  CHECK(snap->state == EngineState::Paused);
  CHECK(snap->comparison[0]->scene.estimator == "score");
  CHECK(snap->comparison[0]->step == 40);  // … and carries on with it

  // Another objective is another fit: every fit starts again.
  Scene forward = renyi;
  forward.objective = "forward-kl";
  engine.compare({forward});
  engine.sync();
  snap = engine.snapshot();
  CHECK(snap->step == 0);
  CHECK(snap->comparison[0]->step == 0);
  CHECK(snap->comparison[0]->scene.objective == "forward-kl");
}

TEST_CASE("Engine: light snapshots while a flow steps, exact metrics once it stops", "[engine]") {
  Scene s = quick_scene();
  s.target = "U1";
  s.family = "planar";
  s.family_options.K = 2;
  s.metrics_every = 50;
  for (const SnapshotDetail detail : {SnapshotDetail::Light, SnapshotDetail::Full}) {
    const bool light = detail == SnapshotDetail::Light;
    INFO((light ? "light" : "full"));
    Engine engine(s, 0.0, detail);
    CHECK(engine.snapshot()->metrics_exact);  // at rest from the start
    engine.play();
    // A snapshot published while playing, after the one the Play command produced.
    std::shared_ptr<const Snapshot> playing;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto snap = engine.snapshot();
      if (snap->state == EngineState::Playing && snap->step > 0) {
        playing = snap;
        break;
      }
      std::this_thread::sleep_for(2ms);
    }
    REQUIRE(playing);
    CHECK(playing->metrics_exact == !light);
    CHECK(std::isnan(playing->metrics.kl_p_q) == light);
    CHECK(std::isfinite(playing->metrics.kl_q_p));  // the Monte Carlo estimate when light
    CHECK_FALSE(playing->q_contours.empty());       // q's exact contours either way
    engine.pause();
    engine.sync();
    auto rest = engine.snapshot();
    CHECK(rest->state == EngineState::Paused);
    CHECK(rest->metrics_exact);
    CHECK(std::isfinite(rest->metrics.kl_p_q));
    CHECK(rest->metrics.kl_q_p != rest->metrics.kl_q_p_mc);  // quadrature, not the Monte Carlo one
  }
  // A Gaussian's metrics are exact even in a light snapshot.
  Engine gauss(quick_scene(), 0.0, SnapshotDetail::Light);
  gauss.play();
  std::this_thread::sleep_for(30ms);
  auto snap = gauss.snapshot();
  CHECK(snap->metrics_exact);
  CHECK(std::isfinite(snap->metrics.kl_p_q));
}

TEST_CASE("Engine: a command that leaves phi alone reuses the last snapshot's metrics", "[engine]") {
  // A flow's exact metrics take a numerical inversion at ~10⁵ points; a new speed or a pause
  // must not pay for it again. Timed relative to a snapshot that must be computed.
  Scene s = quick_scene();
  s.target = "U1";
  s.family = "planar";
  s.family_options.K = 16;
  s.grid = 256;
  Engine engine(s);
  engine.step(20);
  engine.sync();
  auto t0 = std::chrono::steady_clock::now();
  engine.step(1);  // φ changes: a fresh snapshot
  engine.sync();
  const double fresh = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto before = engine.snapshot();
  t0 = std::chrono::steady_clock::now();
  engine.set_speed(123);
  engine.sync();
  const double reused = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto after = engine.snapshot();
  INFO("fresh snapshot " << fresh << " s, after set_speed " << reused << " s");
  CHECK(after->serial > before->serial);
  CHECK(after->speed_limit == 123);
  CHECK(after->step == before->step);
  CHECK(after->metrics.kl_q_p == before->metrics.kl_q_p);
  CHECK(after->metrics.kl_p_q == before->metrics.kl_p_q);
  CHECK(reused < 0.2 * fresh);
  // A new learning rate keeps φ too, and the snapshot carries the new scene.
  Scene faster = s;
  faster.lr = 0.02;
  engine.apply(faster);
  engine.sync();
  CHECK(engine.snapshot()->scene.lr == 0.02);
  CHECK(engine.snapshot()->metrics.kl_q_p == before->metrics.kl_q_p);
  engine.step(1);
  engine.sync();
  CHECK(engine.snapshot()->metrics.kl_q_p != before->metrics.kl_q_p);
}

TEST_CASE("Engine: a light engine shows a pause at once and its exact metrics soon after", "[engine]") {
  Scene s = quick_scene();
  s.target = "U1";
  s.family = "planar";
  s.family_options.K = 16;
  s.metrics_every = 50;
  Engine engine(s, 0.0, SnapshotDetail::Light);
  engine.play();
  // Pause once the fit is seen stepping (a slow build, e.g. under TSan, needs longer).
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  uint64_t playing_serial = 0;
  while (playing_serial == 0 && std::chrono::steady_clock::now() < deadline) {
    auto snap = engine.snapshot();
    if (snap->state == EngineState::Playing && snap->step > 0) playing_serial = snap->serial;
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(playing_serial > 0);
  engine.pause();
  // The first snapshot at rest is light (the state shows before the inversion is done) ...
  std::shared_ptr<const Snapshot> rest;
  while (!rest && std::chrono::steady_clock::now() < deadline) {
    auto snap = engine.snapshot();
    if (snap->serial > playing_serial && snap->state == EngineState::Paused) rest = snap;
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(rest);
  CHECK_FALSE(rest->metrics_exact);
  // ... and sync() waits for the exact one, of the same φ.
  engine.sync();
  auto exact = engine.snapshot();
  CHECK(exact->metrics_exact);
  CHECK(exact->step == rest->step);
  CHECK(exact->phi == rest->phi);
  CHECK(std::isfinite(exact->metrics.kl_p_q));
  CHECK(exact->q_contours.size() == rest->q_contours.size());
}

TEST_CASE("Engine: SetParams replaces phi, recomputes the metrics and play continues from it", "[engine][drag]") {
  Scene s = quick_scene();
  s.family = "fullrank";
  Engine engine(s);
  engine.step(20);
  engine.sync();
  const auto before = engine.snapshot();
  Vec phi = before->phi;
  phi(0) += 0.75;  // move the mean and stretch the first axis
  phi(2) += 0.3;
  engine.set_params(phi);
  engine.sync();
  const auto after = engine.snapshot();
  CHECK(after->phi == phi);
  CHECK(after->step == 20);  // the step count is kept
  CHECK(after->state == EngineState::Paused);
  CHECK(after->serial > before->serial);

  // The same scene stepped by hand, φ replaced the same way: identical metrics, and identical φ
  // after more steps (the optimizer restarts from the new φ with fresh moments in both).
  Run ref(s);
  ref.step(20);
  REQUIRE(ref.params() == before->phi);
  ref.set_params(phi);
  const Metrics m = ref.metrics();
  CHECK(after->metrics.elbo == m.elbo);
  CHECK(after->metrics.kl_q_p == m.kl_q_p);
  CHECK(after->metrics.kl_p_q == m.kl_p_q);
  CHECK(after->metrics.elbo != before->metrics.elbo);
  CHECK(after->q.mean(0) == Approx(before->q.mean(0) + 0.75));

  engine.step(10);
  engine.sync();
  ref.step(10);
  CHECK(engine.snapshot()->step == 30);
  CHECK(engine.snapshot()->phi == ref.params());

  // Play continues from a φ set while playing, too (slowly: a few steps move φ a little).
  engine.set_speed(50);
  engine.play();
  Vec far = engine.snapshot()->phi;
  far(1) = -5;
  engine.set_params(far);
  engine.sync();
  std::this_thread::sleep_for(20ms);
  engine.pause();
  engine.sync();
  CHECK(engine.snapshot()->state == EngineState::Paused);
  CHECK(std::abs(engine.snapshot()->phi(1) - (-5)) < 1.0);  // moved on from −5, not from where it was
}

TEST_CASE("Engine: a phi the family refuses changes nothing and reports an error", "[engine][drag]") {
  Engine engine(quick_scene());
  engine.step(5);
  engine.sync();
  const Vec phi = engine.snapshot()->phi;
  engine.set_params(Vec::Zero(phi.size() + 1));  // the wrong size
  engine.sync();
  CHECK(engine.snapshot()->state == EngineState::Error);
  CHECK(engine.snapshot()->message.find("parameters rejected") != std::string::npos);
  CHECK(engine.snapshot()->phi == phi);
  Vec bad = phi;
  bad(2) = std::numeric_limits<double>::quiet_NaN();
  engine.set_params(bad);
  engine.sync();
  CHECK(engine.snapshot()->phi == phi);
  // A valid φ clears the error.
  Vec good = phi;
  good(0) = 1.0;
  engine.set_params(good);
  engine.sync();
  CHECK(engine.snapshot()->state == EngineState::Paused);
  CHECK(engine.snapshot()->message.empty());
  CHECK(engine.snapshot()->phi == good);
}

TEST_CASE("Engine: SetParams from one thread while others read snapshots", "[engine][drag][threads]") {
  Engine engine(quick_scene());
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      auto s = engine.snapshot();
      REQUIRE(s->phi.allFinite());
      REQUIRE(std::isfinite(s->metrics.elbo));
    }
  });
  Vec phi = engine.snapshot()->phi;
  for (int i = 0; i < 60; ++i) {
    phi(0) = 0.05 * i;  // a drag: one command per frame
    engine.set_params(phi);
    if (i % 10 == 0) engine.step(3);
  }
  engine.sync();
  done = true;
  reader.join();
  CHECK(engine.snapshot()->step == 18);
  CHECK(engine.snapshot()->phi(0) != 0.0);
}

TEST_CASE("Engine: edited data give a new posterior that starts from the current q", "[engine][models]") {
  Scene s;
  s.target = "logreg";
  s.family = "fullrank";
  s.grid = 64;
  Engine engine(s);
  engine.step(200);
  engine.sync();
  const auto before = engine.snapshot();
  REQUIRE(before->step == 200);
  DataPoints data = before->target->data->problem->data_points();
  REQUIRE(data.size() == 40);
  data.push_back({3.0, 0.0});
  Scene edited = s;
  edited.data = data;
  engine.apply(edited);
  engine.sync();
  const auto after = engine.snapshot();
  CHECK(after->state == EngineState::Paused);
  CHECK(after->target->data->problem->data_points().size() == 41);
  CHECK(after->step == 0);                // a new fit of a new posterior…
  CHECK(after->phi == before->phi);       // …from where q was
  CHECK(after->target->data->log_z != before->target->data->log_z);
  // A change of anything else (the family) starts from q's initial state again.
  edited.family = "meanfield";
  engine.apply(edited);
  engine.sync();
  CHECK(engine.snapshot()->phi.size() == 4);
  CHECK(engine.snapshot()->phi(2) == 0);  // log σ₁ = init_log_sd
}
