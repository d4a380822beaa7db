// app/ui/shell/widget_probe.hpp — Dear ImGui's widgets, as vilab's code calls them, reporting where they are.
//
// A test that drives the app with real X input must find a control by its label (app/ui/shell/probe.hpp).
// Dear ImGui 1.86 as Debian builds it has no item hook (its test-engine hooks are compiled out),
// so the widgets themselves say where they are: inside namespace vilab, `ImGui::Button(…)` names
// vilab::ImGui::Button below, which draws ::ImGui::Button and records its label and rectangle
// when a test asked for the report. Every other ImGui function is found through the using-
// directive unchanged. Files that draw widgets include this header after <imgui.h>.
//
// A wrapper hides every overload of its name, so each wrapped name declares them all.
#pragma once

#include "app/ui/shell/probe.hpp"

#include <imgui.h>

namespace vilab::ImGui {

using namespace ::ImGui;

// [SECTION] Buttons and toggles

inline bool Button(const char* label, const ImVec2& size = ImVec2(0, 0)) {
  const bool r = ::ImGui::Button(label, size);
  probe_item(label);
  return r;
}
inline bool SmallButton(const char* label) {
  const bool r = ::ImGui::SmallButton(label);
  probe_item(label);
  return r;
}
inline bool InvisibleButton(const char* str_id, const ImVec2& size, ImGuiButtonFlags flags = 0) {
  const bool r = ::ImGui::InvisibleButton(str_id, size, flags);
  probe_item(str_id);
  return r;
}
inline bool ArrowButton(const char* str_id, ImGuiDir dir) {
  const bool r = ::ImGui::ArrowButton(str_id, dir);
  probe_item(str_id);
  return r;
}
inline bool Checkbox(const char* label, bool* v) {
  const bool r = ::ImGui::Checkbox(label, v);
  probe_item(label);
  return r;
}
inline bool RadioButton(const char* label, bool active) {
  const bool r = ::ImGui::RadioButton(label, active);
  probe_item(label);
  return r;
}
inline bool RadioButton(const char* label, int* v, int v_button) {
  const bool r = ::ImGui::RadioButton(label, v, v_button);
  probe_item(label);
  return r;
}

// [SECTION] Sliders and input fields

inline bool SliderFloat(const char* label, float* v, float v_min, float v_max, const char* format = "%.3f",
                        ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::SliderFloat(label, v, v_min, v_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool SliderInt(const char* label, int* v, int v_min, int v_max, const char* format = "%d", ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::SliderInt(label, v, v_min, v_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool SliderScalar(const char* label, ImGuiDataType data_type, void* p_data, const void* p_min, const void* p_max,
                         const char* format = nullptr, ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::SliderScalar(label, data_type, p_data, p_min, p_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool SliderScalarN(const char* label, ImGuiDataType data_type, void* p_data, int components, const void* p_min,
                          const void* p_max, const char* format = nullptr, ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::SliderScalarN(label, data_type, p_data, components, p_min, p_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool DragFloat(const char* label, float* v, float v_speed = 1.0f, float v_min = 0.0f, float v_max = 0.0f,
                      const char* format = "%.3f", ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::DragFloat(label, v, v_speed, v_min, v_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool DragInt(const char* label, int* v, float v_speed = 1.0f, int v_min = 0, int v_max = 0, const char* format = "%d",
                    ImGuiSliderFlags flags = 0) {
  const bool r = ::ImGui::DragInt(label, v, v_speed, v_min, v_max, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputText(const char* label, char* buf, size_t buf_size, ImGuiInputTextFlags flags = 0,
                      ImGuiInputTextCallback callback = nullptr, void* user_data = nullptr) {
  const bool r = ::ImGui::InputText(label, buf, buf_size, flags, callback, user_data);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputTextMultiline(const char* label, char* buf, size_t buf_size, const ImVec2& size = ImVec2(0, 0),
                               ImGuiInputTextFlags flags = 0, ImGuiInputTextCallback callback = nullptr,
                               void* user_data = nullptr) {
  const bool r = ::ImGui::InputTextMultiline(label, buf, buf_size, size, flags, callback, user_data);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputTextWithHint(const char* label, const char* hint, char* buf, size_t buf_size, ImGuiInputTextFlags flags = 0,
                              ImGuiInputTextCallback callback = nullptr, void* user_data = nullptr) {
  const bool r = ::ImGui::InputTextWithHint(label, hint, buf, buf_size, flags, callback, user_data);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputInt(const char* label, int* v, int step = 1, int step_fast = 100, ImGuiInputTextFlags flags = 0) {
  const bool r = ::ImGui::InputInt(label, v, step, step_fast, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputFloat(const char* label, float* v, float step = 0.0f, float step_fast = 0.0f, const char* format = "%.3f",
                       ImGuiInputTextFlags flags = 0) {
  const bool r = ::ImGui::InputFloat(label, v, step, step_fast, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputDouble(const char* label, double* v, double step = 0.0, double step_fast = 0.0, const char* format = "%.6f",
                        ImGuiInputTextFlags flags = 0) {
  const bool r = ::ImGui::InputDouble(label, v, step, step_fast, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputScalar(const char* label, ImGuiDataType data_type, void* p_data, const void* p_step = nullptr,
                        const void* p_step_fast = nullptr, const char* format = nullptr, ImGuiInputTextFlags flags = 0) {
  const bool r = ::ImGui::InputScalar(label, data_type, p_data, p_step, p_step_fast, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool InputScalarN(const char* label, ImGuiDataType data_type, void* p_data, int components, const void* p_step = nullptr,
                         const void* p_step_fast = nullptr, const char* format = nullptr, ImGuiInputTextFlags flags = 0) {
  const bool r = ::ImGui::InputScalarN(label, data_type, p_data, components, p_step, p_step_fast, format, flags);
  probe_item(label, /*label_beside=*/true);
  return r;
}

// [SECTION] Combos, lists and menus

inline bool BeginCombo(const char* label, const char* preview_value, ImGuiComboFlags flags = 0) {
  const bool r = ::ImGui::BeginCombo(label, preview_value, flags);
  probe_item(label, /*label_beside=*/true);  // the combo's box: BeginCombo leaves it as the last item either way
  return r;
}
inline bool Combo(const char* label, int* current_item, const char* const items[], int items_count,
                  int popup_max_height_in_items = -1) {
  const bool r = ::ImGui::Combo(label, current_item, items, items_count, popup_max_height_in_items);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool Combo(const char* label, int* current_item, const char* items_separated_by_zeros, int popup_max_height_in_items = -1) {
  const bool r = ::ImGui::Combo(label, current_item, items_separated_by_zeros, popup_max_height_in_items);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool Combo(const char* label, int* current_item, bool (*items_getter)(void* data, int idx, const char** out_text),
                  void* data, int items_count, int popup_max_height_in_items = -1) {
  const bool r = ::ImGui::Combo(label, current_item, items_getter, data, items_count, popup_max_height_in_items);
  probe_item(label, /*label_beside=*/true);
  return r;
}
inline bool Selectable(const char* label, bool selected = false, ImGuiSelectableFlags flags = 0, const ImVec2& size = ImVec2(0, 0)) {
  const bool r = ::ImGui::Selectable(label, selected, flags, size);
  probe_item(label);
  return r;
}
inline bool Selectable(const char* label, bool* p_selected, ImGuiSelectableFlags flags = 0, const ImVec2& size = ImVec2(0, 0)) {
  const bool r = ::ImGui::Selectable(label, p_selected, flags, size);
  probe_item(label);
  return r;
}
inline bool BeginMenu(const char* label, bool enabled = true) {
  const bool r = ::ImGui::BeginMenu(label, enabled);
  probe_item(label);
  return r;
}
inline bool MenuItem(const char* label, const char* shortcut = nullptr, bool selected = false, bool enabled = true) {
  const bool r = ::ImGui::MenuItem(label, shortcut, selected, enabled);
  probe_item(label);
  return r;
}
inline bool MenuItem(const char* label, const char* shortcut, bool* p_selected, bool enabled = true) {
  const bool r = ::ImGui::MenuItem(label, shortcut, p_selected, enabled);
  probe_item(label);
  return r;
}
inline bool CollapsingHeader(const char* label, ImGuiTreeNodeFlags flags = 0) {
  const bool r = ::ImGui::CollapsingHeader(label, flags);
  probe_item(label);
  return r;
}
inline bool CollapsingHeader(const char* label, bool* p_visible, ImGuiTreeNodeFlags flags = 0) {
  const bool r = ::ImGui::CollapsingHeader(label, p_visible, flags);
  probe_item(label);
  return r;
}

}  // namespace vilab::ImGui
