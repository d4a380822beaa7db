// app/ui/shell/gui.cpp — run_gui: the GLFW window, the ImGui context, the layout and the frame loop.
//
// Index
// [SECTION] Display and window setup
// [SECTION] Scene files: open, save, drop
// [SECTION] Layout
// [SECTION] The grid view and back
// [SECTION] Lessons
// [SECTION] Keys
// [SECTION] The test report
// [SECTION] run_gui
#include "app/ui/shell/gui.hpp"

#include "app/ui/panels/controls.hpp"
#include "app/ui/panels/data_strip.hpp"
#include "app/ui/panels/density_view.hpp"
#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/shell/export_menu.hpp"
#include "app/ui/windows/file_dialog.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/shell/fullscreen.hpp"
#include "app/ui/shell/input_queue.hpp"
#include "app/ui/windows/grid_view.hpp"
#include "app/ui/windows/lesson_browser.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "app/io/lessons.hpp"
#include "app/ui/shell/keymap.hpp"
#include "app/ui/shell/layout.hpp"
#include "app/ui/panels/metrics_panel.hpp"
#include "app/ui/panels/model_view.hpp"
#include "app/ui/shell/models_menu.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/io/scene_file.hpp"
#include "app/ui/shell/screenshot.hpp"
#include "app/io/settings.hpp"
#include "app/ui/shell/status_line.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/io/timeline.hpp"
#include "app/ui/panels/timeline_bar.hpp"
#include "app/ui/shell/view_menu.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/fit_grid.hpp"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <stdexcept>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

// [SECTION] Display and window setup

constexpr const char* kTitle = "vilab \u2014 variational inference lab";
constexpr int kShotFrames = 5;  // frames rendered before a screenshot, so the layout settles
constexpr const char* kKeymapWindow = "Keyboard (F1)";  // app/ui/shell/keymap.cpp's window

bool has_display_env() {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 && *x11) || (wayland && *wayland);
}

void print_no_display(bool shot) {
  std::fprintf(stderr,
               "vilab: no display found; run the app under a virtual display with 'xvfb-run -a vilab%s', "
               "or headless with 'vilab run --help'\n",
               shot ? " shot ..." : "");
}

void glfw_error(int code, const char* description) {
  std::fprintf(stderr, "vilab: GLFW error %d: %s\n", code, description);
}

// Everything the UI keeps between frames: owned by run_gui, never a function-local static.
struct UiState {
  ControlsState controls;
  DensityViewState density;
  MetricsPanelState metrics;
  GridViewState grid;
  ModelViewState model;
  ToolWindowSet tools;  // every registered tool window's state (app/ui/windows/tool_window.hpp)
  // Scene files: the one open now (its name and lesson text, kept when saving), where it came
  // from ("" for a lesson or the flags), the Open / Save dialog (the app's one file dialog), paths
  // dropped on the window this frame, a scene to open before the next frame, and why the last
  // open failed (a banner).
  SceneFile scene_file;
  std::string scene_path;
  FileDialogState scene_dialog;
  std::vector<std::string> dropped;
  std::optional<SceneFile> pending_scene;
  std::string scene_error;
  LessonBrowserState lesson_browser;  // the lesson browser and the lesson text window
  Timeline timeline;      // the recorded snapshots of the run: scrub back, replay (app/io/timeline.hpp)
  ExportState exports;    // the Export menu's dialog and pending PNG (app/ui/shell/export_menu.hpp)
  bool grid_mode = false;  // the grid view fills the window instead of the single view
  bool quit = false;       // File → Quit or its key: close the window at the end of the frame
  float content_scale = 1;  // the monitor's content scale at start
  ViewState view;           // the look, fullscreen and F1 the user asks for (View menu, keys)
  Look applied;             // the look the fonts and theme were built for
  WindowRect windowed;      // the window's rect before fullscreen
  // What the interactive app remembers (app/io/settings.hpp), saved on exit; record_scene(settings,
  // path) notes a scene file opened or saved.
  Settings settings;
};

// Rebuilds the font atlas (when the text size changed), the theme and the line scale for the
// look the user asked for (between frames). `first`: the atlas has no GL texture yet.
void apply_look(UiState& ui, bool first) {
  const Look& l = ui.view.look;
  const float scale = ui.content_scale * text_zoom(l);
  if (first || text_zoom(l) != text_zoom(ui.applied)) {
    ImGui::GetIO().Fonts->Clear();
    load_fonts(scale);
    if (!first) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
  }
  apply_theme(scale, contrast_on(l));
  set_line_scale(line_scale_of(l));
  ui.applied = l;
}

// The look the app opens with: the settings' (interactive) or the defaults (shot), then the
// command line's flags on top.
Look starting_look(const GuiOptions& o, const Look& from_settings) {
  Look l = from_settings;
  if (o.present) l.presentation = true;
  if (o.high_contrast) l.high_contrast = true;
  if (o.font_scale > 0) text_zoom_ref(l) = std::clamp(o.font_scale, kFontScaleMin, kFontScaleMax);
  return l;
}

// [SECTION] Scene files: open, save, drop

void enter_grid(UiState& ui, vi::Engine& engine, const std::string& preset);

// The scene file the app starts on: --scene's, a lesson's (--lesson), or the one the flags make;
// the window flags are added to the file's.
SceneFile start_scene_file(const GuiOptions& o) {
  SceneFile f;
  if (o.scene_file) {
    f = *o.scene_file;
  } else if (!o.preset.empty()) {
    f = find_lesson(o.preset);
  } else {
    f.scene = o.scene;
    f.steps_per_s = o.steps_per_s;
  }
  f.play = f.play || o.play;
  ScenePanels& p = f.panels;
  for (const ToolWindowEntry& e : tool_windows())
    if (opened_by_options(e, o)) p.windows.set(e.key, true);
  if (o.step_through) p.step_reveal = o.stepk;
  if (o.trust) p.khat_plot = f.layers.show_psis = true;
  if (o.scrub_layer >= 0) p.scrub_layer = o.scrub_layer;
  if (!o.grid.empty()) p.grid = o.grid;
  for (const auto& [k, v] : o.model_settings) p.model_settings[k] = v;
  return f;
}

