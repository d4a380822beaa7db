// app/ui/shell/models_menu.hpp — the model windows and the grid view, opened from two places by one
// mechanism: the buttons under "Models" and "Paper figures" in the controls, and the Models menu
// of the main menu bar. Both draw from the same table (the registry's tool windows that draw a
// model of their own, app/ui/windows/tool_window.hpp) and call the same functions, so a window
// registered there appears in both and both open it the same way.
#pragma once

#include "app/ui/panels/controls.hpp"

#include <string>
#include <vector>

namespace vilab {

// A model window: its name (the button and the menu item), its [panels] key (the ImGui id and the
// key of its flag in WindowsShown), and what it is (the tooltip).
struct ModelWindowEntry {
  const char* name;
  const char* id;
  const char* help;
};

// The registered windows with a Models-menu name, in the registry's order: CAVI Normal-Gamma,
// CAVI Gaussian mixture, VAE (digits), BNN (regression).
const std::vector<ModelWindowEntry>& model_windows();

// Opens the window when closed, closes it when open (the button and the menu item).
void toggle_model_window(WindowsShown& windows, const ModelWindowEntry& entry);

// Asks the app to show the grid view on `preset` (the "Open the grid view" button and the menu
// items): the combo then shows it too.
void request_grid(ControlsState& st, const std::string& preset);

// The "Models" menu, inside BeginMainMenuBar: every model window (ticked when open), then every
// grid preset. `in_grid`: the grid view is shown; the caller then leaves it when a model window
// was asked for (the windows float over the single view).
struct ModelsMenuResult {
  bool window_toggled = false;
};
ModelsMenuResult draw_models_menu(ControlsState& st, bool in_grid);

}  // namespace vilab
