// tests/app/io/test_timeline.cpp — the timeline's recording (bounded, thinned, cleared by a new run),
// scrubbing and replay (headless: app/io/timeline.hpp has no GL), and a scrubbed shot ([gui]).
#include "app/ui/shell/export_menu.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/io/timeline.hpp"
#include "app/ui/panels/timeline_bar.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>
#include <stb_image.h>

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

using vilab::Timeline;

// A hand-made snapshot at `step` with a history point every 10 steps up to it.
std::shared_ptr<const vi::Snapshot> snap_at(int64_t step, const vi::Scene& scene) {
  static uint64_t serial = 0;
  auto s = std::make_shared<vi::Snapshot>();
  s->serial = ++serial;
  s->scene = scene;
  s->step = step;
  for (int64_t k = 0; k <= step; k += 10) s->history.push_back({k, 0, -double(k), 0, 0, 0, 0, 0});
  return s;
}

const vi::Scene& default_scene() {
  static const vi::Scene s;
  return s;
}
std::shared_ptr<const vi::Snapshot> snap_at(int64_t step) { return snap_at(step, default_scene()); }

}  // namespace

TEST_CASE("timeline: the recording thins and stays bounded, spread over the whole run", "[timeline]") {
  Timeline tl(600);
  for (int64_t step = 0; step <= 100000; step += 3) {
    tl.record(snap_at(step));
    REQUIRE(tl.size() <= 600);
  }
  CHECK(tl.size() > 300);  // thinned by two when full, never below half
  CHECK(tl.first_step() == 0);
  CHECK(tl.last_step() >= 99999 - tl.min_gap() - 3);  // recorded up to the end (live is the rest)
  // Evenly spread: no gap between kept frames is more than twice the current spacing (+ the
  // last frame's, which comes when it comes).
  for (size_t i = 1; i + 1 < tl.size(); ++i) {
    INFO("frames " << i - 1 << " and " << i);
    CHECK(tl.frame(i).step - tl.frame(i - 1).step <= 2 * tl.min_gap() + 3);
  }
  CHECK(tl.min_gap() >= 128);
  // A frame keeps no history of its own (shown() rebuilds it): memory stays bounded.
  CHECK(tl.frame(0).history.empty());
}

TEST_CASE("timeline: the same snapshot twice is one frame, the same step replaces the last frame", "[timeline]") {
  Timeline tl;
  const auto a = snap_at(10);
  tl.record(a);
  tl.record(a);
  CHECK(tl.size() == 1);
  tl.record(snap_at(10));  // a fresher picture of step 10 (a drag, the exact metrics)
  CHECK(tl.size() == 1);
  CHECK(tl.frame(0).serial != a->serial);
}

TEST_CASE("timeline: scrubbing picks the last frame at or before the step, with the history cut there", "[timeline]") {
  Timeline tl;
  for (int64_t step : {0, 40, 80, 120, 160}) tl.record(snap_at(step));
  const auto live = snap_at(170);
  tl.record(live);
  CHECK(tl.live());
  CHECK(tl.shown(live) == live);
  tl.scrub_to_step(100);
  CHECK_FALSE(tl.live());
  const auto shown = tl.shown(live);
  CHECK(shown->step == 80);
  REQUIRE(!shown->history.empty());
  CHECK(shown->history.back().step == 80);  // the plots end where the frame is
  CHECK(shown->history.size() == 9);        // 0, 10, …, 80 from the live history
  CHECK(tl.shown(live) == shown);            // built once per frame shown
  tl.scrub_to_step(-5);
  CHECK(tl.shown(live)->step == 0);
  tl.scrub_to_step(1000);
  CHECK(tl.shown(live)->step == 170);
  // Keys: ← from live shows the frame before the latest; → moves on; Home the first.
  tl.go_live();
  tl.scrub_by(-1);
  CHECK(tl.shown(live)->step == 160);
  tl.scrub_by(-10);
  CHECK(tl.shown(live)->step == 0);
  tl.scrub_by(2);
  CHECK(tl.shown(live)->step == 80);
  tl.scrub_by(100);
  CHECK(tl.shown(live)->step == 170);
  CHECK_FALSE(tl.live());  // stays scrubbed at the end; End goes live
  tl.go_live();
  tl.scrub_by(1);  // → while live is the engine's step, not the timeline's
  CHECK(tl.live());
}

TEST_CASE("timeline: the replay-speed box says it is the replay's speed, not the fit's", "[timeline]") {
  // "200 steps/s" beside the bar read like the engine's speed slider ("100 steps/s").
  CHECK(vilab::replay_speed_label(200) == "replay at 200 steps/s");
  CHECK(vilab::replay_speed_label(10000) == "replay at 10000 steps/s");
}

