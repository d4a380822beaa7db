// app/ui/shell/keymap.cpp — see keymap.hpp.
#include "app/ui/shell/keymap.hpp"

#include "app/ui/shell/layout.hpp"

#include <imgui.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace vilab {

namespace {

using A = KeyAction;

// clang-format off
constexpr KeyBinding kKeymap[] = {
    {A::PlayPause,    GLFW_KEY_SPACE, -1, false, false, "Run", "Space", "play or pause the fit"},
    {A::Step,         GLFW_KEY_RIGHT, -1, false, true,  "Run", "\u2192 (Right)", "one optimizer step (hold to keep stepping); while the timeline is scrubbed back, one recorded step forward"},
    {A::Reset,        GLFW_KEY_R,     -1, false, false, "Run", "R", "reset q to its start (same seed: the same run again)"},
    {A::TimelineBack,  GLFW_KEY_LEFT, -1, false, true,  "Timeline", "\u2190 (Left)", "one recorded step back (Shift: ten); then \u2192 goes forward through the recording"},
    {A::TimelineStart, GLFW_KEY_HOME, -1, false, false, "Timeline", "Home", "the first recorded step"},
    {A::TimelineLive,  GLFW_KEY_END,  -1, false, false, "Timeline", "End", "back to the live fit"},
    {A::ZoomIn,       GLFW_KEY_EQUAL, GLFW_KEY_KP_ADD,      true, true,  "View", "Ctrl + =", "larger text, lines and points"},
    {A::ZoomOut,      GLFW_KEY_MINUS, GLFW_KEY_KP_SUBTRACT, true, true,  "View", "Ctrl + \u2212", "smaller text, lines and points"},
    {A::ZoomReset,    GLFW_KEY_0,     GLFW_KEY_KP_0,        true, false, "View", "Ctrl + 0", "text size back to 1\u00D7"},
    {A::Presentation, GLFW_KEY_F5,    -1, false, false, "View", "F5", "presentation mode: big text, thick lines, high contrast"},
    {A::Fullscreen,   GLFW_KEY_F11,   -1, false, false, "View", "F11", "fullscreen on the primary monitor, and back"},
    {A::KeyMap,       GLFW_KEY_F1,    -1, false, false, "View", "F1", "this list of keys"},
    {A::StepThrough,  GLFW_KEY_T,     -1, false, false, "Windows", "T", "the step-through window: one gradient step, sample by sample"},
    {A::Lesson1,      GLFW_KEY_1,     GLFW_KEY_KP_1, false, false, "Lessons", "1", "open lesson 1 of the lesson browser"},
    {A::Lesson2,      GLFW_KEY_2,     GLFW_KEY_KP_2, false, false, "Lessons", "2", "open lesson 2"},
    {A::Lesson3,      GLFW_KEY_3,     GLFW_KEY_KP_3, false, false, "Lessons", "3", "open lesson 3"},
    {A::Lesson4,      GLFW_KEY_4,     GLFW_KEY_KP_4, false, false, "Lessons", "4", "open lesson 4"},
    {A::Lesson5,      GLFW_KEY_5,     GLFW_KEY_KP_5, false, false, "Lessons", "5", "open lesson 5"},
    {A::Lesson6,      GLFW_KEY_6,     GLFW_KEY_KP_6, false, false, "Lessons", "6", "open lesson 6"},
    {A::Lesson7,      GLFW_KEY_7,     GLFW_KEY_KP_7, false, false, "Lessons", "7", "open lesson 7"},
    {A::Lesson8,      GLFW_KEY_8,     GLFW_KEY_KP_8, false, false, "Lessons", "8", "open lesson 8"},
    {A::Lesson9,      GLFW_KEY_9,     GLFW_KEY_KP_9, false, false, "Lessons", "9", "open lesson 9"},
    {A::OpenScene,    GLFW_KEY_O,     -1, true,  false, "Files", "Ctrl + O", "open a scene file (.toml)"},
    {A::SaveScene,    GLFW_KEY_S,     -1, true,  false, "Files", "Ctrl + S", "save the current scene to a file"},
    {A::Quit,         GLFW_KEY_Q,     -1, true,  false, "Files", "Ctrl + Q", "quit (the settings are saved)"},
};
// clang-format on

bool is_function_key(int key) { return key >= GLFW_KEY_F1 && key <= GLFW_KEY_F25; }

}  // namespace

std::span<const KeyBinding> keymap() { return kKeymap; }

const KeyBinding& binding(KeyAction action) {
  for (const KeyBinding& b : kKeymap)
    if (b.action == action) return b;
  throw std::logic_error("keymap: an action without a key");  // a missing row: the tests catch it
}

bool keys_held_back() { return ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel); }

bool pressed(KeyAction action) {
  const KeyBinding& b = binding(action);
  const ImGuiIO& io = ImGui::GetIO();
  if (keys_held_back()) return false;
  if (io.WantTextInput && !is_function_key(b.key)) return false;
  if (io.KeyCtrl != b.ctrl || io.KeyAlt || io.KeySuper) return false;
  return ImGui::IsKeyPressed(b.key, b.repeat) || (b.alt_key >= 0 && ImGui::IsKeyPressed(b.alt_key, b.repeat));
}

void draw_keymap_window(bool* open) {
  if (!*open) return;
  const float fs = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  center_next_window(ImGuiCond_Appearing);
  ImGui::SetNextWindowSize({std::min(fs * 34, vp->WorkSize.x * 0.9f), std::min(fs * 34, vp->WorkSize.y * 0.9f)},
                           ImGuiCond_Appearing);
  if (!ImGui::Begin("Keyboard (F1)", open, ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  ImGui::TextWrapped("Every key vilab knows. They act when no menu or dialog is open; letters, digits and "
                     "arrows also wait while a text field is being edited.");
  const char* group = nullptr;
  bool table = false;
  for (const KeyBinding& b : kKeymap) {
    if (!group || std::strcmp(group, b.group) != 0) {
      if (table) ImGui::EndTable();
      group = b.group;
      ImGui::Spacing();
      ImGui::TextDisabled("%s", group);
      table = ImGui::BeginTable(group, 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH);
      if (table) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, fs * 7);
        ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
      }
    }
    if (!table) continue;
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(b.keys);
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", b.what);
  }
  if (table) ImGui::EndTable();
  ImGui::End();
}

}  // namespace vilab
