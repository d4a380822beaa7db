// tests/app/ui/test_presentation.cpp — the settings file (app/io/settings.hpp) and the keymap
// (app/ui/shell/keymap.hpp): headless, no window.
#include "app/ui/shell/keymap.hpp"
#include "app/io/settings.hpp"
#include "app/ui/widgets/style.hpp"

#include <imgui.h>

#include <catch2/catch.hpp>

#include <GLFW/glfw3.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;

// A fresh directory under the system's temp dir, removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const char* name) {
    path = fs::temp_directory_path() / (std::string("vilab_settings_") + name + "_" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("settings round-trip through the file", "[settings]") {
  const TempDir dir("roundtrip");
  vilab::Settings s;
  s.window_width = 1280;
  s.window_height = 777;
  s.window_x = 12;
  s.window_y = 34;
  s.look.font_scale = 1.3f;
  s.look.presentation_font_scale = 2.25f;
  s.look.presentation = true;
  s.look.high_contrast = true;
  vilab::record_scene(s, "/home/me/a.toml");
  vilab::record_scene(s, "/home/me/b \"quoted\" \u03bc.toml");
  const fs::path file = dir.path / "sub" / "settings.toml";  // the directory is created
  std::string error;
  REQUIRE(vilab::save_settings(s, file, error));
  CHECK(error.empty());
  std::string message;
  const vilab::Settings back = vilab::load_settings(file, message);
  INFO(vilab::settings_to_toml(s));
  CHECK(message.empty());
  CHECK(back == s);
  CHECK(back.last_scene == "/home/me/b \"quoted\" \u03bc.toml");
  CHECK(back.recent_scenes == std::vector<std::string>{"/home/me/b \"quoted\" \u03bc.toml", "/home/me/a.toml"});
  // Atomic: no temporary left beside the file.
  int files = 0;
  for (const auto& e : fs::directory_iterator(file.parent_path())) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("a missing settings file gives the defaults without a message", "[settings]") {
  const TempDir dir("missing");
  std::string message = "stale";
  const vilab::Settings s = vilab::load_settings(dir.path / "settings.toml", message);
  CHECK(message.empty());
  CHECK(s == vilab::Settings{});
}

TEST_CASE("a corrupt settings file gives the defaults and one line naming the file and the problem", "[settings]") {
  const TempDir dir("corrupt");
  const fs::path file = dir.path / "settings.toml";
  write(file, "[window]\nwidth = 1200\n[view\nfont_scale = 2\n");
  std::string message;
  const vilab::Settings s = vilab::load_settings(file, message);
  INFO(message);
  CHECK(s == vilab::Settings{});
  CHECK(message.find(file.string()) != std::string::npos);
  CHECK(message.find("line 3") != std::string::npos);
  CHECK(message.find('\n') == std::string::npos);

  // Binary garbage: the same, never a crash.
  write(file, std::string("\x00\xff\xfe[[[\x01", 8));
  const vilab::Settings g = vilab::load_settings(file, message);
  CHECK(g == vilab::Settings{});
  CHECK_FALSE(message.empty());

  // A wrong type keeps that key's default and the other keys' values.
  write(file, "[window]\nwidth = \"wide\"\nheight = 900\n[view]\npresentation = 1\n");
  const vilab::Settings t = vilab::load_settings(file, message);
  INFO(message);
  CHECK(t.window_width == vilab::Settings{}.window_width);
  CHECK(t.window_height == 900);
  CHECK_FALSE(t.look.presentation);
  CHECK(message.find("window.width: expected an integer") != std::string::npos);
  CHECK(message.find("view.presentation: expected true or false") != std::string::npos);
}

TEST_CASE("out-of-range settings are clamped, with a message naming the key", "[settings]") {
  std::vector<std::string> problems;
  std::string text = "[window]\nwidth = 10\nheight = 99999999\nx = -50\n[view]\nfont_scale = 9.5\n"
                     "presentation_font_scale = 0.1\n[scenes]\nrecent = [";
  for (int k = 0; k < 12; ++k) text += "\"/s/" + std::to_string(k) + ".toml\", ";
  text += "]\n";
  const vilab::Settings s = vilab::parse_settings(text, problems);
  CHECK(s.window_width == vilab::kMinWindowSide);
  CHECK(s.window_height == vilab::kMaxWindowSide);
  CHECK(s.window_x == -1);
  CHECK(s.look.font_scale == vilab::kFontScaleMax);
  CHECK(s.look.presentation_font_scale == vilab::kFontScaleMin);
  CHECK(s.recent_scenes.size() == size_t(vilab::kMaxRecentScenes));
  CHECK(s.recent_scenes.front() == "/s/0.toml");
  REQUIRE(problems.size() == 6);
  CHECK(problems[0] == "window.width = 10 is outside [320, 16384], using 320");
  CHECK(problems[3].rfind("view.font_scale = 9.5 is outside", 0) == 0);
}

TEST_CASE("the settings path honours VILAB_CONFIG_DIR, then XDG_CONFIG_HOME, then HOME", "[settings]") {
  // Restores the environment as it was.
  struct Env {
    std::vector<std::pair<std::string, std::string>> saved;
    void set(const char* k, const char* v) {
      const char* old = std::getenv(k);
      saved.emplace_back(k, old ? old : std::string("\x01"));
      if (v) setenv(k, v, 1);
      else unsetenv(k);
    }
    ~Env() {
      for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
        if (it->second == "\x01") unsetenv(it->first.c_str());
        else setenv(it->first.c_str(), it->second.c_str(), 1);
      }
    }
  } env;
  env.set("VILAB_CONFIG_DIR", "/tmp/vc");
  env.set("XDG_CONFIG_HOME", "/tmp/xdg");
  env.set("HOME", "/tmp/home");
  CHECK(vilab::settings_path() == fs::path("/tmp/vc/settings.toml"));
  env.set("VILAB_CONFIG_DIR", nullptr);
  CHECK(vilab::settings_path() == fs::path("/tmp/xdg/vilab/settings.toml"));
  env.set("XDG_CONFIG_HOME", "relative/ignored");
  CHECK(vilab::settings_path() == fs::path("/tmp/home/.config/vilab/settings.toml"));
  env.set("HOME", nullptr);
  CHECK(vilab::settings_path().empty());
}

TEST_CASE("recording a scene puts it first in the recent list, once, at most eight", "[settings]") {
  vilab::Settings s;
  for (int k = 0; k < 10; ++k) vilab::record_scene(s, "/s/" + std::to_string(k));
  vilab::record_scene(s, "/s/5");
  CHECK(s.last_scene == "/s/5");
  REQUIRE(s.recent_scenes.size() == 8);
  CHECK(s.recent_scenes[0] == "/s/5");
  CHECK(s.recent_scenes[1] == "/s/9");
  CHECK(std::set<std::string>(s.recent_scenes.begin(), s.recent_scenes.end()).size() == 8);
}

TEST_CASE("every key in the keymap is unique and every action has one row", "[keymap]") {
  std::set<std::pair<int, bool>> keys;  // (GLFW key, with Ctrl)
  std::set<int> actions;
  for (const vilab::KeyBinding& b : vilab::keymap()) {
    INFO(b.keys << ": " << b.what);
    CHECK(keys.insert({b.key, b.ctrl}).second);
    if (b.alt_key >= 0) CHECK(keys.insert({b.alt_key, b.ctrl}).second);
    CHECK(actions.insert(int(b.action)).second);
    CHECK(std::string(b.what).size() > 5);
    CHECK(&vilab::binding(b.action) == &b);
  }
  CHECK(actions.size() == size_t(int(vilab::KeyAction::Quit) + 1));  // Quit: the last action
}

TEST_CASE("the F1 list names every key the app reads, the timeline's ← Home End among them", "[keymap]") {
  // Every key handler reads the table (pressed(KeyAction)): a key missing here cannot act, and
  // one listed here is pressed by tests/input/test_keys.cpp.
  std::set<int> listed;
  for (const vilab::KeyBinding& b : vilab::keymap()) listed.insert(b.key);
  for (int key : {GLFW_KEY_LEFT, GLFW_KEY_RIGHT, GLFW_KEY_HOME, GLFW_KEY_END, GLFW_KEY_SPACE, GLFW_KEY_R, GLFW_KEY_T,
                  GLFW_KEY_O, GLFW_KEY_S, GLFW_KEY_Q, GLFW_KEY_1, GLFW_KEY_9, GLFW_KEY_F1, GLFW_KEY_F5, GLFW_KEY_F11}) {
    INFO("GLFW key " << key);
    CHECK(listed.count(key) == 1);
  }
  CHECK(std::string(vilab::binding(vilab::KeyAction::TimelineBack).group) == "Timeline");
}

TEST_CASE("presentation mode at 2x: 36-px text and lines 3x as thick as at 1x (headless ImGui frame)", "[present]") {
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = {1920, 1080};
  vilab::Look look;
  look.presentation = true;
  vilab::text_zoom_ref(look) = 2;
  vilab::load_fonts(vilab::text_zoom(look));
  vilab::apply_theme(vilab::text_zoom(look), vilab::contrast_on(look));
  vilab::set_line_scale(vilab::line_scale_of(look));
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas (no GL: nothing is drawn)
  ImGui::NewFrame();
  const float font = ImGui::GetFontSize(), px = vilab::line_px();
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  ImGui::EndFrame();
  vilab::apply_theme(1, false);  // leave the look as the other tests expect it
  vilab::set_line_scale(1);
  ImGui::DestroyContext();
  CHECK(font == Approx(36));
  CHECK(px == Approx(3.0));  // 36 / 18 x 1.5
  CHECK(bg.x == 0);
  CHECK(bg.y == 0);
  CHECK(bg.z == 0);
  CHECK(vilab::text_zoom(look) == 2);
  look.presentation = false;  // back to the working size, the high contrast off again
  CHECK(vilab::text_zoom(look) == 1);
  CHECK_FALSE(vilab::contrast_on(look));
}
