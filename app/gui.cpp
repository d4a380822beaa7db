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
#include "app/fit_spec.hpp"
#include "app/fullscreen.hpp"
#include "app/grid_view.hpp"
#include "app/keymap.hpp"
#include "app/metrics_panel.hpp"
#include "app/model_view.hpp"
#include "app/presets.hpp"
#include "app/screenshot.hpp"
#include "app/settings.hpp"
#include "app/status_line.hpp"
#include "app/step_through_window.hpp"
#include "app/style.hpp"
#include "app/vae_window.hpp"
#include "app/view_menu.hpp"
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
#include <filesystem>
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
  bool grid_mode = false;  // the grid view fills the window instead of the single view
  float content_scale = 1;  // the monitor's content scale at start
  ViewState view;           // the look, fullscreen and F1 the user asks for (View menu, keys)
  Look applied;             // the look the fonts and theme were built for
  WindowRect windowed;      // the window's rect before fullscreen
  // What the interactive app remembers (app/settings.hpp), saved on exit; record_scene(settings,
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

// [SECTION] Layout

// One full-viewport window: controls left (~25 %), the density view in the centre (largest),
// plots and numbers right, the status line at the bottom.
void draw_frame(UiState& ui, vi::Engine& engine, const vi::Snapshot& snap) {
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
  // At a large text size (presentation mode) the side panels' minimum widths in fs would squeeze
  // the density view to nothing: they give way first (the side panels scroll, the view cannot).
  const bool tight = avail.x < fs * (17 + 19 + 20);
  const float left_w = tight ? std::clamp(fs * 15, avail.x * 0.25f, avail.x * 0.29f) : std::clamp(avail.x * 0.25f, fs * 17, fs * 26);
  const float right_w = tight ? avail.x * 0.26f : std::clamp(avail.x * 0.30f, fs * 19, fs * 34);
  const float centre_w = std::max(avail.x - left_w - right_w - 2 * style.ItemSpacing.x, fs * 12);

  ImGui::BeginChild("##controls_panel", {left_w, panel_h}, true);
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
  ImGui::TextUnformatted("vilab");
  ImGui::PopStyleColor();
  ImGui::SameLine();
  ImGui::TextDisabled("variational inference lab");
  draw_controls(ui.controls, engine, snap);
  ImGui::EndChild();

  ImGui::SameLine();
  // The centre: a model of more than two dimensions as numbers against its exact answer; a 2D
  // problem as densities, with its editable data beneath when it has data (logistic regression).
  const bool strip = has_data_strip(snap);
  const float strip_h = strip ? data_strip_height() + style.ItemSpacing.y : 0.0f;
  ImGui::BeginGroup();
  ImGui::BeginChild("##density_panel", {centre_w, panel_h - strip_h}, true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (uses_model_view(snap)) draw_model_view(ui.model, snap);
  else draw_density_view(ui.density, snap);
  ImGui::EndChild();
  if (strip) {
    ImGui::BeginChild("##data_strip_panel", {centre_w, data_strip_height()}, true,
                      ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    draw_data_strip(ui.controls.edited, snap);
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
  draw_metrics_panel(ui.metrics, snap);
  ImGui::EndChild();

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

  // The settings file: only the interactive app (a shot must not depend on who took it).
  const bool use_settings = !shot && options.use_settings;
  const std::filesystem::path settings_file = use_settings ? settings_path() : std::filesystem::path();
  Settings settings;
  if (use_settings) {
    std::string message;
    settings = load_settings(settings_file, message);
    if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
  }
  const int window_w = use_settings ? settings.window_width : options.width;
  const int window_h = use_settings ? settings.window_height : options.height;

  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, shot ? GLFW_FALSE : GLFW_TRUE);
  glfwWindowHint(GLFW_FOCUS_ON_SHOW, shot ? GLFW_FALSE : GLFW_TRUE);
  session.window = glfwCreateWindow(std::max(window_w, 320), std::max(window_h, 240), kTitle, nullptr, nullptr);
  if (!session.window) {
    std::fprintf(stderr, "vilab: cannot create an OpenGL 3.3 core window\n");
    return 1;
  }
  GLFWwindow* window = session.window;
  if (use_settings && settings.window_x >= 0 && settings.window_y >= 0)
    glfwSetWindowPos(window, settings.window_x, settings.window_y);
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
  UiState ui;
  ui.settings = std::move(settings);
  ui.content_scale = scale;
  ui.view.look = starting_look(options, use_settings ? ui.settings.look : Look{});
  ui.view.show_keymap = options.keymap;
  apply_look(ui, true);
  session.imgui_glfw = ImGui_ImplGlfw_InitForOpenGL(window, true);
  session.imgui_gl = ImGui_ImplOpenGL3_Init("#version 330 core");
  if (!session.imgui_glfw || !session.imgui_gl) {
    std::fprintf(stderr, "vilab: cannot initialize Dear ImGui's GLFW/OpenGL3 backends\n");
    return 1;
  }

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
  } else if (shot) {
    engine->step(options.shot_steps);
    engine->sync();
  } else if (play) {
    if (ui.grid_mode) ui.grid.session->play();
    else engine->play();
  }

  int frames = 0;
  int result = 0;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    if (!shot && glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
      glfwWaitEventsTimeout(0.1);  // no vsync to pace us while minimized
      continue;
    }
    if (!(ui.view.look == ui.applied)) apply_look(ui, false);
    if (ui.view.fullscreen != is_fullscreen(window)) {
      set_fullscreen(window, ui.view.fullscreen, ui.windowed);
      ui.view.fullscreen = is_fullscreen(window);  // no monitor: it stays windowed
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();

    const std::shared_ptr<const vi::Snapshot> snap = engine->snapshot();
    if (!shot) handle_view_keys(ui.view);
    if (ImGui::BeginMainMenuBar()) {
      draw_view_menu(ui.view);
      ImGui::EndMainMenuBar();
    }
    if (ui.grid_mode) {
      draw_grid_frame(ui, *engine, shot);
    } else {
      if (!shot) {
        handle_shortcuts(*engine);
        if (pressed(KeyAction::StepThrough)) ui.controls.show_step_through = !ui.controls.show_step_through;
      }
      draw_frame(ui, *engine, *snap);
      if (!ui.controls.open_grid.empty()) {
        enter_grid(ui, *engine, ui.controls.open_grid);
        ui.controls.open_grid.clear();
      }
    }

    draw_keymap_window(&ui.view.show_keymap);

    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (shot && ++frames >= kShotFrames) {
      std::string error;
      if (save_back_buffer_png(options.shot_path, fw, fh, error)) {
        std::printf("wrote %s (%dx%d)\n", options.shot_path.c_str(), fw, fh);
        std::fflush(stdout);
      } else {
        std::fprintf(stderr, "vilab: shot failed: %s\n", error.c_str());
        result = 1;
      }
      break;
    }
    glfwSwapBuffers(window);
  }

  if (use_settings) {
    // The window in windowed mode, in the units glfwCreateWindow takes (it scales by the monitor).
    const WindowRect r = windowed_rect(window, ui.windowed);
    ui.settings.window_width = std::clamp(int(float(r.width) / scale), kMinWindowSide, kMaxWindowSide);
    ui.settings.window_height = std::clamp(int(float(r.height) / scale), kMinWindowSide * 3 / 4, kMaxWindowSide);
    ui.settings.window_x = std::max(r.x, -1);
    ui.settings.window_y = std::max(r.y, -1);
    ui.settings.look = ui.view.look;
    std::string error;
    if (!save_settings(ui.settings, settings_file, error)) std::fprintf(stderr, "vilab: settings not saved: %s\n", error.c_str());
  }
  release_step_through_window(ui.step_through);
  release_landscape_window(ui.landscape);
  release_density_view(ui.density);
  release_grid_view(ui.grid);
  release_vae_window(ui.vae);
  return result;
}

}  // namespace vilab
