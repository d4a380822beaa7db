// app/style.hpp — vilab's font and dark theme, sized for a projector.
#pragma once

namespace vilab {

// Loads DejaVu Sans (Latin, Greek, the math symbols vilab writes) at 18 px × `scale` into the
// current ImGui context's atlas. Falls back to ImGui's default font with a warning on stderr
// when the file is missing. Returns false on fallback.
bool load_fonts(float scale);

// A dark theme with strong contrast, with every size scaled by `scale` (may be called again
// with another scale).
void apply_theme(float scale);

}  // namespace vilab
