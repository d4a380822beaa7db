// app/ui/shell/screenshot.hpp — save the current OpenGL back buffer, or a rectangle of it, as a PNG.
#pragma once

#include <string>

namespace vilab {

// A screen rectangle in framebuffer pixels, top-left origin (ImGui's), as the panels report them.
struct PixelRect {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // top-left inclusive, bottom-right exclusive
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
};

// `r` clipped to a width × height framebuffer.
PixelRect clip_rect(PixelRect r, int width, int height);

// Reads the back buffer (width × height pixels) with glReadPixels and writes the pixels of `crop`
// (clipped to the buffer; the whole buffer when empty) as an RGB PNG, rows top-down. On failure
// returns false and sets `error` (the system's reason when the file cannot be written).
bool save_back_buffer_png(const std::string& path, int width, int height, std::string& error, PixelRect crop = {});

}  // namespace vilab
