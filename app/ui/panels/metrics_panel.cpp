// app/ui/panels/metrics_panel.cpp — ELBO and KL against step (app/ui/widgets/plot.hpp), and q vs p in numbers.
//
// With comparison fits, both plots show every fit, one colour each (app/ui/widgets/plot.hpp's palette, the
// colours of the panel titles in the density view), and the numbers are the comparison table.
#include "app/ui/panels/metrics_panel.hpp"

#include "app/ui/panels/comparison_table.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/panels/trust_panel.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

// Okabe–Ito inspired colours: distinguishable with the common colour-vision deficiencies.
constexpr ImU32 kElbo = IM_COL32(110, 195, 255, 255);
constexpr ImU32 kElboFaint = IM_COL32(110, 195, 255, 85);
constexpr ImU32 kLogZ = IM_COL32(240, 228, 66, 230);
constexpr ImU32 kKlQP = IM_COL32(230, 159, 0, 255);
constexpr ImU32 kKlPQ = IM_COL32(220, 130, 185, 255);
constexpr ImU32 kBetaOne = IM_COL32(205, 208, 220, 220);
constexpr ImU32 kOptimum = IM_COL32(255, 105, 215, 230);  // the density view's dashed q*
constexpr ImU32 kELogP = IM_COL32(0, 158, 115, 255);      // E_q[log p~] (bluish green)
constexpr ImU32 kEntropy = IM_COL32(204, 121, 167, 255);  // H[q] (reddish purple)
constexpr ImU32 kGapFill = IM_COL32(230, 159, 0, 120);    // the band log Z − ELBO = KL(q‖p), KL's colour
constexpr ImU32 kGapSwatch = IM_COL32(230, 159, 0, 150);

AnatomyRect g_anatomy_rect;  // the last anatomy plot's pixels (UI thread only)

// Table numbers: 4 decimals in a fixed column (so rows line up and −7e−8 reads as 0.0000),
// significant digits when large.
std::string fmt(double v) {
  if (!std::isfinite(v) || std::abs(v) >= 1e4) return plot::format_value(v);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  if (s == "-0.0000") s = "0.0000";
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1);
  return s;
}

// "v ± err", the error with significant digits (a quadrature error can be 1e−9).
std::string pm(double v, double err) { return fmt(v) + " \u00B1 " + plot::format_value(err, 2); }

// One row of the numbers table: name (with tooltip), q's value, p's value.
void row(const char* name, const std::string& q, const std::string& p, const char* help) {
  ImGui::TableNextRow();
  ImGui::TableSetColumnIndex(0);
  ImGui::TextUnformatted(name);
  tooltip(help);
  ImGui::TableSetColumnIndex(1);
  ImGui::TextUnformatted(q.c_str());
  ImGui::TableSetColumnIndex(2);
  ImGui::TextUnformatted(p.c_str());
}

std::string entry(const vi::Vec& v, int i) { return v.size() > i ? fmt(v(i)) : "\u2014"; }
std::string entry(const vi::Mat& m, int i, int j) {
  return m.rows() > i && m.cols() > j ? fmt(m(i, j)) : "\u2014";
}
std::string corr(const vi::Mat& m) {
  if (m.rows() < 2 || m.cols() < 2) return "\u2014";
  const double d = std::sqrt(m(0, 0) * m(1, 1));
  return d > 0 ? fmt(m(0, 1) / d) : "\u2014";
}

