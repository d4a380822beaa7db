// tests/app/ui/test_gui.cpp — the app renders under a virtual display (run by ctest under xvfb-run).
//
// A shot of a default scene must show the viridis heatmap of p, q's white contours on it, and be
// far from uniform. The density view reports where it drew its frame, so the checks look at
// exactly that region (as do the comparison table and the estimator window).
// VILAB_TEST_SHOTS=dir keeps a copy of every shot there, to look at.
#include "app/ui/widgets/colormap.hpp"
#include "app/ui/windows/cavi_window.hpp"
#include "app/ui/panels/trust_panel.hpp"
#include "app/ui/windows/vae_window.hpp"
#include "app/ui/windows/bnn_window.hpp"
#include "app/ui/panels/comparison_table.hpp"
#include "app/ui/panels/data_strip.hpp"
#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/estimator_panel.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/windows/grid_view.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/ui/windows/layer_scrubber.hpp"
#include "app/io/lessons.hpp"
#include "app/ui/panels/metrics_panel.hpp"
#include "app/ui/panels/model_view.hpp"
#include "app/ui/windows/step_through_window.hpp"
#include "app/ui/widgets/style.hpp"
#include "vi/engine/engine.hpp"
#include "vi/families/family.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/snapshot.hpp"

#include <catch2/catch.hpp>
#include <stb_image.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
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

Image load_png(const fs::path& path) {
  Image img;
  int n = 0;
  unsigned char* data = stbi_load(path.c_str(), &img.w, &img.h, &n, 3);
  REQUIRE(data != nullptr);
  img.rgb.assign(data, data + size_t(img.w) * size_t(img.h) * 3);
  stbi_image_free(data);
  return img;
}

fs::path temp_png(const char* name) {
  return fs::temp_directory_path() / (std::string("vilab_test_") + name + "_" + std::to_string(getpid()) + ".png");
}

// The index of the nearest viridis entry and its squared RGB distance (0 … 255 units).
std::pair<int, int> nearest_viridis(const std::array<int, 3>& c) {
  int best = 0, best_d = 1 << 30;
  for (int i = 0; i < vilab::kViridisSize; ++i) {
    const vilab::Rgb& v = vilab::viridis_entry(i);
    const int dr = c[0] - int(v.r * 255 + 0.5f), dg = c[1] - int(v.g * 255 + 0.5f), db = c[2] - int(v.b * 255 + 0.5f);
    const int d = dr * dr + dg * dg + db * db;
    if (d < best_d) best_d = d, best = i;
  }
  return {best, best_d};
}

// What a rectangle of a shot is made of.
struct RegionStats {
  long area = 0;
  long viridis = 0;  // pixels within 8 units per channel of a viridis entry
  long white = 0;    // near-white pixels (q's contours: viridis never gets there)
  long orange = 0;   // q's sample dots
  int populated_bins = 0;  // sixteenths of the viridis map with ≥ 100 pixels
};

RegionStats region_stats(const Image& img, const vilab::PixelRect& r) {
  RegionStats st;
  constexpr int kBins = 16;
  std::array<long, kBins> bins{};
  for (int y = std::max(r.y0, 0); y < std::min(r.y1, img.h); ++y)
    for (int x = std::max(r.x0, 0); x < std::min(r.x1, img.w); ++x) {
      ++st.area;
      const auto c = img.at(x, y);
      if (c[0] >= 235 && c[1] >= 235 && c[2] >= 235) ++st.white;
      if (c[0] >= 230 && c[1] >= 120 && c[1] <= 170 && c[2] <= 60) ++st.orange;
      const auto [index, d2] = nearest_viridis(c);
      if (d2 <= 8 * 8 * 3) {
        ++st.viridis;
        ++bins[size_t(index * kBins / vilab::kViridisSize)];
      }
    }
  for (long b : bins) st.populated_bins += b >= 100;
  return st;
}

// Runs a shot and loads it (the file is removed).
Image take_shot(vilab::GuiOptions opt, const char* name) {
  const fs::path png = temp_png(name);
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  REQUIRE(fs::exists(png));
  Image img = load_png(png);
  if (const char* keep = std::getenv("VILAB_TEST_SHOTS"); keep && *keep)
    fs::copy_file(png, fs::path(keep) / (std::string(name) + ".png"), fs::copy_options::overwrite_existing);
  fs::remove(png);
  return img;
}

// Pixels of `r` within `tol` per channel of the colour `c` (an ImU32, alpha ignored).
long count_colour(const Image& img, const vilab::PixelRect& r, unsigned int c, int tol) {
  const int cr = int(c & 0xFF), cg = int((c >> 8) & 0xFF), cb = int((c >> 16) & 0xFF);
  long n = 0;
  for (int y = std::max(r.y0, 0); y < std::min(r.y1, img.h); ++y)
    for (int x = std::max(r.x0, 0); x < std::min(r.x1, img.w); ++x) {
      const auto p = img.at(x, y);
      n += std::abs(p[0] - cr) <= tol && std::abs(p[1] - cg) <= tol && std::abs(p[2] - cb) <= tol;
    }
  return n;
}

bool inside(const vilab::PixelRect& r, const Image& img) {
  return r.x0 >= 0 && r.y0 >= 0 && r.x1 <= img.w && r.y1 <= img.h && r.x1 > r.x0 && r.y1 > r.y0;
}

// Runs `f` with stderr redirected to a file; returns what it printed.
template <class F>
std::string capture_stderr(F&& f) {
  const fs::path path = fs::temp_directory_path() / ("vilab_test_stderr_" + std::to_string(getpid()) + ".txt");
  std::fflush(stderr);
  const int saved = dup(2);
  const int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  REQUIRE(saved >= 0);
  REQUIRE(fd >= 0);
  dup2(fd, 2);
  close(fd);
  f();
  std::fflush(stderr);
  dup2(saved, 2);
  close(saved);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  fs::remove(path);
  return ss.str();
}

