// app/ui/widgets/plane_axes.cpp — see plane_axes.hpp.
#include "app/ui/widgets/plane_axes.hpp"

#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/style.hpp"

#include <algorithm>

namespace vilab {

namespace {
constexpr ImU32 kFrame = IM_COL32(170, 170, 170, 255);
constexpr ImU32 kTickText = IM_COL32(200, 200, 200, 255);
}  // namespace

float plane_left_margin() { return ImGui::GetFontSize() * 3.2f; }
float plane_bottom_margin() { return ImGui::GetFontSize() * 2.6f; }

void draw_plane_frame(ImDrawList* dl, const PlaneMap& m, const char* x_label, const char* y_label, double y_tick_min) {
  const float fs = ImGui::GetFontSize();
  dl->AddRect(m.a0, m.a1, kFrame);
  const int nx = std::max(2, int((m.a1.x - m.a0.x) / (fs * 5)));
  const int ny = std::max(2, int((m.a1.y - m.a0.y) / (fs * 3)));
  double step = 0;
  for (double t : plot::nice_ticks(m.box.x0, m.box.x1, nx, &step)) {
    const ImVec2 p = m.to(t, m.box.y0);
    const std::string s = plot::format_tick(t, step);
    dl->AddLine(p, {p.x, p.y + 4}, kFrame);
    dl->AddText({p.x - ImGui::CalcTextSize(s.c_str()).x / 2, p.y + 5}, kTickText, s.c_str());
  }
  for (double t : plot::nice_ticks(std::max(m.box.y0, y_tick_min), m.box.y1, ny, &step)) {
    const ImVec2 p = m.to(m.box.x0, t);
    const std::string s = plot::format_tick(t, step);
    dl->AddLine({p.x - 4, p.y}, p, kFrame);
    dl->AddText({p.x - 6 - ImGui::CalcTextSize(s.c_str()).x, p.y - fs * 0.5f}, kTickText, s.c_str());
  }
  dl->AddText({m.a1.x - ImGui::CalcTextSize(x_label).x, m.a1.y + fs * 1.35f}, IM_COL32_WHITE, x_label);
  dl->AddText({m.a0.x - plane_left_margin(), m.a0.y - fs * 1.25f}, IM_COL32_WHITE, y_label);
}

int draw_contour_lines(ImDrawList* dl, const PlaneMap& m, const std::vector<vi::Polyline>& lines, ImU32 color,
                       float thickness) {
  int drawn = 0;
  std::vector<ImVec2> pts;
  for (const vi::Polyline& l : lines) {
    pts.clear();
    for (size_t k = 0; k + 1 < l.xy.size(); k += 2) pts.push_back(m.to(l.xy[k], l.xy[k + 1]));
    if (pts.size() < 2) continue;
    dl->AddPolyline(pts.data(), int(pts.size()), color, l.closed ? ImDrawFlags_Closed : ImDrawFlags_None, thickness * line_px());
    ++drawn;
  }
  return drawn;
}

vi::Box fit_aspect(const vi::Box& box, float w, float h) {
  if (!(w > 0 && h > 0)) return box;
  vi::Box b = box;
  const double want = double(w) / double(h), have = box.width() / box.height();
  if (have < want) {
    const double cx = (box.x0 + box.x1) / 2, half = box.height() * want / 2;
    b.x0 = cx - half, b.x1 = cx + half;
  } else {
    const double cy = (box.y0 + box.y1) / 2, half = box.width() / want / 2;
    b.y0 = cy - half, b.y1 = cy + half;
  }
  return b;
}

}  // namespace vilab