void numbers_table(const vi::Snapshot& snap) {
  const vi::Metrics& m = snap.metrics;
  const vi::Moments* pm_ = nullptr;
  if (snap.target && snap.target->data) pm_ = &snap.target->data->reference.moments;
  const vi::Moments empty;
  const vi::Moments& p = pm_ ? *pm_ : empty;
  const vi::Moments& q = snap.q;

  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_BordersOuterH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("##numbers", 3, flags)) return;
  ImGui::TableSetupColumn("quantity", ImGuiTableColumnFlags_WidthStretch, 0.85f);
  ImGui::TableSetupColumn("q\u1D69", ImGuiTableColumnFlags_WidthStretch, 1.05f);
  ImGui::TableSetupColumn("p", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableHeadersRow();

  const std::string log_z = m.log_z_exact ? plot::format_value(m.log_z) + " (exact)" : pm(m.log_z, m.log_z_error);
  row("ELBO", fmt(m.elbo), "\u2264 log Z",
      "The evidence lower bound E_q[log p̃(z)] + H[q] on fixed draws of q. It never exceeds log Z; "
      "the gap is exactly KL(q‖p).");
  row("log Z", "", log_z,
      "The log normalizing constant of p̃: exact where known, else by quadrature on a grid with "
      "its stated error.");
  row("KL(q\u2016p)", pm(m.kl_q_p, m.kl_q_p_error), "",
      "Reverse KL, what the ELBO minimizes: E_q[log q − log p]. In 2D by quadrature on a grid fitted "
      "to q, \u00B1 its stated error (grid n vs n/2, plus log Z's). It punishes q for mass where p has "
      "none (mode seeking).");
  row("  Monte Carlo", pm(m.kl_q_p_mc, m.kl_q_p_se), "",
      "The same KL(q\u2016p) by Monte Carlo on fixed draws of q, \u00B1 one standard error: the "
      "cross-check, and the only estimate available beyond 2D.");
  row("KL(p\u2016q)", fmt(m.kl_p_q), "",
      "Forward KL: E_p[log p − log q], by quadrature on the reference grid. It punishes q for "
      "missing mass that p has (mass covering).");
  row("mean μ\u2081", entry(q.mean, 0), entry(p.mean, 0), "The mean of z\u2081 under q and under p.");
  row("mean μ\u2082", entry(q.mean, 1), entry(p.mean, 1), "The mean of z\u2082 under q and under p.");
  row("var Σ\u2081\u2081", entry(q.cov, 0, 0), entry(p.cov, 0, 0), "The variance of z\u2081 under q and under p.");
  row("var Σ\u2082\u2082", entry(q.cov, 1, 1), entry(p.cov, 1, 1), "The variance of z\u2082 under q and under p.");
  row("cov Σ\u2081\u2082", entry(q.cov, 0, 1), entry(p.cov, 0, 1), "The covariance of z\u2081 and z\u2082.");
  row("corr ρ", corr(q.cov), corr(p.cov),
      "The correlation Σ\u2081\u2082 / (σ\u2081σ\u2082). A mean-field q has ρ = 0 whatever p's is.");
  ImGui::EndTable();
  // q's column as shown, for a test that checks a kept φ's numbers.
  probe_state("numbers", {{"step", snap.step}, {"elbo", fmt(m.elbo)}, {"kl_q_p", pm(m.kl_q_p, m.kl_q_p_error)},
                          {"mean1", entry(q.mean, 0)}, {"mean2", entry(q.mean, 1)}, {"var11", entry(q.cov, 0, 0)},
                          {"var22", entry(q.cov, 1, 1)}, {"cov12", entry(q.cov, 0, 1)}});
}

// Puts the next item on the same line when `width` fits, else on a new one.
void flow(float width) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < width) ImGui::NewLine();
}