TEST_CASE("timeline: replay moves forward at its speed and stops at the last frame", "[timeline]") {
  Timeline tl;
  for (int64_t step = 0; step <= 1000; step += 50) tl.record(snap_at(step));
  const auto live = snap_at(1000);
  tl.scrub_to_step(200);
  tl.replay(100);  // steps per second
  CHECK(tl.replaying());
  tl.advance(1.0);
  CHECK(tl.scrub_step() == 300);
  CHECK(tl.shown(live)->step == 300);
  tl.advance(0.25);
  CHECK(tl.shown(live)->step == 300);  // 325: the frame at or before it
  tl.advance(100);
  CHECK_FALSE(tl.replaying());
  CHECK(tl.shown(live)->step == 1000);
  // From the end (or live), Replay starts at the beginning.
  tl.replay(100);
  CHECK(tl.scrub_step() == 0);
}

TEST_CASE("timeline: a reset or an Apply that restarts clears the recording, a live change does not", "[timeline]") {
  Timeline tl;
  vi::Scene scene;
  for (int64_t step : {0, 100, 200}) tl.record(snap_at(step, scene));
  tl.scrub_to_step(100);
  // The learning rate is a live field: the fit continues, so does the recording.
  vi::Scene faster = scene;
  faster.lr *= 2;
  CHECK_FALSE(tl.record(snap_at(300, faster)));
  CHECK(tl.size() == 4);
  CHECK_FALSE(tl.live());
  // Reset: the step goes back.
  CHECK(tl.record(snap_at(0, faster)));
  CHECK(tl.size() == 1);
  CHECK(tl.live());
  for (int64_t step : {100, 200}) tl.record(snap_at(step, faster));
  // Apply with another target restarts (even at a later step count, e.g. a grid cell opened).
  vi::Scene other = faster;
  other.target = "ring";
  CHECK(tl.record(snap_at(500, other)));
  CHECK(tl.size() == 1);
}

TEST_CASE("timeline: a kept frame is a small part of a snapshot (measured on a real run)", "[timeline]") {
  vi::Scene scene;
  scene.target = "banana";
  scene.family = "fullrank";
  vi::Engine engine(scene, 0);
  engine.step(20000);
  engine.sync();
  const auto snap = engine.snapshot();
  const size_t full = vilab::snapshot_bytes(*snap);
  const size_t frame = vilab::snapshot_bytes(*vilab::timeline_frame(*snap));
  WARN("snapshot at step 20000: " << full / 1024 << " KiB; as a timeline frame: " << frame / 1024 << " KiB; 600 frames: "
                                  << 600 * frame / (1024 * 1024) << " MiB");
  CHECK(frame < full / 2);
  CHECK(600 * frame < size_t(64) << 20);
}

TEST_CASE("timeline: a shot scrubbed back shows the recorded step, framed in blue", "[gui][timeline]") {
  namespace fs = std::filesystem;
  const auto shoot = [](int64_t timeline_step, const std::string& name) {
    const fs::path png = fs::temp_directory_path() / ("vilab_timeline_" + name + "_" + std::to_string(getpid()) + ".png");
    vilab::GuiOptions opt;
    opt.scene.target = "banana";
    opt.scene.family = "fullrank";
    opt.shot_path = png.string();
    opt.shot_steps = 400;
    opt.shot_timeline_step = timeline_step;
    opt.shot_panel = "density";
    REQUIRE(vilab::run_gui(opt) == 0);
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(data != nullptr);
    // The left edge of the panel, half-way down: the blue frame when scrubbed.
    const size_t k = (size_t(h / 2) * size_t(w) + 2) * 3;
    const int r = data[k], g = data[k + 1], b = data[k + 2];
    stbi_image_free(data);
    if (const char* keep = std::getenv("VILAB_TEST_SHOTS")) fs::copy_file(png, fs::path(keep) / png.filename(), fs::copy_options::overwrite_existing);
    fs::remove(png);
    return std::array<int, 3>{r, g, b};
  };
  const auto scrubbed = shoot(100, "scrubbed");
  INFO("edge pixel " << scrubbed[0] << "," << scrubbed[1] << "," << scrubbed[2]);
  CHECK(scrubbed[2] > 150);
  CHECK(scrubbed[2] - scrubbed[0] > 60);  // the handle's blue (110, 195, 255), blended at the edge
  const auto live = shoot(-1, "live");
  INFO("edge pixel " << live[0] << "," << live[1] << "," << live[2]);
  CHECK(live[2] - live[0] < 40);  // the panel's grey border
}
