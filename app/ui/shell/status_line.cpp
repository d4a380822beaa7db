// app/ui/shell/status_line.cpp — step, speed, frame rate and engine state in one line.
#include "app/ui/shell/status_line.hpp"

#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"

#include <imgui.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

ImVec4 state_colour(vi::EngineState s) {
  switch (s) {
    case vi::EngineState::Playing: return {0.45f, 0.90f, 0.50f, 1.0f};
    case vi::EngineState::Paused: return {0.80f, 0.82f, 0.88f, 1.0f};
    case vi::EngineState::Diverged: return {1.0f, 0.66f, 0.25f, 1.0f};
    case vi::EngineState::Error: return {1.0f, 0.42f, 0.38f, 1.0f};
  }
  return {1, 1, 1, 1};
}

std::string state_name(const vi::Snapshot& snap) {
  switch (snap.state) {
    case vi::EngineState::Playing: return "playing";
    case vi::EngineState::Paused: return "paused";
    case vi::EngineState::Diverged:
    case vi::EngineState::Error: {
      std::string s = trouble_heading(snap);
      for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
      return s;
    }
  }
  return "?";
}

void separator() {
  ImGui::SameLine();
  ImGui::TextDisabled("\u2502");
  ImGui::SameLine();
}

}  // namespace

std::string trouble_heading(const vi::Snapshot& fit) {
  if (fit.state == vi::EngineState::Error) return "Error";
  return fit.failure.target() ? "Target undefined" : "Diverged";
}

void draw_status_line(const vi::Snapshot& snap) {
  const std::string state = state_name(snap);
  ImGui::TextColored(state_colour(snap.state), "\u25CF %s", state.c_str());
  probe_state("status", state);
  probe_state("fit_id", snap.fit_id);
  probe_state("failure_target", snap.failure.target());
  separator();
  ImGui::Text("step %lld", static_cast<long long>(snap.step));
  separator();
  if (snap.speed_limit > 0)
    ImGui::Text("%.0f steps/s (limit %.0f)", snap.steps_per_s, snap.speed_limit);
  else
    ImGui::Text("%.0f steps/s (no limit)", snap.steps_per_s);
  separator();
  ImGui::Text("%.0f fps", double(ImGui::GetIO().Framerate));
  separator();
  const vi::Scene& s = snap.scene;
  const double beta = s.beta(snap.step);
  if (beta < 1) {
    // While annealing: the current β, and when it reaches 1.
    ImGui::TextColored({0.98f, 0.85f, 0.45f, 1.0f}, "\u03B2 = %.3f (1 at step %d)", beta, s.anneal);
    separator();
  }
  std::string fits = fit_label(s);
  if (!snap.comparison.empty()) fits += " vs " + std::to_string(snap.comparison.size()) + " more";
  ImGui::TextDisabled("%s \u00B7 %s \u00B7 %s \u03B7 = %s \u00B7 S = %d \u00B7 seed %llu", s.target.c_str(),
                      fits.c_str(), s.optimizer.c_str(), plot::format_value(s.lr).c_str(), s.samples,
                      static_cast<unsigned long long>(s.seed));
  // The engine's message is shown in full at the top of the control panel; here only the keys.
  draw_key_hint("Space play/pause \u00B7 \u2192 step \u00B7 R reset \u00B7 Ctrl \u00B1 text size");
}

void draw_key_hint(const char* keys) {
  const float keys_w = ImGui::CalcTextSize(keys).x;
  ImGui::SameLine();
  const float x = ImGui::GetWindowContentRegionMax().x - keys_w;
  if (x > ImGui::GetCursorPosX() + ImGui::GetFontSize()) {
    ImGui::SetCursorPosX(x);
    ImGui::TextDisabled("%s", keys);
  }
}

}  // namespace vilab
