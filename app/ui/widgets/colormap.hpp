// app/ui/widgets/colormap.hpp — viridis (sequential) and a blue–white–red diverging map, both
// colour-blind safe.
//
// The viridis table (app/ui/widgets/viridis.inc) is matplotlib's viridis (CC0), 256 entries; values between
// entries are interpolated linearly. The diverging map is ColorBrewer's RdBu (9 classes, marked
// colour-blind safe by ColorBrewer; Brewer, Penn State, Apache-2.0), interpolated the same way.
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

// The diverging map at t ∈ [−1, 1] (clamped; NaN maps to 0): blue (−1) – near-white (0) – red (+1).
Rgb diverging(double t);
std::array<uint8_t, 4> diverging_rgba8(double t);

// The table itself (for tests and legends).
inline constexpr int kViridisSize = 256;
const Rgb& viridis_entry(int i);

}  // namespace vilab
