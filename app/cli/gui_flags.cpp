// app/cli/gui_flags.cpp — the flags `gui` and `shot` share (app/cli/gui_flags.hpp).
#include "app/cli/gui_flags.hpp"

#include "app/io/fit_spec.hpp"
#include "app/io/lessons.hpp"
#include "vi/core/check.hpp"
#include "vi/engine/fit_grid.hpp"

namespace vilab {

void add_look_flags(CLI::App* app, GuiOptions& g) {
  app->add_flag("--present", g.present, "presentation mode: larger text, thicker lines, high contrast (F5 in the app)");
  app->add_option("--font-scale", g.font_scale, "text size, 0.6 \u2026 3 (presentation mode: its own size, 1.75 by default)")
      ->check(CLI::Range(0.6f, 3.0f));
  app->add_flag("--high-contrast", g.high_contrast, "black background, white text, saturated plot colours");
  app->add_flag("--keymap", g.keymap, "open the keyboard map (F1)");
}

void fill_gui_scene(SceneFlags& flags, GuiOptions& g, std::vector<std::string>& cavi) {
  g.scene = finish_scene(flags);
  g.scene_file = flags.file;
  g.scene_file_path = flags.scene_path;
  const vi::ModelInfo* m = own_fit_model(flags.model);
  if (m && m->kind == vi::ModelKind::Cavi) cavi.push_back(flags.model);
  if (m && m->kind == vi::ModelKind::Trainer) {
    g.model_windows.push_back(flags.model);
    g.model_settings = flags.model_settings;
  }
}

void open_cavi(GuiOptions& g, const std::vector<std::string>& models) {
  for (const std::string& m : models) (m == "gmm" ? g.cavi_gmm : g.cavi_normal_gamma) = true;
}

void check_gui_names(const GuiOptions& g) {
  vi::Scene primary = g.scene;
  if (!g.grid.empty()) vi::check_member("--grid", "grid preset", g.grid, vi::fit_grid_names());
  if (!g.preset.empty()) primary = find_lesson(g.preset).scene;
  for (const std::string& spec : g.compare) parse_fit_spec(spec, primary);
}

}  // namespace vilab
