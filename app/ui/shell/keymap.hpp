// app/ui/shell/keymap.hpp — every key vilab knows, in ONE table: the F1 window lists it and the key
// handlers ask it (pressed(KeyAction)), so what the window says and what the keys do cannot drift.
//
// Adding a key: a KeyAction, a row in kKeymap (app/ui/shell/keymap.cpp), and pressed(action) where it acts.
// The tests check that no two rows share a key.
#pragma once

#include <span>

namespace vilab {

enum class KeyAction {
  // Run
  PlayPause,
  Step,
  Reset,
  // Timeline (the recorded snapshots under the density view)
  TimelineBack,
  TimelineStart,
  TimelineLive,
  // View
  ZoomIn,
  ZoomOut,
  ZoomReset,
  Presentation,
  Fullscreen,
  KeyMap,
  // Windows
  StepThrough,
  // Lessons (the lesson browser's first nine)
  Lesson1,
  Lesson2,
  Lesson3,
  Lesson4,
  Lesson5,
  Lesson6,
  Lesson7,
  Lesson8,
  Lesson9,
  // Files
  OpenScene,
  SaveScene,
  Quit,
};

struct KeyBinding {
  KeyAction action;
  int key;             // a GLFW key code (ImGui 1.86's GLFW backend indexes its key array by it)
  int alt_key;         // a second key that does the same (the keypad's), or −1
  bool ctrl;           // with Ctrl held (and without it otherwise)
  bool repeat;         // holding the key repeats the action (stepping)
  const char* group;   // "Run", "Timeline", "View", "Windows", "Lessons", "Files": the F1 window's sections
  const char* keys;    // as the F1 window shows it, e.g. "Ctrl + O"
  const char* what;    // what it does, in words a student understands
};

// The whole table, grouped, in the order the F1 window lists it.
std::span<const KeyBinding> keymap();

// The row of `action` (every action has exactly one).
const KeyBinding& binding(KeyAction action);

// Whether `action`'s key went down this frame (or repeats, for a repeating key), with exactly the
// Ctrl the table asks for (Shift is free: the timeline's keys take it as "ten at a time").
// The keys are the app's, not a dialog's: no key acts while a popup, menu or modal is open (it
// would act behind it), and letters, digits, Space and arrows do nothing while a text field has
// the keyboard; function keys do.
bool pressed(KeyAction action);

// Whether the app's keys are held back this frame (a popup, menu or modal is open).
bool keys_held_back();

// The F1 window: the table, grouped. `open` is cleared when the window is closed.
void draw_keymap_window(bool* open);

}  // namespace vilab