// run_gui on options it must refuse before opening a window: its exit code, what it printed,
// and whether a PNG appeared at the shot path (it must not).
struct Refused {
  int rc = -1;
  std::string err;
  bool wrote_png = false;
};
Refused run_refused(vilab::GuiOptions opt, const char* png_name) {
  opt.shot_path = temp_png(png_name).string();
  Refused r;
  r.err = capture_stderr([&] { r.rc = vilab::run_gui(opt); });
  r.wrote_png = fs::exists(opt.shot_path);
  return r;
}

// Sets an environment variable for a scope (nullopt = unset), restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value->c_str(), 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_.c_str(), old_->c_str(), 1);
    else unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("a shot of banana / fullrank shows the viridis heatmap and q's white contours", "[gui]") {
  const fs::path png = temp_png("banana");
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "fullrank";
  opt.shot_steps = 200;
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  REQUIRE(fs::exists(png));
  const Image img = load_png(png);
  fs::remove(png);
  CHECK(img.w == opt.width);
  CHECK(img.h == opt.height);

  // The density frame, as the view reports it.
  const vilab::PixelRect r = vilab::last_density_view_rect();
  INFO("density frame: (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
  REQUIRE(r.x0 >= 0);
  REQUIRE(r.y0 >= 0);
  REQUIRE(r.x1 <= img.w);
  REQUIRE(r.y1 <= img.h);
  REQUIRE(r.x1 - r.x0 >= 200);  // the centre of the window, the largest view
  REQUIRE(r.y1 - r.y0 >= 200);

  const long area = long(r.x1 - r.x0) * long(r.y1 - r.y0);
  long viridis_pixels = 0, white_pixels = 0;
  constexpr int kBins = 16;
  std::array<long, kBins> bins{};
  for (int y = r.y0; y < r.y1; ++y)
    for (int x = r.x0; x < r.x1; ++x) {
      const auto c = img.at(x, y);
      if (c[0] >= 235 && c[1] >= 235 && c[2] >= 235) ++white_pixels;  // viridis never gets here
      const auto [index, d2] = nearest_viridis(c);
      if (d2 <= 8 * 8 * 3) {
        ++viridis_pixels;
        ++bins[size_t(index * kBins / vilab::kViridisSize)];
      }
    }
  int populated = 0;
  for (long b : bins) populated += b >= 100;
  INFO("viridis pixels " << viridis_pixels << " of " << area << ", bins with ≥ 100 pixels: " << populated
                         << ", near-white pixels: " << white_pixels);

  // (1) the heatmap: most of the frame is viridis, over a wide part of the map.
  CHECK(viridis_pixels >= area / 2);
  CHECK(populated >= 5);
  // (2) q's contours: three white lines, a few pixels thick, hundreds of pixels long.
  CHECK(white_pixels >= 1500);

  // (3) the whole window is far from uniform.
  std::set<int> colours;
  for (int y = 0; y < img.h; y += 2)
    for (int x = 0; x < img.w; x += 2) {
      const auto c = img.at(x, y);
      colours.insert((c[0] << 16) | (c[1] << 8) | c[2]);
    }
  INFO("distinct colours (every 4th pixel): " << colours.size());
  CHECK(colours.size() >= 2000);
}

TEST_CASE("without a display run_gui prints one line and returns 1", "[gui]") {
  const ScopedEnv display("DISPLAY", std::nullopt);
  const ScopedEnv wayland("WAYLAND_DISPLAY", std::nullopt);
  int rc = -1;
  const vilab::GuiOptions defaults;  // a named object: GCC 12 warns falsely about a temporary's strings
  const std::string err = capture_stderr([&] { rc = vilab::run_gui(defaults); });
  CHECK(rc == 1);
  INFO(err);
  CHECK(err.find("no display") != std::string::npos);
  CHECK(err.find("xvfb-run") != std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
}

TEST_CASE("a bad scene makes run_gui say why and return 2", "[gui]") {
  vilab::GuiOptions opt;
  opt.scene.lr = -1;
  const Refused r = run_refused(opt, "bad");
  CHECK(r.rc == 2);
  INFO(r.err);
  CHECK(r.err.find("learning rate") != std::string::npos);
  CHECK_FALSE(r.wrote_png);
}

TEST_CASE("a shot of U1 / planar K=8 shows q's white contours from the flow's exact density", "[gui]") {
  vilab::GuiOptions opt;
  opt.scene.target = "U1";
  opt.scene.family = "planar";
  opt.scene.family_options.K = 8;
  opt.scene.metrics_every = 50;  // fewer metric points: the shot is about the density view
  opt.shot_steps = 300;
  const Image img = take_shot(opt, "planar");
  const vilab::PixelRect r = vilab::last_density_view_rect();
  INFO("density frame: (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
  REQUIRE(vilab::last_density_view_rects().size() == 1);  // no comparison: the single view
  REQUIRE(r.x1 - r.x0 >= 200);
  const RegionStats st = region_stats(img, r);
  INFO("viridis " << st.viridis << " of " << st.area << ", bins " << st.populated_bins << ", white " << st.white
                  << ", orange " << st.orange);
  CHECK(st.viridis >= st.area / 2);
  CHECK(st.populated_bins >= 5);
  CHECK(st.white >= 1500);  // q's 50 / 90 / 99 % contours, traced from log q on a grid
  CHECK(st.orange >= 300);  // q's samples
}

TEST_CASE("a shot with a comparison fit draws one density panel per fit", "[gui]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "meanfield";
  opt.scene.metrics_every = 50;
  opt.compare = {"planar:K=4"};
  opt.shot_steps = 200;
  const Image img = take_shot(opt, "compare");
  const std::vector<vilab::PixelRect> rects = vilab::last_density_view_rects();
  REQUIRE(rects.size() == 2);
  CHECK(vilab::last_density_view_rect().x0 == rects[0].x0);
  // Two separate panels, both inside the window, neither covering the other.
  for (const auto& r : rects) {
    INFO("panel: (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
    CHECK(r.x0 >= 0);
    CHECK(r.y0 >= 0);
    CHECK(r.x1 <= img.w);
    CHECK(r.y1 <= img.h);
    CHECK(r.x1 - r.x0 >= 150);
    CHECK(r.y1 - r.y0 >= 150);
  }
  const bool apart = rects[0].x1 <= rects[1].x0 || rects[1].x1 <= rects[0].x0 || rects[0].y1 <= rects[1].y0 ||
                     rects[1].y1 <= rects[0].y0;
  CHECK(apart);
  // Each panel is its own viridis heatmap with its own fit's white contours.
  for (const auto& r : rects) {
    const RegionStats st = region_stats(img, r);
    INFO("viridis " << st.viridis << " of " << st.area << ", white " << st.white << ", orange " << st.orange);
    CHECK(st.viridis >= st.area / 3);
    CHECK(st.populated_bins >= 4);
    CHECK(st.white >= 300);
    CHECK(st.orange >= 100);
  }
}

TEST_CASE("a shot with the layer scrubber open shows the layers, not p's heatmap", "[gui]") {
  vilab::GuiOptions opt;
  opt.scene.target = "U1";
  opt.scene.family = "planar";
  opt.scene.family_options.K = 4;
  opt.scene.metrics_every = 50;
  opt.scrub_layer = 2;
  opt.shot_steps = 100;
  const Image img = take_shot(opt, "scrub");
  const vilab::PixelRect r = vilab::last_density_view_rect();
  REQUIRE(r.x1 - r.x0 >= 200);
  const RegionStats st = region_stats(img, r);
  INFO("viridis " << st.viridis << " of " << st.area << ", white " << st.white << ", orange " << st.orange);
  CHECK(st.viridis < st.area / 4);  // the log|det J| map instead of the viridis heatmap
  CHECK(st.orange >= 300);          // the base draws after two layers
  CHECK(st.white >= 500);           // the pushed grid of the base space (and the map's pale centre)
}

TEST_CASE("the layer scrubber colours the whole frame: no black band where the target's box outruns the layer's input", "[gui][scrub]") {
  // banana, planar K = 8, layer 3: layer 3's input region ends near z₂ = 4 while the view goes to
  // z₂ = 8; a map over the input region alone left the top of the frame black.
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "planar";
  opt.scene.family_options.K = 8;
  opt.scrub_layer = 3;
  opt.shot_steps = 300;
  const Image img = take_shot(opt, "scrub_band");
  const vilab::PixelRect r = vilab::last_density_view_rect();
  REQUIRE(r.y1 - r.y0 >= 200);
  // A row of the frame is black when most of it is the frame's near-black background.
  int black_rows = 0, first_black = -1;
  for (int y = r.y0 + 2; y < r.y1 - 2; ++y) {
    int dark = 0, n = 0;
    for (int x = r.x0 + 2; x < r.x1 - 2; ++x, ++n) {
      const auto c = img.at(x, y);
      dark += c[0] < 24 && c[1] < 24 && c[2] < 28;
    }
    if (2 * dark > n) {
      ++black_rows;
      if (first_black < 0) first_black = y;
    }
  }
  INFO("black rows: " << black_rows << " of " << r.y1 - r.y0 << ", the first at y = " << first_black);
  CHECK(black_rows == 0);
}

TEST_CASE("a comparison spec the app cannot read is refused at start, naming the key", "[gui]") {
  vilab::GuiOptions opt;
  opt.compare = {"planar:bogus=1"};
  const Refused r = run_refused(opt, "badcompare");
  CHECK(r.rc == 2);
  CHECK(r.err.find("bogus") != std::string::npos);
}

TEST_CASE("a shot of the paper-fig3 grid draws twelve panels, rows of targets by columns of K", "[gui][grid]") {
  vilab::GuiOptions opt;
  opt.grid = "paper-fig3";
  opt.shot_steps = 100;
  const Image img = take_shot(opt, "grid");
  const std::vector<vilab::PixelRect> rects = vilab::last_grid_panel_rects();
  REQUIRE(rects.size() == 12);  // every cell had started: no "starting…" placeholder
  for (size_t i = 0; i < rects.size(); ++i) {
    const vilab::PixelRect& r = rects[i];
    INFO("panel " << i << ": (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
    CHECK(r.x0 >= 0);
    CHECK(r.y0 >= 0);
    CHECK(r.x1 <= img.w);
    CHECK(r.y1 <= img.h);
    CHECK(r.x1 - r.x0 >= 120);
    CHECK(r.y1 - r.y0 >= 120);
    // Rows of three: the same top edge along a row, left to right; each row below the last.
    const size_t row = i / 3, col = i % 3;
    if (col > 0) {
      CHECK(r.y0 == rects[i - 1].y0);
      CHECK(r.x0 >= rects[i - 1].x1);
    }
    if (row > 0) CHECK(r.y0 >= rects[i - 3].y1);
    // Each panel is its own target's heatmap with q's white contours on it.
    const RegionStats st = region_stats(img, r);
    INFO("viridis " << st.viridis << " of " << st.area << ", bins " << st.populated_bins << ", white " << st.white);
    CHECK(st.viridis >= st.area / 2);
    CHECK(st.populated_bins >= 3);
    CHECK(st.white >= 100);
  }
  // Each row shows its own target: at the centre of the box, z = 0, U1 (a ring of radius 2) has
  // almost no density, while U2's wave runs through it.
  const auto centre_index = [&](const vilab::PixelRect& r) {
    const int cx = (r.x0 + r.x1) / 2, cy = (r.y0 + r.y1) / 2;
    long sum = 0, n = 0;
    for (int y = cy - 6; y < cy + 6; ++y)
      for (int x = cx - 6; x < cx + 6; ++x) {
        const auto [index, d2] = nearest_viridis(img.at(x, y));
        if (d2 <= 8 * 8 * 3) sum += index, ++n;  // heatmap pixels only (not a contour line)
      }
    return n > 0 ? double(sum) / double(n) / vilab::kViridisSize : -1.0;
  };
  INFO("viridis level at the centre: U1 " << centre_index(rects[0]) << ", U2 " << centre_index(rects[3]));
  CHECK(centre_index(rects[0]) >= 0);
  CHECK(centre_index(rects[0]) < 0.25);
  CHECK(centre_index(rects[3]) > 0.5);

  // An unknown preset: a message and exit code 2 before any window.
  vilab::GuiOptions bad;
  bad.grid = "paper-fig9";
  const Refused r = run_refused(bad, "badgrid");
  CHECK(r.rc == 2);
  CHECK(r.err.find("paper-fig9") != std::string::npos);
  CHECK(r.err.find("paper-fig3") != std::string::npos);
  CHECK_FALSE(r.wrote_png);
}

TEST_CASE("a shot of the bimodal preset shows reverse KL on one mode, forward KL over both, and their table", "[gui][objectives]") {
  vilab::GuiOptions opt;
  opt.preset = "bimodal-reverse-forward";
  opt.shot_steps = 2000;
  const Image img = take_shot(opt, "bimodal_preset");

  // Two panels, apart, each its own heatmap with its fit's white contours.
  const std::vector<vilab::PixelRect> rects = vilab::last_density_view_rects();
  REQUIRE(rects.size() == 2);
  for (const auto& r : rects) {
    INFO("panel: (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
    CHECK(inside(r, img));
    CHECK(r.x1 - r.x0 >= 150);
    const RegionStats st = region_stats(img, r);
    INFO("viridis " << st.viridis << " of " << st.area << ", white " << st.white << ", orange " << st.orange);
    CHECK(st.viridis >= st.area / 3);
    CHECK(st.white >= 300);
  }
  CHECK((rects[0].y1 <= rects[1].y0 || rects[1].y1 <= rects[0].y0 || rects[0].x1 <= rects[1].x0 ||
         rects[1].x1 <= rects[0].x0));
  // The forward-KL optimum is dashed pink in the forward-KL panel only (there is none for reverse KL).
  constexpr unsigned int kPink = IM_COL32(255, 105, 215, 255);
  const long pink_reverse = count_colour(img, rects[0], kPink, 30), pink_forward = count_colour(img, rects[1], kPink, 30);
  INFO("pink pixels: reverse panel " << pink_reverse << ", forward panel " << pink_forward);
  CHECK(pink_forward >= 150);
  CHECK(pink_reverse <= 10);

  // The table: one column per fit, titled and coloured as the panels, and the lesson in numbers.
  const vilab::ComparisonTableReport t = vilab::last_comparison_table();
  REQUIRE(t.drawn);
  CHECK(inside(t.rect, img));
  REQUIRE(t.fits.size() == 2);
  CHECK(t.fits[0] == "fullrank \u00B7 reverse KL");
  CHECK(t.fits[1] == "fullrank \u00B7 forward KL");
  for (size_t i = 0; i < 2; ++i) {
    const long coloured = count_colour(img, t.rect, t.colours[i], 12);
    INFO("fit " << i << ": pixels in its colour in the table " << coloured);
    CHECK(t.colours[i] == vilab::plot::palette(int(i)));
    CHECK(coloured >= 40);  // its two header lines
  }
  auto row = [&](const std::string& name) -> const std::vector<double>& {
    for (size_t k = 0; k < t.rows.size(); ++k)
      if (t.rows[k] == name) return t.values[k];
    FAIL("no row " << name);
    throw std::logic_error("unreachable");
  };
  const auto& kl_qp = row("KL(q\u2016p)");
  const auto& kl_pq = row("KL(p\u2016q)");
  const auto& dmean = row("\u2016\u0394\u03BC\u2016");
  const auto& dcov = row("\u2016\u0394\u03A3\u2016_F");
  INFO("KL(q‖p) " << kl_qp[0] << " vs " << kl_qp[1] << "; KL(p‖q) " << kl_pq[0] << " vs " << kl_pq[1] << "; ‖Δμ‖ "
                  << dmean[0] << " vs " << dmean[1] << "; ‖ΔΣ‖ " << dcov[0] << " vs " << dcov[1]);
  CHECK(kl_qp[0] < kl_qp[1]);      // reverse KL wins on what it minimizes …
  CHECK(kl_pq[1] < kl_pq[0] / 5);  // … forward KL on what it minimizes, by far (q misses a mode)
  CHECK(dmean[1] < 0.1);           // forward KL matches p's moments
  CHECK(dcov[1] < 0.3);
  CHECK(dmean[0] > 1.0);           // reverse KL sits on one mode
}

TEST_CASE("the estimator window plots tr Cov against S on log-log axes, one line per estimator", "[gui][objectives]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "fullrank";
  opt.shot_steps = 100;
  opt.gradvar = true;
  const Image img = take_shot(opt, "gradvar");
  const vilab::EstimatorPanelReport r = vilab::last_estimator_panel();
  REQUIRE(r.drawn);
  CHECK(inside(r.plot, img));
  CHECK(r.plot.x1 - r.plot.x0 >= 300);
  CHECK(r.lines == std::vector<std::string>{"reparam", "score", "score + LOO", "STL"});
  for (size_t i = 0; i < r.lines.size(); ++i) {
    const long n = count_colour(img, r.plot, r.colours[i], 10);
    INFO(r.lines[i] << ": " << n << " pixels in its colour");
    CHECK(n >= 60);
  }
  INFO(r.reading);
  CHECK(r.reading.find("slope") != std::string::npos);

  // A flow: the score function and STL cannot run, so reparam is the only line.
  opt.scene.family = "planar";
  opt.scene.family_options.K = 4;
  take_shot(opt, "gradvar_flow");
  const vilab::EstimatorPanelReport flow = vilab::last_estimator_panel();
  REQUIRE(flow.drawn);
  CHECK(flow.lines == std::vector<std::string>{"reparam"});
}

TEST_CASE("an unknown preset makes run_gui name the allowed ones and return 2", "[gui]") {
  vilab::GuiOptions opt;
  opt.preset = "no-such-lesson";
  const Refused r = run_refused(opt, "badpreset");
  CHECK(r.rc == 2);
  CHECK(r.err.find("no-such-lesson") != std::string::npos);
  CHECK(r.err.find("bimodal-reverse-forward") != std::string::npos);
  CHECK_FALSE(r.wrote_png);
}

TEST_CASE("a shot shows the ELBO anatomy with both terms, the ELBO and the shaded gap to log Z", "[gui][anatomy]") {
  const fs::path png = temp_png("anatomy");
  vilab::GuiOptions opt;
  opt.scene.target = "donut";  // a Gaussian q cannot cover a ring: a wide gap KL(q‖p) to shade
  opt.scene.family = "fullrank";
  opt.shot_steps = 300;
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  const Image img = load_png(png);
  if (const char* dir = std::getenv("VILAB_TEST_SHOTS")) fs::copy_file(png, fs::path(dir) / "anatomy.png", fs::copy_options::overwrite_existing);
  fs::remove(png);
  const vilab::AnatomyRect r = vilab::last_anatomy_plot_rect();
  INFO("anatomy plot: (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << ")");
  REQUIRE(r.x0 >= 0);
  REQUIRE(r.x1 <= img.w);
  REQUIRE(r.y1 <= img.h);
  REQUIRE(r.x1 - r.x0 >= 200);
  REQUIRE(r.y1 - r.y0 >= 100);
  // Pixels of each curve's colour, and of the band (KL's orange at alpha 120 over the frame).
  auto count = [&](std::array<int, 3> want, int tol) {
    long n = 0;
    for (int y = r.y0; y < r.y1; ++y)
      for (int x = r.x0; x < r.x1; ++x) {
        const auto c = img.at(x, y);
        const int d0 = c[0] - want[0], d1 = c[1] - want[1], d2 = c[2] - want[2];
        n += d0 * d0 + d1 * d1 + d2 * d2 <= tol * tol;
      }
    return n;
  };
  const long e_log_p = count({0, 158, 115}, 20), entropy = count({204, 121, 167}, 20), elbo = count({110, 195, 255}, 20);
  const long band = count({116, 83, 12}, 16);
  INFO("E_q[log p] " << e_log_p << ", H[q] " << entropy << ", ELBO " << elbo << ", band " << band);
  // Each curve runs across the plot: most of a pixel per column (300 on the ~350-px plot the
  // metrics column had before the density view took the width its height allows).
  const long across = long(0.85 * (r.x1 - r.x0));
  CHECK(e_log_p >= across);
  CHECK(entropy >= across);
  CHECK(elbo >= across);
  CHECK(band >= 1000);
}

TEST_CASE("a shot of the step-through window at sample 3 on banana / fullrank draws the eps panel and the z panel", "[gui][step-through]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "fullrank";
  opt.shot_steps = 50;
  opt.step_through = true;
  opt.stepk = 3;
  const Image img = take_shot(opt, "step_through");
  const vilab::StepThroughReport r = vilab::last_step_through_window();
  REQUIRE(r.drawn);
  CHECK(r.revealed == 3);
  CHECK(r.samples == 64);
  REQUIRE(inside(r.eps_panel, img));
  REQUIRE(inside(r.z_panel, img));
  CHECK(r.eps_panel.x1 - r.eps_panel.x0 >= 200);
  // Two drawn eps in their colour, the current one highlighted.
  CHECK(count_colour(img, r.eps_panel, r.eps_colour, 10) >= 20);
  CHECK(count_colour(img, r.eps_panel, r.current_colour, 10) >= 40);
  // The z panel shows p's heatmap.
  CHECK(region_stats(img, r.z_panel).viridis > 1000);
}

TEST_CASE("a shot of the ELBO landscape window draws a viridis heatmap with sgd, momentum and adam paths", "[gui][landscape]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "fullrank";
  opt.shot_steps = 50;
  opt.landscape = true;
  const Image img = take_shot(opt, "landscape");
  const vilab::LandscapeReport r = vilab::last_landscape_window();
  REQUIRE(r.drawn);
  REQUIRE(inside(r.heatmap, img));
  const RegionStats st = region_stats(img, r.heatmap);
  CHECK(st.viridis > st.area / 2);
  CHECK(st.populated_bins >= 4);
  CHECK(r.paths == std::vector<std::string>{"sgd", "momentum", "adam"});
  for (size_t i = 0; i < r.paths.size(); ++i) {
    const long n = count_colour(img, r.heatmap, r.colours[i], 12);
    INFO(r.paths[i] << ": " << n << " pixels in its colour");
    CHECK(n >= 10);  // SGD barely moves in 300 steps: its end dot and a short line
  }
}

TEST_CASE("a shot of the blr-wine lesson draws the forest plot: 13 weights, the exact answer and both fits", "[gui][models]") {
  vilab::GuiOptions opt;
  opt.preset = "blr-wine";
  opt.shot_steps = 20000;
  const Image img = take_shot(opt, "blr_wine");
  const vilab::ModelViewReport r = vilab::last_model_view();
  REQUIRE(r.drawn);
  CHECK(inside(r.forest, img));
  REQUIRE(r.rows.size() == 13);
  CHECK(r.rows[0] == "intercept");
  REQUIRE(r.fits.size() == 2);
  REQUIRE(r.sd_ratio.size() == 2);
  REQUIRE(r.sd_ratio[0].size() == 13);
  // Mean-field under-estimates the correlated weights' sds; full-rank gets them all.
  const auto [mf_lo, mf_hi] = std::minmax_element(r.sd_ratio[0].begin(), r.sd_ratio[0].end());
  const auto [fr_lo, fr_hi] = std::minmax_element(r.sd_ratio[1].begin(), r.sd_ratio[1].end());
  INFO("mean-field sd ratios " << *mf_lo << " … " << *mf_hi << ", full-rank " << *fr_lo << " … " << *fr_hi);
  CHECK(*mf_lo < 0.5);
  CHECK(*mf_hi <= 1.05);
  CHECK(*fr_lo > 0.9);
  CHECK(*fr_hi < 1.1);
  INFO("KL mean-field " << r.kl[0] << ", full-rank " << r.kl[1]);
  CHECK(r.kl[0] == Approx(3.361).margin(0.05));
  CHECK(r.kl[1] < 0.1);
  CHECK(r.log_evidence == Approx(-210.334).margin(1e-3));
  // The bars: white for the exact answer, the fits' palette colours beside them.
  const long white = count_colour(img, r.forest, IM_COL32(235, 235, 235, 255), 20);
  const long mf = count_colour(img, r.forest, vilab::plot::palette(0), 30);
  const long fr = count_colour(img, r.forest, vilab::plot::palette(1), 30);
  INFO("forest pixels: white " << white << ", mean-field " << mf << ", full-rank " << fr);
  CHECK(white > 500);
  CHECK(mf > 300);
  CHECK(fr > 300);
}

TEST_CASE("a shot of the minibatch lesson measures the noise the batches add", "[gui][models]") {
  vilab::GuiOptions opt;
  opt.preset = "minibatch-svi";
  opt.shot_steps = 5000;
  take_shot(opt, "minibatch_svi");
  const vilab::ModelViewReport r = vilab::last_model_view();
  REQUIRE(r.drawn);
  INFO("tr Cov: all data " << r.noise_full << ", |B| = 10 " << r.noise_batched);
  REQUIRE(r.noise_full > 0);
  CHECK(r.noise_batched > 5 * r.noise_full);
}

TEST_CASE("a shot of the logistic-regression lesson draws its data strip with both labels and the predictive curve", "[gui][models]") {
  vilab::GuiOptions opt;
  opt.preset = "logreg-data";
  opt.shot_steps = 1500;
  const Image img = take_shot(opt, "logreg_data");
  const vilab::DataStripReport r = vilab::last_data_strip();
  REQUIRE(r.drawn);
  CHECK(inside(r.rect, img));
  CHECK(r.points == 40);
  CHECK(r.ones > 0);
  CHECK(r.ones < r.points);
  const long blue = count_colour(img, r.rect, IM_COL32(120, 200, 255, 255), 40);
  const long orange = count_colour(img, r.rect, IM_COL32(255, 150, 90, 255), 40);
  const long curve = count_colour(img, r.rect, IM_COL32(255, 255, 255, 255), 40);
  INFO("strip pixels: t = 1 " << blue << ", t = 0 " << orange << ", predictive curve " << curve);
  CHECK(blue > 100);
  CHECK(orange > 100);
  CHECK(curve > 200);
  // The density panel is there too, above the strip.
  const vilab::PixelRect d = vilab::last_density_view_rect();
  CHECK(d.y1 <= r.rect.y0);
}

TEST_CASE("a shot of the Normal-Gamma CAVI window draws the exact posterior and q after each factor update", "[gui][cavi]") {
  vilab::GuiOptions opt;
  opt.cavi_normal_gamma = true;
  opt.cavi_steps = 3;  // q(μ), q(τ), q(μ)
  const Image img = take_shot(opt, "cavi_normal_gamma");
  const vilab::NormalGammaWindowReport r = vilab::last_normal_gamma_window();
  REQUIRE(r.drawn);
  CHECK(inside(r.plane, img));
  CHECK(inside(r.elbo_plot, img));
  CHECK(r.exact_contour_lines >= 3);  // 50, 90 and 99 %
  CHECK(r.q_contour_lines >= 3);
  REQUIRE(r.elbo.size() == 4);  // the start and three updates
  for (size_t k = 1; k < r.elbo.size(); ++k) {
    INFO("update " << k);
    CHECK(r.elbo[k] >= r.elbo[k - 1]);
    CHECK(r.elbo[k] < r.log_evidence);
  }
  // q starts 2.5 posterior sds above the exact mean of τ; one q(τ) update after q(μ) = N(μ_N, ·)
  // takes E_q[τ] to within a few per cent of it (the rest shrinks by 1/(2a) per sweep).
  CHECK(std::abs(r.q_mean_tau - r.exact_mean_tau) < 0.05 * r.exact_mean_tau);
  // The plane shows both colours: green (the exact posterior) and red (q).
  const long green = count_colour(img, r.plane, IM_COL32(60, 200, 90, 255), 40);
  const long red = count_colour(img, r.plane, IM_COL32(240, 70, 60, 255), 40);
  INFO(green << " green and " << red << " red pixels in the plane");
  CHECK(green >= 300);
  CHECK(red >= 300);
}

namespace {

// The number after `marker` in a lesson's text (U+2212 read as a minus sign).
double number_after(const std::string& text, const std::string& marker) {
  const size_t at = text.find(marker);
  REQUIRE(at != std::string::npos);
  std::string rest = text.substr(at + marker.size(), 24);
  const std::string minus = "\u2212";
  if (rest.rfind(minus, 0) == 0) rest = "-" + rest.substr(minus.size());
  return std::stod(rest);
}

}  // namespace

TEST_CASE("lesson cavi-normal-gamma quotes the ELBO its window shows: the start, after three updates, log p(x)", "[gui][cavi][lessons]") {
  // The text quoted −42.25, the ELBO of `vilab run --model normal-gamma`, whose CAVI starts from
  // the prior; the window starts q a few posterior sds away (PRML Fig. 10.4), at −33.81.
  vilab::GuiOptions opt;
  opt.preset = "cavi-normal-gamma";
  opt.cavi_steps = 3;
  take_shot(opt, "cavi_lesson");
  const vilab::NormalGammaWindowReport r = vilab::last_normal_gamma_window();
  REQUIRE(r.drawn);
  REQUIRE(r.elbo.size() == 4);
  const std::string& text = vilab::find_lesson("cavi-normal-gamma").text;
  CHECK(number_after(text, "The ELBO starts at ") == Approx(r.elbo[0]).margin(0.006));
  CHECK(number_after(text, "After three updates it is ") == Approx(r.elbo[3]).margin(0.006));
  CHECK(number_after(text, "log p(x) = ") == Approx(r.log_evidence).margin(0.006));
}

TEST_CASE("a shot of the Gaussian mixture CAVI window draws the points by responsibility and a rising ELBO", "[gui][cavi]") {
  vilab::GuiOptions opt;
  opt.cavi_gmm = true;
  opt.cavi_steps = 12;
  const Image img = take_shot(opt, "cavi_gmm");
  const vilab::GmmWindowReport r = vilab::last_gmm_window();
  REQUIRE(r.drawn);
  CHECK(inside(r.data_plot, img));
  CHECK(inside(r.elbo_plot, img));
  CHECK(r.points_drawn == 200);
  CHECK(r.components_drawn == 3);
  REQUIRE(r.elbo.size() == 13);
  for (size_t k = 1; k < r.elbo.size(); ++k) {
    INFO("sweep " << k);
    CHECK(r.elbo[k] >= r.elbo[k - 1] - 1e-9 * std::abs(r.elbo[k - 1]));
  }
  CHECK(r.elbo.back() > r.elbo.front());
  // Each component's colour appears in the data plane (its points, its mean).
  for (int k = 0; k < 3; ++k) {
    const long n = count_colour(img, r.data_plot, vilab::plot::palette(k), 12);
    INFO("component " << k << ": " << n << " pixels in its colour");
    CHECK(n >= 150);
  }
}

TEST_CASE("a shot with --trust draws the k̂ plot with its points and the PSIS-resampled draws", "[gui][trust]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "meanfield";
  opt.scene.khat_every = 100;
  opt.shot_steps = 2000;
  opt.trust = true;
  const Image img = take_shot(opt, "trust");
  const vilab::KhatPlotReport r = vilab::last_khat_plot();
  INFO("k̂ plot (" << r.x0 << ", " << r.y0 << ") – (" << r.x1 << ", " << r.y1 << "), " << r.points << " points");
  CHECK(r.points == 20);
  CHECK(r.last_khat > 0.3);
  CHECK(r.last_khat < 0.8);  // mean-field on banana: k̂ ≈ 0.55, "usable"
  REQUIRE(r.x1 - r.x0 >= 200);
  REQUIRE(r.y1 - r.y0 >= 60);
  REQUIRE(r.x1 <= img.w);
  REQUIRE(r.y1 <= img.h);
  long khat_px = 0, psis_px = 0;
  for (int y = 0; y < img.h; ++y)
    for (int x = 0; x < img.w; ++x) {
      const auto c = img.at(x, y);
      const bool sky = std::abs(c[0] - 86) + std::abs(c[1] - 180) + std::abs(c[2] - 233) < 30;
      const bool in_plot = x >= r.x0 && x < r.x1 && y >= r.y0 && y < r.y1;
      (in_plot ? khat_px : psis_px) += sky;
    }
  INFO("sky-blue pixels: k̂ plot " << khat_px << ", elsewhere (the PSIS draws) " << psis_px);
  CHECK(khat_px >= 150);
  CHECK(psis_px >= 1500);
}

TEST_CASE("a shot of the VAE window draws the latent space, the manifold, the curves and the selected image's gap", "[gui][vae]") {
  vilab::GuiOptions opt;
  opt.model_windows = {"vae"};
  opt.model_settings = {{"hidden", 64}};
  opt.shot_steps = 3;  // epochs
  const Image img = take_shot(opt, "vae");
  const vilab::VaeWindowReport r = vilab::last_vae_window();
  REQUIRE(r.drawn);
  CHECK(r.error.empty());
  CHECK(r.epoch == 3);
  CHECK(inside(r.latent, img));
  CHECK(inside(r.manifold, img));
  CHECK(inside(r.elbo_plot, img));
  CHECK(inside(r.kl_plot, img));
  CHECK(inside(r.recon, img));
  CHECK(r.latent_points == 1797);
  CHECK(r.manifold_cells == 144);
  CHECK(r.recon_pairs == 11);
  CHECK(r.elbo_points == 4);  // before training and after each epoch
  CHECK(r.gap_drawn);
  CHECK(r.posterior_lines >= 2);  // the 50 % and 90 % contours
  CHECK(r.amortization_gap >= -1e-3);
  // Several digit colours show in the latent plane (the points are coloured by label).
  long coloured = 0;
  for (unsigned c : {0xb4771fu, 0x0e7fffu, 0x2ca02cu}) coloured += count_colour(img, r.latent, c, 60);
  CHECK(coloured > 500);
}

TEST_CASE("a bad --set value for the VAE window shows the message instead of the window's panels", "[gui][vae]") {
  vilab::GuiOptions opt;
  opt.model_windows = {"vae"};
  opt.model_settings = {{"hidden", 0}};
  take_shot(opt, "vae_bad");
  const vilab::VaeWindowReport r = vilab::last_vae_window();
  CHECK_THAT(r.error, Catch::Contains("hidden"));
  CHECK(r.latent_points == 0);
}

TEST_CASE("a shot of the BNN window draws the data, the band wider in the gap than on the data, and the MAP curve", "[gui][bnn]") {
  vilab::GuiOptions opt;
  opt.model_windows = {"bnn"};
  opt.shot_steps = 3000;
  const Image img = take_shot(opt, "bnn");
  const vilab::BnnWindowReport r = vilab::last_bnn_window();
  REQUIRE(r.drawn);
  CHECK(r.error.empty());
  CHECK(inside(r.plot, img));
  CHECK(inside(r.elbo_plot, img));
  CHECK(r.steps == 3000);
  CHECK(r.points_drawn == 40);
  CHECK(r.functions_drawn == vi::BnnTrainer::kFunctions);
  CHECK(r.band_drawn);
  CHECK(r.mean_drawn);
  CHECK(r.map_drawn);
  INFO("band height: " << r.band_px_in_gap << " px in the gap, " << r.band_px_on_data << " px on the data");
  CHECK(r.band_px_on_data > 0);
  CHECK(r.band_px_in_gap > 2 * r.band_px_on_data);
  // The MAP curve's orange is in the plot (a 200-point polyline across it).
  const long orange = count_colour(img, r.plot, vilab::plot::palette(0), 30);
  INFO(orange << " MAP-orange pixels in the plot");
  CHECK(orange >= 300);
}

TEST_CASE("a shot in presentation mode at 2x with high contrast: black theme, thicker q contours, larger text", "[gui][present]") {
  vilab::GuiOptions opt;
  opt.scene.target = "banana";
  opt.scene.family = "fullrank";
  opt.shot_steps = 200;
  opt.width = 1920;
  opt.height = 1080;
  const Image normal = take_shot(opt, "present_normal");
  const vilab::PixelRect rn = vilab::last_density_view_rect();
  CHECK(vilab::line_scale() == 1.0f);
  CHECK_FALSE(vilab::high_contrast());

  opt.present = true;
  opt.font_scale = 2;
  opt.high_contrast = true;
  const Image present = take_shot(opt, "present_2x");
  const vilab::PixelRect rp = vilab::last_density_view_rect();
  CHECK(vilab::line_scale() == vilab::kPresentationLineScale);
  CHECK(vilab::high_contrast());

  // The theme: the status line's background (bottom-left corner) is black only in high contrast.
  const auto bg_n = normal.at(3, normal.h - 3), bg_p = present.at(3, present.h - 3);
  INFO("corner pixel normal (" << bg_n[0] << ", " << bg_n[1] << ", " << bg_n[2] << "), present (" << bg_p[0] << ", "
                               << bg_p[1] << ", " << bg_p[2] << ")");
  CHECK(bg_p == std::array<int, 3>{0, 0, 0});
  CHECK(bg_n != std::array<int, 3>{0, 0, 0});

  // The text: 2x the size, so the chrome above the density frame (menu bar, the layer checkboxes)
  // is at least 1.6x as tall.
  INFO("density frame normal (" << rn.x0 << ", " << rn.y0 << ")-(" << rn.x1 << ", " << rn.y1 << "), present (" << rp.x0
                                << ", " << rp.y0 << ")-(" << rp.x1 << ", " << rp.y1 << ")");
  CHECK(rp.y0 >= 1.6 * rn.y0);
  // Still a view a class can read: at 2× on 1920×1080 the layer checkboxes, the legend and the
  // timeline bar take their rows from it (measured 234 × 288 px).
  REQUIRE(rp.x1 - rp.x0 >= 220);
  REQUIRE(rp.y1 - rp.y0 >= 250);

  // The lines: q's white contours cover more pixels per pixel of frame width (their length scales
  // with the frame, their width with line_px(): 2 x 1.5, thinned to 0.6 in a frame this small).
  const RegionStats sn = region_stats(normal, rn), sp = region_stats(present, rp);
  const double wn = double(sn.white) / (rn.x1 - rn.x0), wp = double(sp.white) / (rp.x1 - rp.x0);
  INFO("white pixels per frame column: normal " << wn << ", present " << wp);
  CHECK(wp >= 1.4 * wn);
}
