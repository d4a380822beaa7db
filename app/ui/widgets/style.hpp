// app/ui/widgets/style.hpp — vilab's font and dark theme, sized for a projector; the look a room needs
// (presentation mode, high contrast) and the one line-width factor every drawing multiplies by.
#pragma once

#include "app/io/look.hpp"

struct ImFont;

namespace vilab {

// [SECTION] Line widths and point sizes

// The presentation factor for lines and points (1 normally, kPresentationLineScale presenting).
// One value for the whole app, like ImGui's style: set by apply_theme's caller between frames.
void set_line_scale(float s);
float line_scale();

// Pixels per "design pixel" of a line width or point radius: the current font size over the base
// 18 px, times line_scale(). Every AddLine/AddPolyline/AddCircle width in app/ is written at 18-px
// text and multiplied by this, so lines grow with the text and with presentation mode.
float line_px();

// Loads DejaVu Sans (Latin, Greek, the math symbols vilab writes) at 18 px × `scale` into the
// current ImGui context's atlas (the default font), and again at 1.3 × that size for numbers a
// class reads from the back row (large_font()). Falls back to ImGui's default font with a
// warning on stderr when the file is missing. Returns false on fallback.
bool load_fonts(float scale);

// The large font loaded by load_fonts (null when only the fallback is loaded: ImGui::PushFont(null)
// then pushes the default font).
ImFont* large_font();

// A dark theme with strong contrast, with every size scaled by `scale` (may be called again
// with another scale). With `high_contrast`: black background, white text, brighter frames and
// thicker borders (for a projector in a lit room).
void apply_theme(float scale, bool high_contrast = false);

// Whether the theme in effect is the high-contrast one (plots pick saturated colours then).
bool high_contrast();

}  // namespace vilab
