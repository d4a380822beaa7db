// app/metrics_panel.cpp — ELBO and KL against step (app/plot.hpp), and q vs p in numbers.
//
// With comparison fits, both plots show every fit, one colour each (app/plot.hpp's palette, the
// colours of the panel titles in the density view).
#include "app/metrics_panel.hpp"

#include "app/fit_spec.hpp"
#include "app/plot.hpp"
#include "app/tooltip.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace vilab {

namespace {

// Okabe–Ito inspired colours: distinguishable with the common colour-vision deficiencies.
constexpr ImU32 kElbo = IM_COL32(110, 195, 255, 255);
constexpr ImU32 kElboFaint = IM_COL32(110, 195, 255, 85);
constexpr ImU32 kLogZ = IM_COL32(240, 228, 66, 230);
constexpr ImU32 kKlQP = IM_COL32(230, 159, 0, 255);
constexpr ImU32 kKlPQ = IM_COL32(220, 130, 185, 255);
constexpr ImU32 kBetaOne = IM_COL32(205, 208, 220, 220);

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
}

}  // namespace

plot::Series history_series(std::string label, ImU32 colour, float thickness, const std::vector<vi::HistoryPoint>* h,
                            double vi::HistoryPoint::*field, bool fit) {
  return {std::move(label), colour, thickness, int(h->size()),
          [h, field](int i) { return plot::Point{double((*h)[size_t(i)].step), (*h)[size_t(i)].*field}; }, true, fit};
}

void draw_metrics_panel(MetricsPanelState& st, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const std::vector<vi::HistoryPoint>& h = snap.history;
  const float avail_h = ImGui::GetContentRegionAvail().y;
  const float table_h = fs * 1.55f * 12 + fs;  // 11 rows + header, with padding
  const float plot_h = std::max(fs * 8, (avail_h - table_h - fs * 4.2f) * 0.5f);
  const bool comparing = !snap.comparison.empty();
  std::vector<const vi::Snapshot*> fits{&snap};
  for (const auto& c : snap.comparison) fits.push_back(c.get());

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
  ImGui::Checkbox("per-step estimate##elbo_est", &st.show_elbo_estimate);
  tooltip("Also show the noisy ELBO estimate of each training step (from its S samples), faint. "
          "Its spread is the gradient noise the optimizer lives with.");
  {
    std::vector<plot::Series> series;
    if (st.show_elbo_estimate)
      series.push_back(history_series(comparing ? "per-step (" + fit_label(snap.scene) + ")" : "per-step estimate",
                                      kElboFaint, 1.0f, &h, &vi::HistoryPoint::elbo_estimate, false));
    for (size_t i = 0; i < fits.size(); ++i)
      series.push_back(history_series(comparing ? fit_label(fits[i]->scene) : "ELBO",
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
  tooltip(comparing ? "KL(q‖p) of every fit against the step, one colour per fit (as in the panel titles): "
                      "the family that gets lowest fits p best. KL = 0 only when q = p."
                    : "How far q is from p, both ways, against the step. KL = 0 only when q = p.");
  ImGui::SameLine(fs * 7.5f);
  ImGui::Checkbox("log scale##kl_log", &st.kl_log_scale);
  tooltip("Log y axis: KL shrinks over decades as q converges. Values ≤ 0 (Monte Carlo noise near "
          "zero) are not drawn on the log axis.");
  {
    std::vector<plot::Series> series;
    if (comparing) {
      for (size_t i = 0; i < fits.size(); ++i)
        series.push_back(history_series("KL(q\u2016p) " + fit_label(fits[i]->scene), plot::palette(int(i)), 2.4f,
                                        &fits[i]->history, &vi::HistoryPoint::kl_q_p));
    } else {
      series.push_back(history_series("KL(q\u2016p)", kKlQP, 2.4f, &h, &vi::HistoryPoint::kl_q_p));
      series.push_back(history_series("KL(p\u2016q)", kKlPQ, 2.4f, &h, &vi::HistoryPoint::kl_p_q));
    }
    plot::PlotConfig cfg;
    cfg.height = plot_h;
    cfg.log_y = st.kl_log_scale;
    plot::line_plot("##kl_plot", cfg, series, {}, xrefs);
  }

  ImGui::Spacing();
  numbers_table(snap);

  if (!snap.param_names.empty() && ImGui::CollapsingHeader("parameters φ##phi")) {
    for (size_t i = 0; i < snap.param_names.size() && Eigen::Index(i) < snap.phi.size(); ++i)
      ImGui::Text("%s = %s", snap.param_names[i].c_str(), fmt(snap.phi(Eigen::Index(i))).c_str());
  }
}

}  // namespace vilab
