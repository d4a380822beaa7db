// app/ui/windows/estimator_panel.cpp — see estimator_panel.hpp.
//
// Index
// [SECTION] Names and colours
// [SECTION] Requests
// [SECTION] The plot and the table
// [SECTION] draw_estimator_panel
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/estimator_panel.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

EstimatorPanelReport g_report;  // written on the UI thread only

const std::vector<int> kSamples{1, 4, 16, 64};
constexpr ImU32 kGuide = IM_COL32(200, 203, 215, 150);

// [SECTION] Names and colours

// Each estimator keeps its colour whatever else is shown (the palette's, not the fits' order).
ImU32 variant_colour(const std::string& v) {
  if (v == "reparam" || v == "exact") return plot::palette(1);
  if (v == "score") return plot::palette(4);
  if (v == "score+loo") return plot::palette(3);
  if (v == "stl") return plot::palette(2);
  return plot::palette(0);  // snis
}

std::string variant_name(const std::string& v) {
  if (v == "score+loo") return "score + LOO";
  if (v == "stl") return "STL";
  if (v == "exact") return "exact draws of p";
  if (v == "snis") return "SNIS from q";
  return v;
}

// [SECTION] Requests

// The fit the window measures: the main one or comparison fit `index` (clamped).
const vi::Snapshot& chosen_fit(const vi::Snapshot& snap, int& index) {
  index = std::clamp(index, 0, int(snap.comparison.size()));
  return index == 0 ? snap : *snap.comparison[size_t(index - 1)];
}

void start_measuring(EstimatorPanelState& st, const vi::Snapshot& fit) {
  GradVarRequest r;
  r.scene = fit.scene;
  r.target = fit.target ? fit.target->data : nullptr;
  r.phi = fit.phi;
  r.step = fit.step;
  r.fit_id = fit.fit_id;
  r.options.samples = kSamples;
  r.options.replicates = st.replicates;
  st.probe.start(std::move(r));
  st.last_start = std::chrono::steady_clock::now();
  if (st.may_block) st.probe.wait();
}

// [SECTION] The plot and the table

// tr Cov against S, one line per estimator that runs here, ± one standard error, and a grey
// guide ∝ 1/S through the first estimator's first point (the slope of independent draws).
void draw_plot(const vi::GradVarTable& t, float height) {
  std::vector<plot::Series> series;
  g_report.lines.clear();
  g_report.colours.clear();
  const size_t ns = t.samples.size();
  for (size_t v = 0; v < t.variants.size(); ++v) {
    bool any = false;
    for (size_t s = 0; s < ns; ++s) any |= t.at(v, s).error.empty();
    if (!any) continue;
    plot::Series line;
    line.label = variant_name(t.variants[v]);
    line.color = variant_colour(t.variants[v]);
    line.thickness = 2.4f;
    line.count = int(ns);
    line.point = [&t, v](int s) {
      const vi::GradVarCell& c = t.at(v, size_t(s));
      return plot::Point{double(t.samples[size_t(s)]), c.error.empty() ? c.trace_cov : std::nan("")};
    };
    line.error = [&t, v](int s) { return t.at(v, size_t(s)).trace_cov_se; };
    line.markers = true;
    g_report.lines.push_back(line.label);
    g_report.colours.push_back(line.color);
    series.push_back(std::move(line));
  }
  if (!series.empty() && ns > 1) {
    const plot::Point p0 = series.front().point(0);
    if (std::isfinite(p0.y) && p0.y > 0) {
      plot::Series guide;
      guide.label = "\u221D 1/S";
      guide.color = kGuide;
      guide.thickness = 1.2f;
      guide.count = int(ns);
      guide.point = [&t, p0](int s) {
        const double S = t.samples[size_t(s)];
        return plot::Point{S, p0.y * p0.x / S};
      };
      guide.fit = false;
      series.push_back(std::move(guide));
    }
  }
  plot::PlotConfig cfg;
  cfg.title = "tr Cov[\u011D]";
  cfg.x_label = "S";
  cfg.log_x = true;
  cfg.log_y = true;
  cfg.x_ticks = {t.samples.begin(), t.samples.end()};
  cfg.height = height;
  plot::line_plot("##gradvar_plot", cfg, series);
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  g_report.plot = {int(std::lround(a.x * fb.x)), int(std::lround(a.y * fb.y)), int(std::lround(b.x * fb.x)),
                   int(std::lround(b.y * fb.y))};
}

