// app/ui/widgets/clamped_slider.hpp — sliders whose typed value is kept in range, and that say so.
//
// ImGui's ImGuiSliderFlags_AlwaysClamp clamps a value typed into a slider (Ctrl+click, or a
// double-click, then type) without a word: "1e6" in the learning rate quietly became 1, and
// "100000" samples became 4096. These sliders draw ImGui's slider without its clamp, clamp the
// value themselves, and show a short orange note under the control ("1e6 > max 1: set to 1")
// until the control is edited again (or its value is changed from elsewhere, e.g. by a lesson).
//
// The widgets keep ImGui's "last item" on the slider, so a tooltip(), IsItemHovered() or
// IsItemDeactivatedAfterEdit() after them still means the slider, as with ImGui's own.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace vilab {

// [SECTION] The widgets (drop-in for ImGui::SliderScalar / SliderInt / SliderFloat with
// ImGuiSliderFlags_AlwaysClamp; the flag is implied). Return true when the value changed.

bool clamped_slider(const char* label, double* v, double lo, double hi, const char* format = "%.3g",
                    ImGuiSliderFlags flags = 0);
bool clamped_slider(const char* label, float* v, float lo, float hi, const char* format = "%.3f",
                    ImGuiSliderFlags flags = 0);
bool clamped_slider(const char* label, int* v, int lo, int hi, const char* format = "%d", ImGuiSliderFlags flags = 0);

// [SECTION] The shared core (any value widget: call right after it, with its value)

// Call when the last item was edited this frame: when `v` lies outside [lo, hi] (NaN counts as
// outside), clamps it and notes why against the item (`label`: its ImGui label, for the report);
// a value in range clears the item's note. Returns true when it clamped.
bool clamp_and_note(double& v, double lo, double hi, const char* label = nullptr);
// Draws the last item's note, if any (under it), while the value is still the one it was set to;
// the last item stays the widget's.
void draw_clamp_note(double current);

// [SECTION] Pure logic (tested headless)

// "1e6 > max 1: set to 1", "-3 < min 0.0001: set to 0.0001" (numbers in their short form).
std::string clamp_note_text(double typed, double lo, double hi);
// A number as a person would type it: 1e6, 0.0001, 4096, 2.5e-7.
std::string short_number(double v);

// The notes drawn in the current (or, after it ended, the last) frame, for tests and the probe.
struct ClampNoteReport {
  std::string label;
  std::string text;
};
std::vector<ClampNoteReport> last_clamp_notes();

}  // namespace vilab
