// app/ui/windows/grid_view.hpp — the grid view: a FitGrid (vi/engine/fit_grid.hpp) as rows × columns of density
// panels, e.g. Rezende & Mohamed (2015), Fig. 3.
//
// Each panel draws its own cell: its target's heatmap, q's exact contours and (optionally) q's
// samples, with the main view's drawing (draw_density_panel), titled with the cell's live
// KL(q‖p). Row labels on the left, column labels on top, and beside each row that row's KL(q‖p)
// curves, one colour per column. One play / pause / step / reset and one speed drive every
// cell (GridSession: one engine per cell); Space, → and R do the same. Clicking a panel asks the
// app to open that cell in the single view.
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/grid_session.hpp"

#include <memory>
#include <string>
#include <vector>

namespace vilab {

struct GridViewState {
  std::unique_ptr<GridSession> session;     // null until a grid is opened
  vi::BackgroundJob<bool> retiring;         // sessions being destroyed off the UI thread
  std::vector<DensityPanel> panels;         // one per cell: each row shows its own target
  // Small panels: q's contours on p, no sample cloud or mean markers by default (they would
  // cover q at this size); the checkboxes turn them on.
  DensityLayers layers{false, true, true, false, false};
  std::string preset = "paper-fig3";  // what the preset combo shows
  std::string switch_to;              // a preset picked in the combo, opened at the end of the frame
  double speed = 500;                 // steps/s of every cell while playing (the speed slider)
  bool max_speed = false;             // no limit
  bool kl_log_scale = true;           // the KL curves on a log axis
};

// What the app should do after a frame of the grid view.
struct GridRequest {
  enum class Kind { None, Back, OpenCell };
  Kind kind = Kind::None;
  int cell = -1;  // OpenCell: the cell (row after row)
};

// Opens `preset` (a name in vi::fit_grid_registry()); keeps the session when it already runs that
// preset, and retires the old one otherwise. Throws std::invalid_argument for an unknown preset.
void open_grid(GridViewState& state, const std::string& preset);

// Draws the grid view into the rest of the current window and sends the grid's commands.
// `keys`: handle Space, → and R (false in shot mode).
GridRequest draw_grid_view(GridViewState& state, bool keys);

// Deletes the panels' GL textures (context current) and waits for retired sessions.
void release_grid_view(GridViewState& state);

// The cells' frames (framebuffer pixels, row after row) in the last frame, for tests and shots.
std::vector<PixelRect> last_grid_panel_rects();

}  // namespace vilab
