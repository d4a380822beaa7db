// Fixed-mass levels and marching squares against shapes whose contours are known exactly.
#include "vi/analysis/contours.hpp"
#include "vi/core/math.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;

namespace {
// log N(z; c, I) on an n × n grid over box.
Grid2D standard_normal_grid(Box box, int n, double cx = 0, double cy = 0) {
  Grid2D g{box, n, n, std::vector<double>(size_t(n) * n)};
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double dx = g.x(i) - cx, dy = g.y(j) - cy;
      g.at(i, j) = -kLog2Pi - 0.5 * (dx * dx + dy * dy);
    }
  return g;
}
}  // namespace

TEST_CASE("Mass levels of a standard 2D Gaussian are log((1 − m)/2π)", "[contours]") {
  // The region {q ≥ c} is a disc of radius r with mass 1 − e^{−r²/2}, so c = (1 − m)/(2π).
  const Grid2D g = standard_normal_grid({-6, 6, -6, 6}, 400);
  const std::vector<double> masses{0.5, 0.9, 0.99};
  const auto levels = mass_levels(g, masses, 0.0);
  for (size_t k = 0; k < masses.size(); ++k) {
    INFO("mass " << masses[k]);
    // One cell's mass is at most 0.03² / 2π ≈ 1.4e-4: the level is located to that resolution.
    CHECK(std::exp(levels[k]) == Approx((1 - masses[k]) / (2 * M_PI)).epsilon(2e-3));
  }
}

TEST_CASE("Mass levels that the box cannot hold are NaN", "[contours]") {
  // Only a quarter of the mass lies in the box [0, 6]².
  const Grid2D g = standard_normal_grid({0, 6, 0, 6}, 200);
  const auto levels = mass_levels(g, {0.2, 0.5}, 0.0);
  CHECK(std::isfinite(levels[0]));
  CHECK(std::isnan(levels[1]));
}

TEST_CASE("Marching squares traces a circle as one closed line on the circle", "[contours]") {
  const Grid2D g = standard_normal_grid({-4, 4, -4, 4}, 120, 0.3, -0.2);
  const double r = 1.7;
  const auto lines = marching_squares(g, -kLog2Pi - 0.5 * r * r);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].closed);
  REQUIRE(lines[0].xy.size() > 40);
  for (size_t k = 0; k < lines[0].xy.size(); k += 2) {
    const double dx = lines[0].xy[k] - 0.3, dy = lines[0].xy[k + 1] + 0.2;
    // Linear interpolation of a quadratic along a cell edge errs by O(h²): h = 1/15 here.
    CHECK(std::hypot(dx, dy) == Approx(r).margin(3e-3));
  }
}

TEST_CASE("Marching squares separates two bumps and leaves open lines at the border", "[contours]") {
  Grid2D g{{-4, 4, -2, 2}, 160, 80, std::vector<double>(160 * 80)};
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const double a = -0.5 * (std::pow(g.x(i) + 2, 2) + std::pow(g.y(j), 2));
      const double b = -0.5 * (std::pow(g.x(i) - 2, 2) + std::pow(g.y(j), 2));
      g.at(i, j) = log_add_exp(a, b);
    }
  CHECK(marching_squares(g, -1.0).size() == 2);  // two separate loops
  const auto border = marching_squares(g, -3.0);  // radius ~2.45 > 2: cut by the y-border
  REQUIRE(!border.empty());
  bool any_open = false;
  for (const auto& l : border) any_open |= !l.closed;
  CHECK(any_open);
  CHECK(marching_squares(g, 5.0).empty());  // above the maximum: nothing
}
