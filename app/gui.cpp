// app/gui.cpp — run_gui: the GLFW window, the ImGui context, the layout and the frame loop.
//
// Index
// [SECTION] Display and window setup
// [SECTION] Layout
// [SECTION] The grid view and back
// [SECTION] run_gui
#include "app/gui.hpp"

#include "app/controls.hpp"
#include "app/data_strip.hpp"
#include "app/density_view.hpp"
#include "app/cavi_window.hpp"
#include "app/bnn_window.hpp"
#include "app/estimator_panel.hpp"
#include "app/export_menu.hpp"
#include "app/fit_spec.hpp"
#include "app/grid_view.hpp"
#include "app/metrics_panel.hpp"
#include "app/model_view.hpp"
#include "app/presets.hpp"
#include "app/screenshot.hpp"
#include "app/status_line.hpp"
#include "app/step_through_window.hpp"
#include "app/style.hpp"
#include "app/timeline.hpp"
#include "app/timeline_bar.hpp"
#include "app/vae_window.hpp"
#include "vi/engine.hpp"
#include "vi/fit_grid.hpp"

#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <memory>
#include <string>
#include <vector>

namespace vilab {

namespace {

// [SECTION] Display and window setup

constexpr const char* kTitle = "vilab \u2014 variational inference lab";
constexpr int kShotFrames = 5;  // frames rendered before a screenshot, so the layout settles

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
  EstimatorPanelState estimator;
  GridViewState grid;
  StepThroughState step_through;
  LandscapeState landscape;
  ModelViewState model;
  CaviWindowsState cavi;
  VaeWindowState vae;
  BnnWindowState bnn;
  Timeline timeline;      // the recorded snapshots of the run: scrub back, replay (app/timeline.hpp)
  ExportState exports;    // the Export menu's dialog and pending PNG (app/export_menu.hpp)
  bool grid_mode = false;  // the grid view fills the window instead of the single view
  float content_scale = 1;  // the monitor's content scale at start
  float text_zoom = 1;      // Ctrl + / Ctrl − / Ctrl 0: the user's text size on top of it
  float pending_zoom = 0;   // a new text_zoom to apply before the next frame (0 = none)
};

constexpr float kZoomMin = 0.6f, kZoomMax = 3.0f, kZoomStep = 1.15f;

// Ctrl + / Ctrl − / Ctrl 0 change the text size (for a projector); applied before the next frame.
void handle_zoom_keys(UiState& ui) {
  const ImGuiIO& io = ImGui::GetIO();
  if (!io.KeyCtrl || io.WantTextInput) return;
  float z = ui.text_zoom;
  if (ImGui::IsKeyPressed(GLFW_KEY_EQUAL) || ImGui::IsKeyPressed(GLFW_KEY_KP_ADD)) z *= kZoomStep;
  if (ImGui::IsKeyPressed(GLFW_KEY_MINUS) || ImGui::IsKeyPressed(GLFW_KEY_KP_SUBTRACT)) z /= kZoomStep;
  if (ImGui::IsKeyPressed(GLFW_KEY_0) || ImGui::IsKeyPressed(GLFW_KEY_KP_0)) z = 1;
  z = std::clamp(z, kZoomMin, kZoomMax);
  if (z != ui.text_zoom) ui.pending_zoom = z;
}

// Rebuilds the font atlas and the style at the new size (between frames).
void apply_zoom(UiState& ui) {
  ui.text_zoom = ui.pending_zoom;
  ui.pending_zoom = 0;
  const float scale = ui.content_scale * ui.text_zoom;
  ImGui::GetIO().Fonts->Clear();
  load_fonts(scale);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  apply_theme(scale);
}

// [SECTION] Layout

// One full-viewport window: controls left (~25 %), the density view in the centre (largest),
// plots and numbers right, the status line at the bottom. `snap` is the engine's latest snapshot
// (the controls and the status line), `shown` what the views draw: the same, or the recorded
// snapshot the timeline is scrubbed to.
void draw_frame(UiState& ui, vi::Engine& engine, const vi::Snapshot& snap, const vi::Snapshot& shown) {
  if (ImGui::BeginMainMenuBar()) {
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

  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float status_h = ImGui::GetTextLineHeight() + style.ItemSpacing.y + style.FramePadding.y;
  const float panel_h = std::max(avail.y - status_h, fs * 10);
  const float left_w = std::clamp(avail.x * 0.25f, fs * 17, fs * 26);
  const float right_w = std::clamp(avail.x * 0.30f, fs * 19, fs * 34);
  const float centre_w = std::max(avail.x - left_w - right_w - 2 * style.ItemSpacing.x, fs * 12);

  ImGui::BeginChild("##controls_panel", {left_w, panel_h}, true);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
  ImGui::TextUnformatted("vilab");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("variational inference lab");
  draw_controls(ui.controls, engine, snap);
  ImGui::EndChild();
  note_panel_rect("controls");

  ImGui::SameLine();
  // The centre: a model of more than two dimensions as numbers against its exact answer; a 2D
  // problem as densities, with its editable data beneath when it has data (logistic regression).
  const bool strip = has_data_strip(shown);
  const float strip_h = strip ? data_strip_height() + style.ItemSpacing.y : 0.0f;
  const float timeline_h = timeline_bar_height();
  ImGui::BeginGroup();
  ImGui::BeginChild("##density_panel", {centre_w, panel_h - strip_h - timeline_h}, true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  // A recorded snapshot is a picture of the past: q cannot be dragged from it.
  const bool drag_enabled = ui.density.drag.enabled;
  ui.density.drag.enabled = drag_enabled && ui.timeline.live();
  if (uses_model_view(shown)) draw_model_view(ui.model, shown);
  else draw_density_view(ui.density, shown);
  ui.density.drag.enabled = drag_enabled;
  draw_recorded_frame_marker(ui.timeline);
  ImGui::EndChild();
  note_panel_rect("density");
  ImGui::BeginChild("##timeline_panel", {centre_w, ImGui::GetFrameHeight()}, false,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  draw_timeline_bar(ui.timeline, snap);
  ImGui::EndChild();
  note_panel_rect("timeline");
  if (strip) {
    ImGui::BeginChild("##data_strip_panel", {centre_w, data_strip_height()}, true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    draw_data_strip(ui.controls.edited, shown);
    ImGui::EndChild();
  }
  ImGui::EndGroup();
  // A drag of q: the view leaves the φ it means; the engine replaces the fit's φ (one per frame).
  if (ui.density.drag.request) {
    engine.set_params(std::move(*ui.density.drag.request));
    ui.density.drag.request.reset();
  }

  ImGui::SameLine();
  ImGui::BeginChild("##metrics_panel", {0, panel_h}, true);
  draw_metrics_panel(ui.metrics, shown);
  draw_recorded_frame_marker(ui.timeline);
  ImGui::EndChild();
  note_panel_rect("metrics");

  draw_status_line(snap);
  ImGui::End();

  // The estimator window floats over the layout while it is open.
  draw_estimator_panel(ui.estimator, &ui.controls.show_gradvar, snap);
  draw_step_through_window(ui.step_through, &ui.controls.show_step_through, engine, snap);
  draw_landscape_window(ui.landscape, &ui.controls.show_landscape, snap);
  draw_normal_gamma_window(ui.cavi.normal_gamma, &ui.controls.show_normal_gamma);
  draw_gmm_window(ui.cavi.gmm, &ui.controls.show_gmm);
  draw_vae_window(ui.vae, &ui.controls.show_vae);
  draw_bnn_window(ui.bnn, &ui.controls.show_bnn);
  draw_export_dialogs(ui.exports, shown, snap);
}

// [SECTION] The grid view and back

void begin_full_window(const char* name) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
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
  next.show_gradvar = ui.controls.show_gradvar;
  next.show_step_through = ui.controls.show_step_through;
  next.show_landscape = ui.controls.show_landscape;
  next.show_normal_gamma = ui.controls.show_normal_gamma;
  next.show_gmm = ui.controls.show_gmm;
  next.show_vae = ui.controls.show_vae;
  ui.controls = std::move(next);
  ui.grid_mode = false;
}

void draw_grid_frame(UiState& ui, vi::Engine& engine, bool shot) {
  begin_full_window("vilab##grid");
  const GridRequest req = draw_grid_view(ui.grid, !shot);
  ImGui::End();
  if (req.kind == GridRequest::Kind::Back) {
    if (ui.grid.session) ui.grid.session->pause();
    ui.grid_mode = false;
  } else if (req.kind == GridRequest::Kind::OpenCell) {
    open_cell(ui, engine, req.cell);
  }
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

}  // namespace

int run_gui(const GuiOptions& options) {
  const bool shot = !options.shot_path.empty();
  if (!has_display_env()) {
    print_no_display(shot);
    return 1;
  }

  // A bad scene (or comparison, or preset) is the caller's error: say why before opening anything.
  std::unique_ptr<vi::Engine> engine;
  vi::Scene scene = options.scene;
  std::vector<vi::Scene> compare;
  bool play = options.play;
  double steps_per_s = options.steps_per_s;
  try {
    if (!options.grid.empty()) vi::make_fit_grid(options.grid);  // an unknown preset: say so now
    if (!options.preset.empty()) {
      const Preset& p = find_preset(options.preset);
      scene = p.scene;
      compare = p.compare;
      play = play || p.play;
      steps_per_s = p.steps_per_s;
    }
    if (compare.size() + options.compare.size() > size_t(kMaxCompare))
      throw std::invalid_argument("compare: at most " + std::to_string(kMaxCompare) + " comparison fits, got " +
                                  std::to_string(compare.size() + options.compare.size()));
    for (const std::string& spec : options.compare) compare.push_back(parse_fit_spec(spec, scene));
    engine = std::make_unique<vi::Engine>(scene, shot ? 0.0 : steps_per_s);
    if (!compare.empty()) engine->compare(comparison_scenes(scene, compare));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vilab: %s\n", e.what());
    return 2;
  }

  glfwSetErrorCallback(nullptr);  // a failing glfwInit is reported in one line below
  if (!glfwInit()) {
    print_no_display(shot);
    return 1;
  }
  glfwSetErrorCallback(glfw_error);
  GlfwSession session;

  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, shot ? GLFW_FALSE : GLFW_TRUE);
  glfwWindowHint(GLFW_FOCUS_ON_SHOW, shot ? GLFW_FALSE : GLFW_TRUE);
  session.window = glfwCreateWindow(std::max(options.width, 320), std::max(options.height, 240), kTitle,
                                    nullptr, nullptr);
  if (!session.window) {
    std::fprintf(stderr, "vilab: cannot create an OpenGL 3.3 core window\n");
    return 1;
  }
  GLFWwindow* window = session.window;
  glfwMakeContextCurrent(window);
  glfwSwapInterval(shot ? 0 : 1);

  float scale = 1.0f;
  if (!shot) {
    float sx = 1, sy = 1;
    glfwGetWindowContentScale(window, &sx, &sy);
    scale = std::clamp(std::max(sx, sy), 0.75f, 4.0f);
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini for now: the layout is fixed
  io.LogFilename = nullptr;
  if (shot) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;  // no hover readouts where the pointer happens to be
  load_fonts(scale);
  apply_theme(scale);
  session.imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(window, true);
  session.imgui_gl = ImGui_ImplOpenGL3_Init("#version 330 core");
  if (!session.imgui_glfw || !session.imgui_gl) {
    std::fprintf(stderr, "vilab: cannot initialize Dear ImGui's GLFW/OpenGL3 backends\n");
    return 1;
  }

  UiState ui;
  ui.controls = make_controls_state(scene, steps_per_s, compare);
  if (!options.preset.empty()) ui.controls.lesson = options.preset;
  ui.controls.show_gradvar = options.gradvar;
  ui.controls.show_step_through = options.step_through;
  ui.step_through.reveal_target = options.stepk;
  ui.step_through.may_block = shot;
  ui.controls.show_landscape = options.landscape;
  ui.metrics.show_khat_plot = options.trust;
  ui.density.layers.show_psis = options.trust;
  ui.landscape.may_block = shot;
  ui.controls.show_normal_gamma = options.cavi_normal_gamma;
  ui.controls.show_gmm = options.cavi_gmm;
  ui.cavi.normal_gamma.pending_updates = options.cavi_normal_gamma ? options.cavi_steps : 0;
  ui.cavi.gmm.pending_steps = options.cavi_gmm ? options.cavi_steps : 0;
  if (std::find(options.model_windows.begin(), options.model_windows.end(), "vae") != options.model_windows.end()) {
    ui.controls.show_vae = true;
    ui.vae.settings = options.model_settings;
    ui.vae.seed = options.scene.seed;
    ui.vae.pending_epochs = shot ? options.shot_steps : 0;
    ui.vae.may_block = shot;
  }
  if (std::find(options.model_windows.begin(), options.model_windows.end(), "bnn") != options.model_windows.end()) {
    ui.controls.show_bnn = true;
    ui.bnn.settings = options.model_settings;
    ui.bnn.pending_steps = shot ? options.shot_steps : 0;
    ui.bnn.may_block = shot;
  }
  ui.estimator.may_block = shot;  // the PNG must show the measurement, not "measuring…"
  ui.content_scale = scale;
  ui.density.scrubber = options.scrub_layer >= 0;
  ui.density.scrub_k = options.scrub_layer;
  ui.density.may_block = shot;  // the PNG must show the scrubber's result, not "computing…"
  ui.model.may_block = shot;

  if (!options.grid.empty()) {
    ui.grid.max_speed = shot;  // a shot steps every cell as fast as it can
    enter_grid(ui, *engine, options.grid);
  }
  if (shot && ui.grid_mode) {
    ui.grid.session->wait_ready();
    if (options.shot_steps > 0) ui.grid.session->step(options.shot_steps);
    ui.grid.session->sync();
  } else if (shot && options.shot_timeline_step >= 0) {
    record_shot_timeline(ui.timeline, *engine, options.shot_steps);
    ui.timeline.scrub_to_step(options.shot_timeline_step);
  } else if (shot) {
    engine->step(options.shot_steps);
    engine->sync();
  } else if (play) {
    if (ui.grid_mode) ui.grid.session->play();
    else engine->play();
  }

  if (shot && !options.shot_export_dialog.empty()) {
    open_png_export(ui.exports, *engine->snapshot(), options.shot_export_dialog == "window" ? "" : options.shot_export_dialog);
    if (!options.shot_export_error.empty()) file_dialog_error(ui.exports.dialog, options.shot_export_error);
  }

  int frames = 0;
  int result = 0;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    if (!shot && glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      glfwWaitEventsTimeout(0.1);  // no vsync to pace us while minimized
      continue;
    }
    if (ui.pending_zoom > 0) apply_zoom(ui);
    export_before_frame(ui.exports);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    const std::shared_ptr<const vi::Snapshot> snap = engine->snapshot();
    ui.timeline.record(snap);  // a new run clears the recording (and goes live)
    if (!shot) handle_zoom_keys(ui);
    if (ui.grid_mode) {
      draw_grid_frame(ui, *engine, shot);
    } else {
      if (!shot) {
        // While the timeline is scrubbed, → moves through the recording instead of stepping.
        if (!handle_timeline_keys(ui.timeline)) {
          handle_shortcuts(*engine);
        } else {
          const ShortcutKeys k = read_shortcuts();
          if (k.toggle_play) engine->toggle_play();
          if (k.reset) engine->reset();
        }
        const ImGuiIO& kio = ImGui::GetIO();
        if (!kio.WantTextInput && !kio.KeyCtrl && !kio.KeyAlt && !kio.KeySuper && ImGui::IsKeyPressed(GLFW_KEY_T, false))
          ui.controls.show_step_through = !ui.controls.show_step_through;
      }
      draw_frame(ui, *engine, *snap, *ui.timeline.shown(snap));
      if (!ui.controls.open_grid.empty()) {
        enter_grid(ui, *engine, ui.controls.open_grid);
        ui.controls.open_grid.clear();
      }
    }

    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.06f, 0.065f, 0.08f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    export_after_render(ui.exports, fw, fh);

    if (shot && ++frames >= kShotFrames) {
      std::string error;
      const PixelRect crop = options.shot_panel.empty() ? PixelRect{} : clip_rect(last_panel_rect(options.shot_panel), fw, fh);
      if (!options.shot_panel.empty() && crop.empty()) {
        std::fprintf(stderr, "vilab: shot failed: the panel '%s' was not drawn\n", options.shot_panel.c_str());
        result = 1;
      } else if (save_back_buffer_png(options.shot_path, fw, fh, error, crop)) {
        std::printf("wrote %s (%dx%d)\n", options.shot_path.c_str(), crop.empty() ? fw : crop.width(),
                    crop.empty() ? fh : crop.height());
        std::fflush(stdout);
      } else {
        std::fprintf(stderr, "vilab: shot failed: %s\n", error.c_str());
        result = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  release_step_through_window(ui.step_through);
  release_landscape_window(ui.landscape);
  release_density_view(ui.density);
  release_grid_view(ui.grid);
  release_vae_window(ui.vae);
  return result;
}

}  // namespace vilab
