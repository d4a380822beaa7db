// app/ui/widgets/colormap.cpp — colormap lookups with linear interpolation between table entries.
#include "app/ui/widgets/colormap.hpp"

#include <algorithm>
#include <cmath>

namespace vilab {

namespace {
constexpr Rgb kViridis[kViridisSize] = {
#include "app/ui/widgets/viridis.inc"
};
// ColorBrewer RdBu, 9 classes, from blue (t = −1) to red (t = +1).
constexpr Rgb rgb8(int r, int g, int b) { return {float(r) / 255.0f, float(g) / 255.0f, float(b) / 255.0f}; }
constexpr Rgb kRdBu[] = {rgb8(33, 102, 172),  rgb8(67, 147, 195),  rgb8(146, 197, 222),
                         rgb8(209, 229, 240), rgb8(247, 247, 247), rgb8(253, 219, 199),
                         rgb8(244, 165, 130), rgb8(214, 96, 77),   rgb8(178, 24, 43)};
constexpr int kRdBuSize = int(sizeof kRdBu / sizeof kRdBu[0]);

uint8_t to_byte(float v) { return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); }

// Linear interpolation in a colour table at u ∈ [0, 1] (the one lookup every map uses).
Rgb lookup(const Rgb* table, int size, double u) {
  const double s = std::clamp(u, 0.0, 1.0) * (size - 1);
  const int i = std::min(int(s), size - 2);
  const float f = float(s - i);
  const Rgb& a = table[i];
  const Rgb& b = table[i + 1];
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

}  // namespace

const Rgb& viridis_entry(int i) { return kViridis[std::clamp(i, 0, kViridisSize - 1)]; }

Rgb viridis(double t) {
  if (!(t > 0)) return kViridis[0];  // also NaN
  return lookup(kViridis, kViridisSize, t);
}

std::array<uint8_t, 4> viridis_rgba8(double t) {
  const Rgb c = viridis(t);
  return {to_byte(c.r), to_byte(c.g), to_byte(c.b), 255};
}

Rgb diverging(double t) {
  if (std::isnan(t)) t = 0;
  return lookup(kRdBu, kRdBuSize, (std::clamp(t, -1.0, 1.0) + 1.0) * 0.5);
}

std::array<uint8_t, 4> diverging_rgba8(double t) {
  const Rgb c = diverging(t);
  return {to_byte(c.r), to_byte(c.g), to_byte(c.b), 255};
}

}  // namespace vilab
