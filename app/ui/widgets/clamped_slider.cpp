// app/ui/widgets/clamped_slider.cpp — see clamped_slider.hpp.
//
// Index
// [SECTION] Notes
// [SECTION] Pure logic
// [SECTION] The shared core
// [SECTION] The widgets
#include "app/ui/widgets/clamped_slider.hpp"

#include <imgui_internal.h>

#include "app/ui/shell/widget_probe.hpp"  // after <imgui.h>: the slider reports where it is

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

namespace vilab {

namespace {

// [SECTION] Notes

const ImVec4 kNoteColour{1.0f, 0.66f, 0.25f, 1.0f};  // the controls' orange (warnings)

struct Note {
  std::string label;  // the control's visible label (for the report)
  std::string text;
  double set_to = 0;  // the value the control was clamped to
  bool shown = false;  // drawn once (the first drawing scrolls it into sight)
};

// The notes by the ImGui ID of their control: UI thread only, like the other per-frame records.
// A control's note lives until the control is edited again or its value changes elsewhere.
std::unordered_map<ImGuiID, Note> g_notes;
std::vector<ClampNoteReport> g_drawn;  // the notes drawn in the last frame that drew a clamped control
int g_drawn_frame = -1;

std::string visible_label(const char* label) {
  const std::string s = label ? label : "";
  return s.substr(0, s.find("##"));
}

void start_frame_report() {
  const int frame = ImGui::GetFrameCount();
  if (frame == g_drawn_frame) return;
  g_drawn.clear();
  g_drawn_frame = frame;
}

}  // namespace

// [SECTION] Pure logic

std::string short_number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  // "1e+06" → "1e6", "2.5e-07" → "2.5e-7": what a person types.
  std::string s = buf;
  const size_t e = s.find('e');
  if (e == std::string::npos) return s;
  std::string mantissa = s.substr(0, e), exponent = s.substr(e + 1);
  std::string sign;
  if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) {
    if (exponent[0] == '-') sign = "-";
    exponent.erase(0, 1);
  }
  exponent.erase(0, std::min(exponent.find_first_not_of('0'), exponent.size() - 1));
  return mantissa + "e" + sign + exponent;
}

std::string clamp_note_text(double typed, double lo, double hi) {
  if (std::isnan(typed)) return "not a number: set to " + short_number(lo);
  if (typed > hi) return short_number(typed) + " > max " + short_number(hi) + ": set to " + short_number(hi);
  return short_number(typed) + " < min " + short_number(lo) + ": set to " + short_number(lo);
}

// [SECTION] The shared core

bool clamp_and_note(double& v, double lo, double hi, const char* label) {
  const ImGuiID id = ImGui::GetItemID();
  if (v >= lo && v <= hi) {
    g_notes.erase(id);
    return false;
  }
  const double typed = v;
  v = std::isnan(v) ? lo : std::clamp(v, lo, hi);
  g_notes[id] = Note{visible_label(label), clamp_note_text(typed, lo, hi), v};
  return true;
}

void draw_clamp_note(double current) {
  const ImGuiID id = ImGui::GetItemID();
  start_frame_report();
  const auto it = g_notes.find(id);
  if (it == g_notes.end()) return;
  if (current != it->second.set_to) {  // changed elsewhere (a lesson, a scene file): the note is old
    g_notes.erase(it);
    return;
  }
  // The note is drawn under the control; the control stays the last item for the caller's
  // tooltip and item queries.
  ImGuiContext& g = *ImGui::GetCurrentContext();
  const ImGuiLastItemData last = g.LastItemData;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(kNoteColour, "%s", it->second.text.c_str());
  ImGui::PopTextWrapPos();
  // A control at the bottom of a scrolled panel would hide its new note below the fold.
  if (!it->second.shown && !ImGui::IsItemVisible()) ImGui::SetScrollHereY(1.0f);
  it->second.shown = true;
  g.LastItemData = last;
  g_drawn.push_back({it->second.label, it->second.text});
}

std::vector<ClampNoteReport> last_clamp_notes() {
  // Within a frame (the probe's report): only that frame's notes; a frame that drew no clamped
  // control (the grid view) has none.
  if (ImGui::GetCurrentContext() && ImGui::GetFrameCount() != g_drawn_frame) return {};
  return g_drawn;
}

// [SECTION] The widgets

namespace {

// ImGui's slider without its clamp (so a typed value arrives as typed), then ours with a note.
template <class T>
bool slider_with_note(const char* label, ImGuiDataType type, T* v, T lo, T hi, const char* format, ImGuiSliderFlags flags) {
  const T before = *v;
  ImGui::SliderScalar(label, type, v, &lo, &hi, format, flags & ~ImGuiSliderFlags_AlwaysClamp);
  if (*v != before) {  // edited this frame (a drag stays in range; a typed value may not)
    double d = double(*v);
    if (clamp_and_note(d, double(lo), double(hi), label)) *v = T(d);
  }
  draw_clamp_note(double(*v));
  return *v != before;
}

}  // namespace

bool clamped_slider(const char* label, double* v, double lo, double hi, const char* format, ImGuiSliderFlags flags) {
  return slider_with_note(label, ImGuiDataType_Double, v, lo, hi, format, flags);
}

bool clamped_slider(const char* label, float* v, float lo, float hi, const char* format, ImGuiSliderFlags flags) {
  return slider_with_note(label, ImGuiDataType_Float, v, lo, hi, format, flags);
}

bool clamped_slider(const char* label, int* v, int lo, int hi, const char* format, ImGuiSliderFlags flags) {
  return slider_with_note(label, ImGuiDataType_S32, v, lo, hi, format, flags);
}

}  // namespace vilab
