// app/ui/shell/view_menu.cpp — see view_menu.hpp.
#include "app/ui/shell/view_menu.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/shell/keymap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <algorithm>

namespace vilab {

namespace {

constexpr float kZoomStep = 1.15f;  // one Ctrl + / Ctrl − press

void zoom(Look& l, float factor) {
  float& z = text_zoom_ref(l);
  z = factor > 0 ? std::clamp(z * factor, kFontScaleMin, kFontScaleMax) : 1.0f;
}

}  // namespace

void handle_view_keys(ViewState& v) {
  if (pressed(KeyAction::ZoomIn)) zoom(v.look, kZoomStep);
  if (pressed(KeyAction::ZoomOut)) zoom(v.look, 1 / kZoomStep);
  if (pressed(KeyAction::ZoomReset)) zoom(v.look, 0);
  if (pressed(KeyAction::Presentation)) v.look.presentation = !v.look.presentation;
  if (pressed(KeyAction::Fullscreen)) v.fullscreen = !v.fullscreen;
  if (pressed(KeyAction::KeyMap)) v.show_keymap = !v.show_keymap;
}

void draw_view_menu(ViewState& v) {
  if (!ImGui::BeginMenu("View")) return;
  Look& l = v.look;
  ImGui::MenuItem("Presentation mode", binding(KeyAction::Presentation).keys, &l.presentation);
  tooltip("For a lecture room: larger text (its own size, 1.75\u00D7 at first), lines and points 1.5\u00D7 as thick, "
          "and the high-contrast theme. Press again to return to the size you work at.");
  bool contrast = contrast_on(l);
  if (ImGui::MenuItem("High contrast", nullptr, &contrast, !l.presentation)) l.high_contrast = contrast;
  tooltip(l.presentation ? "Black background, white text, saturated plot colours and thicker borders. "
                           "Presentation mode always uses it."
                         : "Black background, white text, saturated plot colours and thicker borders: reads on a "
                           "projector in a lit room, where the dark grey theme washes out.");
  // The slider edits a copy: rebuilding the fonts on every frame of a drag would resize the menu
  // under the pointer.
  if (v.slider_zoom <= 0) v.slider_zoom = text_zoom(l);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  clamped_slider("Text size", &v.slider_zoom, kFontScaleMin, kFontScaleMax, "%.2f\u00D7");
  if (ImGui::IsItemDeactivatedAfterEdit()) text_zoom_ref(l) = v.slider_zoom;
  if (!ImGui::IsItemActive()) v.slider_zoom = text_zoom(l);
  tooltip("The size of all text, and of lines and points with it (1\u00D7 = the monitor's own scale). Presentation "
          "mode keeps its own size. The new size applies when you release the slider.");
  if (ImGui::MenuItem("Larger text", binding(KeyAction::ZoomIn).keys)) zoom(l, kZoomStep);
  tooltip("Text, lines and points 15 % larger.");
  if (ImGui::MenuItem("Smaller text", binding(KeyAction::ZoomOut).keys)) zoom(l, 1 / kZoomStep);
  tooltip("Text, lines and points 15 % smaller.");
  if (ImGui::MenuItem("Text size 1\u00D7", binding(KeyAction::ZoomReset).keys)) zoom(l, 0);
  tooltip("Text back to the monitor's own scale.");
  ImGui::Separator();
  ImGui::MenuItem("Fullscreen", binding(KeyAction::Fullscreen).keys, &v.fullscreen);
  tooltip("The whole primary monitor, without window borders; again to go back to the window as it was.");
  ImGui::MenuItem("Keyboard shortcuts", binding(KeyAction::KeyMap).keys, &v.show_keymap);
  tooltip("A window listing every key vilab knows.");
  ImGui::EndMenu();
}

}  // namespace vilab
