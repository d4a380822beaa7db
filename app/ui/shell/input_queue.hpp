// app/ui/shell/input_queue.hpp — GLFW's input events, queued and handed to Dear ImGui one transition per
// frame, so that nothing a user does is lost when the frame rate is low.
//
// Dear ImGui 1.86 reads key and button *state* once a frame: a key pressed and released between
// two frames never reads as down, and a click and a move in one frame lands where the pointer
// ended. (1.87 added an input queue; Debian ships 1.86.) Here every key, character, button, move
// and wheel event waits in order, and each frame takes events from the front until one would
// change a key or a button a second time, or would move the pointer after a button changed (so a
// click is seen where it happened): at 3 fps a quick tap still reads as pressed for one frame and
// released the next.
#pragma once

struct GLFWwindow;

namespace vilab {

// Replaces the key, char, mouse-button, cursor and scroll callbacks that ImGui's GLFW backend
// installed (call after ImGui_ImplGlfw_InitForOpenGL(window, true)); the backend keeps its focus,
// enter and monitor callbacks.
void install_input_queue(GLFWwindow* window);

// Hands this frame's share of the queue to ImGui: call between ImGui_ImplGlfw_NewFrame() (which
// reads the live pointer) and ImGui::NewFrame().
void feed_input_queue();

// Events still waiting (0 when the app keeps up).
int input_queue_backlog();

}  // namespace vilab