// Shows a scene file in the UI: its fits in the controls, its view and layers, its windows (the
// ones it does not list close), its lesson text. The engine is the caller's business.
void show_scene_file(UiState& ui, const SceneFile& f) {
  ControlsState next = make_controls_state(f.scene, f.steps_per_s, f.compare);
  next.grid_preset = ui.controls.grid_preset;
  if (!f.name.empty()) next.lesson = f.name;
  const ScenePanels& p = f.panels;
  next.windows = p.windows;
  // The windows take their own values (a model window whose settings change starts a new trainer).
  ui.tools.show_scene(f, ui.controls.windows);
  ui.controls = std::move(next);
  ui.metrics.show_khat_plot = p.khat_plot;
  ui.density.layers = f.layers;
  ui.density.scrubber = p.scrub_layer >= 0;
  ui.density.scrub_k = p.scrub_layer;
  ui.density.requested_view = f.view_box;
  ui.density.requested_for = f.scene;
  ui.scene_file = f;
  ui.scene_error.clear();
  on_scene_opened(ui.lesson_browser, f);  // a lesson shows its text
}

// Opens a scene file in the running app: its fits start afresh (a lesson starts from its initial
// q, even where the scene before could have carried on into it), at its speed, playing when it
// says so, and the grid view when it names one.
void open_scene_file(UiState& ui, vi::Engine& engine, const SceneFile& f) {
  show_scene_file(ui, f);
  engine.apply(f.scene);
  engine.compare(ui.controls.compare_sent);
  engine.reset();
  engine.set_speed(ui.controls.max_speed ? 0.0 : ui.controls.speed);
  if (!f.panels.grid.empty()) enter_grid(ui, engine, f.panels.grid);
  else ui.grid_mode = false;
  // The scene's [run] always applies: a lesson that says play = false opens paused, even over a
  // fit that was playing.
  if (f.play && !ui.grid_mode) engine.play();
  else engine.pause();
}

// The session as a scene file (File → Save scene…): what the controls show (the fits as last
// sent), the speed and whether it plays, the view, the windows, and the lesson text it was
// opened with.
SceneFile capture_scene_file(const UiState& ui, const vi::Snapshot& snap) {
  SceneFile f = ui.scene_file;  // name, title, summary, text
  f.scene = ui.controls.last_sent;
  f.compare = ui.controls.compare;
  f.play = snap.state == vi::EngineState::Playing;
  f.steps_per_s = ui.controls.max_speed ? 0.0 : ui.controls.speed;
  const DensityPanel& panel = ui.density.panel;
  f.view_box.reset();
  if (panel.has_view && !(panel.view == panel.home)) f.view_box = panel.view;
  f.layers = ui.density.layers;
  ScenePanels& p = f.panels;
  p.windows = ui.controls.windows;
  p.khat_plot = ui.metrics.show_khat_plot;
  p.scrub_layer = ui.density.scrubber ? ui.density.scrub_k : -1;
  p.grid = ui.grid_mode ? ui.controls.grid_preset : std::string();
  ui.tools.capture_scene(p);  // step_reveal, the open model window's settings
  return f;
}

// The settings remember a lesson as "lesson:NAME" and a file by its path.
constexpr std::string_view kLessonPrefix = "lesson:";
SceneFile open_recorded_scene(const std::string& recorded) {
  if (recorded.rfind(kLessonPrefix, 0) == 0) return find_lesson(recorded.substr(kLessonPrefix.size()));
  return load_scene_file(recorded);
}

// Reads the scene file at `path` and queues it to open before the next frame. A file that does
// not read is reported (in the open modal when it is open, else in a banner) and nothing changes.
bool request_open_path(UiState& ui, const std::string& path) {
  try {
    ui.pending_scene = load_scene_file(path);
    ui.scene_path = path;
    record_scene(ui.settings, path);
    return true;
  } catch (const SceneFileError& e) {
    ui.scene_error = e.what();
    return false;
  }
}

void save_to_path(UiState& ui, const vi::Snapshot& snap, const std::string& path) {
  SceneFile f = capture_scene_file(ui, snap);
  if (f.name.empty() || ui.scene_path != path) f.name = scene_name_from_path(path);
  save_scene_file(path, f);  // throws SceneFileError
  ui.scene_file = f;
  ui.scene_path = path;
  record_scene(ui.settings, path);
}

// File → Open scene… (Ctrl+O): the path of the scene open now, and the .toml files of its folder.
void open_scene_dialog(UiState& ui) {
  open_file_dialog(ui.scene_dialog, "Open a scene file (.toml): a lesson or a saved session", ui.scene_path,
                   "Its fits start afresh, its windows open and its lesson text shows. If the file has an error, the "
                   "message names the line and the field, and the current scene stays.",
                   FileDialogMode::Open, "Open");
  ui.scene_dialog.list_extension = ".toml";
}

// File → Save scene… (Ctrl+S): the open scene's path, or a name made of the fit.
void save_scene_dialog(UiState& ui) {
  const std::string path = !ui.scene_path.empty() ? ui.scene_path
                           : (ui.scene_file.name.empty() ? ui.controls.last_sent.target + "-" + ui.controls.last_sent.family
                                                         : ui.scene_file.name) + ".toml";
  open_file_dialog(ui.scene_dialog, "Save the current fits, view, windows and lesson text as a scene file", path,
                   "It replays bit for bit: the same seed gives the same fit. The format is in scenes/README.md.",
                   FileDialogMode::Save, "Save");
  ui.scene_dialog.list_extension.clear();
}

