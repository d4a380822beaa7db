// app/ui/shell/export_menu.hpp — the app's Export menu: the window or one panel as PNG, the traces as CSV,
// the run summary as JSON, each through the "Save as" modal (app/ui/windows/file_dialog.hpp); and the grid
// view's: the window as PNG, every cell's run summary as JSON.
//
// PNGs are read from the back buffer after a frame is rendered: the frame after the dialog
// closes (so the dialog is not in the picture), with the mouse ignored for that frame (so no
// hover readout is either), cropped to the panel's rectangle as the layout reported it.
#pragma once

#include "app/ui/windows/file_dialog.hpp"
#include "app/ui/shell/screenshot.hpp"
#include "vi/engine/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vilab {

// [SECTION] Panel rectangles: gui.cpp notes each panel's rectangle as it draws it.

// The last item's rectangle (a child window just ended) becomes panel `name`'s, in framebuffer
// pixels. Names used: "density", "metrics", "controls", "timeline".
void note_panel_rect(const std::string& name);
// The panel's rectangle from the last frame it was drawn in (empty when it never was). Names
// other than the noted ones are looked up among the floating windows by their title.
PixelRect last_panel_rect(const std::string& name);
// The floating windows open in the last frame (the VAE, the BNN, the landscape, …) by title.
std::vector<std::string> floating_window_titles();

// [SECTION] The menu and its dialogs

struct ExportState {
  FileDialogState dialog;
  enum class Kind { None, WindowPng, PanelPng, TracesCsv, SummaryJson, GridSummaryJson } kind = Kind::None;
  std::string panel;         // PanelPng: which panel (a noted name or a floating window's title)
  std::string png_path;      // a PNG to write after the next rendered frame ("" = none)
  int png_wait = 0;          // frames still to render before reading the back buffer
  bool mouse_was_off = false;  // ImGuiConfigFlags_NoMouse before the PNG's frame (restored after)
  std::string last_message;  // "wrote …" after a success, shown in the menu bar for a while
  double message_until = 0;  // ImGui time until which it is shown
};

// The Export menu (inside BeginMainMenuBar). `shown` is what the views draw (a recorded
// snapshot when the timeline is scrubbed), `live` the engine's latest.
void draw_export_menu(ExportState& st, const vi::Snapshot& shown, const vi::Snapshot& live);
// Opens the dialog of a panel's PNG as the menu item does (panel "" = the window), e.g. for
// a shot of the dialog itself (GuiOptions::shot_export_dialog).
void open_png_export(ExportState& st, const vi::Snapshot& shown, const std::string& panel);

// The dialog and the writes of CSV and JSON; call once per frame after the layout.
void draw_export_dialogs(ExportState& st, const vi::Snapshot& shown, const vi::Snapshot& live);

// [SECTION] The grid view's Export menu: the window as PNG and the grid's summary as JSON.

struct GridExport {
  std::string preset;     // "paper-fig3" (for the file names)
  int64_t step = 0;       // the slowest cell's step (for the file names)
  int cells = 0;
  // The summary written when the dialog is accepted (app/ui/windows/grid_session.hpp: grid_summary_json).
  std::function<nlohmann::json()> summary;
};
void draw_grid_export_menu(ExportState& st, const GridExport& grid);
// The grid view's dialog and write; call once per frame of the grid view.
void draw_grid_export_dialogs(ExportState& st, const GridExport& grid);
// Before ImGui::NewFrame: ignores the mouse in the frame a PNG will be taken of.
void export_before_frame(ExportState& st);
// After rendering, before the swap: writes a pending PNG of the fb_w × fb_h back buffer.
void export_after_render(ExportState& st, int fb_w, int fb_h);

// "~/vilab-exports/banana-fullrank-step1200-density.png" (characters other than letters, digits,
// '.', '_' and '-' in the names become '-').
std::string default_export_path(const vi::Snapshot& snap, const std::string& suffix, const std::string& ext);

// Writes `text` to `path`; on failure returns the system's reason ("" on success).
std::string write_text_file(const std::string& path, const std::string& text);

}  // namespace vilab
