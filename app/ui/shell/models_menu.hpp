// app/ui/shell/models_menu.hpp — the model windows and the grid view, opened from two places by one
// mechanism: the buttons under "Models" and "Paper figures" in the controls, and the Models menu
// of the main menu bar. Both draw from the same table and call the same functions, so a window
// added to the table appears in both and both open it the same way.
#pragma once

#include "app/ui/panels/controls.hpp"

#include <string>
#include <vector>

namespace vilab {

// A model window: its name (the button and the menu item), an ImGui id, the flag that shows it,
// what it is (the tooltip), and its model's name in the model registry (vi/models/models.hpp).
struct ModelWindowEntry {
  const char* name;
  const char* id;
  bool WindowsShown::*shown;
  const char* help;
  const char* model;
};

// The windows of the registry's models that have one, in the registry's order: CAVI
// Normal-Gamma, CAVI Gaussian mixture, VAE (digits), BNN (regression).
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
