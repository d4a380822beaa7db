// app/ui/windows/lesson_browser.cpp — the lesson browser, the keys 1–9, the Lessons menu and the lesson
// text window.
//
// Index
// [SECTION] Filtering
// [SECTION] The browser
// [SECTION] The Lessons menu
// [SECTION] The lesson text window
#include "app/ui/windows/lesson_browser.hpp"

#include "app/ui/shell/layout.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace vilab {

namespace {

LessonWindowsReport g_report;  // written by the UI thread only, read by tests after run_gui

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));  // ASCII; UTF-8 bytes pass
  return out;
}

}  // namespace

// [SECTION] Filtering

bool lesson_matches(const SceneFile& lesson, std::string_view filter) {
  const std::string hay = lower(lesson.name + "\n" + lesson.title + "\n" + lesson.summary + "\n" + lesson.text);
  std::istringstream words{std::string(filter)};
  std::string w;
  while (words >> w)
    if (hay.find(lower(w)) == std::string::npos) return false;
  return true;
}

std::vector<int> filter_lessons(const std::vector<SceneFile>& all, std::string_view filter) {
  std::vector<int> out;
  for (size_t i = 0; i < all.size(); ++i)
    if (lesson_matches(all[i], filter)) out.push_back(int(i));
  return out;
}

std::string lesson_key(int index) { return index >= 0 && index < 9 ? std::to_string(index + 1) : std::string(); }

// [SECTION] The browser

void toggle_lesson_browser(LessonBrowserState& st) {
  st.open = !st.open;
  st.focus_filter = st.open;
}

