// app/ui/shell/fullscreen.cpp — see fullscreen.hpp.
#include "app/ui/shell/fullscreen.hpp"

#include <GLFW/glfw3.h>

namespace vilab {

bool is_fullscreen(GLFWwindow* window) { return glfwGetWindowMonitor(window) != nullptr; }

WindowRect windowed_rect(GLFWwindow* window, const WindowRect& saved) {
  if (is_fullscreen(window)) return saved;
  WindowRect r;
  glfwGetWindowPos(window, &r.x, &r.y);
  glfwGetWindowSize(window, &r.width, &r.height);
  return r;
}

void set_fullscreen(GLFWwindow* window, bool on, WindowRect& saved) {
  if (on == is_fullscreen(window)) return;
  if (on) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    const GLFWvidmode* mode = monitor ? glfwGetVideoMode(monitor) : nullptr;
    if (!mode) return;
    saved = windowed_rect(window, saved);
    glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
  } else {
    const int w = saved.width > 0 ? saved.width : 1600, h = saved.height > 0 ? saved.height : 1000;
    glfwSetWindowMonitor(window, nullptr, saved.x >= 0 ? saved.x : 40, saved.y >= 0 ? saved.y : 40, w, h, 0);
  }
}

}  // namespace vilab
