// app/ui/windows/tool_windows.cpp — the registry of tool windows (one line per window) and the set of
// their states the app keeps.
//
// Index
// [SECTION] The registry
// [SECTION] ToolWindowSet
#include "app/ui/windows/tool_window.hpp"

#include "app/ui/windows/bnn_window.hpp"
#include "app/ui/windows/cavi_window.hpp"
#include "app/ui/windows/estimator_panel.hpp"
#include "app/ui/windows/step_through_window.hpp"
#include "app/ui/windows/vae_window.hpp"

#include <algorithm>
#include <memory>

namespace vilab {

// [SECTION] The registry

const std::vector<ToolWindowEntry>& tool_windows() {
  // In the layout's order (top to bottom in the right column), which is also the drawing order.
  static const std::vector<ToolWindowEntry> entries{
      gradvar_tool_window(),
      step_through_tool_window(),
      landscape_tool_window(),
      normal_gamma_tool_window(),
      gmm_tool_window(),
      vae_tool_window(),
      bnn_tool_window(),
  };
  return entries;
}

const ToolWindowEntry* find_tool_window(std::string_view key) {
  for (const ToolWindowEntry& e : tool_windows())
    if (e.key == key) return &e;
  return nullptr;
}

bool opened_by_options(const ToolWindowEntry& e, const GuiOptions& o) {
  if (e.opened_by) return e.opened_by(o);
  return std::find(o.model_windows.begin(), o.model_windows.end(), e.key) != o.model_windows.end();
}

// [SECTION] ToolWindowSet

namespace {

// A window's trainer in the shape follow_window takes (app/ui/shell/trainer_follows_window.hpp).
struct TrainerOf {
  ToolWindowState& state;
  struct Frame {
    bool playing = false;
  };
  std::unique_ptr<Frame> frame() const { return std::make_unique<Frame>(Frame{state.trainer_playing().value_or(false)}); }
  void play() { state.set_trainer_playing(true); }
  void pause() { state.set_trainer_playing(false); }
};

}  // namespace

ToolWindowSet::ToolWindowSet() {
  for (const ToolWindowEntry& e : tool_windows()) slots_.push_back({&e, e.make(), {}});
}

void ToolWindowSet::start(const GuiOptions& options, bool shot, const OpenWindows& open) {
  for (Slot& s : slots_) s.state->start({options, shot, open.shown(s.entry->key)});
}

void ToolWindowSet::show_scene(const SceneFile& f, const OpenWindows& before) {
  for (Slot& s : slots_)
    if (s.state->show_scene(f, before.shown(s.entry->key))) s.follow = {};
}

void ToolWindowSet::capture_scene(ScenePanels& p) const {
  p.model_settings.clear();
  bool settings_taken = false;
  for (const Slot& s : slots_) {
    s.state->capture_scene(p);
    if (settings_taken || !p.window(s.entry->key)) continue;
    if (const auto* m = s.state->model_settings()) p.model_settings = *m, settings_taken = true;
  }
}

void ToolWindowSet::draw(OpenWindows& shown, const ToolFrame& frame) {
  for (Slot& s : slots_) {
    bool open = shown.shown(s.entry->key);
    if (s.entry->close == ClosePolicy::PauseTrainer) {
      TrainerOf trainer{*s.state};
      follow_window(s.follow, s.state->trainer_playing() ? &trainer : nullptr, open);
    }
    s.state->draw(&open, frame);
    shown.set(s.entry->key, open);
  }
}

std::array<bool, kToolWindows> ToolWindowSet::docked(const OpenWindows& shown) const {
  std::array<bool, kToolWindows> t{};
  for (const Slot& s : slots_) t[size_t(s.entry->dock)] = shown.shown(s.entry->key);
  return t;
}

nlohmann::json ToolWindowSet::trainers() const {
  nlohmann::json j = nlohmann::json::object();
  for (const Slot& s : slots_) {
    if (s.entry->close != ClosePolicy::PauseTrainer) continue;
    const std::optional<bool> playing = s.state->trainer_playing();
    j[s.entry->key] = playing ? nlohmann::json(*playing ? "playing" : "paused") : nlohmann::json();
  }
  return j;
}

void ToolWindowSet::probe() const {
  for (const Slot& s : slots_) s.state->probe();
}

void ToolWindowSet::release() {
  for (Slot& s : slots_) s.state->release();
}

}  // namespace vilab