// "441 ± 216", "0.506 ± 0.050": the standard error to two significant digits, the value to as
// many decimals.
std::string with_error(double v, double se) {
  if (!std::isfinite(v) || !std::isfinite(se) || !(se > 0)) return plot::format_value(v, 3);
  const int decimals = std::clamp(1 - int(std::floor(std::log10(se))), 0, 8);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.*f \u00B1 %.*f", decimals, v, decimals, se);
  return buf;
}

// The numbers: tr Cov ± SE per estimator and S ("—" where an estimator cannot run).
void draw_table(const vi::GradVarTable& t) {
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_BordersOuterH |
                                ImGuiTableFlags_SizingFixedFit;
  // Columns as wide as their numbers (stretched columns cut "0.1903 ± 0.0017" short).
  if (!ImGui::BeginTable("##gradvar_table", int(t.samples.size()) + 1, flags)) return;
  ImGui::TableSetupColumn("estimator");
  for (int S : t.samples) {
    const std::string h = "S = " + std::to_string(S);
    ImGui::TableSetupColumn(h.c_str());
  }
  ImGui::TableHeadersRow();
  for (size_t v = 0; v < t.variants.size(); ++v) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(variant_colour(t.variants[v])), "%s", variant_name(t.variants[v]).c_str());
    for (size_t s = 0; s < t.samples.size(); ++s) {
      ImGui::TableSetColumnIndex(int(s) + 1);
      const vi::GradVarCell& c = t.at(v, s);
      if (!c.error.empty()) {
        ImGui::TextDisabled("\u2014");
        tooltip(c.error.c_str());
        continue;
      }
      const std::string text = with_error(c.trace_cov, c.trace_cov_se);
      ImGui::TextUnformatted(text.c_str());
    }
  }
  ImGui::EndTable();
}

// The estimators this family cannot run at any S, with the first reason.
std::string unavailable(const vi::GradVarTable& t) {
  std::string names, why;
  for (size_t v = 0; v < t.variants.size(); ++v) {
    bool any = false;
    for (size_t s = 0; s < t.samples.size(); ++s) any |= t.at(v, s).error.empty();
    if (any) continue;
    names.append(names.empty() ? "" : ", ").append(variant_name(t.variants[v]));
    if (why.empty() && !t.at(v, 0).error.empty()) why = t.at(v, 0).error;
  }
  return names.empty() ? names : "Not available here: " + names + ". " + why;
}

}  // namespace

EstimatorPanelReport last_estimator_panel() { return g_report; }

// [SECTION] draw_estimator_panel

