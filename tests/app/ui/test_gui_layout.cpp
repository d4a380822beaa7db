// tests/app/ui/test_gui_layout.cpp — the layout in shots (run under a virtual display): the density
// view stays the largest panel with a picture a class can see in presentation mode at every
// window size; the lesson pane lies over no panel and no tool window in any lesson; the keyboard
// map (F1) leaves the density view's picture in sight.
// VILAB_TEST_SHOTS=dir keeps a copy of every shot there, to look at.
#include "app/ui/widgets/colormap.hpp"
#include "app/ui/panels/density_view.hpp"
#include "app/ui/shell/export_menu.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/lesson_browser.hpp"
#include "app/io/lessons.hpp"
#include "app/ui/shell/screenshot.hpp"

#include <catch2/catch.hpp>
#include <stb_image.h>

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;
  std::array<int, 3> at(int x, int y) const {
    const size_t k = (size_t(y) * size_t(w) + size_t(x)) * 3;
    return {rgb[k], rgb[k + 1], rgb[k + 2]};
  }
};

// Runs a shot and loads it (the file is removed; VILAB_TEST_SHOTS keeps a copy).
Image take_shot(vilab::GuiOptions opt, const std::string& name) {
  const fs::path png = fs::temp_directory_path() / ("vilab_test_layout_" + name + "_" + std::to_string(getpid()) + ".png");
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  Image img;
  int n = 0;
  unsigned char* data = stbi_load(png.c_str(), &img.w, &img.h, &n, 3);
  REQUIRE(data != nullptr);
  img.rgb.assign(data, data + size_t(img.w) * size_t(img.h) * 3);
  stbi_image_free(data);
  if (const char* keep = std::getenv("VILAB_TEST_SHOTS"); keep && *keep)
    fs::copy_file(png, fs::path(keep) / (name + ".png"), fs::copy_options::overwrite_existing);
  fs::remove(png);
  return img;
}

vilab::Rect rect_of(const vilab::PixelRect& r) {
  return {float(r.x0), float(r.y0), float(r.width()), float(r.height())};
}

std::string show(const vilab::Rect& r) {
  std::string s = "(";  // (not "(" + string: GCC 12 warns a false -Wrestrict on it)
  s += std::to_string(int(r.x)) + ", " + std::to_string(int(r.y)) + ") " + std::to_string(int(r.w)) + " x " +
       std::to_string(int(r.h));
  return s;
}

// How much of a region is heatmap and how varied: the sixteenths of the viridis map with at least
// 100 pixels, and the near-white pixels (q's contours).
struct Picture {
  int viridis_bins = 0;
  long white = 0;
};
Picture picture_in(const Image& img, const vilab::PixelRect& r) {
  std::array<long, 16> bins{};
  Picture p;
  for (int y = std::max(r.y0, 0); y < std::min(r.y1, img.h); ++y)
    for (int x = std::max(r.x0, 0); x < std::min(r.x1, img.w); ++x) {
      const auto c = img.at(x, y);
      if (c[0] >= 235 && c[1] >= 235 && c[2] >= 235) ++p.white;
      int best = 0, best_d = 1 << 30;
      for (int i = 0; i < vilab::kViridisSize; ++i) {
        const vilab::Rgb& v = vilab::viridis_entry(i);
        const int dr = c[0] - int(v.r * 255 + 0.5f), dg = c[1] - int(v.g * 255 + 0.5f), db = c[2] - int(v.b * 255 + 0.5f);
        const int d = dr * dr + dg * dg + db * db;
        if (d < best_d) best_d = d, best = i;
      }
      if (best_d <= 8 * 8 * 3) ++bins[size_t(best * 16 / vilab::kViridisSize)];
    }
  for (long b : bins) p.viridis_bins += b >= 100;
  return p;
}

// The panels of the last shot by name, the lesson pane and the tool windows among them.
std::vector<std::pair<std::string, vilab::Rect>> last_panels() {
  std::vector<std::pair<std::string, vilab::Rect>> out;
  for (const char* name : {"controls", "density", "timeline", "metrics"})
    out.emplace_back(name, rect_of(vilab::last_panel_rect(name)));
  const vilab::Layout& l = vilab::current_layout();
  for (int i = 0; i < vilab::kToolWindows; ++i)
    if (!l.tools[size_t(i)].empty()) out.emplace_back("tool window " + std::to_string(i), l.tools[size_t(i)]);
  return out;
}

}  // namespace

