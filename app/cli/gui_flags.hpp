// app/cli/gui_flags.hpp — what `gui` and `shot` share beyond the scene flags: the look flags, the
// CAVI windows to open, and the names run_gui would check, checked before it starts.
#pragma once

#include "app/cli/scene_flags.hpp"
#include "app/io/gui_options.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace vilab {

// Presentation mode, text size and high contrast (the GUI's style), for `gui` and `shot`.
void add_look_flags(CLI::App* app, GuiOptions& g);

// The session's fit from the scene flags (finish_scene: throws std::invalid_argument): its scene,
// scene file, and --model's window (a CAVI model joins `cavi`, the --cavi list; a model with its
// own trainer opens its window with the --set values).
void fill_gui_scene(SceneFlags& flags, GuiOptions& g, std::vector<std::string>& cavi);

// --cavi normal-gamma|gmm (repeatable): which CAVI windows open.
void open_cavi(GuiOptions& g, const std::vector<std::string>& models);

// The names run_gui checks when it starts (a lesson, a grid preset, comparison specs), checked
// before: a bad name is a parse error, not a window that opens and closes. Throws
// std::invalid_argument naming the flag.
void check_gui_names(const GuiOptions& g);

}  // namespace vilab