// ELBO anatomy: the two terms, their sum, log Z and the shaded gap KL(q‖p), with the current
// values in one line above (they follow a drag of q at once; the curves are the recorded history).
void anatomy_plot(const vi::Snapshot& snap, float height) {
  const vi::Metrics& m = snap.metrics;
  const std::vector<vi::HistoryPoint>& h = snap.history;
  ImGui::BeginGroup();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kElbo), "ELBO %s", fmt(m.elbo).c_str());
  ImGui::SameLine(0, 0);
  ImGui::TextUnformatted(" = ");
  ImGui::SameLine(0, 0);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kELogP), "E %s", fmt(m.e_log_p).c_str());
  ImGui::SameLine(0, 0);
  ImGui::TextUnformatted(" + ");
  ImGui::SameLine(0, 0);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kEntropy), "H %s", fmt(m.entropy).c_str());
  ImGui::EndGroup();
  tooltip("Now: the ELBO and its two terms, E = E_q[log p̃] and H = H[q]. They follow a drag of q at once.");

  std::vector<plot::Series> series;
  series.push_back(history_series("E = E_q[log p̃]", kELogP, 2.0f, &h, &vi::HistoryPoint::e_log_p));
  series.push_back(history_series("H = H[q]", kEntropy, 2.0f, &h, &vi::HistoryPoint::entropy));
  plot::Series elbo = history_series("ELBO = E + H", kElbo, 2.6f, &h, &vi::HistoryPoint::elbo);
  const double log_z = m.log_z;
  if (std::isfinite(log_z)) {
    elbo.fill_to = [log_z](int) { return log_z; };
    elbo.fill_color = kGapFill;
  }
  series.push_back(std::move(elbo));
  if (std::isfinite(log_z)) {
    plot::Series gap;
    gap.label = "log Z \u2212 ELBO = KL(q\u2016p) = " + fmt(log_z - m.elbo);
    gap.color = kGapSwatch;
    gap.legend_swatch = true;
    series.push_back(std::move(gap));
  }
  // The current values as dots at the current step: after a drag of q they move before the
  // history does.
  auto now = [&](ImU32 c, double v) {
    plot::Series s;
    s.label = "now";
    s.color = c;
    s.count = 1;
    s.point = [x = double(snap.step), v](int) { return plot::Point{x, v}; };
    s.in_legend = false;
    s.markers = true;
    return s;
  };
  if (snap.state != vi::EngineState::Playing) {
    series.push_back(now(kELogP, m.e_log_p));
    series.push_back(now(kEntropy, m.entropy));
    series.push_back(now(kElbo, m.elbo));
  }
  std::vector<plot::RefLine> refs;
  if (std::isfinite(log_z)) refs.push_back({log_z, "log Z = " + plot::format_value(log_z), kLogZ});
  plot::PlotConfig cfg;
  cfg.height = height;
  cfg.ignore_low_fraction = 0.05;
  cfg.legend = plot::Corner::Above;
  plot::line_plot("##anatomy_plot", cfg, series, refs);
  const ImVec2 r0 = ImGui::GetItemRectMin(), r1 = ImGui::GetItemRectMax();
  const ImVec2 sc = ImGui::GetIO().DisplayFramebufferScale;
  g_anatomy_rect = {int(r0.x * sc.x), int(r0.y * sc.y), int(r1.x * sc.x), int(r1.y * sc.y)};
}

}  // namespace

AnatomyRect last_anatomy_plot_rect() { return g_anatomy_rect; }

plot::Series history_series(std::string label, ImU32 colour, float thickness, const std::vector<vi::HistoryPoint>* h,
                            double vi::HistoryPoint::*field, bool fit) {
  plot::Series s;
  s.label = std::move(label);
  s.color = colour;
  s.thickness = thickness;
  s.count = int(h->size());
  s.point = [h, field](int i) { return plot::Point{double((*h)[size_t(i)].step), (*h)[size_t(i)].*field}; };
  s.fit = fit;
  return s;
}

