// app/colormap.cpp — viridis lookup with linear interpolation between table entries.
#include "app/colormap.hpp"

#include <algorithm>
#include <cmath>

namespace vilab {

namespace {
constexpr Rgb kViridis[kViridisSize] = {
#include "app/viridis.inc"
};
}  // namespace

const Rgb& viridis_entry(int i) { return kViridis[std::clamp(i, 0, kViridisSize - 1)]; }

Rgb viridis(double t) {
  if (!(t > 0)) return kViridis[0];  // also NaN
  if (t >= 1) return kViridis[kViridisSize - 1];
  const double s = t * (kViridisSize - 1);
  const int i = std::min(int(s), kViridisSize - 2);
  const float f = float(s - i);
  const Rgb& a = kViridis[i];
  const Rgb& b = kViridis[i + 1];
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

std::array<uint8_t, 4> viridis_rgba8(double t) {
  const Rgb c = viridis(t);
  auto q = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
  return {q(c.r), q(c.g), q(c.b), 255};
}

}  // namespace vilab
