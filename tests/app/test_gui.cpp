// tests/app/test_gui.cpp — the app renders under a virtual display (run by ctest under xvfb-run).
//
// A shot of a default scene must show the viridis heatmap of p, q's white contours on it, and be
// far from uniform. The density view reports where it drew its frame, so the checks look at
// exactly that region.
#include "app/colormap.hpp"
#include "app/density_view.hpp"
#include "app/gui.hpp"

#include <catch2/catch.hpp>
#include <stb_image.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
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
  const std::string err = capture_stderr([&] { rc = vilab::run_gui(vilab::GuiOptions{}); });
  CHECK(rc == 1);
  INFO(err);
  CHECK(err.find("no display") != std::string::npos);
  CHECK(err.find("xvfb-run") != std::string::npos);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
}

TEST_CASE("a bad scene makes run_gui say why and return 2", "[gui]") {
  vilab::GuiOptions opt;
  opt.scene.lr = -1;
  opt.shot_path = temp_png("bad").string();
  int rc = -1;
  const std::string err = capture_stderr([&] { rc = vilab::run_gui(opt); });
  CHECK(rc == 2);
  INFO(err);
  CHECK(err.find("learning rate") != std::string::npos);
  CHECK_FALSE(fs::exists(opt.shot_path));
}
