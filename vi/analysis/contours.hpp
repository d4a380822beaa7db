// vi/analysis/contours.hpp — density contours at levels that enclose fixed probability mass.
//
// "The 90 % contour" means the same thing on every target and for every family: the level c
// such that {z : q(z) ≥ c} holds 90 % of the mass (the highest-density region).
#pragma once

#include "vi/analysis/reference.hpp"

#include <vector>

namespace vi {

struct Polyline {
  std::vector<float> xy;  // x0, y0, x1, y1, … in z-space
  bool closed = false;
};

struct Contour {
  double mass = 0;   // the probability mass the contour encloses
  double level = 0;  // the log density on the contour
  std::vector<Polyline> lines;
};

// The log-density levels whose highest-density regions hold the given masses, from log
// densities on a grid. `total_mass` is the mass the density has in all of space (1 for a
// normalized q; pass the grid sum to normalize within the box instead).
std::vector<double> mass_levels(const Grid2D& log_density, const std::vector<double>& masses,
                                double log_total_mass);

// Marching squares on `grid` at `level`, with segments joined into polylines.
std::vector<Polyline> marching_squares(const Grid2D& grid, double level);

// Both of the above: contours of a log density at the given masses.
std::vector<Contour> mass_contours(const Grid2D& log_density, const std::vector<double>& masses,
                                   double log_total_mass);

// The masses vilab draws by default: 50 %, 90 %, 99 %.
inline const std::vector<double>& default_contour_masses() {
  static const std::vector<double> m{0.5, 0.9, 0.99};
  return m;
}

}  // namespace vi
