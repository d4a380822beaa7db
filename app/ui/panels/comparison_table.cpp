// app/ui/panels/comparison_table.cpp — see comparison_table.hpp.
#include "app/ui/panels/comparison_table.hpp"

#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/tooltip.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace vilab {

namespace {

ComparisonTableReport g_report;  // written on the UI thread only

constexpr ImU32 kBest = IM_COL32(255, 255, 255, 34);
const double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Quantity {
  const char* name;
  const char* help;
  double (*value)(const vi::Snapshot&);
  bool higher_is_better;
};

const Quantity kQuantities[] = {
    {"KL(q\u2016p)",
     "Reverse KL: E_q[log q \u2212 log p], what the ELBO minimizes. Small when q puts no mass where p has "
     "none, even if q misses a mode (mode-seeking). By quadrature in 2D.",
     [](const vi::Snapshot& s) { return s.metrics.kl_q_p; }, false},
    {"KL(p\u2016q)",
     "Forward KL: E_p[log p \u2212 log q], what forward KL minimizes. Small only when q covers all of p's mass "
     "(mass-covering); a q on one mode of two pays heavily. By quadrature on the reference grid.",
     [](const vi::Snapshot& s) { return s.metrics.kl_p_q; }, false},
    {"ELBO",
     "E_q[log p\u0303] + H[q] on fixed draws of q: log Z \u2212 KL(q\u2016p), so the highest ELBO has the "
     "lowest KL(q\u2016p).",
     [](const vi::Snapshot& s) { return s.metrics.elbo; }, true},
    {"\u2016\u0394\u03BC\u2016",
     "\u2016mean(q) \u2212 mean(p)\u2016: how far q's mean is from p's exact mean. Zero at the forward-KL "
     "optimum of a Gaussian family (moment matching).",
     [](const vi::Snapshot& s) { return s.metrics.mean_error; }, false},
    {"\u2016\u0394\u03A3\u2016_F",
     "\u2016cov(q) \u2212 cov(p)\u2016 (Frobenius): how far q's covariance is from p's exact covariance. Zero "
     "at the forward-KL optimum of a full-rank Gaussian; a mean-field q keeps p's correlation as its error.",
     [](const vi::Snapshot& s) { return s.metrics.cov_error; }, false},
};

const Quantity kEss{"SNIS ESS",
                    "The effective sample size of the last step's SNIS weights (of S draws): forward KL by "
                    "importance sampling from q. Near 1, a few draws decide the gradient (biased).",
                    [](const vi::Snapshot& s) {
                      return s.scene.objective == "forward-kl" && s.scene.sampling == "snis" ? s.metrics.snis_ess : kNaN;
                    },
                    true};

// Four significant digits in a fixed column, a true minus sign, "—" for NaN.
std::string number(double v) {
  if (std::isnan(v)) return "\u2014";
  if (!std::isfinite(v)) return plot::format_value(v);
  const double a = std::abs(v);
  const char* f = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
  char buf[48];
  std::snprintf(buf, sizeof buf, f, v);
  std::string s = buf;
  if (s == "-0.000") s = "0.000";
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1);
  return s;
}

std::vector<const Quantity*> quantities(const std::vector<const vi::Snapshot*>& fits) {
  std::vector<const Quantity*> q;
  for (const Quantity& k : kQuantities) q.push_back(&k);
  for (const vi::Snapshot* f : fits)
    if (f->scene.objective == "forward-kl" && f->scene.sampling == "snis") return q.push_back(&kEss), q;
  return q;
}

// A header line in `colour`, shrunk (down to 60 %) when the column is narrower than the text, so
// that four fits' names stay readable instead of being cut; one line high whatever its size.
void header_line(const std::string& text, ImU32 colour) {
  const float fs = ImGui::GetFontSize();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float w = ImGui::CalcTextSize(text.c_str()).x;
  const float size = w > avail && w > 0 ? std::max(fs * 0.6f, fs * avail / w) : fs;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddText(ImGui::GetFont(), size, {pos.x, pos.y + (fs - size) * 0.8f}, colour, text.c_str());
  ImGui::Dummy({std::min(w * size / fs, avail), ImGui::GetTextLineHeight()});
}

