// app/style.hpp — vilab's font and dark theme, sized for a projector.
#pragma once

struct ImFont;

namespace vilab {

// Loads DejaVu Sans (Latin, Greek, the math symbols vilab writes) at 18 px × `scale` into the
// current ImGui context's atlas (the default font), and again at 1.3 × that size for numbers a
// class reads from the back row (large_font()). Falls back to ImGui's default font with a
// warning on stderr when the file is missing. Returns false on fallback.
bool load_fonts(float scale);

// The large font loaded by load_fonts (null when only the fallback is loaded: ImGui::PushFont(null)
// then pushes the default font).
ImFont* large_font();

// A dark theme with strong contrast, with every size scaled by `scale` (may be called again
// with another scale).
void apply_theme(float scale);

}  // namespace vilab
