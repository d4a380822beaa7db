// tests/app/ui/test_layout.cpp — the single view's layout (app/ui/shell/layout.hpp), headless: the density view
// stays the largest panel at every window and text size, and nothing covers anything else.
#include "app/ui/shell/layout.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include <string>
#include <utility>
#include <vector>

namespace {

using vilab::Layout;
using vilab::LayoutInput;
using vilab::Rect;
using vilab::ToolWindow;

// The main window's content region for a window of w × h pixels at font size fs, as draw_frame
// sees it: below the menu bar, inside the window padding (the theme's, scaled with the text).
LayoutInput input_for(float w, float h, float fs) {
  const float pad = fs * 8.0f / 18.0f, menu = fs + 2 * fs * 4.0f / 18.0f;
  LayoutInput in;
  in.area = {pad, menu + pad, w - 2 * pad, h - menu - 2 * pad};
  in.font = fs;
  in.gap_x = fs * 8.0f / 18.0f;
  in.gap_y = fs * 4.0f / 18.0f;
  in.status_h = fs * 1.6f;
  in.timeline_h = fs * 1.45f;
  return in;
}

std::string show(const Rect& r) {
  std::string s = "(";  // (not "(" + string: GCC 12 warns a false -Wrestrict on it)
  s += std::to_string(int(r.x)) + ", " + std::to_string(int(r.y)) + ") " + std::to_string(int(r.w)) + " x " +
       std::to_string(int(r.h));
  return s;
}

// Every rect of `l` with its name (the tool windows that are open).
std::vector<std::pair<std::string, Rect>> rects_of(const Layout& l) {
  std::vector<std::pair<std::string, Rect>> out{{"controls", l.controls}, {"density", l.density}, {"timeline", l.timeline},
                                                {"strip", l.strip},       {"lesson", l.lesson},   {"metrics", l.metrics}};
  for (int i = 0; i < vilab::kToolWindows; ++i)
    if (!l.tools[size_t(i)].empty()) out.emplace_back("tool " + std::to_string(i), l.tools[size_t(i)]);
  return out;
}

bool model_window(int tool) {
  return tool == int(ToolWindow::Vae) || tool == int(ToolWindow::Bnn) || tool == int(ToolWindow::NormalGamma) ||
         tool == int(ToolWindow::Gmm);
}

// Inside the work area, above the status line, and no two panels overlap.
void check_apart(const LayoutInput& in, const Layout& l) {
  const auto rects = rects_of(l);
  for (const auto& [name, r] : rects) {
    if (r.empty()) continue;
    INFO(name << " " << show(r));
    // Inside the work area, above the status line.
    CHECK(r.x >= in.area.x - 0.5f);
    CHECK(r.right() <= in.area.right() + 0.5f);
    CHECK(r.y >= in.area.y - 0.5f);
    CHECK(r.bottom() <= l.status_y + 0.5f);
  }
  // No two panels overlap.
  for (size_t i = 0; i < rects.size(); ++i)
    for (size_t j = i + 1; j < rects.size(); ++j) {
      INFO(rects[i].first << " " << show(rects[i].second) << " and " << rects[j].first << " " << show(rects[j].second));
      CHECK_FALSE(vilab::intersects(rects[i].second, rects[j].second));
    }
}

void check_layout(const LayoutInput& in, const Layout& l) {
  check_apart(in, l);
  const auto rects = rects_of(l);
  // The density view is the largest panel (a tool window may match it in width, not in area),
  // and keeps a fair share of the window.
  for (const auto& [name, r] : rects) {
    if (name == "density") continue;
    INFO(name << " " << show(r) << " vs density " << show(l.density));
    CHECK(l.density.area() >= r.area());
  }
  INFO("density " << show(l.density) << " in " << show(in.area));
  CHECK(l.density.area() >= 0.22f * in.area.area());
  CHECK(l.density.w >= 0.36f * in.area.w);
  CHECK(l.density.h >= 0.5f * in.area.h);
}

}  // namespace

