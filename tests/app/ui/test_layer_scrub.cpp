// tests/app/ui/test_layer_scrub.cpp — the layer scrubber's computation (app/ui/windows/layer_scrubber.hpp):
// what each layer does to q's draws and the map of its log-determinant, checked without a window.
#include "app/ui/windows/layer_scrubber.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/snapshot.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

TEST_CASE("the layer scrubber's map covers the box it is asked to cover as well as the layer's input", "[scrub]") {
  vi::Scene scene;
  scene.target = "banana";
  scene.family = "planar";
  scene.family_options.K = 8;
  vi::Engine engine(scene, 0.0);
  engine.step(100);
  engine.sync();
  const std::shared_ptr<const vi::Snapshot> snap = engine.snapshot();
  REQUIRE(snap->target);
  const vi::Box view = snap->target->view;
  const vilab::ScrubResult r = vilab::compute_scrub(snap->scene, snap->phi, snap->samples, {1, 3}, &view);
  REQUIRE(r.error.empty());
  const vi::Box& b = r.log_det.box;
  INFO("map [" << b.x0 << ", " << b.x1 << "] x [" << b.y0 << ", " << b.y1 << "], view [" << view.x0 << ", " << view.x1
               << "] x [" << view.y0 << ", " << view.y1 << "]");
  CHECK(b.x0 <= view.x0);
  CHECK(b.x1 >= view.x1);
  CHECK(b.y0 <= view.y0);
  CHECK(b.y1 >= view.y1);
  for (double v : r.log_det.values) REQUIRE(std::isfinite(v));
}

TEST_CASE("the layer scrubber pushes q's own base draws: k = K gives q's samples", "[scrub]") {
  vi::Scene scene;
  scene.target = "U1";
  scene.family = "planar";
  scene.family_options.K = 6;
  vi::Run run(scene, nullptr, false);
  run.step(50);
  const std::shared_ptr<vi::Snapshot> snap = vi::make_snapshot(run, nullptr);
  snap->serial = 7;
  const int K = 6;

  const vilab::ScrubResult top = vilab::compute_scrub(snap->scene, snap->phi, snap->samples, {7, K});
  REQUIRE(top.error.empty());
  CHECK(top.layers == K);
  REQUIRE(top.cloud.cols() == snap->samples.cols());
  CHECK(top.sample_mismatch == 0.0);
  CHECK(top.log_det.nx == vilab::ScrubResult::kMapCells);

  // k = 0: the base z₀ = μ + σ ⊙ ε; the grid spans the base's ±3σ box.
  const vilab::ScrubResult base = vilab::compute_scrub(snap->scene, snap->phi, snap->samples, {7, 0});
  REQUIRE(base.error.empty());
  CHECK(base.log_det.values.empty());
  CHECK(base.sample_mismatch == -1.0);
  const double mu1 = snap->phi(0), sd1 = std::exp(snap->phi(2));  // φ = [μ, log σ, layers…]
  CHECK(base.grid.row(0).minCoeff() == Approx(mu1 - 3 * sd1));
  CHECK(base.grid.row(0).maxCoeff() == Approx(mu1 + 3 * sd1));

  // A middle layer: its log|det J| is finite on its whole input region.
  const vilab::ScrubResult mid = vilab::compute_scrub(snap->scene, snap->phi, snap->samples, {7, 3});
  REQUIRE(mid.error.empty());
  REQUIRE(mid.log_det.values.size() == size_t(vilab::ScrubResult::kMapCells * vilab::ScrubResult::kMapCells));
  for (double v : mid.log_det.values) REQUIRE(std::isfinite(v));
  CHECK(mid.log_det_scale > 0);

  // Not a flow: a message, no crash.
  vi::Scene gauss = scene;
  gauss.family = "fullrank";
  vi::Run grun(gauss, nullptr, false);
  CHECK_FALSE(vilab::compute_scrub(gauss, grun.params(), grun.display_samples(), {1, 0}).error.empty());

  // The LayerScrubber's first computation goes to a worker; update() returns at once and the
  // result arrives on a later call.
  vilab::LayerScrubber scrubber;
  std::shared_ptr<const vilab::ScrubResult> got = scrubber.update(*snap, 2, false);
  CHECK(got == nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!(got && got->key == vilab::ScrubKey{7, 2}) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    got = scrubber.update(*snap, 2, false);
  }
  REQUIRE(got);
  CHECK(got->key == vilab::ScrubKey{7, 2});
  CHECK(got->error.empty());
  CHECK(scrubber.last_seconds() >= 0);
}
