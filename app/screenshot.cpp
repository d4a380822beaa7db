// app/screenshot.cpp — glReadPixels + stb_image_write (Debian's libstb provides the code, so
// STB_IMAGE_WRITE_IMPLEMENTATION is not defined here).
#include "app/screenshot.hpp"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

namespace vilab {

bool save_back_buffer_png(const std::string& path, int width, int height, std::string& error) {
  if (width <= 0 || height <= 0) {
    error = "the window has no pixels (" + std::to_string(width) + "x" + std::to_string(height) + ")";
    return false;
  }
  const size_t row = size_t(width) * 3;
  std::vector<uint8_t> pixels(row * size_t(height));
  while (glGetError() != GL_NO_ERROR) {
  }  // clear errors from earlier calls
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum e = glGetError(); e != GL_NO_ERROR) {
    error = "glReadPixels failed (GL error " + std::to_string(unsigned(e)) + ")";
    return false;
  }
  // OpenGL's rows run bottom to top; PNG's top to bottom.
  std::vector<uint8_t> flipped(pixels.size());
  for (int y = 0; y < height; ++y)
    std::memcpy(flipped.data() + size_t(y) * row, pixels.data() + size_t(height - 1 - y) * row, row);
  errno = 0;
  if (!stbi_write_png(path.c_str(), width, height, 3, flipped.data(), int(row))) {
    error = "cannot write '" + path + "'" + (errno ? std::string(": ") + std::strerror(errno) : std::string());
    return false;
  }
  return true;
}

}  // namespace vilab