const SceneFile* draw_lesson_browser(LessonBrowserState& st, const std::vector<SceneFile>& all) {
  g_report.browser_drawn = false;
  if (!st.open) return nullptr;
  const float fs = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 size{std::min(fs * 44, vp->WorkSize.x * 0.9f), std::min(fs * 52, vp->WorkSize.y * 0.92f)};
  ImGui::SetNextWindowSize(size, ImGuiCond_Appearing);
  center_next_window(ImGuiCond_Appearing);
  if (!ImGui::Begin("Lessons##lesson_browser", &st.open, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return nullptr;
  }
  const SceneFile* picked = nullptr;
  if (st.focus_filter) {
    ImGui::SetKeyboardFocusHere();
    st.focus_filter = false;
  }
  ImGui::SetNextItemWidth(-fs * 4);
  const bool enter = ImGui::InputTextWithHint("filter##lesson_filter", "type to filter, Enter opens", st.filter,
                                              sizeof st.filter, ImGuiInputTextFlags_EnterReturnsTrue);
  tooltip("Show only the lessons whose title, summary or text contain every word typed here, e.g. "
          "\"flow\" or \"KL mode\". Up and Down move the highlight; Enter opens the highlighted lesson.");
  const std::vector<int> shown = filter_lessons(all, st.filter);
  g_report.browser_drawn = true;
  g_report.browser_rows = int(shown.size());
  bool moved = false;
  if (!shown.empty()) {
    if (ImGui::IsKeyPressed(GLFW_KEY_DOWN)) ++st.selected, moved = true;
    if (ImGui::IsKeyPressed(GLFW_KEY_UP)) --st.selected, moved = true;
  }
  st.selected = std::clamp(st.selected, 0, std::max(int(shown.size()) - 1, 0));
  if (enter && !shown.empty()) picked = &all[size_t(shown[size_t(st.selected)])];
  ImGui::TextDisabled("Click a lesson or press its key (1\u20139) anywhere in the app. It replaces what runs now.");
  ImGui::Separator();

  ImGui::BeginChild("##lesson_list");
  if (shown.empty()) text_wrappedf("No lesson matches \"%s\".", st.filter);
  const ImGuiStyle& style = ImGui::GetStyle();
  for (size_t r = 0; r < shown.size(); ++r) {
    const int i = shown[r];
    const SceneFile& l = all[size_t(i)];
    ImGui::PushID(i);
    const std::string key = lesson_key(i);
    // A row: the key in a fixed column, the title in bright text, the summary wrapped below it.
    const float key_w = fs * 1.8f;
    const float text_w = ImGui::GetContentRegionAvail().x - key_w - style.ItemSpacing.x;
    const float title_h = wrapped_text_size(l.title, text_w).y;
    const float summary_h = wrapped_text_size(l.summary, text_w).y;
    const float row_h = title_h + summary_h + style.ItemSpacing.y;
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const bool is_sel = int(r) == st.selected;
    if (ImGui::Selectable("##row", is_sel, ImGuiSelectableFlags_None, {0, row_h})) picked = &l;
    probe_item("lesson:" + l.name);  // every row is "##row": a test finds it by the lesson's name
    if (ImGui::IsItemHovered()) st.selected = int(r);
    if (is_sel && moved) ImGui::SetScrollHereY();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImU32 key_col = ImGui::GetColorU32(ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
    dl->AddText({top.x + fs * 0.3f, top.y}, key.empty() ? ImGui::GetColorU32(ImGuiCol_TextDisabled) : key_col,
                key.empty() ? "\u00B7" : key.c_str());
    ImGui::SetCursorScreenPos({top.x + key_w, top.y});
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + text_w);
    text_wrapped(l.title);
    text_wrapped_disabled(l.summary);
    ImGui::PopTextWrapPos();
    ImGui::SetCursorScreenPos({top.x, top.y + row_h + style.ItemSpacing.y});
    ImGui::Dummy({0, 0});
    ImGui::PopID();
  }
  ImGui::EndChild();
  ImGui::End();
  if (picked) {
    // The search was for this lesson: the browser opens next time on the whole library, with an
    // empty filter (a filter kept from before, in the field with the keyboard, took what was
    // typed next onto its end). Closing without picking keeps the filter, and the list matches it.
    st.open = false;
    st.filter[0] = '\0';
    st.selected = 0;
  }
  return picked;
}

// [SECTION] The Lessons menu

void draw_lessons_menu(LessonBrowserState& st, const std::string& title, const std::string& text) {
  if (!ImGui::BeginMenu("Lessons")) return;
  if (ImGui::MenuItem("Browse lessons\u2026", "1\u20139", st.open)) toggle_lesson_browser(st);
  tooltip("The lesson library: each lesson opens a ready-made scene (target, fits side by side, windows) "
          "with a short explanation: the idea, the maths, what to try and what to look for.");
  if (ImGui::MenuItem("Lesson text", nullptr, st.text_open, !text.empty())) st.text_open = !st.text_open;
  tooltip(text.empty() ? "The open scene has no lesson text." : ("Show or hide the explanation of \"" + title + "\".").c_str());
  ImGui::EndMenu();
}

// [SECTION] The lesson text window

bool lesson_pane_shown(const LessonBrowserState& st, const std::string& text) { return st.text_open && !text.empty(); }

namespace {

// The pane's title, wrapped beside the collapse arrow, in the large font: its wrap width and height.
float title_wrap(float pane_w) {
  const ImGuiStyle& style = ImGui::GetStyle();
  return std::max(pane_w - 2 * style.WindowPadding.x - ImGui::GetFrameHeight() - style.ItemSpacing.x - style.ScrollbarSize,
                  1.0f);
}

// The large font for the title, but not in a narrow pane (large text, a small window), where it
// would take three lines of the text's room.
ImFont* title_font(float pane_w) { return pane_w >= ImGui::GetFontSize() * 24 ? large_font() : nullptr; }

float title_height(const std::string& title, float pane_w) {
  ImGui::PushFont(title_font(pane_w));
  const float h = wrapped_text_size(title, title_wrap(pane_w)).y;
  ImGui::PopFont();
  return std::max(h, ImGui::GetFrameHeight());
}

}  // namespace

float lesson_pane_height(const LessonBrowserState& st, const std::string& title, const std::string& text, float width) {
  if (!lesson_pane_shown(st, text)) return 0;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float chrome = 2 * style.WindowPadding.y + 2 * style.WindowBorderSize;
  const float title_h = title_height(title, width);
  if (st.text_collapsed) return title_h + chrome;
  const float wrap = std::max(width - 2 * style.WindowPadding.x - style.ScrollbarSize, 1.0f);
  return chrome + title_h + style.ItemSpacing.y * 3 + wrapped_text_size(text, wrap).y;
}

void draw_lesson_text_window(LessonBrowserState& st, const std::string& title, const std::string& text, const Rect& where) {
  g_report.text_drawn = false;
  g_report.text_rect = {};
  if (!lesson_pane_shown(st, text) || where.empty()) return;
  // Docked into the layout's rect: no panel lies under it, and no tool window over it.
  const int flags = dock_next_window(where) | ImGuiWindowFlags_NoTitleBar;
  const std::string name = "Lesson: " + title + "###lesson_text";
  if (ImGui::Begin(name.c_str(), nullptr, flags)) {
    const bool toggle = ImGui::ArrowButton("##lesson_collapse", st.text_collapsed ? ImGuiDir_Right : ImGuiDir_Down);
    tooltip(st.text_collapsed ? "Show the lesson text again." : "Fold the lesson text to this line: the density view "
                                                                 "takes the room. (Lessons \u2192 Lesson text hides it.)");
    if (toggle) st.text_collapsed = !st.text_collapsed;
    ImGui::SameLine();
    ImGui::PushFont(title_font(where.w));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + title_wrap(where.w));
    text_wrapped(title);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
    ImGui::PopFont();
    if (!st.text_collapsed) {
      ImGui::Separator();
      text_wrapped(text);
    }
    g_report.text_drawn = true;
    g_report.text_title = title;
    g_report.text_width = ImGui::GetWindowWidth();
    g_report.text_height = ImGui::GetWindowHeight();
    g_report.text_rect = where;
  }
  ImGui::End();
}

LessonWindowsReport last_lesson_windows() { return g_report; }

void on_scene_opened(LessonBrowserState& st, const SceneFile& f) {
  st.text_open = !f.text.empty();
  st.text_collapsed = false;
}

}  // namespace vilab