void draw_metrics_panel(MetricsPanelState& st, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const std::vector<vi::HistoryPoint>& h = snap.history;
  const float avail_h = ImGui::GetContentRegionAvail().y;
  const bool comparing = !snap.comparison.empty();
  const std::vector<const vi::Snapshot*> fits = vi::fits_of(snap);
  // The numbers under the plots: the main fit's table (11 rows and a header), or the comparison
  // table and the main fit's table folded under it.
  const float table_h = comparing ? comparison_table_height(fits) + ImGui::GetFrameHeightWithSpacing() : fs * 1.55f * 12 + fs;
  // The KL plot's heading line (title, direction, log scale) wraps onto a second line when narrow.
  const ImGuiStyle& style = ImGui::GetStyle();
  auto box_w = [&](const char* label) {
    return ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x + style.ItemSpacing.x;
  };
  const float direction_w = comparing ? box_w("KL(q\u2016p)") + box_w("KL(p\u2016q)") : 0.0f;
  const float log_w = box_w("log scale");
  const float kl_heading_w = ImGui::CalcTextSize("KL divergence").x + style.ItemSpacing.x + log_w + direction_w;
  const float extra_line = kl_heading_w > ImGui::GetContentRegionAvail().x ? ImGui::GetFrameHeightWithSpacing() : 0.0f;
  // Two heading lines, the spacing after each plot, and ImGui::Spacing() before the numbers.
  const float headings = 2 * ImGui::GetFrameHeightWithSpacing() + 3 * style.ItemSpacing.y;
  // The anatomy section: its header, its line of numbers and a third plot (single view only).
  const bool anatomy_open = !comparing && st.show_anatomy;
  const float anatomy_h = comparing ? 0.0f
                          : ImGui::GetFrameHeightWithSpacing() +
                                (anatomy_open ? ImGui::GetTextLineHeightWithSpacing() + style.ItemSpacing.y : 0.0f);
  // With the anatomy open it takes half the plots' height (its terms span a much wider range than
  // the gap it shades), the ELBO and KL plots a quarter each.
  // The trust lines (one per fit) and, single view, the k̂ plot's header and plot.
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float khat_plot_h = fs * 7;
  const float trust_h = float(fits.size()) * line_h +
                        (comparing ? 0.0f : ImGui::GetFrameHeightWithSpacing() + (st.show_khat_plot ? khat_plot_h + style.ItemSpacing.y : 0.0f));
  const float plots_h = avail_h - table_h - extra_line - headings - anatomy_h - trust_h;
  const float plot_h = std::max(fs * 7, plots_h * (anatomy_open ? 0.25f : 0.5f));
  const float anatomy_plot_h = std::max(fs * 9, plots_h * 0.5f);

  // β-annealing: where β reaches 1.
  std::vector<plot::XRefLine> xrefs;
  if (snap.scene.anneal > 0) xrefs.push_back({double(snap.scene.anneal), "\u03B2 = 1", kBetaOne});

  // ELBO.
  ImGui::TextUnformatted("ELBO");
  tooltip("The objective: ELBO(φ) = E_q[log p̃(z)] + H[q\u1D69] = log Z − KL(q‖p). It rises toward log Z "
          "(dashed); the remaining gap is the KL q cannot close within its family. While β-annealing, "
          "the optimizer climbs the annealed objective (and the per-step estimate is of it); the "
          "smooth curve is always the true ELBO, at β = 1.");
  ImGui::SameLine(fs * 4.5f);
  // A forward-KL or Rényi step estimates its own objective, not the ELBO: no faint curve then.
  const bool step_estimates_elbo = snap.scene.objective == "reverse-kl";
  ImGui::BeginDisabled(!step_estimates_elbo);
  ImGui::Checkbox("per-step estimate##elbo_est", &st.show_elbo_estimate);
  ImGui::EndDisabled();
  tooltip(step_estimates_elbo ? "Also show the noisy ELBO estimate of each training step (from its S samples), faint. "
                                "Its spread is the gradient noise the optimizer lives with."
                              : "Only a reverse-KL step estimates the ELBO; this fit's steps estimate its own "
                                "objective (forward KL or the R\u00E9nyi bound). The smooth ELBO is computed for every fit.");
  {
    std::vector<plot::Series> series;
    if (st.show_elbo_estimate && step_estimates_elbo)
      series.push_back(history_series(comparing ? "per-step (" + fit_title(snap.scene) + ")" : "per-step estimate",
                                      kElboFaint, 1.0f, &h, &vi::HistoryPoint::elbo_estimate, false));
    for (size_t i = 0; i < fits.size(); ++i)
      series.push_back(history_series(comparing ? fit_title(fits[i]->scene) : "ELBO",
                                      comparing ? plot::palette(int(i)) : kElbo, 2.4f, &fits[i]->history,
                                      &vi::HistoryPoint::elbo));
    std::vector<plot::RefLine> refs;
    if (snap.target && std::isfinite(snap.metrics.log_z))
      refs.push_back({snap.metrics.log_z, "log Z = " + plot::format_value(snap.metrics.log_z), kLogZ});
    plot::PlotConfig cfg;
    cfg.height = plot_h;
    cfg.ignore_low_fraction = 0.05;
    plot::line_plot("##elbo_plot", cfg, series, refs, xrefs);
  }

  // KL divergences.
  ImGui::TextUnformatted("KL divergence");
  tooltip(comparing ? "One direction of KL for every fit against the step, one colour per fit (as in the panel "
                      "titles and the table). KL(q\u2016p) rewards a q that stays inside p (reverse KL minimizes "
                      "it); KL(p\u2016q) rewards a q that covers all of p (forward KL minimizes it). KL = 0 only "
                      "when q = p."
                    : "How far q is from p, both ways, against the step. KL = 0 only when q = p.");
  if (comparing) {
    // Which direction: radio buttons, on this line when they fit.
    flow(direction_w);
    if (ImGui::RadioButton("KL(q\u2016p)##kl_qp", !st.kl_forward)) st.kl_forward = false;
    tooltip("Plot KL(q\u2016p) (reverse KL) of every fit.");
    ImGui::SameLine();
    if (ImGui::RadioButton("KL(p\u2016q)##kl_pq", st.kl_forward)) st.kl_forward = true;
    tooltip("Plot KL(p\u2016q) (forward KL) of every fit. A dashed line marks KL(p\u2016q*) of the forward-KL "
            "optimum of a Gaussian fit: the lowest it can go.");
  }
  if (comparing) flow(log_w);
  else ImGui::SameLine(fs * 7.5f);
  ImGui::Checkbox("log scale##kl_log", &st.kl_log_scale);
  tooltip("Log y axis: KL shrinks over decades as q converges. Values ≤ 0 (Monte Carlo noise near "
          "zero) are not drawn on the log axis.");
  {
    std::vector<plot::Series> series;
    if (comparing) {
      const auto field = st.kl_forward ? &vi::HistoryPoint::kl_p_q : &vi::HistoryPoint::kl_q_p;
      for (size_t i = 0; i < fits.size(); ++i)
        series.push_back(history_series(fit_title(fits[i]->scene), plot::palette(int(i)), 2.4f, &fits[i]->history, field));
    } else {
      series.push_back(history_series("KL(q\u2016p)", kKlQP, 2.4f, &h, &vi::HistoryPoint::kl_q_p));
      series.push_back(history_series("KL(p\u2016q)", kKlPQ, 2.4f, &h, &vi::HistoryPoint::kl_p_q));
    }
    // Where KL(p‖q) is shown, the forward-KL optimum of each forward-KL Gaussian fit (once per value).
    std::vector<plot::RefLine> refs;
    if (!comparing || st.kl_forward)
      for (const vi::Snapshot* f : fits)
        if (const auto r = st.references.get(*f); r && std::isfinite(r->kl_p_q)) {
          bool seen = false;
          for (const plot::RefLine& x : refs) seen |= x.y == r->kl_p_q;
          if (!seen) refs.push_back({r->kl_p_q, "KL(p\u2016q*) = " + plot::format_value(r->kl_p_q, 3), kOptimum});
        }
    plot::PlotConfig cfg;
    cfg.height = plot_h;
    cfg.log_y = st.kl_log_scale;
    plot::line_plot("##kl_plot", cfg, series, refs, xrefs);
  }

  // Trust: k̂, ESS and the convergence rule for every fit.
  clear_khat_plot_report();
  if (comparing) {
    for (size_t i = 0; i < fits.size(); ++i) {
      ImGui::PushID(int(i));
      draw_trust_line(*fits[i], plot::palette(int(i)), fit_title(fits[i]->scene).c_str());
      ImGui::PopID();
    }
  } else {
    draw_trust_line(snap);
    ImGui::SetNextItemOpen(st.show_khat_plot);
    st.show_khat_plot = ImGui::CollapsingHeader("PSIS k\u0302 against the step##khat");
    tooltip("k\u0302 at every evaluation with the 0.5 and 0.7 thresholds, and KL(q\u2016p) at the same steps "
            "(exact in 2D): watch k\u0302 fall as the true error falls, and stay high where the family cannot "
            "reach p.");
    if (st.show_khat_plot) draw_khat_plot(snap, khat_plot_h, kKlQP);
  }

  g_anatomy_rect = {};
  if (!comparing) {
    ImGui::SetNextItemOpen(st.show_anatomy);
    st.show_anatomy = ImGui::CollapsingHeader("ELBO anatomy##anatomy");
    tooltip("ELBO = E_q[log p̃(z)] + H[q]: how well q's draws fit p̃ (the first term, highest when q "
            "sits on p's mode) plus q's entropy (highest when q spreads out). The ELBO is their sum, "
            "log Z − ELBO = KL(q‖p) is the shaded gap, and it closes only when q = p. Both terms are "
            "exact (quadrature on a grid over q in 2D) or computed on fixed draws of q.");
    if (st.show_anatomy) anatomy_plot(snap, anatomy_plot_h);
  }

  ImGui::Spacing();
  if (comparing) {
    draw_comparison_table(fits);
    // The main fit's full table and parameters, folded: the comparison table is what a class reads.
    if (!ImGui::CollapsingHeader("fit 1 in detail##fit1_numbers")) return;
  }
  numbers_table(snap);

  if (!snap.param_names.empty() && ImGui::CollapsingHeader("parameters φ##phi")) {
    for (size_t i = 0; i < snap.param_names.size() && Eigen::Index(i) < snap.phi.size(); ++i)
      ImGui::Text("%s = %s", snap.param_names[i].c_str(), fmt(snap.phi(Eigen::Index(i))).c_str());
  }
}

}  // namespace vilab
