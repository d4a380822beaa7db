// app/ui/widgets/plot.hpp — vilab's one plotting module, drawn with ImDrawList (Debian has no ImPlot).
//
// Line plots of series against x (the step), linear or log y (and log x, e.g. against the
// sample size S), "nice" ticks, a legend, a hover readout (vertical cursor + the value of every
// series at the nearest x), optional horizontal reference lines (y = c) and vertical ones
// (x = c, e.g. the step where β reaches 1), optional markers and error bars, and a shaded band
// between a series and a second edge (Series::fill_to: the gap between the ELBO and log Z). The plot never owns
// data: a Series reads the caller's arrays through an accessor, each frame, like ImPlot's getters.
#pragma once

#include <imgui.h>

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace vilab::plot {

// [SECTION] Ticks and labels (shared with the density view's axes)

// About `max_ticks` (≥ 2) round values 1, 2, 5 × 10^k apart covering [lo, hi]; only values
// inside [lo, hi] are returned. `step` receives the spacing when non-null.
std::vector<double> nice_ticks(double lo, double hi, int max_ticks, double* step = nullptr);

// A tick label with as many decimals as the spacing `step` needs, a true minus sign (U+2212),
// and k/M suffixes for large round numbers (12000 → "12k"); beyond those, scientific notation
// ("−5e33", "1.25e−7"). Whatever v and step, at most kMaxTickChars characters (code points).
std::string format_tick(double v, double step);
inline constexpr int kMaxTickChars = 11;

// A value for a readout: `significant` digits, true minus sign, "1.5e36" rather than "1.5e+36".
std::string format_value(double v, int significant = 4);

// [SECTION] Line plots

struct Point {
  double x = 0, y = 0;
};

struct Series {
  std::string label;
  ImU32 color = IM_COL32_WHITE;
  float thickness = 2.0f;                 // in pixels (before font scaling)
  int count = 0;                          // number of points
  std::function<Point(int)> point;        // point i; x must not decrease with i
  bool in_legend = true;
  bool fit = true;                        // the y-range is fitted to this series
  bool markers = false;                   // a dot at every point (sparse data, e.g. one per S)
  // The half-width of point i's error bar in y units (e.g. one standard error), drawn as a
  // vertical bar with caps; null = no bars. On a log axis a bar reaching 0 is cut at the frame.
  std::function<double(int)> error;
  // Shades the band between this series and fill_to(i) (the other edge at point i, e.g. a
  // reference line's y) in fill_color, under every line; null = no band. Where the edges cross,
  // the band pinches to a point.
  std::function<double(int)> fill_to;
  ImU32 fill_color = IM_COL32(255, 255, 255, 40);
  bool legend_swatch = false;  // the legend shows a filled box in `color` instead of a line (a
                               // band's own entry: a series with count 0)
};

struct RefLine {
  double y = 0;
  std::string label;  // drawn at the right end, above the line
  ImU32 color = IM_COL32(255, 255, 255, 160);
};

// A vertical reference line x = c (dashed). It never widens the x-range: when c lies beyond the
// data, its label is drawn at the right edge with an arrow ("β = 1 at 5000 →").
struct XRefLine {
  double x = 0;
  std::string label;  // drawn at the top, right of the line
  ImU32 color = IM_COL32(255, 255, 255, 160);
};

// Where the legend goes: Above = one row over the frame, right-aligned (never hides data);
// Auto = the corner inside the frame that hides the fewest data points.
enum class Corner { Above, Auto, TopLeft, TopRight, BottomLeft, BottomRight };

struct PlotConfig {
  std::string title;              // drawn in the top-left of the frame, e.g. "ELBO"
  std::string x_label = "step";   // drawn under the x ticks, at the right
  bool log_y = false;             // log10 y axis; non-positive values are skipped
  bool log_x = false;             // log10 x axis (non-positive x are skipped), padded at both ends
  std::vector<double> x_ticks;    // x ticks at exactly these values (e.g. the S measured); empty = automatic
  float height = 0;               // 0 = the rest of the available height
  Corner legend = Corner::Above;
  // Fitting the y-range ignores this fraction of the lowest fitted values (robust to an early
  // transient, e.g. the ELBO of the first steps). 0 = fit everything.
  double ignore_low_fraction = 0;
};

// Draws a plot filling the available width. `id` must be unique in the current window.
void line_plot(const char* id, const PlotConfig& config, std::span<const Series> series,
               std::span<const RefLine> refs = {}, std::span<const XRefLine> xrefs = {});

// [SECTION] Colours

// The i-th colour of vilab's categorical palette (Okabe & Ito 2008, colour-blind safe, bright
// enough on the dark theme): orange, sky blue, bluish green, reddish purple, vermillion, blue.
// Fits side by side take colours in this order everywhere (panel titles, plot lines).
ImU32 palette(int i);

// [SECTION] Small drawing helpers (used by the density view too)

// Text with a dark translucent box behind it, so it reads on any background.
void boxed_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const char* text);

// A dashed polyline (screen coordinates).
void dashed_polyline(ImDrawList* dl, const ImVec2* pts, int n, bool closed, ImU32 color,
                     float thickness, float dash, float gap);

}  // namespace vilab::plot
