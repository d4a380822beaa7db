// tests/input/test_slow.cpp — at 5 frames a second (a slow machine, a busy projector laptop) no
// key press, character or click is lost: quick taps, a typed path and clicks faster than frames.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

namespace {

using namespace vilab::input_test;

constexpr double kFps = 5;

long step_of(const json& r) { return r["state"]["step"].get<long>(); }

}  // namespace

TEST_CASE("At 5 fps: quick key taps each count", "[input][slow]") {
  App app({.args = {"--target", "banana"}, .max_fps = kFps});
  app.wait_for([](const json& r) { return r["fps"].get<double>() < kFps + 1; }, "the frame rate held at 5");
  // Seven taps of → in about 0.7 s (each 30 ms down, 70 ms apart): 3-4 frames hold them all.
  std::string taps;
  for (int i = 0; i < 7; ++i) taps += " keydown Right sleep 0.03 keyup Right sleep 0.07";
  REQUIRE(std::system(("xdotool" + taps).c_str()) == 0);
  // None lost: at least seven steps (→ repeats while held, and a loaded X server may deliver a
  // release late, so more is possible; fewer is a lost tap).
  app.wait_for([](const json& r) { return step_of(r) >= 7 && r["state"]["input_backlog"] == 0; }, "seven steps");
  app.wait_frames(3);
  const long stepped = step_of(app.report());
  CHECK(stepped >= 7);
  // Space twice within one frame: play, then pause.
  REQUIRE(std::system("xdotool keydown space sleep 0.02 keyup space sleep 0.04 keydown space sleep 0.02 keyup space") == 0);
  // Both count: it played for the frames between them, then paused (one lost press would leave
  // it playing, or never start it).
  const json r = app.wait_for([&](const json& j) { return j["state"]["engine"] == "paused" && step_of(j) > stepped; },
                              "played, then paused by the second tap");
  app.wait_frames(3);
  CHECK(step_of(app.report()) == step_of(r));
}

TEST_CASE("At 5 fps: a typed path arrives whole, and the dialog's keys act in order", "[input][slow]") {
  App app({.args = {"--target", "banana"}, .max_fps = kFps});
  const std::filesystem::path out = app.dir() / "a-path-with-repeated-letters-ttrr22.toml";
  app.key("ctrl+s");
  app.wait_for([](const json& r) { return !r["popup"].get<std::string>().empty(); }, "the Save dialog");
  app.wait_frames(2);
  // Select all, type the path fast (20 ms a key, four keys a frame), Enter: in one burst.
  const std::string cmd = "xdotool key ctrl+a type --delay 20 '" + out.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  REQUIRE(std::system("xdotool key Return") == 0);
  app.wait_for([](const json& r) { return r["popup"].get<std::string>().empty(); }, "the dialog closed by Enter", 60);
  CHECK(std::filesystem::exists(out));
  const json s = app.state();
  CHECK(s["windows"]["step_through"] == false);  // t, r and 2 were the path's, not the app's
  CHECK(s["scene"] == "a-path-with-repeated-letters-ttrr22");
  CHECK(s["step"] == 0);
}

TEST_CASE("At 5 fps: clicks faster than frames each count", "[input][slow]") {
  App app({.args = {"--target", "banana"}, .max_fps = kFps});
  const Rect plus = app.item("+1");
  app.move_to(plus.centre());
  // Five clicks in half a second: 40 ms down, 60 ms up.
  std::string clicks;
  for (int i = 0; i < 5; ++i) clicks += " mousedown 1 sleep 0.04 mouseup 1 sleep 0.06";
  REQUIRE(std::system(("xdotool" + clicks).c_str()) == 0);
  app.wait_for([](const json& r) { return step_of(r) == 5 && r["state"]["input_backlog"] == 0; }, "five steps from five clicks");
  app.wait_frames(3);
  CHECK(step_of(app.report()) == 5);
}
