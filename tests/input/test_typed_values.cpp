// tests/input/test_typed_values.cpp — a value typed into a slider (Ctrl+click, type, Enter) that
// lies outside its range is set to the nearest end, and an orange note under the slider says so
// (app/ui/widgets/clamped_slider.hpp); the next edit in range takes the note away.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <string>

namespace {

using namespace vilab::input_test;

void type_into_slider(App& app, const char* label, const std::string& text) {
  app.click_with("ctrl", label);  // Ctrl+click: ImGui's way into a slider's text field
  app.wait_for([](const json& r) { return r["text_input"].get<bool>(); }, std::string(label) + ": its text field has the keyboard");
  app.wait_frames(2);  // ImGui reads no keys in a field's first active frame
  app.key("ctrl+a");
  app.type(text);
  app.key("Return");
  app.wait_for([](const json& r) { return !r["text_input"].get<bool>(); }, "Enter leaves the field");
}

bool has_note(const json& r, const std::string& label, const std::string& text) {
  for (const json& n : r["state"].value("clamp_notes", json::array()))
    if (n["label"] == label && n["text"] == text) return true;
  return false;
}

// Pixels of the note's orange in the band under a slider.
long orange_under(const Image& img, const Rect& slider) {
  long n = 0;
  for (int y = int(slider.y + slider.h); y < int(slider.y + slider.h * 2.2f) && y < img.h; ++y)
    for (int x = int(slider.x); x < int(slider.x + slider.w) && x < img.w; ++x) {
      const auto c = img.at(x, y);
      n += c[0] > 200 && c[1] > 130 && c[1] < 200 && c[2] < 110;
    }
  return n;
}

}  // namespace

TEST_CASE("A learning rate of 1e6 typed into its slider is set to 1, and a note under it says so", "[input][typed_values]") {
  App app({.args = {"--target", "banana"}});
  const Rect lr = app.item("learning rate \u03B7");
  CHECK(orange_under(app.screenshot(), lr) == 0);
  type_into_slider(app, "learning rate \u03B7", "1e6");
  app.wait_for([](const json& r) { return has_note(r, "learning rate \u03B7", "1e6 > max 1: set to 1"); },
               "the note \"1e6 > max 1: set to 1\"");
  const Rect at = app.item("learning rate \u03B7");  // the panel may have scrolled the note into sight
  CHECK(orange_under(app.screenshot("typed_lr"), at) > 30);

  // An edit in range takes the note away.
  type_into_slider(app, "learning rate \u03B7", "0.01");
  app.wait_for([](const json& r) { return r["state"]["clamp_notes"].empty(); }, "no note after 0.01");
}

TEST_CASE("Samples S of 100000 typed into its slider are set to 4096, and a note says so", "[input][typed_values]") {
  App app({.args = {"--target", "banana"}});
  type_into_slider(app, "samples S", "100000");
  app.wait_for([](const json& r) { return has_note(r, "samples S", "100000 > max 4096: set to 4096"); },
               "the note \"100000 > max 4096: set to 4096\"");
}
