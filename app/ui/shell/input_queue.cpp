// app/ui/shell/input_queue.cpp — see input_queue.hpp.
#include "app/ui/shell/input_queue.hpp"

#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <array>
#include <cfloat>
#include <deque>
#include <vector>

namespace vilab {

namespace {

struct InputEvent {
  enum class Kind { Key, Char, Button, Move, Scroll } kind;
  int code = 0, scancode = 0, action = 0, mods = 0;  // Key: GLFW key; Char: codepoint; Button: button
  double x = 0, y = 0;                                 // Move: position; Scroll: offsets
};

// The one window's queue and the mouse as the fed events left it.
struct InputQueue {
  GLFWwindow* window = nullptr;
  std::deque<InputEvent> events;
  std::array<bool, ImGuiMouseButton_COUNT> down{};
  bool have_pos = false;
  double x = 0, y = 0;
};

InputQueue g_queue;

void on_key(GLFWwindow*, int key, int scancode, int action, int mods) {
  g_queue.events.push_back({InputEvent::Kind::Key, key, scancode, action, mods});
}
void on_char(GLFWwindow*, unsigned int c) { g_queue.events.push_back({InputEvent::Kind::Char, int(c)}); }
void on_button(GLFWwindow*, int button, int action, int mods) {
  g_queue.events.push_back({InputEvent::Kind::Button, button, 0, action, mods});
}
void on_move(GLFWwindow*, double x, double y) {
  InputEvent e{InputEvent::Kind::Move};
  e.x = x, e.y = y;
  g_queue.events.push_back(e);
}
void on_scroll(GLFWwindow*, double dx, double dy) {
  InputEvent e{InputEvent::Kind::Scroll};
  e.x = dx, e.y = dy;
  g_queue.events.push_back(e);
}

}  // namespace

void install_input_queue(GLFWwindow* window) {
  g_queue = InputQueue{};
  g_queue.window = window;
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetCursorPosCallback(window, on_move);
  glfwSetScrollCallback(window, on_scroll);
}

void feed_input_queue() {
  InputQueue& q = g_queue;
  if (!q.window) return;
  std::vector<int> keys_changed;
  bool button_changed = false, moved = false;
  while (!q.events.empty()) {
    const InputEvent& e = q.events.front();
    if (e.kind == InputEvent::Kind::Key) {
      const bool transition = e.action != GLFW_REPEAT;
      if (transition && std::find(keys_changed.begin(), keys_changed.end(), e.code) != keys_changed.end()) break;
      if (transition) keys_changed.push_back(e.code);
      ImGui_ImplGlfw_KeyCallback(q.window, e.code, e.scancode, e.action, e.mods);
    } else if (e.kind == InputEvent::Kind::Char) {
      ImGui_ImplGlfw_CharCallback(q.window, unsigned(e.code));
    } else if (e.kind == InputEvent::Kind::Button) {
      // One button transition a frame, and not after a move: ImGui takes a click's position from
      // the frame its button went down.
      if (button_changed || moved) break;
      button_changed = true;
      if (e.code >= 0 && e.code < int(q.down.size())) q.down[size_t(e.code)] = e.action == GLFW_PRESS;
    } else if (e.kind == InputEvent::Kind::Move) {
      if (button_changed) break;
      moved = true;
      q.have_pos = true;
      q.x = e.x, q.y = e.y;
    } else {
      ImGui_ImplGlfw_ScrollCallback(q.window, e.x, e.y);
    }
    q.events.pop_front();
  }
  // The backend set the live state; the queue's replaces it. The backend leaves the position at
  // -FLT_MAX when the pointer is outside an unfocused window: then there is no pointer.
  ImGuiIO& io = ImGui::GetIO();
  for (size_t i = 0; i < q.down.size(); ++i) io.MouseDown[i] = q.down[i];
  if (q.have_pos && io.MousePos.x != -FLT_MAX) io.MousePos = ImVec2(float(q.x), float(q.y));
}

int input_queue_backlog() { return int(g_queue.events.size()); }

}  // namespace vilab
