// app/ui/panels/timeline_bar.cpp — see timeline_bar.hpp.
#include "app/ui/panels/timeline_bar.hpp"

#include "app/ui/shell/keymap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vilab {

namespace {

constexpr ImU32 kTrack = IM_COL32(60, 64, 78, 255);
constexpr ImU32 kTick = IM_COL32(120, 126, 145, 255);
constexpr ImU32 kShownFill = IM_COL32(110, 195, 255, 110);  // the recorded part up to the frame shown
constexpr ImU32 kHandle = IM_COL32(110, 195, 255, 255);     // the metrics panel's ELBO blue
constexpr ImU32 kLive = IM_COL32(115, 230, 128, 255);       // the status line's "playing" green

const double kSpeeds[] = {10, 30, 100, 300, 1000, 3000, 10000};

// The track: a line with a tick per recorded frame (thinned to one per few pixels) and a handle;
// click or drag anywhere on it to scrub.
void track(Timeline& tl, float width) {
  const float fs = ImGui::GetFontSize();
  const float h = ImGui::GetFrameHeight();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##timeline_track", {std::max(width, fs * 4), h});
  tooltip("The recorded snapshots of this run (one tick each; kept to at most 600, evenly spread). Click or "
          "drag to show the fit as it was at that step: the density view, q and the metrics go back, the "
          "engine carries on. \u2190/\u2192 move a frame, Home the first, End back to live.");
  const ImVec2 p1 = ImGui::GetItemRectMax();
  const float x0 = p0.x + fs * 0.5f, x1 = p1.x - fs * 0.5f, ym = (p0.y + p1.y) * 0.5f;
  const int64_t a = tl.first_step(), b = tl.last_step();
  const auto x_of = [&](int64_t s) { return b > a ? x0 + (x1 - x0) * float(double(s - a) / double(b - a)) : x1; };
  if (tl.size() > 0 && ImGui::IsItemActive()) {
    const float t = std::clamp((ImGui::GetIO().MousePos.x - x0) / std::max(x1 - x0, 1.0f), 0.0f, 1.0f);
    tl.stop_replay();
    tl.scrub_to_step(a + int64_t(std::llround(double(t) * double(b - a))));
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float px = fs / 18.0f;
  dl->AddRectFilled({x0, ym - 2 * px}, {x1, ym + 2 * px}, kTrack, 2 * px);
  float last_x = -1e9f;
  for (std::size_t i = 0; i < tl.size(); ++i) {
    const float x = x_of(tl.frame(i).step);
    if (x - last_x < 3 * px) continue;
    dl->AddLine({x, ym - 5 * px}, {x, ym + 5 * px}, kTick, px);
    last_x = x;
  }
  const long shown = tl.shown_index();
  if (shown >= 0) {
    const float x = x_of(tl.frame(std::size_t(shown)).step);
    dl->AddRectFilled({x0, ym - 2 * px}, {x, ym + 2 * px}, kShownFill, 2 * px);
    dl->AddCircleFilled({x, ym}, 7 * px, kHandle);
  } else if (tl.size() > 0) {
    dl->AddCircle({x1, ym}, 7 * px, kLive, 0, 2 * px);
  }
}

}  // namespace

void draw_recorded_frame_marker(const Timeline& tl) {
  if (tl.shown_index() < 0) return;
  // A frame in the handle's blue around the panel (outside the panel's clip rectangle), so
  // nobody mistakes the past for the live fit; the menu bar says which step it is.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float px = ImGui::GetFontSize() / 18.0f;
  const ImVec2 a = ImGui::GetWindowPos();
  const ImVec2 b{a.x + ImGui::GetWindowWidth(), a.y + ImGui::GetWindowHeight()};
  dl->PushClipRect(a, b, false);
  dl->AddRect({a.x + px, a.y + px}, {b.x - px, b.y - px}, kHandle, 4 * px, 0, 2.5f * px);
  dl->PopClipRect();
}

void draw_timeline_menu_note(const Timeline& tl) {
  const long shown = tl.shown_index();
  if (shown < 0) return;
  char label[128];
  std::snprintf(label, sizeof label, "showing the recorded step %lld%s \u00B7 End: back to live",
                static_cast<long long>(tl.frame(std::size_t(shown)).step), tl.replaying() ? " (replaying)" : "");
  const float w = ImGui::CalcTextSize(label).x;
  const float x = (ImGui::GetWindowWidth() - w) * 0.5f;
  if (x > ImGui::GetCursorPosX()) ImGui::SetCursorPosX(x);
  ImGui::TextColored({0.55f, 0.78f, 1.0f, 1.0f}, "%s", label);
}

std::string replay_speed_label(double steps_per_s) {
  char text[48];
  std::snprintf(text, sizeof text, "replay at %g steps/s", steps_per_s);
  return text;
}

float timeline_bar_height() { return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y; }

void draw_timeline_bar(Timeline& tl, const vi::Snapshot& live) {
  const float fs = ImGui::GetFontSize();
  tl.advance(double(ImGui::GetIO().DeltaTime));
  ImGui::PushID("##timeline");
  const bool empty = tl.size() == 0;
  ImGui::BeginDisabled(empty);
  if (ImGui::Button("\u21E4")) tl.scrub_by(-int(tl.size()));
  tooltip("Show the first recorded snapshot of the run (Home).");
  ImGui::SameLine(0, fs * 0.2f);
  if (ImGui::Button("\u25C0")) tl.scrub_by(-1);
  tooltip("One recorded snapshot back (\u2190; Shift \u2190: ten).");
  ImGui::SameLine(0, fs * 0.2f);
  if (tl.replaying()) {
    if (ImGui::Button("\u275A\u275A")) tl.stop_replay();
    tooltip("Stop the replay here.");
  } else {
    if (ImGui::Button("\u25B6 replay")) tl.replay(tl.replay_speed());
    tooltip("Replay the recording from the snapshot shown (from the start when live) at the chosen speed. "
            "Only the views move: the engine keeps its own state and carries on.");
  }
  ImGui::SameLine(0, fs * 0.2f);
  // "replay at …": the replay's own speed, which a glance must not take for the engine's speed
  // slider in the controls (how fast the fit runs).
  ImGui::SetNextItemWidth(ImGui::CalcTextSize(replay_speed_label(10000).c_str()).x + ImGui::GetFrameHeight() +
                          2 * ImGui::GetStyle().FramePadding.x);
  if (ImGui::BeginCombo("##replay_speed", replay_speed_label(tl.replay_speed()).c_str(), ImGuiComboFlags_HeightLarge)) {
    for (double s : kSpeeds)
      if (ImGui::Selectable(replay_speed_label(s).c_str(), s == tl.replay_speed())) tl.set_replay_speed(s);
    ImGui::EndCombo();
  }
  tooltip("How fast \u25B6 replay plays the recording back: recorded optimizer steps per second of wall time. "
          "Only the views move. This is not the fit's speed: the engine keeps running at the speed set in the "
          "controls (the \u201Cspeed\u201D slider under Play), whatever the replay does.");
  ImGui::EndDisabled();
  ImGui::SameLine(0, fs * 0.5f);

  // The readout at the right: which step is shown, and the live step.
  char label[128];
  const long shown = tl.shown_index();
  if (shown >= 0)
    std::snprintf(label, sizeof label, "step %lld of %lld", static_cast<long long>(tl.frame(std::size_t(shown)).step),
                  static_cast<long long>(live.step));
  else
    std::snprintf(label, sizeof label, "live, step %lld", static_cast<long long>(live.step));
  const float label_w = ImGui::CalcTextSize(label).x;
  const float live_w = ImGui::CalcTextSize("Live").x + 2 * ImGui::GetStyle().FramePadding.x;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  track(tl, ImGui::GetContentRegionAvail().x - label_w - live_w - 2 * spacing);
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  if (shown >= 0) ImGui::TextColored({0.55f, 0.78f, 1.0f, 1.0f}, "%s", label);
  else ImGui::TextDisabled("%s", label);
  ImGui::SameLine();
  ImGui::BeginDisabled(tl.live());
  if (ImGui::Button("Live")) tl.go_live();
  ImGui::EndDisabled();
  tooltip("Back to the engine's current state (End).");
  ImGui::PopID();
}

bool handle_timeline_keys(Timeline& tl) {
  // The keys are the keymap's (app/ui/shell/keymap.hpp); → is Step's, and scrubs forward only while the
  // recording is scrubbed back (live, it steps the fit).
  const int n = ImGui::GetIO().KeyShift ? 10 : 1;
  bool used_right = false;
  if (pressed(KeyAction::TimelineBack)) tl.scrub_by(-n);
  if (!tl.live() && pressed(KeyAction::Step)) {
    tl.scrub_by(n);
    used_right = true;
  }
  if (pressed(KeyAction::TimelineStart)) tl.scrub_by(-int(tl.size()));
  if (pressed(KeyAction::TimelineLive)) tl.go_live();
  return used_right;
}

}  // namespace vilab