float row_height() {
  ImGui::PushFont(large_font());
  const float h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
  ImGui::PopFont();
  return h;
}

}  // namespace

float comparison_table_height(const std::vector<const vi::Snapshot*>& fits) {
  // The header's two lines (default font), the rows (large font), the item spacing below.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float header = ImGui::GetTextLineHeight() * 2 + style.ItemSpacing.y + style.CellPadding.y * 2;
  return header + row_height() * float(quantities(fits).size()) + style.ItemSpacing.y + 2;
}

ComparisonTableReport last_comparison_table() { return g_report; }

void draw_comparison_table(const std::vector<const vi::Snapshot*>& fits) {
  g_report = {};
  if (fits.empty()) return;
  const std::vector<const Quantity*> rows = quantities(fits);
  const int n = int(fits.size());
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersOuterH |
                                ImGuiTableFlags_SizingStretchProp;
  ImGui::PushFont(large_font());
  const ImVec2 top_left = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  if (!ImGui::BeginTable("##comparison_table", n + 1, flags)) {
    ImGui::PopFont();
    return;
  }
  ImGui::TableSetupColumn("##quantity", ImGuiTableColumnFlags_WidthStretch, 1.05f);
  for (int i = 0; i < n; ++i) {
    const std::string id = "##fit" + std::to_string(i);
    ImGui::TableSetupColumn(id.c_str(), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  }

  // The header: each fit's family over its objective, in its colour. Both lines are drawn in the
  // default font (the family and objective names are long; the numbers are what must carry).
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  ImGui::PopFont();
  for (int i = 0; i < n; ++i) {
    ImGui::TableSetColumnIndex(i + 1);
    header_line(fit_label(fits[size_t(i)]->scene), plot::palette(i));
    header_line(objective_short_label(fits[size_t(i)]->scene), plot::palette(i));
    const std::string title = fit_title(fits[size_t(i)]->scene);
    tooltip(title.c_str());
    g_report.fits.push_back(title);
    g_report.colours.push_back(plot::palette(i));
  }
  ImGui::PushFont(large_font());

  for (const Quantity* q : rows) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextUnformatted(q->name);
    tooltip(q->help);
    // The best finite value of the row (shaded when the fits differ).
    std::vector<double> values;
    int best = -1;
    for (int i = 0; i < n; ++i) {
      const double v = q->value(*fits[size_t(i)]);
      values.push_back(v);
      if (!std::isfinite(v)) continue;
      if (best < 0 || (q->higher_is_better ? v > values[size_t(best)] : v < values[size_t(best)])) best = i;
    }
    int finite = 0;
    bool differ = false;
    for (double v : values) finite += std::isfinite(v), differ |= std::isfinite(v) && best >= 0 && v != values[size_t(best)];
    for (int i = 0; i < n; ++i) {
      ImGui::TableSetColumnIndex(i + 1);
      if (i == best && finite >= 2 && differ) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, kBest);
      const bool diverged = fits[size_t(i)]->state == vi::EngineState::Diverged;
      const std::string text = number(values[size_t(i)]);
      if (diverged) ImGui::TextDisabled("%s", text.c_str());
      else ImGui::TextUnformatted(text.c_str());
    }
    g_report.rows.push_back(q->name);
    g_report.values.push_back(std::move(values));
  }
  ImGui::EndTable();
  ImGui::PopFont();
  // The cursor is now under the table (one item spacing below it).
  const ImVec2 bottom_right{top_left.x + width, ImGui::GetCursorScreenPos().y - ImGui::GetStyle().ItemSpacing.y};
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  g_report.rect = {int(std::lround(top_left.x * fb.x)), int(std::lround(top_left.y * fb.y)),
                   int(std::lround(bottom_right.x * fb.x)), int(std::lround(bottom_right.y * fb.y))};
  g_report.drawn = true;
}

}  // namespace vilab