// The File menu's entries and their keys (Ctrl+O, Ctrl+S, Ctrl+Q).
void draw_file_menu(UiState& ui) {
  if (!ImGui::BeginMenu("File")) return;
  if (ImGui::MenuItem("Open scene\u2026", binding(KeyAction::OpenScene).keys)) open_scene_dialog(ui);
  tooltip("Open a scene file (.toml): a lesson or a saved session, with its fits, view, windows and text. "
          "You can also drop a scene file on the window.");
  if (ImGui::BeginMenu("Recent scenes", !ui.settings.recent_scenes.empty())) {
    for (const std::string& r : ui.settings.recent_scenes) {
      if (!ImGui::MenuItem(r.c_str())) continue;
      if (r.rfind(kLessonPrefix, 0) == 0) {
        try {
          ui.pending_scene = open_recorded_scene(r);
          ui.scene_path.clear();
        } catch (const std::exception& e) {
          ui.scene_error = e.what();
        }
      } else {
        request_open_path(ui, r);
      }
    }
    ImGui::EndMenu();
  }
  tooltip("The scene files and lessons opened last (kept between sessions in the settings file).");
  if (ImGui::MenuItem("Save scene\u2026", binding(KeyAction::SaveScene).keys)) save_scene_dialog(ui);
  tooltip("Save the current fits, speed, view, open windows and lesson text as a scene file. Opened again, it "
          "replays bit for bit: the same seed gives the same fit.");
  ImGui::Separator();
  if (ImGui::MenuItem("Quit", binding(KeyAction::Quit).keys)) ui.quit = true;
  tooltip("Close vilab. The window's size and place, the look and the last scene are remembered for next time.");
  ImGui::EndMenu();
}

// The modals, and what they ask for: an Open that fails to read, or a Save that fails to write,
// reopens the dialog with the message and the path, and the scene the app had stays.
void draw_scene_dialog_and_act(UiState& ui, const vi::Snapshot& snap) {
  FileDialogState& d = ui.scene_dialog;
  if (!file_path_modal("##scene_file", d)) return;
  if (d.mode == FileDialogMode::Open) {
    if (!request_open_path(ui, d.accepted)) {
      file_dialog_error(d, ui.scene_error);
      ui.scene_error.clear();  // said in the dialog, not in a banner too
    }
    return;
  }
  try {
    save_to_path(ui, snap, d.accepted);
  } catch (const SceneFileError& e) {
    file_dialog_error(d, e.what());
  }
}

