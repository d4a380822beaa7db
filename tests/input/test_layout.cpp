// tests/input/test_layout.cpp — the layout, driven by real keys and clicks: F1's key list leaves
// the density view's picture in sight; F5 (presentation mode) keeps the density view the largest
// panel with a picture a class can see at every window size; a lesson's text lies over none of
// the controls and windows it names, so a click on them reaches them.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using namespace vilab::input_test;

std::string show(const Rect& r) {
  std::string s = "(";  // (not "(" + string: GCC 12 warns a false -Wrestrict on it)
  s += std::to_string(int(r.x)) + ", " + std::to_string(int(r.y)) + ") " + std::to_string(int(r.w)) + " x " +
       std::to_string(int(r.h));
  return s;
}

// The density view's picture (its frame inside the axes), as the app reports it.
Rect picture_of(const json& report) { return rect_of(report["state"]["layout"]["picture"]); }

bool has_picture(const json& r) {
  const json& s = r["state"];
  return s.contains("layout") && s["layout"]["picture"].value("w", 0) > 50 && s["layout"]["picture"].value("h", 0) > 50;
}

// The rect of the first window whose name contains `part` in `report`.
std::optional<Rect> window_in(const json& report, const std::string& part) {
  for (const json& w : report.value("windows", json::array()))
    if (w.value("name", std::string()).find(part) != std::string::npos) return rect_of(w);
  return std::nullopt;
}

}  // namespace

TEST_CASE("F1 opens the key list beside the density view: its picture stays in sight and varied", "[input][layout]") {
  App app({.args = {"--target", "banana"}});
  app.hover_window();
  const Rect pic = picture_of(app.wait_for(has_picture, "the density view drew its picture"));
  const int before = app.screenshot("layout_f1_before").distinct_colours(pic);
  app.key("F1");
  const json r = app.wait_for([](const json& rep) { return rep["state"]["keymap"] == true && window_in(rep, "Keyboard (F1)"); },
                              "F1 opens the key list");
  app.wait_frames(4);
  const Rect keys = *app.window("Keyboard (F1)");
  const Rect pic_now = picture_of(app.report());
  const int after = app.screenshot("layout_f1_open").distinct_colours(pic_now);
  INFO("picture " << show(pic_now) << ", key list " << show(keys) << "; colours in the picture " << before << " before F1, "
                  << after << " with it open");
  CHECK_FALSE(keys.intersects(pic_now));
  CHECK(after >= before * 3 / 4);
  CHECK(after >= 20);  // a heatmap, contours and samples: far from a blank or one-colour area
  (void)r;
}

TEST_CASE("F5 keeps the density view the largest panel with a large picture at 1280x720, 1600x1000 and 1920x1080",
          "[input][layout]") {
  const std::vector<std::pair<int, int>> sizes{{1280, 720}, {1600, 1000}, {1920, 1080}};
  for (const auto& [w, h] : sizes) {
    INFO(w << " x " << h);
    App app({.args = {"--target", "banana"}, .width = w, .height = h});
    app.wait_for(has_picture, "the density view drew its picture");
    app.hover_window();
    app.key("F5");
    app.wait_for([](const json& r) { return r["state"]["presentation"] == true; }, "F5: presentation mode");
    app.wait_frames(5);
    const json r = app.report();
    const Rect density = rect_of(r["state"]["density_rect"]);
    const Rect pic = picture_of(r);
    INFO("density panel " << show(density) << ", picture " << show(pic));
    // Larger than every other panel of the layout.
    for (const char* panel : {"##controls_panel", "##metrics_panel", "###lesson_text"}) {
      const std::optional<Rect> p = window_in(r, panel);
      if (!p) continue;
      INFO(panel << " " << show(*p));
      CHECK(density.area() >= p->area());
    }
    // A picture a class can see: a quarter of the window's height at least, 45 % from 1000 px up
    // (the banana's box is taller than wide).
    CHECK(pic.h >= 0.25f * float(h));
    if (h >= 1000) CHECK(pic.h >= 0.45f * float(h));
    CHECK(pic.w >= 0.2f * pic.h);
  }
}

TEST_CASE("a lesson's text lies over none of the controls it names: a click on them reaches them", "[input][layout]") {
  // The controls and buttons the lessons' "Try" lists name.
  const std::vector<std::pair<std::string, std::string>> named{{"meanfield-correlated", "rho"},
                                                               {"bimodal-reverse-forward", "w"},
                                                               {"reparam-step-through", "next sample"},
                                                               {"cavi-normal-gamma", "Update q(\u03BC)"},
                                                               {"vae-amortization", "Held-out average gap"}};
  for (const auto& [lesson, label] : named) {
    INFO(lesson << ": " << label);
    App app({.args = {"--lesson", lesson}});
    const Rect item = app.item(label);
    const json r = app.wait_for([](const json& rep) { return window_in(rep, "###lesson_text").has_value(); },
                                "the lesson's text is shown");
    const Rect text = *window_in(r, "###lesson_text");
    INFO(label << " " << show(item) << ", lesson text " << show(text));
    CHECK_FALSE(text.intersects(item));
    // No window in front of the main one (its panels are its children) covers the item's centre.
    bool past_main = false;
    for (const json& w : r.value("windows", json::array())) {
      const std::string name = w.value("name", std::string());
      if (name.rfind("vilab##main", 0) == 0) {
        past_main = true;
        continue;
      }
      if (!past_main || name.find('/') != std::string::npos) continue;  // behind it, or a child window
      const Rect wr = rect_of(w);
      if (wr.contains(item.centre()) && name.find(label) == std::string::npos) {
        // Only the window that holds the item may lie there (a tool window's own button).
        const bool holds = name.find("Step through") != std::string::npos || name.find("CAVI") != std::string::npos ||
                           name.find("VAE") != std::string::npos;
        INFO("window '" << name << "' " << show(wr));
        CHECK(holds);
      }
    }
  }

  // And the click: lesson 2's rho slider, pressed at its left end, takes the lowest ρ.
  App app({.args = {"--lesson", "meanfield-correlated"}});
  const Rect rho = app.item("rho");
  app.click_at({rho.x + 3, rho.y + rho.h / 2});
  app.wait_for([](const json& r) { return r["state"]["target_params"].value("rho", 1.0) < -0.9; },
               "the click on the rho slider sets rho to its minimum");
}
