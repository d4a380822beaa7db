// app/io/look.hpp — the look a room needs (text size, presentation mode, high contrast): a plain
// value that the settings file keeps and app/ui/widgets/style.hpp applies.
#pragma once

namespace vilab {

// Kept in the settings file (app/io/settings.hpp) and edited by the View menu (app/ui/shell/view_menu.hpp).
struct Look {
  float font_scale = 1;                  // text size in normal mode (× the monitor's content scale)
  float presentation_font_scale = 1.75f; // text size in presentation mode
  bool presentation = false;             // bigger text, thicker lines, high contrast
  bool high_contrast = false;            // black background, white text (also on in presentation)
  bool operator==(const Look&) const = default;
};

constexpr float kFontScaleMin = 0.6f, kFontScaleMax = 3.0f;
constexpr float kPresentationLineScale = 1.5f;  // lines and points in presentation mode

// The text size in effect (the one Ctrl +/− and the View menu's slider edit).
inline float text_zoom(const Look& l) { return l.presentation ? l.presentation_font_scale : l.font_scale; }
inline float& text_zoom_ref(Look& l) { return l.presentation ? l.presentation_font_scale : l.font_scale; }
inline bool contrast_on(const Look& l) { return l.high_contrast || l.presentation; }
inline float line_scale_of(const Look& l) { return l.presentation ? kPresentationLineScale : 1.0f; }

}  // namespace vilab
