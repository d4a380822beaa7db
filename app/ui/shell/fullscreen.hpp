// app/ui/shell/fullscreen.hpp — F11: the window onto the primary monitor's video mode, and back to the
// windowed position and size it had.
#pragma once

struct GLFWwindow;

namespace vilab {

struct WindowRect {
  int x = -1, y = -1, width = 0, height = 0;  // screen coordinates; width 0 = not saved
};

bool is_fullscreen(GLFWwindow* window);

// Makes the window fullscreen (saving its windowed rect in `saved`) or windowed (restoring
// `saved`). Does nothing when it already is what `on` asks, or when there is no monitor.
void set_fullscreen(GLFWwindow* window, bool on, WindowRect& saved);

// The window's rect when windowed: the live one, or `saved` while fullscreen.
WindowRect windowed_rect(GLFWwindow* window, const WindowRect& saved);

}  // namespace vilab
