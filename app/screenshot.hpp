// app/screenshot.hpp — save the current OpenGL back buffer as a PNG.
#pragma once

#include <string>

namespace vilab {

// Reads the back buffer (width × height pixels, from the bottom-left) with glReadPixels, flips it
// to top-down rows and writes an RGB PNG. On failure returns false and sets `error`.
bool save_back_buffer_png(const std::string& path, int width, int height, std::string& error);

}  // namespace vilab
