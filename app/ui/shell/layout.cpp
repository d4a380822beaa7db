// app/ui/shell/layout.cpp — the single view's layout and the docking of tool windows into it.
//
// Index
// [SECTION] Columns
// [SECTION] The single view
// [SECTION] The grid view
// [SECTION] Docking (inside an ImGui frame)
#include "app/ui/shell/layout.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace vilab {

namespace {

// The lesson pane's share of its column at most: under the density view, above the controls.
constexpr float kUnderShare = 0.36f, kAboveShare = 0.5f;
// The tool windows' share of the right column (one, several); the metrics scroll in the rest.
constexpr float kOneToolShare = 0.62f, kToolsShare = 0.74f;
// A model window's share of the height: the density view and the metrics share the rest.
constexpr float kModelShare = 0.75f;

// Around the density view's picture (app/ui/panels/density_view.cpp), in font sizes: the axes' labels and
// the colour bar beside it; the layer options, the x axis and the legend above and below it.
constexpr float kPictureSide = 9.4f, kPictureStacked = 8.5f;

bool any_tool(const LayoutInput& in) { return std::any_of(in.tools.begin(), in.tools.end(), [](bool b) { return b; }); }

// A window that draws a model of its own (a VAE, a BNN, a CAVI fit): its lesson is about it, and
// its panels need the width of the density view and the metrics together.
bool is_model_window(int i) { return i >= int(kFirstModelWindow); }
bool any_model_window(const LayoutInput& in) {
  for (int i = 0; i < kToolWindows; ++i)
    if (in.tools[size_t(i)] && is_model_window(i)) return true;
  return false;
}

// Stacks the tool windows open in `r`, top to bottom.
void stack_tools(const LayoutInput& in, const Rect& r, Layout& l) {
  const int n = int(std::count(in.tools.begin(), in.tools.end(), true));
  if (n == 0) return;
  const float each = (r.h - float(n - 1) * in.gap_y) / float(n);
  float top = r.y;
  for (int i = 0; i < kToolWindows; ++i) {
    if (!in.tools[size_t(i)]) continue;
    l.tools[size_t(i)] = {r.x, top, r.w, each};
    top += each + in.gap_y;
  }
}

float panel_height(const LayoutInput& in) { return std::max(in.area.h - in.status_h, in.font * 10); }

// The centre column's height under the density view: the timeline bar, the data strip and the
// lesson pane (when it is there), each after a gap.
float below_density(const LayoutInput& in, float lesson_h) {
  float h = in.timeline_h + in.gap_y;
  if (in.strip_h > 0) h += in.strip_h + in.gap_y;
  if (lesson_h > 0) h += lesson_h + in.gap_y;
  return h;
}

// [SECTION] Columns

struct Columns {
  float left = 0, centre = 0, right = 0;
};

// The side columns as wide as their text needs (in font sizes) within a share of the width; then
// narrowed until the density view is the largest panel: no side column may be wider than the
// density view times the share of the column's height the density view keeps (`density_h` of
// `panel_h`), so its area is the larger. A tool window may be as wide as the density view: it is
// what a lesson about it looks at.
Columns columns(const LayoutInput& in, LessonPlace place, float panel_h, float density_h) {
  const float fs = in.font, width = in.area.w;
  const float inner = std::max(width - 2 * in.gap_x, fs * 3);
  const bool tools = any_tool(in);
  // At a large text size (presentation mode) the minimum widths in fs would squeeze the density
  // view to nothing: the shares rule then.
  const bool tight = width < fs * (17 + 19 + 20);
  Columns c;
  if (place == LessonPlace::AboveControls)  // a little wider: the lesson's lines read better
    c.left = tight ? width * 0.27f : std::clamp(width * 0.27f, fs * 20, fs * 30);
  else
    c.left = tight ? std::clamp(fs * 15, width * 0.22f, width * 0.27f) : std::clamp(width * 0.25f, fs * 17, fs * 26);
  if (tools) c.right = tight ? width * 0.30f : std::clamp(width * 0.36f, fs * 19, fs * 48);
  else c.right = tight ? width * 0.26f : std::clamp(width * 0.30f, fs * 19, fs * 34);

  const float k_left = std::max(density_h, fs * 6) / panel_h, k_right = tools ? 1.0f : k_left;
  // The centre width w with w = inner − min(left, k_left·w) − min(right, k_right·w): the right
  // side falls as w grows, so bisection finds the one crossing.
  float lo = 0, hi = inner;
  for (int i = 0; i < 48; ++i) {
    const float w = 0.5f * (lo + hi);
    const float rest = inner - std::min(c.left, k_left * w) - std::min(c.right, k_right * w);
    (rest > w ? lo : hi) = w;
  }
  c.centre = lo;
  c.left = std::min(c.left, k_left * c.centre);
  c.right = inner - c.centre - c.left;

  // A picture held by its width (a tall box, large text) gets the width its height allows, from
  // the side columns, down to a floor each: they scroll.
  const float want = picture_height(1e9f, density_h, fs, in.aspect) * std::max(in.aspect, 0.05f) + kPictureSide * fs;
  if (c.centre < want) {
    const float floor = std::max(width * 0.18f, fs * 12);
    // A tool window keeps its width: a lesson about it looks at it.
    const float give_l = std::max(c.left - floor, 0.0f), give_r = tools ? 0.0f : std::max(c.right - floor, 0.0f);
    const float take = std::min(want - c.centre, give_l + give_r);  // > 0 only when one gives
    if (take > 0) {
      c.left -= take * give_l / (give_l + give_r);
      c.right -= take * give_r / (give_l + give_r);
      c.centre += take;
    }
  }
  return c;
}

// [SECTION] The single view

// The layout with the lesson pane at `place`.
Layout build(const LayoutInput& in, LessonPlace place) {
  const float panel_h = panel_height(in);
  const float x = in.area.x, y = in.area.y;
  // The widths do not depend on the lesson's height (its text wraps to them): under the density
  // view they count on the tallest pane.
  const float cap = place == LessonPlace::UnderDensity    ? panel_h * kUnderShare
                    : place == LessonPlace::AboveControls ? panel_h * kAboveShare
                                                          : 0.0f;
  const Columns c =
      columns(in, place, panel_h, panel_h - below_density(in, place == LessonPlace::UnderDensity ? cap : 0.0f));
  const float pane_w = place == LessonPlace::UnderDensity ? c.centre : c.left;
  const float lesson_h =
      place == LessonPlace::None ? 0.0f : std::clamp(in.lesson_h ? in.lesson_h(pane_w) : cap, 0.0f, cap);
  Layout l;
  l.lesson_place = place;

  // The left: the controls, under the lesson pane when it is there.
  if (place == LessonPlace::AboveControls) {
    l.lesson = {x, y, c.left, lesson_h};
    l.controls = {x, y + lesson_h + in.gap_y, c.left, panel_h - lesson_h - in.gap_y};
  } else {
    l.controls = {x, y, c.left, panel_h};
  }

  const float cx = x + c.left + in.gap_x;
  if (place != LessonPlace::UnderDensity && any_model_window(in)) {
    // A model window takes the top of the centre and right columns together; the density view
    // (with the timeline) and the metrics share the band under it.
    const Rect rest{cx, y, x + in.area.w - cx, panel_h};
    // The band keeps the timeline and a few lines of the density view at least.
    const float min_band = in.timeline_h + 2 * in.gap_y + in.font * 3;
    const float tools_h = std::max(std::min(std::round(panel_h * kModelShare), panel_h - in.gap_y - min_band), in.font * 3);
    stack_tools(in, {rest.x, rest.y, rest.w, tools_h}, l);
    const float band_y = y + tools_h + in.gap_y, band_h = panel_h - tools_h - in.gap_y;
    const float dw = std::round((rest.w - in.gap_x) * 0.55f);
    float below = band_y + band_h;
    // The data strip only where the density view keeps a few lines of height.
    const float strip_h = in.strip_h > 0 && band_h - in.timeline_h - in.strip_h - 2 * in.gap_y >= in.font * 6 ? in.strip_h : 0.0f;
    if (strip_h > 0) below -= strip_h + in.gap_y, l.strip = {cx, below + in.gap_y, dw, strip_h};
    below -= in.timeline_h + in.gap_y;
    l.timeline = {cx, below + in.gap_y, dw, in.timeline_h};
    l.density = {cx, band_y, dw, std::max(below - band_y, in.font * 3)};
    l.metrics = {cx + dw + in.gap_x, band_y, rest.right() - cx - dw - in.gap_x, band_h};
    l.status_y = y + panel_h + in.gap_y;
    return l;
  }

  // The centre: the density view on top, the rest stacked under it.
  const float under = place == LessonPlace::UnderDensity ? lesson_h : 0.0f;
  const float density_h = std::max(panel_h - below_density(in, under), in.font * 6);
  l.density = {cx, y, c.centre, density_h};
  float below = y + density_h + in.gap_y;
  l.timeline = {cx, below, c.centre, in.timeline_h};
  below += in.timeline_h + in.gap_y;
  if (in.strip_h > 0) {
    l.strip = {cx, below, c.centre, in.strip_h};
    below += in.strip_h + in.gap_y;
  }
  if (under > 0) l.lesson = {cx, below, c.centre, std::min(under, y + panel_h - below)};

  // The right: the tool windows open, stacked, then the metrics.
  const float rx = cx + c.centre + in.gap_x;
  const int n = int(std::count(in.tools.begin(), in.tools.end(), true));
  float top = y;
  if (n > 0) {
    const float total = panel_h * (n == 1 ? kOneToolShare : kToolsShare);
    stack_tools(in, {rx, y, c.right, total}, l);
    top = y + total + in.gap_y;
  }
  l.metrics = {rx, top, c.right, y + panel_h - top};
  l.status_y = y + panel_h + in.gap_y;
  return l;
}

}  // namespace

