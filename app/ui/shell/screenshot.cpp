// app/ui/shell/screenshot.cpp — glReadPixels + stb_image_write (Debian's libstb provides the code, so
// STB_IMAGE_WRITE_IMPLEMENTATION is not defined here).
#include "app/ui/shell/screenshot.hpp"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vilab {

PixelRect clip_rect(PixelRect r, int width, int height) {
  r.x0 = std::clamp(r.x0, 0, width), r.x1 = std::clamp(r.x1, 0, width);
  r.y0 = std::clamp(r.y0, 0, height), r.y1 = std::clamp(r.y1, 0, height);
  return r;
}

bool save_back_buffer_png(const std::string& path, int width, int height, std::string& error, PixelRect crop) {
  if (width <= 0 || height <= 0) {
    error = "the window has no pixels (" + std::to_string(width) + "x" + std::to_string(height) + ")";
    return false;
  }
  const PixelRect r = crop.empty() ? PixelRect{0, 0, width, height} : clip_rect(crop, width, height);
  if (r.empty()) {
    error = "the panel is outside the window (" + std::to_string(crop.x0) + "," + std::to_string(crop.y0) + " to " +
            std::to_string(crop.x1) + "," + std::to_string(crop.y1) + ")";
    return false;
  }
  const int w = r.width(), h = r.height();
  const size_t row = size_t(w) * 3;
  std::vector<uint8_t> pixels(row * size_t(h));
  while (glGetError() != GL_NO_ERROR) {
  }  // clear errors from earlier calls
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  // OpenGL's origin is the bottom-left corner: the rectangle's bottom row is height − y1.
  glReadPixels(r.x0, height - r.y1, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum e = glGetError(); e != GL_NO_ERROR) {
    error = "glReadPixels failed (GL error " + std::to_string(unsigned(e)) + ")";
    return false;
  }
  // OpenGL's rows run bottom to top; PNG's top to bottom.
  std::vector<uint8_t> flipped(pixels.size());
  for (int y = 0; y < h; ++y)
    std::memcpy(flipped.data() + size_t(y) * row, pixels.data() + size_t(h - 1 - y) * row, row);
  errno = 0;
  if (!stbi_write_png(path.c_str(), w, h, 3, flipped.data(), int(row))) {
    error = "cannot write '" + path + "'" + (errno ? std::string(": ") + std::strerror(errno) : std::string());
    return false;
  }
  return true;
}

}  // namespace vilab
