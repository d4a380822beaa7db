// vi/analysis/contours.cpp — fixed-mass levels and marching squares.
//
// [SECTION] Mass levels
// [SECTION] Marching squares (segments keyed by the grid edge they cross)
// [SECTION] Joining segments into polylines
#include "vi/analysis/contours.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_map>

namespace vi {

// [SECTION] Mass levels

std::vector<double> mass_levels(const Grid2D& g, const std::vector<double>& masses, double log_total_mass) {
  std::vector<double> v;
  v.reserve(g.values.size());
  for (double x : g.values)
    if (std::isfinite(x)) v.push_back(x);
  std::sort(v.begin(), v.end(), std::greater<>());
  const double cell = std::log(g.dx() * g.dy());
  std::vector<double> levels(masses.size(), std::numeric_limits<double>::quiet_NaN());
  // Walk the cells from the densest down; the level for mass m is the density of the cell at
  // which the accumulated mass first reaches m. Masses the box cannot hold stay NaN.
  std::vector<size_t> order(masses.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return masses[a] < masses[b]; });
  double acc = 0;
  size_t next = 0, i = 0;
  for (; i < v.size() && next < order.size(); ++i) {
    acc += std::exp(v[i] + cell - log_total_mass);
    while (next < order.size() && acc >= masses[order[next]]) levels[order[next++]] = v[i];
  }
  return levels;
}

// [SECTION] Marching squares

namespace {
struct Segment {
  int64_t a, b;  // keys of the grid edges the segment joins
};

// Keys: the horizontal edge from node (i, j) to (i+1, j) is 2k, the vertical edge from (i, j) to
// (i, j+1) is 2k+1, with k = j·nx + i.
inline int64_t h_edge(int i, int j, int nx) { return 2 * (int64_t(j) * nx + i); }
inline int64_t v_edge(int i, int j, int nx) { return 2 * (int64_t(j) * nx + i) + 1; }

double value(const Grid2D& g, int i, int j) {
  const double v = g.at(i, j);
  return std::isfinite(v) ? v : -1e300;  // −∞ (no support) counts as far below any level
}
}  // namespace

std::vector<Polyline> marching_squares(const Grid2D& g, double level) {
  std::vector<Polyline> out;
  if (!std::isfinite(level) || g.nx < 2 || g.ny < 2) return out;
  std::vector<Segment> segs;
  std::unordered_map<int64_t, std::array<float, 2>> point;  // edge key -> crossing point

  auto crossing = [&](int64_t key, int i0, int j0, int i1, int j1) {
    if (point.count(key)) return;
    const double v0 = value(g, i0, j0), v1 = value(g, i1, j1);
    const double t = std::clamp((level - v0) / (v1 - v0), 0.0, 1.0);
    point[key] = {float(g.x(i0) + t * (g.x(i1) - g.x(i0))), float(g.y(j0) + t * (g.y(j1) - g.y(j0)))};
  };

  for (int j = 0; j + 1 < g.ny; ++j)
    for (int i = 0; i + 1 < g.nx; ++i) {
      // Corners counter-clockwise from bottom-left: (i,j) (i+1,j) (i+1,j+1) (i,j+1).
      const bool c0 = value(g, i, j) >= level, c1 = value(g, i + 1, j) >= level;
      const bool c2 = value(g, i + 1, j + 1) >= level, c3 = value(g, i, j + 1) >= level;
      const int code = c0 | (c1 << 1) | (c2 << 2) | (c3 << 3);
      if (code == 0 || code == 15) continue;
      const int64_t bottom = h_edge(i, j, g.nx), top = h_edge(i, j + 1, g.nx);
      const int64_t left = v_edge(i, j, g.nx), right = v_edge(i + 1, j, g.nx);
      auto add = [&](int64_t a, int64_t b) { segs.push_back({a, b}); };
      switch (code) {
        case 1: case 14: add(left, bottom); break;
        case 2: case 13: add(bottom, right); break;
        case 3: case 12: add(left, right); break;
        case 4: case 11: add(right, top); break;
        case 6: case 9: add(bottom, top); break;
        case 7: case 8: add(left, top); break;
        case 5: case 10: {
          // Saddle: the mean of the corners decides whether the two "inside" corners connect.
          const double centre = 0.25 * (value(g, i, j) + value(g, i + 1, j) + value(g, i + 1, j + 1) + value(g, i, j + 1));
          const bool joined = centre >= level;
          if ((code == 5) == joined) {
            add(left, top);
            add(bottom, right);
          } else {
            add(left, bottom);
            add(right, top);
          }
          break;
        }
        default: break;
      }
      crossing(bottom, i, j, i + 1, j);
      crossing(top, i, j + 1, i + 1, j + 1);
      crossing(left, i, j, i, j + 1);
      crossing(right, i + 1, j, i + 1, j + 1);
    }

  // [SECTION] Joining segments into polylines
  // Each edge key is shared by at most two segments (one per adjacent square).
  std::unordered_map<int64_t, std::array<int, 2>> at;
  for (int s = 0; s < int(segs.size()); ++s)
    for (int64_t k : {segs[s].a, segs[s].b}) {
      auto [it, fresh] = at.try_emplace(k, std::array<int, 2>{-1, -1});
      (it->second[0] < 0 ? it->second[0] : it->second[1]) = s;
    }
  std::vector<char> used(segs.size(), 0);
  auto other_segment = [&](int64_t key, int s) {
    const auto& p = at[key];
    return p[0] == s ? p[1] : p[0];
  };
  auto trace = [&](int start, int64_t from_key) {
    // Walks from segment `start`, entering at `from_key`, until the chain ends or closes.
    Polyline line;
    int s = start;
    int64_t key = from_key;
    auto push = [&](int64_t k) {
      const auto& p = point[k];
      line.xy.push_back(p[0]);
      line.xy.push_back(p[1]);
    };
    push(key);
    while (s >= 0 && !used[s]) {
      used[s] = 1;
      key = segs[s].a == key ? segs[s].b : segs[s].a;
      push(key);
      s = other_segment(key, s);
    }
    line.closed = line.xy.size() > 4 && key == from_key;
    return line;
  };
  // Open chains start at keys with one segment (they end at the grid's border); then loops.
  for (const auto& [key, pair] : at)
    if (pair[1] < 0 && pair[0] >= 0 && !used[pair[0]]) out.push_back(trace(pair[0], key));
  for (int s = 0; s < int(segs.size()); ++s)
    if (!used[s]) out.push_back(trace(s, segs[s].a));
  return out;
}

std::vector<Contour> mass_contours(const Grid2D& g, const std::vector<double>& masses, double log_total_mass) {
  const std::vector<double> levels = mass_levels(g, masses, log_total_mass);
  std::vector<Contour> out;
  for (size_t k = 0; k < masses.size(); ++k) {
    if (!std::isfinite(levels[k])) continue;
    out.push_back({masses[k], levels[k], marching_squares(g, levels[k])});
  }
  return out;
}

}  // namespace vi
