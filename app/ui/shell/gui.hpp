// app/ui/shell/gui.hpp — the ImGui application: run_gui (declared with its options in
// app/io/gui_options.hpp, so that the command line need not include the GUI) and what the GUI
// tests read back.
#pragma once

#include "app/io/gui_options.hpp"
#include "app/io/scene_file.hpp"

#include "vi/engine/scene.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vilab {

// The scene file the app showed in its last frame, for tests: the fit the controls last sent,
// the comparison fits, the lesson's title, the density view's box, and why the last open failed.
struct SceneFileReport {
  vi::Scene scene;
  std::vector<vi::Scene> compare;
  std::string title;
  std::string error;
  vi::Box view;
  bool has_view = false;
};
SceneFileReport last_scene_file_report();

}  // namespace vilab