// Why the last open failed, over the layout until dismissed; the scene the app had stays.
void draw_scene_error_banner(UiState& ui) {
  if (ui.scene_error.empty() || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  center_next_window(ImGuiCond_Always, fs);
  ImGui::SetNextWindowSizeConstraints({fs * 20, 0}, {vp->WorkSize.x * 0.8f, vp->WorkSize.y * 0.5f});
  ImGui::Begin("Could not open the scene", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse |
                                                        ImGuiWindowFlags_NoSavedSettings);
  ImGui::PushTextWrapPos(vp->WorkSize.x * 0.75f);
  text_wrapped_colored({1.0f, 0.55f, 0.5f, 1.0f}, ui.scene_error);
  ImGui::PopTextWrapPos();
  ImGui::TextDisabled("The scene you had is still open.");
  if (ImGui::Button("OK")) ui.scene_error.clear();
  ImGui::End();
}

SceneFileReport g_scene_report;

void report_scene_file(const UiState& ui) {
  g_scene_report.scene = ui.controls.last_sent;
  g_scene_report.compare = ui.controls.compare;
  g_scene_report.title = ui.scene_file.title;
  g_scene_report.error = ui.scene_error;
  g_scene_report.view = ui.density.panel.view;
  g_scene_report.has_view = ui.density.panel.has_view;
}

// GLFW's drop callback has no user pointer of its own: the window's holds the UiState.
void on_drop(GLFWwindow* window, int count, const char** paths) {
  auto* ui = static_cast<UiState*>(glfwGetWindowUserPointer(window));
  if (!ui) return;
  for (int i = 0; i < count; ++i)
    if (paths[i]) ui->dropped.emplace_back(paths[i]);
}

// A dropped file opens like File → Open (the last one wins when several are dropped).
void take_dropped(UiState& ui) {
  if (ui.dropped.empty()) return;
  const std::string path = ui.dropped.back();
  ui.dropped.clear();
  request_open_path(ui, path);
}

// [SECTION] Layout

void begin_child_at(const char* id, const Rect& r, bool border, ImGuiWindowFlags flags = 0) {
  ImGui::SetCursorScreenPos({r.x, r.y});
  ImGui::BeginChild(id, {r.w, r.h}, border, flags);
}

// One full-viewport window laid out by app/ui/shell/layout.hpp: controls left, the density view in the
// centre (the largest) with the timeline and the data strip under it, the tool windows and the
// metrics right, the lesson pane under the density view or above the controls, the status line
// at the bottom. `snap` is the engine's latest snapshot (the controls and the status line),
// `shown` what the views draw: the same, or the recorded snapshot the timeline is scrubbed to.
void draw_frame(UiState& ui, vi::Engine& engine, const vi::Snapshot& snap, const vi::Snapshot& shown) {
  if (ImGui::BeginMainMenuBar()) {
    draw_models_menu(ui.controls, /*in_grid=*/false);  // its grid request is taken after the frame
    draw_export_menu(ui.exports, shown, snap);
    draw_timeline_menu_note(ui.timeline);
    ImGui::EndMainMenuBar();
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const ImGuiWindowFlags main_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings |
                                      ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin("vilab##main", nullptr, main_flags);

  const ImGuiStyle& style = ImGui::GetStyle();
  const bool strip = has_data_strip(shown);
  LayoutInput in;
  const ImVec2 origin = ImGui::GetCursorScreenPos(), avail = ImGui::GetContentRegionAvail();
  in.area = {origin.x, origin.y, avail.x, avail.y};
  in.font = ImGui::GetFontSize();
  in.gap_x = style.ItemSpacing.x;
  in.gap_y = style.ItemSpacing.y;
  in.status_h = ImGui::GetTextLineHeight() + style.ItemSpacing.y + style.FramePadding.y;
  in.timeline_h = ImGui::GetFrameHeight();
  in.strip_h = strip ? data_strip_height() : 0.0f;
  in.lesson = lesson_pane_shown(ui.lesson_browser, ui.scene_file.text);
  in.lesson_h = [&](float width) {
    return lesson_pane_height(ui.lesson_browser, ui.scene_file.title, ui.scene_file.text, width);
  };
  const DensityPanel& panel = ui.density.panel;
  if (!uses_model_view(shown) && panel.has_view && panel.view.height() > 0)
    in.aspect = float(panel.view.width() / panel.view.height());
  in.tools = ui.tools.docked(ui.controls.windows);
  const Layout layout = layout_panels(in);
  set_current_layout(layout);

  begin_child_at("##controls_panel", layout.controls, true);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
  ImGui::TextUnformatted("vilab");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("variational inference lab");
  draw_controls(ui.controls, engine, snap);
  ImGui::EndChild();
  note_panel_rect("controls");

  // The centre: a model of more than two dimensions as numbers against its exact answer; a 2D
  // problem as densities, with its editable data beneath when it has data (logistic regression).
  begin_child_at("##density_panel", layout.density, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  // A recorded snapshot is a picture of the past: q cannot be dragged from it.
  const bool drag_enabled = ui.density.drag.enabled;
  ui.density.drag.enabled = drag_enabled && ui.timeline.live();
  if (uses_model_view(shown)) draw_model_view(ui.model, shown);
  else draw_density_view(ui.density, shown);
  ui.density.drag.enabled = drag_enabled;
  draw_recorded_frame_marker(ui.timeline);
  ImGui::EndChild();
  note_panel_rect("density");
  begin_child_at("##timeline_panel", layout.timeline, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  draw_timeline_bar(ui.timeline, snap);
  ImGui::EndChild();
  note_panel_rect("timeline");
  if (strip && !layout.strip.empty()) {
    begin_child_at("##data_strip_panel", layout.strip, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    draw_data_strip(ui.controls.edited, shown);
    ImGui::EndChild();
  }
  // A drag of q: the view leaves the φ it means; the engine replaces the fit's φ (one per frame).
  if (ui.density.drag.request) {
    engine.set_params(std::move(*ui.density.drag.request));
    ui.density.drag.request.reset();
  }

  begin_child_at("##metrics_panel", layout.metrics, true);
  draw_metrics_panel(ui.metrics, shown);
  draw_recorded_frame_marker(ui.timeline);
  ImGui::EndChild();
  note_panel_rect("metrics");

  ImGui::SetCursorScreenPos({in.area.x, layout.status_y});
  draw_status_line(snap);
  ImGui::End();

  // The lesson pane and the tool windows dock into the rects the layout keeps for them.
  draw_lesson_text_window(ui.lesson_browser, ui.scene_file.title, ui.scene_file.text, layout.lesson);
  ui.tools.draw(ui.controls.windows, {engine, snap});
  draw_export_dialogs(ui.exports, shown, snap);
}

// The keyboard map (F1) is a list to read beside the picture: it takes the right column (the
// metrics and the tool windows, which it hides while it is open), never the density view in the
// centre, where its centred default would blank the heatmap, the colour bar and the contours.
// keymap.cpp places it on appearing; this moves it every frame from the layout.
void place_keymap_window(const UiState& ui) {
  if (!ui.view.show_keymap) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Layout& l = current_layout();
  Rect r{vp->WorkPos.x + vp->WorkSize.x * 2 / 3, vp->WorkPos.y, vp->WorkSize.x / 3, vp->WorkSize.y};
  if (!ui.grid_mode && !l.metrics.empty()) r = {l.metrics.x, l.controls.y, l.metrics.w, l.metrics.bottom() - l.controls.y};
  ImGui::SetWindowPos(kKeymapWindow, {r.x, r.y});
  ImGui::SetWindowSize(kKeymapWindow, {r.w, r.h});
}

// [SECTION] The grid view and back

void begin_full_window(const char* name, const Rect& r) {
  ImGui::SetNextWindowPos({r.x, r.y});
  ImGui::SetNextWindowSize({r.w, r.h});
  ImGui::Begin(name, nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
}

// Switches to the grid view on `preset`; the single view's fit pauses behind it.
void enter_grid(UiState& ui, vi::Engine& engine, const std::string& preset) {
  try {
    open_grid(ui.grid, preset);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vilab: %s\n", e.what());  // a preset from the registry's own combo: not expected
    return;
  }
  engine.pause();
  ui.controls.grid_preset = preset;
  ui.grid_mode = true;
}

// Opens grid cell `cell` in the single view at the cell's step: the same scene and seed give the
// same φ bit for bit, so the engine replays the fit (its Step runs at full speed, off the UI
// thread) instead of the UI copying state between engines.
void open_cell(UiState& ui, vi::Engine& engine, int cell) {
  GridSession& s = *ui.grid.session;
  const vi::Scene scene = s.grid().cells[size_t(cell)];
  const std::shared_ptr<const vi::Snapshot> snap = s.snapshot(cell);
  const int64_t steps = snap ? snap->step : 0;
  s.pause();
  if (!ui.controls.compare_sent.empty()) engine.compare({});
  // Apply keeps the current φ when only the learning rate, S or the annealing differ: reset then.
  const bool would_continue = ui.controls.last_sent.can_continue_into(scene);
  engine.apply(scene);
  if (would_continue) engine.reset();
  if (steps > 0) engine.step(steps);
  ControlsState next = make_controls_state(scene, ui.controls.max_speed ? 0.0 : ui.controls.speed);
  next.grid_preset = ui.controls.grid_preset;
  next.windows = ui.controls.windows;  // every window stays as it was
  ui.controls = std::move(next);
  ui.grid_mode = false;
}

// What the grid view's Export menu writes: the session's numbers when the dialog is accepted.
GridExport grid_export(const GridViewState& g) {
  GridExport e;
  if (!g.session) return e;
  const GridSession* s = g.session.get();
  e.preset = s->name();
  e.cells = s->cells();
  e.step = INT64_MAX;
  for (int i = 0; i < s->cells(); ++i)
    if (const auto snap = s->snapshot(i)) e.step = std::min(e.step, snap->step);
  if (e.step == INT64_MAX) e.step = 0;
  e.summary = [s] { return grid_summary_json(*s); };  // called in this frame (the dialog's accept)
  return e;
}

// The grid fills the work area; a lesson's pane takes the bottom of it.
void draw_grid_frame(UiState& ui, vi::Engine& engine, bool shot) {
  // The menus of the grid view: Models (a model window shows over the single view, so asking for
  // one leaves the grid; a grid preset opens here) and Export.
  const GridExport exports = grid_export(ui.grid);
  ui.controls.grid_preset = ui.grid.preset;  // the preset shown (its own combo may have changed it)
  ModelsMenuResult models;
  if (ImGui::BeginMainMenuBar()) {
    models = draw_models_menu(ui.controls, /*in_grid=*/true);
    draw_grid_export_menu(ui.exports, exports);
    ImGui::EndMainMenuBar();
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const Rect work{vp->WorkPos.x, vp->WorkPos.y, vp->WorkSize.x, vp->WorkSize.y};
  const bool lesson = lesson_pane_shown(ui.lesson_browser, ui.scene_file.text);
  const float lesson_h =
      lesson ? lesson_pane_height(ui.lesson_browser, ui.scene_file.title, ui.scene_file.text, work.w) : 0.0f;
  const GridLayout layout = layout_grid(work, ImGui::GetFontSize(), lesson, lesson_h);
  draw_lesson_text_window(ui.lesson_browser, ui.scene_file.title, ui.scene_file.text, layout.lesson);
  begin_full_window("vilab##grid", layout.grid);
  GridRequest req = draw_grid_view(ui.grid, !shot);
  ImGui::End();
  draw_grid_export_dialogs(ui.exports, exports);
  if (models.window_toggled && req.kind == GridRequest::Kind::None) req.kind = GridRequest::Kind::Back;
  if (req.kind == GridRequest::Kind::Back) {
    if (ui.grid.session) ui.grid.session->pause();
    ui.grid_mode = false;
  } else if (req.kind == GridRequest::Kind::OpenCell) {
    open_cell(ui, engine, req.cell);
  }
  if (!ui.controls.open_grid.empty()) {
    if (req.kind == GridRequest::Kind::None) enter_grid(ui, engine, ui.controls.open_grid);
    ui.controls.open_grid.clear();
  }
}

// [SECTION] Lessons

// The lesson browser, keys 1–9 and the lesson text window; a lesson picked opens before the next
// frame through the same path as any scene file (open_scene_file).
void open_lesson(UiState& ui, const SceneFile& lesson) {
  ui.pending_scene = lesson;
  ui.scene_path.clear();  // a lesson is not a file on disk: Save asks for a path
  record_scene(ui.settings, std::string(kLessonPrefix) + lesson.name);
}

void draw_lessons_and_act(UiState& ui) {
  if (ui.controls.open_lessons) toggle_lesson_browser(ui.lesson_browser), ui.controls.open_lessons = false;
  if (const SceneFile* picked = draw_lesson_browser(ui.lesson_browser, lessons())) open_lesson(ui, *picked);
}

// [SECTION] Keys

// Every key of the app, in one place and from the one keymap (app/ui/shell/keymap.hpp), read once a frame
// before the windows draw. pressed() holds them back while a menu, popup or modal is open, and
// letters and digits while a text field has the keyboard; a dialog's own keys (Esc, Enter, the
// lesson browser's arrows) are the dialog's.
void handle_keys(UiState& ui, vi::Engine& engine) {
  handle_view_keys(ui.view);
  if (pressed(KeyAction::OpenScene)) open_scene_dialog(ui);
  if (pressed(KeyAction::SaveScene)) save_scene_dialog(ui);
  if (pressed(KeyAction::Quit)) ui.quit = true;
  // Keys 1–9: the first nine lessons (the first of them pressed this frame).
  constexpr KeyAction kLessonKeys[] = {KeyAction::Lesson1, KeyAction::Lesson2, KeyAction::Lesson3,
                                       KeyAction::Lesson4, KeyAction::Lesson5, KeyAction::Lesson6,
                                       KeyAction::Lesson7, KeyAction::Lesson8, KeyAction::Lesson9};
  for (size_t k = 0; k < std::size(kLessonKeys); ++k) {
    if (!pressed(kLessonKeys[k])) continue;
    if (k < lessons().size()) open_lesson(ui, lessons()[k]);
    break;
  }
  if (ui.grid_mode) return;  // the grid view reads Space and → for its own cells (app/ui/windows/grid_view.cpp)
  // While the timeline is scrubbed back, → moves through the recording instead of stepping.
  const bool right_used = handle_timeline_keys(ui.timeline);
  if (pressed(KeyAction::PlayPause)) engine.toggle_play();
  if (!right_used && pressed(KeyAction::Step)) engine.step(1);
  if (pressed(KeyAction::Reset)) engine.reset();
  if (pressed(KeyAction::StepThrough)) ui.controls.windows.toggle("step_through");
}

// [SECTION] The test report

// What a test that drives the app with real input reads back (app/ui/shell/probe.hpp): the engine, the
// scene, the dialogs and windows, the look. Only when --probe asked for it.
void probe_app_state(const UiState& ui, const vi::Snapshot& snap) {
  probe_state("engine", vi::to_string(snap.state));
  probe_state("step", snap.step);
  probe_state("message", snap.message);
  probe_state("target", ui.controls.last_sent.target);
  probe_state("family", ui.controls.last_sent.family);
  probe_state("compare", ui.controls.compare.size());
  probe_state("scene", ui.scene_file.name);
  probe_state("scene_title", ui.scene_file.title);
  probe_state("scene_path", ui.scene_path);
  probe_state("scene_error", ui.scene_error);
  probe_state("dialog", file_dialog_busy(ui.scene_dialog) ? ui.scene_dialog.title : std::string());
  probe_state("dialog_error", ui.scene_dialog.error);
  probe_state("grid", ui.grid_mode);
  probe_state("lesson_browser", ui.lesson_browser.open);
  probe_state("lesson_filter", std::string(ui.lesson_browser.filter));
  probe_state("lesson_text", ui.lesson_browser.text_open);
  probe_state("keymap", ui.view.show_keymap);
  probe_state("presentation", ui.view.look.presentation);
  probe_state("high_contrast", ui.view.look.high_contrast);
  probe_state("fullscreen", ui.view.fullscreen);
  probe_state("timeline_live", ui.timeline.live());
  probe_state("timeline_step", ui.timeline.live() ? snap.step : ui.timeline.scrub_step());
  probe_state("timeline_frames", ui.timeline.size());
  probe_state("input_backlog", input_queue_backlog());
  const ControlsState& c = ui.controls;
  nlohmann::json windows = nlohmann::json::object();
  for (const ToolWindowEntry& e : tool_windows()) windows[e.key] = c.windows.shown(e.key);
  probe_state("windows", windows);
  // The model trainers' state (null before the window first opened): a closed window pauses its own.
  probe_state("trainers", ui.tools.trainers());
  ui.tools.probe();  // what each window notes (the step-through's step_reveal)
  probe_state("grid_preset", c.grid_preset);
  nlohmann::json notes = nlohmann::json::array();
  for (const ClampNoteReport& n : last_clamp_notes()) notes.push_back({{"label", n.label}, {"text", n.text}});
  probe_state("clamp_notes", notes);
  if (snap.q.mean.size() >= 2) probe_state("q_mean", {snap.q.mean(0), snap.q.mean(1)});
  probe_state("comparison_fits", snap.comparison.size());
  probe_state("scrubber", ui.density.scrubber);
  probe_state("scrub_layer", ui.density.scrubber ? ui.density.scrub_k : -1);
  const PixelRect d = last_panel_rect("density");
  probe_state("density_rect", {{"x", d.x0}, {"y", d.y0}, {"w", d.width()}, {"h", d.height()}});
  // The layout's panels (app/ui/shell/layout.hpp), the lesson pane as drawn and the density view's picture
  // (its frame), in window pixels: what a layout test checks for overlaps and sizes.
  auto rect_json = [](const Rect& r) { return nlohmann::json{{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}}; };
  const Layout& l = current_layout();
  nlohmann::json tools = nlohmann::json::array();
  for (const Rect& t : l.tools)
    if (!t.empty()) tools.push_back(rect_json(t));
  probe_state("target_params", ui.controls.last_sent.target_params);  // e.g. a slider dragged
  const PixelRect pic = last_density_view_rect();
  probe_state("layout", {{"controls", rect_json(l.controls)},
                         {"density", rect_json(l.density)},
                         {"metrics", rect_json(l.metrics)},
                         {"lesson", rect_json(last_lesson_windows().text_rect)},
                         {"tools", tools},
                         {"picture", {{"x", pic.x0}, {"y", pic.y0}, {"w", pic.width()}, {"h", pic.height()}}}});
}

// [SECTION] run_gui

// Shot mode with a timeline: the steps in 60 parts, a snapshot recorded after each (the app
// records what the engine publishes about 60 times a second; this makes the same kind of
// recording without waiting).
void record_shot_timeline(Timeline& tl, vi::Engine& engine, int64_t steps) {
  constexpr int kParts = 60;
  engine.sync();
  tl.record(engine.snapshot());
  for (int i = 0; i < kParts; ++i) {
    const int64_t n = steps * (i + 1) / kParts - steps * i / kParts;
    if (n <= 0) continue;
    engine.step(n);
    engine.sync();
    tl.record(engine.snapshot());
  }
}

struct GlfwSession {
  GLFWwindow* window = nullptr;
  bool imgui_glfw = false, imgui_gl = false;
  ~GlfwSession() {
    if (imgui_gl) ImGui_ImplOpenGL3_Shutdown();
    if (imgui_glfw) ImGui_ImplGlfw_Shutdown();
    if (ImGui::GetCurrentContext()) ImGui::DestroyContext();
    if (window) glfwDestroyWindow(window);
    glfwTerminate();
  }
};

// What run_gui builds before any window opens: the settings, the scene to start on, its engine.
struct Startup {
  bool shot = false;
  bool use_settings = false;  // only the interactive app (a shot must not depend on who took it)
  std::filesystem::path settings_file;
  Settings settings;
  SceneFile start;
  std::string restored_path;  // the last session's scene file, when it was opened again
  std::unique_ptr<vi::Engine> engine;
};

// The settings, the starting scene and its engine. A bad scene (or comparison, or preset) is the
// caller's error: it is said here, before anything opens, and the exit code returned (else 0).
int prepare_start(const GuiOptions& options, Startup& s) {
  s.use_settings = !s.shot && options.use_settings;
  if (s.use_settings) {
    s.settings_file = settings_path();
    std::string message;
    s.settings = load_settings(s.settings_file, message);
    if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
  }
  try {
    if (!options.grid.empty()) vi::make_fit_grid(options.grid);  // an unknown preset: say so now
    s.start = start_scene_file(options);
    if (options.restore_last_scene && s.use_settings && !s.settings.last_scene.empty()) {
      // The last session's scene, when it still opens (else the default, and one line saying why).
      try {
        s.start = open_recorded_scene(s.settings.last_scene);
        s.restored_path = s.settings.last_scene.rfind(kLessonPrefix, 0) == 0 ? std::string() : s.settings.last_scene;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "vilab: the last scene does not open again: %s\n", e.what());
      }
    }
    if (s.start.compare.size() + options.compare.size() > size_t(kMaxCompare))
      throw std::invalid_argument("compare: at most " + std::to_string(kMaxCompare) + " comparison fits, got " +
                                  std::to_string(s.start.compare.size() + options.compare.size()));
    for (const std::string& spec : options.compare) s.start.compare.push_back(parse_fit_spec(spec, s.start.scene));
    s.engine = std::make_unique<vi::Engine>(s.start.scene, s.shot ? 0.0 : s.start.steps_per_s);
    if (!s.start.compare.empty()) s.engine->compare(comparison_scenes(s.start.scene, s.start.compare));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vilab: %s\n", e.what());
    return 2;
  }
  return 0;
}

// The OpenGL 3.3 window, at the settings' size and place (interactive) or the flags' (a shot, or
// a size given on the command line). Null when it cannot be made (said on stderr).
GLFWwindow* open_window(const GuiOptions& options, const Startup& s) {
  const bool size_from_settings = s.use_settings && !options.size_from_flags;
  const int window_w = size_from_settings ? s.settings.window_width : options.width;
  const int window_h = size_from_settings ? s.settings.window_height : options.height;
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, s.shot ? GLFW_FALSE : GLFW_TRUE);
  glfwWindowHint(GLFW_FOCUS_ON_SHOW, s.shot ? GLFW_FALSE : GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(std::max(window_w, 320), std::max(window_h, 240), kTitle, nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "vilab: cannot create an OpenGL 3.3 core window\n");
    return nullptr;
  }
  if (s.use_settings && s.settings.window_x >= 0 && s.settings.window_y >= 0)
    glfwSetWindowPos(window, s.settings.window_x, s.settings.window_y);
  glfwMakeContextCurrent(window);
  glfwSwapInterval(s.shot ? 0 : 1);
  return window;
}

// The ImGui context, the look, the backends and (interactive) the input queue. False when a
// backend does not start (said on stderr).
bool init_imgui(GlfwSession& session, UiState& ui, const GuiOptions& options, const Startup& s) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini for now: the layout is fixed
  io.LogFilename = nullptr;
  if (s.shot) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;  // no hover readouts where the pointer happens to be
  ui.view.look = starting_look(options, s.use_settings ? ui.settings.look : Look{});
  ui.view.show_keymap = options.keymap;
  apply_look(ui, true);
  session.imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(session.window, true);
  session.imgui_gl = ImGui_ImplOpenGL3_Init("#version 330 core");
  if (!session.imgui_glfw || !session.imgui_gl) {
    std::fprintf(stderr, "vilab: cannot initialize Dear ImGui's GLFW/OpenGL3 backends\n");
    return false;
  }
  if (!s.shot) install_input_queue(session.window);  // after the backend: it replaces the backend's input callbacks
  probe_open(options.probe_path);
  return true;
}

// The starting scene in the UI, the windows' start-up settings, the grid view, the first drop,
// and what runs before the first frame: a shot's steps (or its timeline), else play.
void open_start(UiState& ui, GLFWwindow* window, vi::Engine& engine, const GuiOptions& options, const Startup& s) {
  const bool shot = s.shot;
  const SceneFile& start = s.start;
  show_scene_file(ui, start);
  ui.lesson_browser.open = ui.lesson_browser.focus_filter = options.lessons;
  ui.scene_path = options.scene_file ? options.scene_file_path : s.restored_path;
  ui.tools.start(options, shot, start.panels.windows);  // shot mode: the PNG shows each window's result
  ui.density.may_block = shot;  // the PNG must show the scrubber's result, not "computing…"
  ui.model.may_block = shot;

  if (!start.panels.grid.empty()) {
    ui.grid.max_speed = shot;  // a shot steps every cell as fast as it can
    enter_grid(ui, engine, start.panels.grid);
  }
  glfwSetWindowUserPointer(window, &ui);
  ui.dropped = options.drop_paths;
  if (!shot) glfwSetDropCallback(window, on_drop);
  if (shot && ui.grid_mode) {
    ui.grid.session->wait_ready();
    if (options.shot_steps > 0) ui.grid.session->step(options.shot_steps);
    ui.grid.session->sync();
  } else if (shot && options.shot_timeline_step >= 0) {
    record_shot_timeline(ui.timeline, engine, options.shot_steps);
    ui.timeline.scrub_to_step(options.shot_timeline_step);
  } else if (shot) {
    engine.step(options.shot_steps);
    engine.sync();
  } else if (start.play) {
    if (ui.grid_mode) ui.grid.session->play();
    else engine.play();
  }

  if (shot && !options.shot_export_dialog.empty()) {
    open_png_export(ui.exports, *engine.snapshot(), options.shot_export_dialog == "window" ? "" : options.shot_export_dialog);
    if (!options.shot_export_error.empty()) file_dialog_error(ui.exports.dialog, options.shot_export_error);
  }
}

// Between frames: the look and fullscreen the user asked for, and a scene to open (File → Open, a
// drop, a lesson) — the windows it replaces may own GL textures that the last frame drew.
void between_frames(UiState& ui, GLFWwindow* window, vi::Engine& engine) {
  if (!(ui.view.look == ui.applied)) apply_look(ui, false);
  if (ui.view.fullscreen != is_fullscreen(window)) {
    set_fullscreen(window, ui.view.fullscreen, ui.windowed);
    ui.view.fullscreen = is_fullscreen(window);  // no monitor: it stays windowed
  }
  take_dropped(ui);
  if (ui.pending_scene) {
    open_scene_file(ui, engine, *ui.pending_scene);
    ui.pending_scene.reset();
  }
  export_before_frame(ui.exports);
}

// One frame's UI, between NewFrame and Render: the keys, the menus, the single or the grid view,
// the lessons, the scene dialog and banner, the keyboard map and the probe's report.
void draw_ui(UiState& ui, vi::Engine& engine, bool shot) {
  const std::shared_ptr<const vi::Snapshot> snap = engine.snapshot();
  ui.timeline.record(snap);  // a new run clears the recording (and goes live)
  if (!shot) handle_keys(ui, engine);
  if (ImGui::BeginMainMenuBar()) {
    draw_file_menu(ui);
    draw_lessons_menu(ui.lesson_browser, ui.scene_file.title, ui.scene_file.text);
    draw_view_menu(ui.view);
    ImGui::EndMainMenuBar();
  }
  if (ui.grid_mode) {
    draw_grid_frame(ui, engine, shot);
  } else {
    draw_frame(ui, engine, *snap, *ui.timeline.shown(snap));
    if (!ui.controls.open_grid.empty()) {
      enter_grid(ui, engine, ui.controls.open_grid);
      ui.controls.open_grid.clear();
    }
  }
  draw_lessons_and_act(ui);
  draw_scene_dialog_and_act(ui, *snap);
  draw_scene_error_banner(ui);
  report_scene_file(ui);

  place_keymap_window(ui);
  draw_keymap_window(&ui.view.show_keymap);
  if (probe_enabled()) probe_app_state(ui, *snap);
}

// Renders the frame into the back buffer; returns the framebuffer's size.
std::pair<int, int> render(UiState& ui, GLFWwindow* window) {
  ImGui::Render();
  int fw = 0, fh = 0;
  glfwGetFramebufferSize(window, &fw, &fh);
  glViewport(0, 0, fw, fh);
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x, bg.y, bg.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  export_after_render(ui.exports, fw, fh);
  return {fw, fh};
}

// Shot mode: saves the back buffer (or one panel of it) as the PNG; returns the exit code.
int save_shot(const GuiOptions& options, int fw, int fh) {
  std::string error;
  const PixelRect crop = options.shot_panel.empty() ? PixelRect{} : clip_rect(last_panel_rect(options.shot_panel), fw, fh);
  if (!options.shot_panel.empty() && crop.empty()) {
    std::fprintf(stderr, "vilab: shot failed: the panel '%s' was not drawn\n", options.shot_panel.c_str());
    return 1;
  }
  if (!save_back_buffer_png(options.shot_path, fw, fh, error, crop)) {
    std::fprintf(stderr, "vilab: shot failed: %s\n", error.c_str());
    return 1;
  }
  std::printf("wrote %s (%dx%d)\n", options.shot_path.c_str(), crop.empty() ? fw : crop.width(), crop.empty() ? fh : crop.height());
  std::fflush(stdout);
  return 0;
}

// The frame loop: until the window closes, or (a shot) until the PNG is saved after kShotFrames
// frames. Returns the exit code.
int run_frames(UiState& ui, GLFWwindow* window, vi::Engine& engine, const GuiOptions& options, bool shot) {
  using Clock = std::chrono::steady_clock;
  const Clock::duration min_frame = options.max_fps > 0 ? std::chrono::duration_cast<Clock::duration>(
                                                              std::chrono::duration<double>(1.0 / options.max_fps))
                                                        : Clock::duration::zero();
  int frames = 0;
  while (!glfwWindowShouldClose(window)) {
    const Clock::time_point frame_start = Clock::now();
    glfwPollEvents();
    if (!shot && glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      glfwWaitEventsTimeout(0.1);  // no vsync to pace us while minimized
      continue;
    }
    between_frames(ui, window, engine);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    if (!shot) feed_input_queue();
    ImGui::NewFrame();
    probe_begin_frame();
    draw_ui(ui, engine, shot);
    const auto [fw, fh] = render(ui, window);
    if (shot && ++frames >= kShotFrames) return save_shot(options, fw, fh);
    if (probe_enabled()) {
      int wx = 0, wy = 0;
      glfwGetWindowPos(window, &wx, &wy);
      probe_end_frame(wx, wy, fw, fh, ImGui::GetIO().Framerate);
    }
    glfwSwapBuffers(window);
    if (ui.quit) glfwSetWindowShouldClose(window, GLFW_TRUE);
    if (min_frame > Clock::duration::zero()) std::this_thread::sleep_until(frame_start + min_frame);
  }
  return 0;
}

// What the interactive app remembers for next time: the window in windowed mode, in the units
// glfwCreateWindow takes (it scales by the monitor), and the look.
void save_session_settings(UiState& ui, GLFWwindow* window, const std::filesystem::path& settings_file) {
  const WindowRect r = windowed_rect(window, ui.windowed);
  ui.settings.window_width = std::clamp(int(float(r.width) / ui.content_scale), kMinWindowSide, kMaxWindowSide);
  ui.settings.window_height = std::clamp(int(float(r.height) / ui.content_scale), kMinWindowSide * 3 / 4, kMaxWindowSide);
  ui.settings.window_x = std::max(r.x, -1);
  ui.settings.window_y = std::max(r.y, -1);
  ui.settings.look = ui.view.look;
  std::string error;
  if (!save_settings(ui.settings, settings_file, error)) std::fprintf(stderr, "vilab: settings not saved: %s\n", error.c_str());
}

}  // namespace

SceneFileReport last_scene_file_report() { return g_scene_report; }

int run_gui(const GuiOptions& options) {
  Startup s;
  s.shot = !options.shot_path.empty();
  if (!has_display_env()) {
    print_no_display(s.shot);
    return 1;
  }
  if (const int bad = prepare_start(options, s)) return bad;

  glfwSetErrorCallback(nullptr);  // a failing glfwInit is reported in one line below
  if (!glfwInit()) {
    print_no_display(s.shot);
    return 1;
  }
  glfwSetErrorCallback(glfw_error);
  GlfwSession session;
  session.window = open_window(options, s);
  if (!session.window) return 1;
  GLFWwindow* window = session.window;

  UiState ui;
  ui.settings = std::move(s.settings);  // from here on the app's (saved on exit)
  if (!s.shot) {
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    ui.content_scale = std::clamp(std::max(sx, sy), 0.75f, 4.0f);
  }
  if (!init_imgui(session, ui, options, s)) return 1;
  open_start(ui, window, *s.engine, options, s);

  const int result = run_frames(ui, window, *s.engine, options, s.shot);

  if (s.use_settings) save_session_settings(ui, window, s.settings_file);
  ui.tools.release();
  release_density_view(ui.density);
  release_grid_view(ui.grid);
  return result;
}

}  // namespace vilab
