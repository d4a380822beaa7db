// app/ui/shell/layout.hpp — where the single view's panels and the tool windows go.
//
// One pure function of the work area, the text size and what is open (tested headless), so every
// panel, the lesson pane and every tool window takes its rect from one place and none is laid
// over another:
//
//   +-----------+----------------------+--------------+        +-----------+------------------+---------+
//   | controls  | density view         | tool windows |        | lesson    | density view     | tools   |
//   |           |                      +--------------+   or   +-----------+                  +---------+
//   |           +----------------------+ metrics      |        | controls  +------------------+ metrics |
//   |           | timeline, data strip |              |        |           | timeline, strip  |         |
//   |           | lesson pane          |              |        |           |                  |         |
//   +-----------+----------------------+--------------+        +-----------+------------------+---------+
//   status line
//
// A window that draws a model of its own (VAE, BNN, the CAVI windows) is what its lesson looks
// at: it takes the top of the centre and right columns, over a band that holds the density view
// and the metrics side by side.
//
// Otherwise the density view is the main picture: it keeps the largest share of the screen at
// every size and text size. The lesson pane goes where it costs the picture least: under it when the
// picture is held by its width (a wide window, normal text), above the controls when the picture
// is held by its height (large text, a short window). The side columns give way first (they
// scroll), then the lesson pane (it scrolls, or collapses to its title line).
#pragma once

#include <array>
#include <functional>

namespace vilab {

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool empty() const { return w <= 0 || h <= 0; }
  float area() const { return empty() ? 0.0f : w * h; }
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

bool intersects(const Rect& a, const Rect& b);

// The windows that dock into the layout's right column, top to bottom in this order (the
// registry of tool windows, app/ui/windows/tool_window.hpp, gives each its slot). The windows
// that draw a model of their own come last, from kFirstModelWindow on.
enum class ToolWindow { GradientVariance, StepThrough, Landscape, NormalGamma, Gmm, Vae, Bnn, Count };
constexpr int kToolWindows = int(ToolWindow::Count);
constexpr ToolWindow kFirstModelWindow = ToolWindow::NormalGamma;

// Where the lesson pane goes: under the density view, or above the controls.
enum class LessonPlace { None, UnderDensity, AboveControls };

struct LayoutInput {
  Rect area;                 // the main window's content region (below the menu bar, inside its padding)
  float font = 18;           // the font size in pixels
  float gap_x = 8, gap_y = 4;  // the spacing between panels (ImGui's ItemSpacing)
  float status_h = 0;        // the status line under the panels
  float timeline_h = 0;      // the timeline bar under the density view
  float strip_h = 0;         // the data strip under the timeline (0: none)
  bool lesson = false;       // the lesson pane is shown
  // The height the pane asks for at a width: all of its text wrapped to it, or its title line
  // when collapsed.
  std::function<float(float width)> lesson_h;
  float aspect = 1;          // the density view's box, width over height
  std::array<bool, kToolWindows> tools{};  // the tool windows open
};

struct Layout {
  Rect controls, density, timeline, strip, lesson, metrics;
  std::array<Rect, kToolWindows> tools{};  // empty for the ones not open
  float status_y = 0;                      // where the status line starts
  LessonPlace lesson_place = LessonPlace::None;
};

// The side of the density view's picture (its frame, inside the axes, the colour bar, the layer
// options and the legend) in a panel of w × h pixels: what the layout makes as large as it can.
float picture_height(float w, float h, float font, float aspect);

Layout layout_panels(const LayoutInput& in);

// The grid view and a lesson pane under it: the pane takes the full width at the bottom.
struct GridLayout {
  Rect grid, lesson;
};
GridLayout layout_grid(const Rect& work, float font, bool lesson, float lesson_h);

// [SECTION] Inside an ImGui frame

// The layout of the last single-view frame (tool windows read their rect from it; tests too).
void set_current_layout(const Layout& l);
const Layout& current_layout();

// Puts the next ImGui::Begin at `r` (every frame: the window is docked, not dragged) and returns
// the flags a docked window adds to its own.
int dock_next_window(const Rect& r);

// The same for tool window `w`: its rect in the current layout (a window opened while the grid
// view is up, or before the first frame, goes where the layout would put it alone).
int dock_tool_window(ToolWindow w);

// Centres the next ImGui::Begin in the work area (the viewport under the main menu bar): a
// dialog, the lesson browser, the keyboard map, a banner. `cond` is an ImGuiCond (Appearing: the
// user may move it afterwards; Always: it stays). `top` ≥ 0: its top edge `top` pixels under the
// work area's top instead, centred across only.
void center_next_window(int cond, float top = -1);

}  // namespace vilab
