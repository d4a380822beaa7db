// tests/input/app_driver.cpp — see app_driver.hpp.
//
// Index
// [SECTION] Helpers
// [SECTION] Launch and exit
// [SECTION] The report
// [SECTION] Input
// [SECTION] Pixels
#include "tests/input/app_driver.hpp"

#include "tests/input/x11_messages.hpp"

#include <catch2/catch.hpp>
#include <stb_image.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace vilab::input_test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// [SECTION] Helpers

namespace {

void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The part of a label a person sees: before "##" (ImGui's hidden id suffix).
std::string_view visible_part(std::string_view label) {
  const size_t k = label.find("##");
  return k == std::string_view::npos ? label : label.substr(0, k);
}

bool label_matches(const std::string& label, std::string_view want) {
  return label == want || (!want.empty() && visible_part(label) == want);
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path make_test_dir() {
  static int counter = 0;
  const fs::path d = fs::temp_directory_path() / ("vilab_input_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

double slow_factor() {
  const char* s = std::getenv("VILAB_INPUT_SLOW");
  const double k = s ? std::atof(s) : 1.0;
  return k > 0 ? k : 1.0;
}

Rect rect_of(const json& j) { return {j.value("x", 0.0f), j.value("y", 0.0f), j.value("w", 0.0f), j.value("h", 0.0f)}; }

Rect frame_of(const json& j) { return j.contains("frame") ? rect_of(j["frame"]) : rect_of(j); }

std::string describe(const json& r) {
  std::ostringstream o;
  o << "frame " << r.value("frame", 0L) << ", popup '" << r.value("popup", std::string()) << "', state "
    << r.value("state", json::object()).dump() << "\nwindows:";
  for (const json& w : r.value("windows", json::array())) o << " [" << w.value("name", std::string()) << "]";
  o << "\nitems:";
  std::set<std::string> seen;
  for (const json& it : r.value("items", json::array())) {
    const std::string l = it.value("label", std::string());
    if (seen.insert(l).second) o << " [" << l << "]";
  }
  return o.str();
}

// [SECTION] Launch and exit

App::App(LaunchOptions o) {
  dir_ = make_test_dir();
  probe_ = dir_ / "probe.json";
  config_ = o.config_dir.empty() ? dir_ / "config" : o.config_dir;
  fs::create_directories(config_);
  std::vector<std::string> argv{VILAB_EXE};
  if (!o.command.empty()) argv.push_back(o.command);
  for (const std::string& a : o.args) argv.push_back(a);
  // `vilab` with no subcommand takes no flags: the probe and the size come through the
  // environment there (VILAB_PROBE), and the window is the settings'.
  if (!o.command.empty()) {
    argv.insert(argv.end(), {"--probe", probe_.string()});
    if (o.width > 0) argv.insert(argv.end(), {"--width", std::to_string(o.width), "--height", std::to_string(o.height)});
    if (o.max_fps > 0) argv.insert(argv.end(), {"--max-fps", std::to_string(o.max_fps)});
  }
  const fs::path out = dir_ / "stdout.txt", err = dir_ / "stderr.txt";
  pid_ = fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    setenv("VILAB_CONFIG_DIR", config_.c_str(), 1);
    if (o.command.empty()) setenv("VILAB_PROBE", probe_.c_str(), 1);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(126);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  wait_for([](const json& r) { return r.value("frame", 0L) >= 3; }, "the app's first frames", 30);
  hover_window();
}

App::~App() {
  if (pid_ > 0 && running()) {
    // As a person closes it (the settings are written); no REQUIRE in a destructor.
    const json w = last_.value("window", json::object());
    std::string error;
    send_wm_delete(w.value("x", 0) + 10, w.value("y", 0) + 10, error);
    for (int i = 0; i < 100 && running(); ++i) sleep_s(0.05);
    if (running()) kill(pid_, SIGKILL);
    if (running()) waitpid(pid_, nullptr, 0);
  }
  std::error_code ec;
  if (!std::getenv("VILAB_KEEP_INPUT_DIRS")) fs::remove_all(dir_, ec);
}

bool App::running() {
  if (pid_ <= 0 || exit_code_ >= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return false;
}

int App::wait_exit(double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds * slow_factor());
  while (running() && std::chrono::steady_clock::now() < until) sleep_s(0.05);
  INFO("stderr: " << stderr_text());
  REQUIRE_FALSE(running());
  return exit_code_;
}

std::string App::stderr_text() const { return read_text(dir_ / "stderr.txt"); }

// [SECTION] The report

const json& App::report() {
  std::ifstream in(probe_);
  if (in) {
    json r = json::parse(in, nullptr, false);
    if (!r.is_discarded() && r.is_object()) last_ = std::move(r);
  }
  return last_;
}

json App::wait_for(const std::function<bool(const json&)>& pred, const std::string& what, double seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds * slow_factor());
  for (;;) {
    if (pid_ > 0 && !running()) {
      INFO("the app exited (" << exit_code_ << ") while waiting for " << what << "; stderr: " << stderr_text());
      FAIL("the app exited");
    }
    const json& r = report();
    if (!r.is_null() && pred(r)) return r;
    if (std::chrono::steady_clock::now() > until) break;
    sleep_s(0.02);
  }
  INFO("waited " << seconds * slow_factor() << " s for: " << what << "\n" << describe(last_) << "\nstderr: " << stderr_text());
  FAIL("time-out waiting for " << what);
  return last_;
}

void App::wait_frames(int n) {
  const long from = report().value("frame", 0L);
  wait_for([&](const json& r) { return r.value("frame", 0L) >= from + n; }, std::to_string(n) + " more frames");
}

// The item's entry in the newest report (drawn, visible or not).
const json* App::entry(std::string_view label, std::string_view win) {
  const json& r = report();
  static const json kNone = json::array();
  const json& items = r.contains("items") ? r["items"] : kNone;  // by reference: the pointer returned points into it
  const json* hidden = nullptr;
  for (const json& it : items) {
    if (!label_matches(it.value("label", std::string()), label)) continue;
    if (!win.empty() && it.value("window", std::string()).find(win) == std::string::npos) continue;
    if (it.value("visible", false)) return &it;
    if (!hidden) hidden = &it;
  }
  return hidden;
}

std::optional<Rect> App::find(std::string_view label, std::string_view win) {
  const json* it = entry(label, win);
  if (!it || !it->value("visible", false)) return std::nullopt;
  return rect_of(*it);
}

Rect App::item(std::string_view label, std::string_view win, double seconds) {
  std::optional<Rect> found;
  int scrolls = 0;
  float last_y = -1e9f;  // where the item was before the last scroll
  // A window that has just opened may still be moving into its place: the item must be where it
  // was a frame before.
  std::optional<Rect> before;
  long before_frame = -1;
  auto settled = [&](const Rect& r) {
    const long frame = report().value("frame", 0L);
    if (before && frame > before_frame && before->x == r.x && before->y == r.y && before->w == r.w && before->h == r.h)
      return true;
    if (frame != before_frame) before = r, before_frame = frame;
    return false;
  };
  wait_for(
      [&](const json&) {
        // Drawn but scrolled out of its panel, or half out: the wheel over the panel brings it
        // in whole, as a person would scroll to it before clicking.
        const json* it = entry(label, win);
        if (!it) return false;
        const std::string parent = it->value("parent", std::string());
        const Rect ir = rect_of(*it);
        const json windows = report().value("windows", json::array());
        for (const json& w : windows) {
          if (w.value("name", std::string()) != parent) continue;
          const Rect pr = rect_of(w);
          // Whole: inside the panel give or take its padding (a selectable row spans it), or
          // as far in as the wheel brings it.
          constexpr float kPad = 8;
          const bool whole = (ir.y >= pr.y - kPad && ir.y + ir.h <= pr.y + pr.h + kPad) || ir.h > pr.h || ir.y == last_y;
          last_y = ir.y;
          if (whole && (found = find(label, win))) return settled(*found);
          if (scrolls >= 60) return false;
          move_to(pr.centre());
          xdo(std::string("click ") + (ir.y > pr.y + pr.h / 2 ? "5" : "4"));
          ++scrolls;
          wait_frames(2);
          return false;
        }
        return (found = find(label, win)) && settled(*found);  // its window is not listed (a menu's, a popup's)
      },
      "the item '" + std::string(label) + "'" + (win.empty() ? "" : " in '" + std::string(win) + "'"), seconds);
  return *found;
}

std::vector<Rect> App::all_items(std::string_view label) {
  std::vector<Rect> out;
  for (const json& it : report().value("items", json::array()))
    if (label_matches(it.value("label", std::string()), label)) out.push_back(rect_of(it));
  return out;
}

std::optional<Rect> App::window(std::string_view name) {
  for (const json& w : report().value("windows", json::array()))
    if (w.value("name", std::string()).find(name) != std::string::npos) return rect_of(w);
  return std::nullopt;
}

// [SECTION] Input

void App::xdo(const std::string& args) {
  const std::string cmd = "xdotool " + args + " >/dev/null 2>&1";
  INFO(cmd);
  REQUIRE(std::system(cmd.c_str()) == 0);
}

Point App::to_screen(Point p) {
  const json w = report().value("window", json::object());
  return {p.x + w.value("x", 0.0f), p.y + w.value("y", 0.0f)};
}

void App::move_to(Point p) {
  // xdotool's --sync waits for the pointer to move: not when it is already there.
  const std::string where = at(p);
  if (where == pointer_) return;
  xdo("mousemove --sync " + where);
  pointer_ = where;
  sleep_s(0.03);
}

void App::hover_window() {
  const json w = report().value("window", json::object());
  // The window's bottom-right corner: the status line, where a pointer hovers nothing.
  move_to({w.value("w", 100.0f) - 4, w.value("h", 100.0f) - 4});
}

// Each gesture is one xdotool command line (its own `sleep`s between the events), so a loaded
// machine cannot stretch a tap into a held key by starting a second process late.
std::string App::at(Point p) {
  const Point s = to_screen(p);
  return std::to_string(int(std::lround(s.x))) + " " + std::to_string(int(std::lround(s.y)));
}

void App::click_at(Point p, int button) {
  const std::string b = std::to_string(button);
  // A person's click: the pointer comes to rest, the button is held ~80 ms.
  move_to(p);
  xdo("sleep 0.05 mousedown " + b + " sleep 0.08 mouseup " + b);
  sleep_s(0.05);
}

void App::click_with(const std::string& modifier, std::string_view label, std::string_view win) {
  move_to(target(label, win).centre());
  xdo("sleep 0.05 keydown " + modifier + " sleep 0.08 mousedown 1 sleep 0.08 mouseup 1 sleep 0.08 keyup " + modifier);
  sleep_s(0.05);
}

Rect App::target(std::string_view label, std::string_view win) {
  const Rect r = item(label, win);
  const json* it = entry(label, win);
  return it ? frame_of(*it) : r;
}

void App::click(std::string_view label, std::string_view win, int button) { click_at(target(label, win).centre(), button); }

void App::double_click(std::string_view label, std::string_view win) {
  move_to(target(label, win).centre());
  xdo("sleep 0.05 mousedown 1 sleep 0.05 mouseup 1 sleep 0.06 mousedown 1 sleep 0.05 mouseup 1");
  sleep_s(0.05);
}

void App::drag(Point from, Point to, int steps) {
  move_to(from);
  std::string cmd = "sleep 0.05 mousedown 1 sleep 0.1";
  for (int i = 1; i <= steps; ++i) {
    const float t = float(i) / float(steps);
    cmd += " mousemove " + at({from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t}) + " sleep 0.03";
  }
  xdo(cmd + " sleep 0.1 mouseup 1");
  pointer_ = at(to);
  sleep_s(0.05);
}

void App::key(const std::string& keys) {
  xdo("keydown " + shell_quote(keys) + " sleep 0.07 keyup " + shell_quote(keys));
  sleep_s(0.03);
}

void App::replace_text(std::string_view label, const std::string& text) {
  click(label);
  wait_frames(2);
  key("ctrl+a");
  type(text);
}

void App::type(const std::string& text) { xdo("type --delay 40 -- " + shell_quote(text)); }

// [SECTION] Pixels

std::array<int, 3> Image::at(int x, int y) const {
  const size_t k = (size_t(y) * size_t(w) + size_t(x)) * 3;
  return {rgb[k], rgb[k + 1], rgb[k + 2]};
}

int Image::distinct_colours(const Rect& r) const {
  std::set<int> seen;
  for (int y = std::max(0, int(r.y)); y < std::min(h, int(r.y + r.h)); ++y)
    for (int x = std::max(0, int(r.x)); x < std::min(w, int(r.x + r.w)); ++x) {
      const auto c = at(x, y);
      seen.insert((c[0] >> 3) << 10 | (c[1] >> 3) << 5 | (c[2] >> 3));
    }
  return int(seen.size());
}

Image App::screenshot(const std::string& name) {
  const fs::path png = dir_ / ("shot_" + std::to_string(report().value("frame", 0L)) + ".png");
  const json w = report().value("window", json::object());
  const std::string geometry = std::to_string(w.value("w", 0)) + "x" + std::to_string(w.value("h", 0)) + "+" +
                               std::to_string(w.value("x", 0)) + "+" + std::to_string(w.value("y", 0));
  const std::string cmd = "import -window root -crop " + geometry + " +repage " + shell_quote(png.string()) + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  Image img;
  int n = 0;
  unsigned char* data = stbi_load(png.c_str(), &img.w, &img.h, &n, 3);
  REQUIRE(data != nullptr);
  img.rgb.assign(data, data + size_t(img.w) * size_t(img.h) * 3);
  stbi_image_free(data);
  if (const char* keep = std::getenv("VILAB_TEST_SHOTS"); keep && *keep && !name.empty()) {
    std::error_code ec;
    fs::create_directories(keep, ec);
    fs::copy_file(png, fs::path(keep) / ("input_" + name + ".png"), fs::copy_options::overwrite_existing, ec);
  }
  return img;
}

void App::drop_file(const fs::path& path, Point at) {
  move_to(at);
  const Point s = to_screen(at);
  std::string error;
  INFO("drop " << path);
  REQUIRE(xdnd_drop_file(path.string(), int(s.x), int(s.y), 5.0 * slow_factor(), error));
  INFO(error);
  REQUIRE(error.empty());
}

void App::close_window() {
  const Point s = to_screen({10, 10});
  std::string error;
  REQUIRE(send_wm_delete(int(s.x), int(s.y), error));
  INFO(error);
}

}  // namespace vilab::input_test
