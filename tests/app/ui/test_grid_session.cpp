// The grid view's engines (headless): one engine per cell, started off the calling thread,
// driven together, destroyed off the calling thread.
#include "app/ui/windows/grid_session.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

namespace {

// Two targets × two cheap families.
vi::FitGrid small_grid() {
  vi::FitGrid g;
  g.title = "test";
  g.row_labels = {"banana", "U1"};
  g.col_labels = {"meanfield", "planar K=2"};
  for (const char* target : {"banana", "U1"})
    for (const char* family : {"meanfield", "planar"}) {
      vi::Scene s;
      s.target = target;
      s.family = family;
      s.family_options.K = 2;
      s.samples = 16;
      s.grid = 64;
      s.metrics_every = 50;
      g.cells.push_back(s);
    }
  return g;
}

}  // namespace

TEST_CASE("grid session: every cell gets its own engine, and the commands reach them all", "[grid]") {
  const auto t0 = std::chrono::steady_clock::now();
  vilab::GridSession s(small_grid(), "test", 0.0);
  // The constructor only launches the engines (the UI never waits for a first snapshot).
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(200));
  s.wait_ready();
  REQUIRE(s.all_ready());
  REQUIRE(s.cells() == 4);
  for (int i = 0; i < 4; ++i) {
    const auto snap = s.snapshot(i);
    REQUIRE(snap);
    CHECK(snap->scene == s.grid().cells[size_t(i)]);  // each cell runs its own scene
    CHECK(snap->step == 0);
  }
  s.step(25);
  s.sync();
  for (int i = 0; i < 4; ++i) CHECK(s.snapshot(i)->step == 25);
  s.play();
  CHECK(s.playing());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.pause();
  s.sync();
  CHECK_FALSE(s.playing());
  for (int i = 0; i < 4; ++i) {
    CHECK(s.snapshot(i)->state == vi::EngineState::Paused);
    CHECK(s.snapshot(i)->step > 25);
    CHECK(s.snapshot(i)->metrics_exact);  // at rest: the exact metrics
  }
  s.reset();
  s.sync();
  for (int i = 0; i < 4; ++i) CHECK(s.snapshot(i)->step == 0);
}

TEST_CASE("grid session: play and speed given while starting reach the engines, and retiring does not block", "[grid]") {
  auto s = std::make_unique<vilab::GridSession>(small_grid(), "test", 0.0);
  s->set_speed(200);
  s->play();
  s->wait_ready();  // adopts the engines and passes the play and the speed on
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int i = 0; i < 4; ++i) {
    const auto snap = s->snapshot(i);
    CHECK(snap->state == vi::EngineState::Playing);
    CHECK(snap->speed_limit == 200);
  }
  const auto t0 = std::chrono::steady_clock::now();
  vi::BackgroundJob<bool> gone;
  vilab::retire_grid_session(std::move(s), gone);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(50));
  CHECK(gone.wait());

  vi::FitGrid bad = small_grid();
  bad.cells[3].lr = -1;
  CHECK_THROWS_WITH(vilab::GridSession(bad, "bad", 0.0), Catch::Contains("U1 \u00B7 planar K=2"));
}

TEST_CASE("grid session: the summary JSON has every cell's run summary under its row and column", "[grid][export]") {
  vilab::GridSession s(small_grid(), "test", 0.0);
  s.wait_ready();
  s.step(20);
  s.sync();
  const nlohmann::json j = vilab::grid_summary_json(s);
  CHECK(j["preset"] == "test");
  CHECK(j["rows"] == 2);
  CHECK(j["columns"] == 2);
  REQUIRE(j["cells"].size() == 4);
  CHECK(j["cells"][1]["row"] == "banana");
  CHECK(j["cells"][1]["column"] == "planar K=2");
  CHECK(j["cells"][2]["row"] == "U1");
  for (const auto& cell : j["cells"]) {
    INFO(cell.dump());
    REQUIRE(cell["summary"].is_object());
    CHECK(cell["summary"]["steps"] == 20);          // the keys of `vilab run --json`
    CHECK(cell["summary"]["kl_q_p"].is_number());
  }
}
