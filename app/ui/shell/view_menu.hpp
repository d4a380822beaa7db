// app/ui/shell/view_menu.hpp — the View menu and the keys that change the look: text size, presentation
// mode, high contrast, fullscreen, the keyboard map (F1).
#pragma once

#include "app/ui/widgets/style.hpp"

namespace vilab {

// What the user wants to see; run_gui makes the app match it between frames (fonts, theme, line
// scale, the window's monitor).
struct ViewState {
  Look look;
  bool fullscreen = false;
  bool show_keymap = false;
  float slider_zoom = 0;  // the text-size slider's value while it is dragged (0 = not yet shown)
};

// F1, F5, F11 and Ctrl + / − / 0 (app/ui/shell/keymap.hpp).
void handle_view_keys(ViewState& v);

// The "View" menu, drawn inside the main menu bar.
void draw_view_menu(ViewState& v);

}  // namespace vilab
