// tests/input/test_layer_scrubber.cpp — the layer scrubber's picture in the real window: its
// log|det J_k| map fills the frame (no black band where the target's box outruns the layer's
// input region, z₂ from 6 to 8 on the banana), and p's dashed contours show on the map's pale
// middle (each dash has a dark rim).
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace vilab::input_test;

}  // namespace

TEST_CASE("Layer scrubber: the map fills the frame, no black band", "[input][layer_scrubber]") {
  App app({.args = {"--target", "banana", "--family", "planar", "--K", "8", "--scrub", "3"}});
  app.wait_for([](const json& r) { return r["state"]["scrub_layer"] == 3; }, "the scrubber at layer 3");
  app.click("+100");
  app.wait_for([](const json& r) { return r["state"]["step"].get<long>() >= 100; }, "100 steps");
  app.wait_frames(5);
  const Rect f = app.item("##density_frame");
  const Image img = app.screenshot("scrubber");
  int black_rows = 0, first = -1;
  for (int y = int(f.y) + 2; y < int(f.y + f.h) - 2; ++y) {
    int dark = 0, n = 0;
    for (int x = int(f.x) + 2; x < int(f.x + f.w) - 2; ++x, ++n) {
      const auto c = img.at(x, y);
      dark += c[0] < 24 && c[1] < 24 && c[2] < 28;
    }
    if (2 * dark > n) black_rows += 1, first = first < 0 ? y : first;
  }
  INFO("black rows " << black_rows << " of " << int(f.h) << ", the first at y = " << first);
  CHECK(black_rows == 0);
}