bool intersects(const Rect& a, const Rect& b) {
  if (a.empty() || b.empty()) return false;
  return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

float picture_height(float w, float h, float font, float aspect) {
  return std::max(std::min((w - kPictureSide * font) / std::max(aspect, 0.05f), h - kPictureStacked * font), 0.0f);
}

Layout layout_panels(const LayoutInput& in) {
  if (!in.lesson) return build(in, LessonPlace::None);
  // A model window, or a data strip under the density view: the centre column has no height to
  // spare for the lesson.
  if (any_model_window(in) || in.strip_h > 0) return build(in, LessonPlace::AboveControls);
  // Both places; the one that leaves the larger picture (under the density view on a near tie:
  // the controls keep their height).
  const Layout under = build(in, LessonPlace::UnderDensity), above = build(in, LessonPlace::AboveControls);
  const float pu = picture_height(under.density.w, under.density.h, in.font, in.aspect);
  const float pa = picture_height(above.density.w, above.density.h, in.font, in.aspect);
  return pa > pu * 1.02f ? above : under;
}

// [SECTION] The grid view

GridLayout layout_grid(const Rect& work, float font, bool lesson, float lesson_h) {
  GridLayout g;
  g.grid = work;
  if (!lesson) return g;
  // The grid's twelve panels need the height more than the single view's one: a smaller share.
  const float h = std::clamp(lesson_h, 0.0f, std::max(work.h * 0.3f, font * 3));
  g.lesson = {work.x, work.bottom() - h, work.w, h};
  g.grid.h = work.h - h;
  return g;
}

// [SECTION] Docking (inside an ImGui frame)

namespace {
Layout g_layout;  // written and read by the UI thread only
}  // namespace

void set_current_layout(const Layout& l) { g_layout = l; }
const Layout& current_layout() { return g_layout; }

int dock_next_window(const Rect& r) {
  ImGui::SetNextWindowPos({r.x, r.y}, ImGuiCond_Always);
  ImGui::SetNextWindowSize({r.w, r.h}, ImGuiCond_Always);
  return ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
         ImGuiWindowFlags_NoSavedSettings;
}

int dock_tool_window(ToolWindow w) {
  Rect r = g_layout.tools[size_t(w)];
  if (r.empty()) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    r = {vp->WorkPos.x + vp->WorkSize.x * 0.6f, vp->WorkPos.y, vp->WorkSize.x * 0.4f, vp->WorkSize.y};
  }
  return dock_next_window(r);
}

void center_next_window(int cond, float top) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float x = vp->WorkPos.x + vp->WorkSize.x * 0.5f;
  if (top >= 0) ImGui::SetNextWindowPos({x, vp->WorkPos.y + top}, cond, {0.5f, 0});
  else ImGui::SetNextWindowPos({x, vp->WorkPos.y + vp->WorkSize.y * 0.5f}, cond, {0.5f, 0.5f});
}

}  // namespace vilab
