// app/ui/windows/lesson_browser.hpp — the lesson browser and the lesson text window.
//
// The browser lists the lesson library (app/io/lessons.hpp) with each lesson's key, title and
// one-line summary; a filter box narrows the list; a click or Enter picks one, and keys 1–9 pick
// the first nine from anywhere in the app. The browser never opens a lesson itself: it returns
// the chosen SceneFile and the app opens it through its one path (gui.cpp's open_scene_file), so
// a lesson opens exactly like a scene file from disk.
//
// The lesson pane shows the open scene's title and explanation, wrapped to the pane, with the
// title in the large font for a class reading from the back row. It has a place of its own in
// the layout (app/ui/shell/layout.hpp: under the density view, or under the grid), so it never covers
// the controls, plots and windows its text names; it collapses to its title line.
#pragma once

#include "app/ui/shell/layout.hpp"
#include "app/io/scene_file.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vilab {

struct LessonBrowserState {
  bool open = false;        // the browser window is shown
  bool text_open = false;   // the lesson pane is shown (when the open scene has text)
  bool text_collapsed = false;  // the pane shows its title line only
  char filter[96] = "";    // what the filter box holds
  int selected = 0;         // the highlighted row among the filtered lessons (Enter opens it)
  bool focus_filter = false;  // give the filter box the keyboard when the browser next draws
};

// [SECTION] Pure logic (tested headless)

// True when every word of `filter` appears, ignoring case, in the lesson's name, title, summary
// or text. An empty filter matches every lesson.
bool lesson_matches(const SceneFile& lesson, std::string_view filter);

// The indices of `all` that match `filter`, in library order.
std::vector<int> filter_lessons(const std::vector<SceneFile>& all, std::string_view filter);

// The key that opens lesson `index` ("1" … "9"), or "" for the lessons after the ninth.
std::string lesson_key(int index);

// [SECTION] Drawing (inside an ImGui frame)

// Toggles the browser (the menu item, the controls' button): opening it focuses the filter box.
void toggle_lesson_browser(LessonBrowserState& state);

// Draws the browser window when it is open. Returns the lesson picked this frame (a click, or
// Enter on the highlighted row), or null. Picking closes the browser and clears the filter (the
// next opening lists every lesson); closing it without a pick keeps the filter.
const SceneFile* draw_lesson_browser(LessonBrowserState& state, const std::vector<SceneFile>& all);

// The "Lessons" menu of the main menu bar: the browser, and the lesson text window when the open
// scene has text (`title`, `text`: the open scene's).
void draw_lessons_menu(LessonBrowserState& state, const std::string& title, const std::string& text);

// Whether the lesson pane is shown: state.text_open and the open scene has text.
bool lesson_pane_shown(const LessonBrowserState& state, const std::string& text);

// The height the lesson pane asks for at `width`: its title line and, unless collapsed, all of
// its text (the layout may give it less: it scrolls).
float lesson_pane_height(const LessonBrowserState& state, const std::string& title, const std::string& text, float width);

// The lesson pane at `where` (from the layout): `title` as its heading with the collapse arrow,
// `text` wrapped below it, while lesson_pane_shown. The Lessons menu hides and shows it.
void draw_lesson_text_window(LessonBrowserState& state, const std::string& title, const std::string& text,
                             const Rect& where);

// What the lesson windows drew in the last frame, for tests.
struct LessonWindowsReport {
  bool browser_drawn = false;
  int browser_rows = 0;       // lessons listed (after the filter)
  bool text_drawn = false;
  std::string text_title;     // the lesson text window's heading
  float text_width = 0, text_height = 0;  // its size in pixels
  Rect text_rect;             // the lesson pane's rect (window pixels)
};
LessonWindowsReport last_lesson_windows();

// Call when a scene has been opened: shows its text when it has any, hides the window when not.
void on_scene_opened(LessonBrowserState& state, const SceneFile& file);

}  // namespace vilab
