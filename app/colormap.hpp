// app/colormap.hpp — viridis: a perceptually uniform, colour-blind-safe colormap.
//
// The table (app/viridis.inc) is matplotlib's viridis (CC0), 256 entries; values between entries
// are interpolated linearly.
#pragma once

#include <array>
#include <cstdint>

namespace vilab {

struct Rgb {
  float r = 0, g = 0, b = 0;  // each in [0, 1]
};

// Colour at t ∈ [0, 1] (clamped; NaN maps to 0).
Rgb viridis(double t);

// The same as 8-bit RGBA, alpha = 255, packed as bytes r, g, b, a.
std::array<uint8_t, 4> viridis_rgba8(double t);

// The table itself (for tests and legends).
inline constexpr int kViridisSize = 256;
const Rgb& viridis_entry(int i);

}  // namespace vilab
