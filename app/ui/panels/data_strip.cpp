// app/ui/panels/data_strip.cpp — drawing and editing a 1D labelled data set.
#include "app/ui/panels/data_strip.hpp"

#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/core/math.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace vilab {

namespace {
DataStripReport g_report;
constexpr double kXMin = -4, kXMax = 4;  // standardized features: ±4 sd holds nearly every point
const ImU32 kOne = IM_COL32(120, 200, 255, 255);   // t = 1
const ImU32 kZero = IM_COL32(255, 150, 90, 255);   // t = 0

}  // namespace

bool has_data_strip(const vi::Snapshot& snap) {
  return snap.target && snap.target->data && snap.target->data->problem->dim() == 2 &&
         !snap.target->data->problem->data_points().empty();
}

float data_strip_height() { return ImGui::GetFontSize() * 9.0f; }

DataStripReport last_data_strip() { return g_report; }

void draw_data_strip(vi::Scene& edited, const vi::Snapshot& snap) {
  g_report = {};
  if (!has_data_strip(snap)) return;
  // The points shown: the edited scene's when it has its own, else the snapshot problem's (the
  // default data of the model's parameters).
  const bool same_problem = edited.target == snap.scene.target && edited.target_params == snap.scene.target_params;
  const vi::DataPoints points = !edited.data.empty() ? edited.data : snap.target->data->problem->data_points();

  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::TextUnformatted("Data: click a row to add a point with its label, click a point to remove it");
  if (!edited.data.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton("restore the default data##strip")) edited.data.clear();
    tooltip("Forget your added and removed points: back to the data set the scene came with.");
  }
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x, h = data_strip_height() - ImGui::GetFrameHeightWithSpacing();
  const float label_w = fs * 3.2f;
  const float left = p0.x + label_w, right = p0.x + w - fs * 0.5f, top = p0.y, bottom = p0.y + h - fs * 1.3f;
  const float y1 = top + (bottom - top) * 0.2f, y0 = top + (bottom - top) * 0.8f;  // the rows t = 1, t = 0
  const auto X = [&](double x) { return left + float((x - kXMin) / (kXMax - kXMin)) * (right - left); };
  const auto Y = [&](double prob) { return y0 + float(prob) * (y1 - y0); };  // P = 0 on row 0, 1 on row 1

  dl->AddRectFilled({left, top}, {right, bottom}, IM_COL32(255, 255, 255, 12));
  dl->AddLine({left, y1}, {right, y1}, IM_COL32(120, 200, 255, 60));
  dl->AddLine({left, y0}, {right, y0}, IM_COL32(255, 150, 90, 60));
  dl->AddText({p0.x, y1 - fs * 0.5f}, kOne, "t = 1");
  dl->AddText({p0.x, y0 - fs * 0.5f}, kZero, "t = 0");
  double step = 0;
  for (double t : plot::nice_ticks(kXMin, kXMax, 9, &step)) {
    const std::string s = plot::format_tick(t, step);
    dl->AddText({X(t) - ImGui::CalcTextSize(s.c_str()).x / 2, bottom + fs * 0.15f}, IM_COL32(200, 200, 200, 170), s.c_str());
  }

  // The fit's predictive P(t = 1 | x) over q's display draws (a, b): the mean and a 5–95 % band.
  if (same_problem && snap.samples.rows() == 2 && snap.samples.cols() > 10) {
    constexpr int kX = 96;
    const Eigen::Index m = snap.samples.cols();
    std::vector<double> probs(static_cast<size_t>(m));
    std::vector<ImVec2> mean_line, band_lo, band_hi;
    for (int i = 0; i <= kX; ++i) {
      const double x = kXMin + (kXMax - kXMin) * i / kX;
      double sum = 0;
      for (Eigen::Index s = 0; s < m; ++s) {
        probs[size_t(s)] = vi::sigmoid(snap.samples(0, s) + snap.samples(1, s) * x);
        sum += probs[size_t(s)];
      }
      std::sort(probs.begin(), probs.end());
      mean_line.push_back({X(x), Y(sum / double(m))});
      band_lo.push_back({X(x), Y(probs[size_t(0.05 * double(m - 1))])});
      band_hi.push_back({X(x), Y(probs[size_t(0.95 * double(m - 1))])});
    }
    for (int i = 0; i < kX; ++i)
      dl->AddQuadFilled(band_lo[size_t(i)], band_lo[size_t(i) + 1], band_hi[size_t(i) + 1], band_hi[size_t(i)],
                        IM_COL32(255, 255, 255, 30));
    dl->AddPolyline(mean_line.data(), int(mean_line.size()), IM_COL32(255, 255, 255, 220), ImDrawFlags_None, 2.0f * line_px());
  }

  // The points, and which one the mouse is over.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float r = std::max(3.0f, fs * 0.22f) * line_scale();
  int hovered = -1;
  float best = r * 2.2f;
  for (size_t i = 0; i < points.size(); ++i) {
    const ImVec2 c{X(points[i].x), points[i].y == 1 ? y1 : y0};
    const float dist = std::hypot(mouse.x - c.x, mouse.y - c.y);
    if (dist < best) {
      best = dist;
      hovered = int(i);
    }
  }
  int ones = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    const bool one = points[i].y == 1;
    ones += one;
    const ImVec2 c{X(points[i].x), one ? y1 : y0};
    dl->AddCircleFilled(c, r, (one ? kOne : kZero) & IM_COL32(255, 255, 255, 200));
    if (int(i) == hovered) dl->AddCircle(c, r * 1.8f, IM_COL32(255, 255, 255, 255), 0, 2.0f * line_px());
  }

  ImGui::InvisibleButton("##data_strip", {w, h});
  if (ImGui::IsItemHovered()) {
    if (hovered >= 0)
      tooltip(("x = " + plot::format_value(points[size_t(hovered)].x, 3) + ", t = " +
               (points[size_t(hovered)].y == 1 ? "1" : "0") + ": click to remove")
                  .c_str());
    else
      tooltip("Click on the upper row to add a point with t = 1, on the lower row for t = 0. The white curve is "
              "the fit's predictive P(t = 1 | x) = E_q[σ(a + b·x)] with its 5–95 % band over q.");
  }
  if (ImGui::IsItemClicked(ImGuiMouseButton_Left)) {
    vi::DataPoints next = points;
    if (hovered >= 0) {
      if (next.size() > 1) next.erase(next.begin() + hovered);  // the model needs one point
    } else if (mouse.x >= left && mouse.x <= right) {
      const double x = kXMin + (mouse.x - left) / (right - left) * (kXMax - kXMin);
      next.push_back({x, std::abs(mouse.y - y1) < std::abs(mouse.y - y0) ? 1.0 : 0.0});
    }
    edited.data = std::move(next);
  }
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  g_report = {true,
              {int(std::lround(p0.x * fb.x)), int(std::lround(p0.y * fb.y)), int(std::lround((p0.x + w) * fb.x)),
               int(std::lround((p0.y + h) * fb.y))},
              int(points.size()), ones, kXMin, kXMax};
}

}  // namespace vilab