TEST_CASE("presentation mode keeps the density view the largest panel, its picture large, at 1280x720 to 1920x1080",
          "[gui][layout]") {
  const std::vector<std::pair<int, int>> sizes{{1280, 720}, {1600, 1000}, {1920, 1080}};
  for (const auto& [w, h] : sizes)
    for (const bool present : {true, false})
      for (const bool lesson : {false, true}) {
        vilab::GuiOptions opt;
        if (lesson) {
          opt.scene_file = vilab::find_lesson("elbo-gap");
          opt.scene = opt.scene_file->scene;
        }
        opt.present = present;
        opt.width = w;
        opt.height = h;
        opt.shot_steps = 100;
        const std::string name = "layout_" + std::to_string(w) + "x" + std::to_string(h) + (present ? "_present" : "") +
                                 (lesson ? "_lesson" : "");
        const Image img = take_shot(opt, name);
        const vilab::Rect density = rect_of(vilab::last_panel_rect("density"));
        const vilab::PixelRect frame = vilab::last_density_view_rect();
        const vilab::LessonWindowsReport lw = vilab::last_lesson_windows();
        INFO(name << ": density panel " << show(density) << ", picture " << frame.width() << " x " << frame.height()
                  << ", lesson pane " << show(lw.text_rect));
        // The largest panel: larger than each side column, the lesson pane and the tool windows.
        for (const auto& [panel, r] : last_panels()) {
          if (panel == "density") continue;
          INFO(panel << " " << show(r));
          CHECK(density.area() >= r.area());
        }
        CHECK(density.area() >= lw.text_rect.area());
        // A picture a class can see: at least a quarter of the window's height (the banana's box is
        // taller than wide), 45 % at the larger sizes. (Before the layout gave way, presentation
        // mode left it 80 px at 1280 x 720 and about 310 px at 1600 x 1000.)
        CHECK(frame.height() >= 0.25 * h);
        if (h >= 1000) CHECK(frame.height() >= 0.45 * h);
        // Nothing lies over it: the lesson pane has a place of its own.
        CHECK(lw.text_drawn == lesson);
        CHECK_FALSE(vilab::intersects(lw.text_rect, density));
        // The heatmap and q's contours are in the picture.
        const Picture p = picture_in(img, frame);
        INFO(p.viridis_bins << " viridis bins, " << p.white << " white pixels");
        CHECK(p.viridis_bins >= 4);
        CHECK(p.white >= 200);
      }
}

TEST_CASE("the lesson pane of every lesson lies over no panel, no tool window, nor the menu and status bars", "[gui][layout]") {
  for (const vilab::SceneFile& f : vilab::lessons()) {
    for (const bool present : {false, true}) {
      INFO(f.name << (present ? " in presentation mode" : ""));
      vilab::GuiOptions opt;
      opt.scene_file = f;
      opt.scene = f.scene;
      opt.present = present;
      opt.shot_steps = 10;
      take_shot(opt, "lesson_" + f.name + (present ? "_present" : ""));
      const vilab::LessonWindowsReport lw = vilab::last_lesson_windows();
      REQUIRE(lw.text_drawn);
      INFO("lesson pane " << show(lw.text_rect));
      // Inside the window, below the menu bar (a line of text at least) and above the status line
      // (the grid view has none).
      const float line = present ? 30.0f : 18.0f;
      CHECK(lw.text_rect.y >= line);
      CHECK(lw.text_rect.bottom() <= float(opt.height) - (f.panels.grid.empty() ? line : 0.0f));
      CHECK(lw.text_rect.x >= 0);
      CHECK(lw.text_rect.right() <= float(opt.width));
      if (!f.panels.grid.empty()) continue;  // the grid view: the pane is under the grid's window
      for (const auto& [panel, r] : last_panels()) {
        INFO(panel << " " << show(r));
        CHECK_FALSE(vilab::intersects(lw.text_rect, r));
      }
    }
  }
}

TEST_CASE("the keyboard map (F1) leaves the density view's heatmap and contours in sight", "[gui][layout]") {
  for (const bool present : {false, true}) {
    INFO((present ? "presentation mode" : "normal mode"));
    vilab::GuiOptions opt;
    opt.present = present;
    opt.shot_steps = 100;
    const Image without = take_shot(opt, std::string("keymap_off") + (present ? "_present" : ""));
    const Picture p0 = picture_in(without, vilab::last_density_view_rect());
    opt.keymap = true;
    const Image with = take_shot(opt, std::string("keymap_on") + (present ? "_present" : ""));
    const Picture p1 = picture_in(with, vilab::last_density_view_rect());
    INFO("without F1: " << p0.viridis_bins << " viridis bins, " << p0.white << " white; with F1: " << p1.viridis_bins
                        << " bins, " << p1.white << " white");
    CHECK(p1.viridis_bins >= p0.viridis_bins - 1);
    CHECK(p1.white >= p0.white * 9 / 10);
  }
}