void draw_estimator_panel(EstimatorPanelState& st, bool* open, const vi::Snapshot& snap) {
  g_report.drawn = false;
  st.probe.poll();
  const bool opening = *open && !st.was_open;
  st.was_open = *open;
  if (!*open) {
    if (st.probe.busy()) st.probe.cancel();  // nobody is looking
    return;
  }
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::GradientVariance);
  if (!ImGui::Begin("Gradient variance at the current q##gradvar_window", open, docked | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  const vi::Snapshot& fit = chosen_fit(snap, st.fit);
  const vi::Scene key = gradvar_key(fit.scene);

  // A job for a fit that has changed since, or is gone (a reset, a lesson, a new scene), is of
  // no use: drop it.
  if (st.probe.busy() && (!(gradvar_key(st.probe.running_scene()) == key) || st.probe.running_fit_id() != fit.fit_id))
    st.probe.cancel();

  // Which fit (when several run side by side), Measure, auto, R.
  if (!snap.comparison.empty()) {
    const std::string current = "fit " + std::to_string(st.fit + 1) + ": " + fit_title(fit.scene);
    ImGui::SetNextItemWidth(fs * 18);
    if (ImGui::BeginCombo("fit##gradvar_fit", current.c_str())) {
      for (int i = 0; i <= int(snap.comparison.size()); ++i) {
        const vi::Snapshot& f = i == 0 ? snap : *snap.comparison[size_t(i - 1)];
        const std::string label = "fit " + std::to_string(i + 1) + ": " + fit_title(f.scene);
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(plot::palette(i)));
        if (ImGui::Selectable(label.c_str(), i == st.fit)) st.fit = i;
        ImGui::PopStyleColor();
      }
      ImGui::EndCombo();
    }
    tooltip("Which fit to measure: the estimators of its objective, at its current \u03C6.");
  }
  const bool measure = ImGui::Button("\u25B6 Measure##gradvar_measure");
  tooltip("Draw R independent gradient estimates at the fit's current \u03C6 for every estimator and S = 1, "
          "4, 16, 64 (the same draws for every estimator), on a worker thread: the fit keeps running.");
  ImGui::SameLine();
  ImGui::Checkbox("auto##gradvar_auto", &st.auto_refresh);
  tooltip("Measure again every few seconds while \u03C6 moves (the fit plays or steps).");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 8);
  clamped_slider("##gradvar_R", &st.replicates, 100, 1000, "R = %d");
  tooltip("Replicates: independent gradient estimates per estimator and S. The variance's standard error "
          "shrinks like 1/\u221AR; the cost grows like R.");

  const auto& latest = st.probe.latest();
  // The fit the last measurement was made on is gone (reset, a lesson, a new scene): its numbers
  // describe nothing on screen. Measure the fit shown instead, as opening the window does.
  const bool gone = latest && latest->fit_id != fit.fit_id;
  const bool current = latest && !gone && gradvar_key(latest->scene) == key && latest->options.replicates == st.replicates;
  const double since = std::chrono::duration<double>(std::chrono::steady_clock::now() - st.last_start).count();
  const bool moved = !latest || latest->step != fit.step;
  if (measure || (opening && !current) || (gone && !st.probe.busy()) ||
      (st.auto_refresh && !st.probe.busy() && (moved || !current) && since >= EstimatorPanelState::kAutoSeconds))
    start_measuring(st, fit);

  // What is shown and how fresh it is: only a measurement of this fit.
  const auto& shown = st.probe.latest();
  const bool valid = shown && shown->fit_id == fit.fit_id && gradvar_key(shown->scene) == key && shown->error.empty();
  g_report.measured_fit_id = valid ? shown->fit_id : 0;
  g_report.measured_step = valid ? shown->step : -1;
  g_report.fit_id = fit.fit_id;
  g_report.fit_step = fit.step;
  probe_state("gradvar.fit", {{"fit_id", fit.fit_id}, {"step", fit.step}});
  probe_state("gradvar.measured_for", valid ? nlohmann::json{{"fit_id", shown->fit_id}, {"step", shown->step}}
                                            : nlohmann::json());
  probe_state("gradvar.busy", st.probe.busy());
  std::string status;
  if (st.probe.busy()) status = "measuring at step " + std::to_string(st.probe.running_step()) + "\u2026";
  else if (!shown) status = "press Measure";
  else if (shown->fit_id != fit.fit_id) status = "the fit measured is gone (reset, or a new scene): press Measure";
  else if (!shown->error.empty() && shown->error != "cancelled") status = "failed: " + shown->error;
  else if (!valid) status = "the fit has changed since the last measurement: press Measure";
  if (valid) {
    if (!status.empty()) status += "  \u00B7  ";
    status += "shown: step " + std::to_string(shown->step) + ", R = " + std::to_string(shown->options.replicates) + ", " +
              plot::format_value(shown->seconds, 2) + " s";
    if (shown->step != fit.step) status += " (the fit is at step " + std::to_string(fit.step) + " now)";
  }
  text_wrapped_disabled(status);

  if (valid) {
    const vi::GradVarTable& t = shown->table;
    const float table_h = (ImGui::GetTextLineHeightWithSpacing() + ImGui::GetStyle().CellPadding.y * 2) * float(t.variants.size() + 1);
    const float reading_h = fs * 4.5f;
    draw_plot(t, std::max(fs * 10, ImGui::GetContentRegionAvail().y - table_h - reading_h));
    draw_table(t);
    text_wrapped(t.reading);
    const std::string missing = unavailable(t);
    if (!missing.empty()) text_wrapped_disabled(missing);
    g_report.reading = t.reading;
    g_report.drawn = true;
  } else {
    g_report.lines.clear();
    g_report.colours.clear();
    g_report.reading.clear();
    text_wrapped_disabled("tr Cov[\u011D] = E\u2016\u011D \u2212 E\u011D\u2016\u00B2: the total variance of one gradient estimate. "
                          "Lower is better: the optimizer then follows the gradient more closely at the same cost.");
  }
  ImGui::End();
}

// [SECTION] Registration

namespace {

class GradVarTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame& f) override { draw_estimator_panel(state_, open, f.snap); }
  void start(const ToolStart& s) override { state_.may_block = s.shot; }  // the PNG must show the measurement

 private:
  EstimatorPanelState state_;
};

}  // namespace

ToolWindowEntry gradvar_tool_window() {
  ToolWindowEntry e;
  e.key = "gradvar";
  e.dock = ToolWindow::GradientVariance;
  e.opened_by = [](const GuiOptions& o) { return o.gradvar; };
  e.make = [] { return std::unique_ptr<ToolWindowState>(new GradVarTool); };
  return e;
}

}  // namespace vilab
