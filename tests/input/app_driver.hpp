// tests/input/app_driver.hpp — drives the real vilab with real X input, as a person would.
//
// An App starts `vilab gui ARGS --probe FILE` under the test's X display (ctest runs the input
// tests under xvfb-run), with its own settings folder. The test moves the pointer, clicks, drags
// and types through xdotool (real XTest events: the app cannot tell them from a person's), drops
// files with the XDND protocol and closes the window with WM_DELETE_WINDOW, as a window manager
// would. It finds controls by label in the app's report (app/ui/shell/probe.hpp), never by a hard-coded
// pixel position, and checks the result in the report's state and in the screen's pixels.
//
//   App app({.args = {"--lesson", "funnel"}});
//   app.click("Play");
//   app.wait_for([](const json& r) { return r["state"]["engine"] == "playing"; }, "the fit plays");
//   app.key("ctrl+o");  app.type("/tmp/x.toml");  app.key("Return");
//
// VILAB_INPUT_SLOW=k multiplies every time-out (sanitizer builds). VILAB_TEST_SHOTS=dir keeps
// every screenshot a test takes there, to look at.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <array>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vilab::input_test {

using json = nlohmann::json;

struct Point {
  float x = 0, y = 0;
};

// A rectangle in the app window's pixels (as the report gives it).
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  Point centre() const { return {x + w / 2, y + h / 2}; }
  bool contains(Point p) const { return p.x >= x && p.x < x + w && p.y >= y && p.y < y + h; }
  bool intersects(const Rect& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
  float area() const { return w * h; }
};
Rect rect_of(const json& j);   // {x, y, w, h}
Rect frame_of(const json& j);  // an item's "frame" (a slider's or field's box, less its label), else its rect

// An RGB picture of the app window.
struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> rgb;
  std::array<int, 3> at(int x, int y) const;
  // How many distinct colours (quantized to 32 levels per channel) the rectangle holds: a blank
  // or uniform area has one or two.
  int distinct_colours(const Rect& r) const;
};

struct LaunchOptions {
  std::vector<std::string> args;   // after `vilab gui` (empty `command`), or after `command`
  std::string command = "gui";      // "gui", or "" for `vilab` with no subcommand (the first lesson / last scene)
  int width = 1600, height = 1000;  // the window (passed as --width/--height unless 0)
  double max_fps = 0;               // --max-fps (0: none)
  std::filesystem::path config_dir{};  // the settings folder (VILAB_CONFIG_DIR); empty: a fresh one
};

class App {
 public:
  explicit App(LaunchOptions options = {});
  ~App();  // closes the window if the test did not, then kills what is left
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  // [SECTION] What the app reports
  const json& report();  // the newest report (read again at each call)
  json state() { return report()["state"]; }
  // Waits until `pred(report)` holds (REQUIREs it, naming `what`), returns that report.
  json wait_for(const std::function<bool(const json&)>& pred, const std::string& what, double seconds = 20);
  // Waits until the app has drawn `n` more frames (so it has seen what was sent).
  void wait_frames(int n = 3);
  // The item labelled `label` (exactly, or its part before "##"), in a window whose name contains
  // `window` (empty: any), drawn and visible: waits for it up to `seconds`, scrolling its panel with
  // the mouse wheel when it is drawn but scrolled out of view; fails the test with the labels it
  // saw otherwise.
  Rect item(std::string_view label, std::string_view window = {}, double seconds = 20);
  std::optional<Rect> find(std::string_view label, std::string_view window = {});
  // Where a click on the item acts: a slider's, field's or combo's frame, without the label
  // beside it; else the item (waits for it as item() does).
  Rect target(std::string_view label, std::string_view window = {});
  // Every item labelled `label` drawn in the newest report, in drawing order (e.g. the grid's
  // cells, all "##density_frame").
  std::vector<Rect> all_items(std::string_view label);
  // The ImGui window whose name contains `name`, if it is drawn.
  std::optional<Rect> window(std::string_view name);
  bool has_window(std::string_view name) { return window(name).has_value(); }
  std::string popup() { return report()["popup"].get<std::string>(); }

  // [SECTION] Real input (xdotool)
  void move_to(Point p);  // window pixels
  void click(std::string_view label, std::string_view window = {}, int button = 1);
  void click_at(Point p, int button = 1);
  // A click with a key held (xdotool names: "ctrl", "shift"), e.g. Ctrl+click, ImGui's way into a
  // slider's text field.
  void click_with(const std::string& modifier, std::string_view label, std::string_view window = {});
  void double_click(std::string_view label, std::string_view window = {});
  void drag(Point from, Point to, int steps = 12);
  // A key as a person presses it: down, held ~70 ms, up. xdotool key names: "space", "Right",
  // "ctrl+o", "Escape", "Return", "F1", "1", "shift+Left".
  void key(const std::string& keys);
  void type(const std::string& text);  // characters with ~40 ms between them
  // Replaces the text of the field labelled `label` as a person does: click into it, select all
  // (after the field's first active frame, in which ImGui reads no keys), type.
  void replace_text(std::string_view label, const std::string& text);
  void hover_window();  // puts the pointer over the window (no WM: the keyboard follows it)

  // [SECTION] The window
  Image screenshot(const std::string& name = "");  // the window's pixels (kept under VILAB_TEST_SHOTS)
  void drop_file(const std::filesystem::path& path, Point at);  // XDND, as a file manager drops
  void close_window();                                           // WM_DELETE_WINDOW
  int wait_exit(double seconds = 15);                            // the exit code; fails on a time-out
  bool running();

  const std::filesystem::path& dir() const { return dir_; }  // the test's own temp folder
  std::string stderr_text() const;

 private:
  Point to_screen(Point p);
  std::string at(Point p);  // "X Y" on the screen, for xdotool
  const json* entry(std::string_view label, std::string_view window);
  void xdo(const std::string& args);
  std::filesystem::path dir_, probe_, config_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  json last_;
  std::string pointer_;  // where the pointer was last put ("X Y"), to skip a move that goes nowhere
};

// Every time-out multiplied by VILAB_INPUT_SLOW (default 1).
double slow_factor();

// A few lines saying what the report holds (for a failing check's message).
std::string describe(const json& report);

}  // namespace vilab::input_test
