// tests/app/ui/test_clamped_slider.cpp — a typed value outside a slider's range is clamped and says
// so (app/ui/widgets/clamped_slider.hpp): the note's text, and the note's life in a headless ImGui context
// (no window, no GL: the font atlas is built in memory). The real typing is tests/input's.
#include "app/ui/widgets/clamped_slider.hpp"

#include <catch2/catch.hpp>
#include <imgui.h>

#include <cmath>
#include <limits>
#include <string>

namespace {

// An ImGui context that can run frames without a window or a renderer.
struct HeadlessImGui {
  HeadlessImGui() {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = {800, 600};
    io.DeltaTime = 1.0f / 60;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the atlas
  }
  ~HeadlessImGui() { ImGui::DestroyContext(); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  template <class Body>
  void frame(Body&& body) {
    ImGui::NewFrame();
    ImGui::Begin("test");
    body();
    ImGui::End();
    ImGui::Render();
  }
};

}  // namespace

TEST_CASE("clamped slider: numbers read as typed, and the note says what was typed and what was set", "[clamp]") {
  CHECK(vilab::short_number(1e6) == "1e6");
  CHECK(vilab::short_number(1) == "1");
  CHECK(vilab::short_number(0.0001) == "0.0001");
  CHECK(vilab::short_number(4096) == "4096");
  CHECK(vilab::short_number(100000) == "100000");
  CHECK(vilab::short_number(2.5e-7) == "2.5e-7");
  CHECK(vilab::short_number(-3) == "-3");
  CHECK(vilab::clamp_note_text(1e6, 1e-4, 1) == "1e6 > max 1: set to 1");
  CHECK(vilab::clamp_note_text(100000, 1, 4096) == "100000 > max 4096: set to 4096");
  CHECK(vilab::clamp_note_text(-3, 1e-4, 1) == "-3 < min 0.0001: set to 0.0001");
  CHECK(vilab::clamp_note_text(std::nan(""), 0, 1).find("set to 0") != std::string::npos);
}

TEST_CASE("clamped slider: an out-of-range edit is clamped and noted until the next edit or a change elsewhere", "[clamp]") {
  HeadlessImGui ui;
  double lr = 0.05;
  // The widget draws and notes nothing while the value is in range and untouched.
  ui.frame([&] { vilab::clamped_slider("learning rate##lr", &lr, 1e-4, 1.0, "%.4g"); });
  CHECK(vilab::last_clamp_notes().empty());

  // What the widget does after ImGui's unclamped slider took a typed 1e6.
  ui.frame([&] {
    ImGui::Button("learning rate##lr_item");  // stands for the slider: the note is the last item's
    const ImVec2 control = ImGui::GetItemRectMin();
    double typed = 1e6;
    CHECK(vilab::clamp_and_note(typed, 1e-4, 1.0, "learning rate##lr_item"));
    CHECK(typed == 1.0);
    lr = typed;
    vilab::draw_clamp_note(lr);
    // The last item is still the control (a tooltip after the widget means the control).
    CHECK(ImGui::GetItemRectMin().x == control.x);
    CHECK(ImGui::GetItemRectMin().y == control.y);
  });
  REQUIRE(vilab::last_clamp_notes().size() == 1);
  CHECK(vilab::last_clamp_notes()[0].label == "learning rate");
  CHECK(vilab::last_clamp_notes()[0].text == "1e6 > max 1: set to 1");

  // It stays while the value is the one it was set to …
  ui.frame([&] {
    ImGui::Button("learning rate##lr_item");
    vilab::draw_clamp_note(lr);
  });
  CHECK(vilab::last_clamp_notes().size() == 1);
  // … and goes when the control is edited in range …
  ui.frame([&] {
    ImGui::Button("learning rate##lr_item");
    double v = 0.5;
    CHECK_FALSE(vilab::clamp_and_note(v, 1e-4, 1.0, "learning rate##lr_item"));
    vilab::draw_clamp_note(v);
  });
  CHECK(vilab::last_clamp_notes().empty());

  // … or when the value changed elsewhere (a lesson opened): the note would be about the past.
  ui.frame([&] {
    ImGui::Button("samples S##s_item");
    double s = 100000;
    vilab::clamp_and_note(s, 1, 4096, "samples S##s_item");
    vilab::draw_clamp_note(s);
  });
  CHECK(vilab::last_clamp_notes().size() == 1);
  ui.frame([&] {
    ImGui::Button("samples S##s_item");
    vilab::draw_clamp_note(64);
  });
  CHECK(vilab::last_clamp_notes().empty());
}

TEST_CASE("clamped slider: every overload keeps a value in range and returns whether it changed", "[clamp]") {
  HeadlessImGui ui;
  int S = 64;
  float f = 0.5f;
  double d = 0.5;
  bool changed = true;
  ui.frame([&] {
    changed = vilab::clamped_slider("S##int", &S, 1, 4096) || vilab::clamped_slider("f##float", &f, 0.0f, 1.0f) ||
              vilab::clamped_slider("d##double", &d, 0.0, 1.0);
  });
  CHECK_FALSE(changed);  // untouched: nothing to say
  CHECK(S == 64);
  CHECK(vilab::last_clamp_notes().empty());
}
