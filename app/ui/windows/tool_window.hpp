// app/ui/windows/tool_window.hpp — the registry of tool windows: one entry per floating window (the
// gradient variance, the step-through, the landscape, the CAVI, VAE and BNN windows).
//
// Each window registers itself, as Box2D's samples do with RegisterSample: its window file defines
// an entry (its [panels] key, its place in the layout, its Models-menu line, the command-line
// switch that opens it, what closing it does, and a factory for its state) and
// app/ui/windows/tool_windows.cpp lists the entries, one line each. The app (app/ui/shell/gui.cpp)
// keeps one ToolWindowSet and iterates it: drawing, opening a scene file, saving one, shot mode's
// start, the probe and the release at exit never name a window. The scene file's [panels] keys
// are app/io's (panel_window_keys(): app/io cannot see this registry); a test checks the two lists
// agree.
//
// Adding a window: its window file (state, draw, and an entry) and one line in tool_windows.cpp;
// a window that draws a model of its own with its own trainer also registers the model in
// vi/models/models.cpp (which gives it its [panels] key and `--model NAME`) and takes a slot
// in the layout (app/ui/shell/layout.hpp: ToolWindow).
#pragma once

#include "app/io/gui_options.hpp"
#include "app/io/scene_file.hpp"
#include "app/ui/shell/layout.hpp"
#include "app/ui/shell/trainer_follows_window.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vilab {

// What a tool window draws from in a frame: the engine (commands only) and its latest snapshot.
struct ToolFrame {
  vi::Engine& engine;
  const vi::Snapshot& snap;
};

// How the app opens: the command line, shot mode, and whether the first scene opens this window.
struct ToolStart {
  const GuiOptions& options;
  bool shot = false;
  bool open = false;
};

// What closing a window does to what it runs.
enum class ClosePolicy {
  Keep,          // its state stays as it was, and opening it again shows it so
  PauseTrainer,  // its background trainer pauses while it is closed, and resumes on reopening if it
                 // was playing (app/ui/shell/trainer_follows_window.hpp)
};

// A tool window's state, owned by the app from start to exit (one per entry, made at start).
class ToolWindowState {
 public:
  virtual ~ToolWindowState() = default;
  // Draws the window while *open (its close button clears it); also called while closed.
  virtual void draw(bool* open, const ToolFrame& frame) = 0;
  // Once, after the first scene is shown: the command line's and shot mode's settings.
  virtual void start(const ToolStart&) {}
  // A scene file is shown; `was_open`: the window was open before. Returns true when the window
  // started afresh (a model window whose settings changed: a new trainer).
  virtual bool show_scene(const SceneFile&, bool /*was_open*/) { return false; }
  // The session is saved as a scene file: the window's own [panels] values (e.g. step_reveal).
  virtual void capture_scene(ScenePanels&) const {}
  // The settings of its model (the [panels] model_settings; null for a window without).
  virtual const std::map<std::string, double>* model_settings() const { return nullptr; }
  // Its background trainer: playing or paused (nullopt: none, or not made yet), and play / pause.
  virtual std::optional<bool> trainer_playing() const { return std::nullopt; }
  virtual void set_trainer_playing(bool) {}
  // Notes what a real-input test reads back (app/ui/shell/probe.hpp), when the probe is on.
  virtual void probe() const {}
  // Before the ImGui context and the GL context go: GL textures, jobs, trainer threads.
  virtual void release() {}
};

// The trainer side of a window whose state owns a vi::LiveTrainer (`live`, a smart pointer; empty
// until the window first trains): the windows of models with their own trainer share these.
template <class LivePtr>
std::optional<bool> live_trainer_playing(const LivePtr& live) {
  if (!live) return std::nullopt;
  return live->frame()->playing;
}
template <class LivePtr>
void set_live_trainer_playing(LivePtr& live, bool play) {
  if (!live) return;
  if (play) live->play();
  else live->pause();
}

struct ToolWindowEntry {
  std::string key;             // its [panels] key (app/io: panel_window_keys()), its name in the probe
  ToolWindow dock = ToolWindow::GradientVariance;  // its slot in the layout (app/ui/shell/layout.hpp)
  // The Models menu and the controls' Models buttons list it under this name (windows that draw a
  // model of their own); empty: not listed there.
  std::string menu_name;
  std::string help;            // the menu item's and the button's tooltip
  // The command-line switch that opens it (GuiOptions); null: `--model KEY` (GuiOptions::model_windows).
  bool (*opened_by)(const GuiOptions&) = nullptr;
  ClosePolicy close = ClosePolicy::Keep;
  std::unique_ptr<ToolWindowState> (*make)() = nullptr;
};

// Every tool window, in the layout's order (app/ui/windows/tool_windows.cpp).
const std::vector<ToolWindowEntry>& tool_windows();
const ToolWindowEntry* find_tool_window(std::string_view key);  // null when unknown

// Whether the command line opens `e`.
bool opened_by_options(const ToolWindowEntry& e, const GuiOptions& o);

// Every registered window's state, in the registry's order: what the app keeps (UiState).
class ToolWindowSet {
 public:
  ToolWindowSet();
  ToolWindowSet(const ToolWindowSet&) = delete;
  ToolWindowSet& operator=(const ToolWindowSet&) = delete;

  void start(const GuiOptions& options, bool shot, const OpenWindows& open);
  // `before`: the windows open before the scene (a model window reopened with other settings
  // starts a new trainer).
  void show_scene(const SceneFile& f, const OpenWindows& before);
  // The windows' own [panels] values, and the model settings of the first open model window.
  void capture_scene(ScenePanels& p) const;
  // Draws every window (open or not), applying each one's close policy; `shown` is what the
  // controls and the menus keep, and the windows' close buttons clear.
  void draw(OpenWindows& shown, const ToolFrame& frame);
  // The layout's right column: which slots are open.
  std::array<bool, kToolWindows> docked(const OpenWindows& shown) const;
  // The probe's "trainers": each trained model's trainer state ("playing", "paused", null).
  nlohmann::json trainers() const;
  void probe() const;
  void release();

 private:
  struct Slot {
    const ToolWindowEntry* entry;
    std::unique_ptr<ToolWindowState> state;
    TrainerFollow follow;  // the PauseTrainer close policy's memory
  };
  std::vector<Slot> slots_;
};

}  // namespace vilab
