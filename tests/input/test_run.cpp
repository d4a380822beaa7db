// tests/input/test_run.cpp — the run's controls by hand: Play, Pause, the step buttons, Reset; q
// dragged by its mean; the step-through window's buttons; the layer scrubber; "+ family" and
// "+ objective".
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <cmath>

namespace {

using namespace vilab::input_test;

long step_of(const json& r) { return r["state"]["step"].get<long>(); }

}  // namespace

TEST_CASE("Play, Pause, +1, +10, +100 and Reset buttons", "[input][run]") {
  App app({.args = {"--target", "banana"}});
  app.click("+1");
  app.wait_for([](const json& r) { return step_of(r) == 1; }, "+1");
  app.click("+10");
  app.wait_for([](const json& r) { return step_of(r) == 11; }, "+10");
  app.click("+100");
  app.wait_for([](const json& r) { return step_of(r) == 111; }, "+100");
  app.click("\u25B6 Play");
  app.wait_for([](const json& r) { return r["state"]["engine"] == "playing" && step_of(r) > 130; }, "Play");
  app.click("\u275A\u275A Pause");
  const json paused = app.wait_for([](const json& r) { return r["state"]["engine"] == "paused"; }, "Pause");
  app.wait_frames(5);
  CHECK(step_of(app.report()) == step_of(paused));
  app.click("\u21BA Reset");
  app.wait_for([](const json& r) { return step_of(r) == 0; }, "Reset");
}

TEST_CASE("Dragging q's mean moves q (paused, Gaussian family)", "[input][run]") {
  App app({.args = {"--target", "banana", "--family", "fullrank"}});
  const json before = app.report();
  const double mx = before["state"]["q_mean"][0].get<double>();
  const Rect handle = app.item("##drag_mean", "vilab##main");
  const Rect view = rect_of(before["state"]["density_rect"]);
  // Drag the mean a fifth of the view to the right and up.
  app.drag(handle.centre(), {handle.centre().x + view.w * 0.2f, handle.centre().y - view.h * 0.1f});
  const json after = app.wait_for([&](const json& r) { return r["state"]["q_mean"][0].get<double>() > mx + 0.5; },
                                  "q's mean dragged right");
  CHECK(after["state"]["q_mean"][1].get<double>() > before["state"]["q_mean"][1].get<double>());
  CHECK(after["state"]["engine"] == "paused");
}

TEST_CASE("Step-through: next sample, finish the set, next step", "[input][run]") {
  App app({.args = {"--target", "banana", "--samples", "8"}});
  app.click("Step through");
  app.wait_for([](const json& r) { return r["state"]["windows"]["step_through"] == true; }, "the window open");
  app.click("next sample");
  app.wait_for([](const json& r) { return r["state"].value("step_through_revealed", 0) == 1; }, "one sample drawn");
  app.click("next sample");
  app.wait_for([](const json& r) { return r["state"].value("step_through_revealed", 0) == 2; }, "two samples drawn");
  app.click("finish this sample set");
  app.wait_for([](const json& r) { return r["state"].value("step_through_revealed", 0) == 8; }, "all 8 drawn");
  app.click("next step");
  app.wait_for([](const json& r) { return step_of(r) == 1 && r["state"].value("step_through_revealed", -1) == 0; },
               "the step taken, the next one's samples hidden");
  app.screenshot("step_through");
}

TEST_CASE("The layer scrubber: the checkbox and the layer slider", "[input][run]") {
  App app({.args = {"--target", "banana", "--family", "planar", "--K", "8"}});
  app.click("+100");
  app.wait_for([](const json& r) { return step_of(r) == 100; }, "a trained flow");
  app.click("layers");
  app.wait_for([](const json& r) { return r["state"]["scrubber"] == true; }, "the scrubber on");
  const Rect slider = app.item("layer##scrub_k");
  app.click_at({slider.x + 3, slider.centre().y});
  app.wait_for([](const json& r) { return r["state"]["scrub_layer"] == 0; }, "layer 0 (the slider's left end)");
  app.drag({slider.x + 3, slider.centre().y}, {slider.x + slider.w - 3, slider.centre().y});
  app.wait_for([](const json& r) { return r["state"]["scrub_layer"] == 8; }, "layer K = 8 (dragged to the right end)");
  app.screenshot("scrubber");
  app.click("layers");
  app.wait_for([](const json& r) { return r["state"]["scrub_layer"] == -1; }, "the scrubber off");
}

TEST_CASE("Compare fits: + family, + objective, and the remove button", "[input][run]") {
  App app({.args = {"--target", "bimodal"}});
  app.click("+ family");
  app.wait_for([](const json& r) { return r["state"]["compare"] == 1 && r["state"]["comparison_fits"] == 1; }, "one more family");
  app.click("+ objective");
  app.wait_for([](const json& r) { return r["state"]["compare"] == 2 && r["state"]["comparison_fits"] == 2; }, "one more objective");
  app.click("\u25B6 Play");
  app.wait_for([](const json& r) { return step_of(r) > 20; }, "the fits play together");
  app.screenshot("compare");
  app.click("\u2715");
  app.wait_for([](const json& r) { return r["state"]["compare"] == 1; }, "one removed");
}
