// app/ui/widgets/plane_axes.hpp — a 2D data plane drawn with ImDrawList: the map from data coordinates to
// the screen, a frame with ticks and axis labels, and polylines from vi::contours.
#pragma once

#include "vi/analysis/contours.hpp"
#include "vi/core/types.hpp"

#include <imgui.h>

#include <limits>
#include <vector>

namespace vilab {

// Data box ↔ screen rectangle [a0, a1] (y up on screen).
struct PlaneMap {
  vi::Box box;
  ImVec2 a0, a1;
  ImVec2 to(double x, double y) const {
    return {float(a0.x + (x - box.x0) / box.width() * (a1.x - a0.x)), float(a1.y - (y - box.y0) / box.height() * (a1.y - a0.y))};
  }
  // Pixels per data unit along x (and y).
  float sx() const { return float((a1.x - a0.x) / box.width()); }
  float sy() const { return float((a1.y - a0.y) / box.height()); }
};

// The room a frame's ticks and labels need left of and below the plane (in pixels).
float plane_left_margin();
float plane_bottom_margin();

// The frame, ticks on the left and bottom edges with labels, and the axis names (x under the
// bottom-right, y above the top-left). y ticks below `y_tick_min` are left out (e.g. a strip of
// points drawn under a density's zero line).
void draw_plane_frame(ImDrawList* dl, const PlaneMap& m, const char* x_label, const char* y_label,
                      double y_tick_min = -std::numeric_limits<double>::infinity());

// Contour polylines in data coordinates; returns how many were drawn.
int draw_contour_lines(ImDrawList* dl, const PlaneMap& m, const std::vector<vi::Polyline>& lines, ImU32 color,
                       float thickness);

// A box around `box` with the aspect of a screen rectangle `w` × `h` (so that a circle in data
// units is drawn round): the shorter side is widened about its centre.
vi::Box fit_aspect(const vi::Box& box, float w, float h);

}  // namespace vilab