TEST_CASE("the density view is the largest panel at every window size, text size, lesson and tool window", "[layout]") {
  const std::vector<std::pair<float, float>> sizes{{1280, 720}, {1366, 768}, {1600, 1000}, {1920, 1080}, {2560, 1440}};
  for (const auto& [w, h] : sizes)
    for (const float fs : {18.0f, 18.0f * 1.75f, 18.0f * 2.0f})  // normal, presentation, presentation at 2x
      for (const bool lesson : {false, true})
        for (const int tool : {-1, int(ToolWindow::StepThrough), int(ToolWindow::GradientVariance), int(ToolWindow::Vae)}) {
          INFO(w << " x " << h << ", font " << fs << (lesson ? ", lesson" : "") << ", tool " << tool);
          LayoutInput in = input_for(w, h, fs);
          in.aspect = 10.0f / 12.0f;  // banana's box, taller than wide
          in.lesson = lesson;
          std::vector<float> asked;  // the widths the pane's text was wrapped to
          in.lesson_h = [&](float width) {
            asked.push_back(width);
            return 4000.0f;  // more than it gets: the cap holds
          };
          if (tool >= 0) in.tools[size_t(tool)] = true;
          const Layout l = vilab::layout_panels(in);
          if (tool >= 0 && model_window(tool)) {
            // The model window is the main picture; the density view keeps a band under it.
            check_apart(in, l);
            const Rect& t = l.tools[size_t(tool)];
            CHECK(t.w >= 0.55f * in.area.w);
            CHECK(t.area() >= l.density.area());
            CHECK(l.density.h >= 3 * fs);
            CHECK(l.lesson_place != vilab::LessonPlace::UnderDensity);
            continue;
          }
          check_layout(in, l);
          if (lesson) {
            INFO("lesson " << show(l.lesson));
            CHECK(l.lesson.h >= 2 * fs);  // a title and a line at least
            // The pane is as wide as the width its text was wrapped to.
            CHECK(std::find(asked.begin(), asked.end(), l.lesson.w) != asked.end());
          }
          if (tool >= 0) CHECK(l.tools[size_t(tool)].w >= 0.25f * in.area.w);
        }
}

TEST_CASE("a short lesson text (or a collapsed pane) takes only the room it needs", "[layout]") {
  LayoutInput in = input_for(1600, 1000, 18);
  const Layout none = vilab::layout_panels(in);
  in.lesson = true;
  in.lesson_h = [](float) { return 60.0f; };
  const Layout l = vilab::layout_panels(in);
  CHECK(l.lesson.h == 60);
  CHECK(l.lesson.bottom() <= l.status_y);
  // It takes 60 pixels and a gap from the column it is in.
  if (l.lesson_place == vilab::LessonPlace::UnderDensity) {
    CHECK(l.density.h == Approx(none.density.h - 60 - in.gap_y));
  } else {
    CHECK(l.density.h == Approx(none.density.h));
    CHECK(l.controls.h == Approx(none.controls.h - 60 - in.gap_y));
  }
}

TEST_CASE("the data strip and several tool windows stack without overlapping", "[layout]") {
  for (const float fs : {18.0f, 31.5f}) {
    LayoutInput in = input_for(1600, 1000, fs);
    in.strip_h = fs * 9;
    in.lesson = true;
    in.lesson_h = [](float) { return 500.0f; };
    // The tool windows beside the density view: it stays the largest.
    for (const ToolWindow t : {ToolWindow::GradientVariance, ToolWindow::StepThrough, ToolWindow::Landscape})
      in.tools[size_t(t)] = true;
    const Layout l = vilab::layout_panels(in);
    INFO("font " << fs);
    check_layout(in, l);
    CHECK(l.metrics.h > 0);
    CHECK(l.strip.h == in.strip_h);
    // Every tool window: the model windows over the band of the density view and the metrics.
    in.tools.fill(true);
    const Layout all = vilab::layout_panels(in);
    check_apart(in, all);
    CHECK(all.metrics.h > 0);
    CHECK(all.density.h > 0);
    CHECK((all.strip.empty() || all.strip.h == in.strip_h));  // where the band holds it, beside the density view
  }
}

TEST_CASE("the grid view gives a lesson pane the bottom of the work area", "[layout]") {
  const Rect work{0, 30, 1600, 970};
  const vilab::GridLayout g = vilab::layout_grid(work, 18, true, 5000);
  CHECK(g.lesson.bottom() == Approx(work.bottom()));
  CHECK(g.lesson.h <= 0.3f * work.h + 0.5f);
  CHECK_FALSE(vilab::intersects(g.grid, g.lesson));
  CHECK(g.grid.h + g.lesson.h == Approx(work.h));
  const vilab::GridLayout none = vilab::layout_grid(work, 18, false, 0);
  CHECK(none.grid.h == work.h);
  CHECK(none.lesson.empty());
}
