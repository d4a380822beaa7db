// app/ui/panels/trust_panel.cpp — k̂, ESS and the convergence verdict (see trust_panel.hpp).
#include "app/ui/panels/trust_panel.hpp"

#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "vi/analysis/psis.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace vilab {

namespace {
constexpr ImU32 kGood = IM_COL32(0, 158, 115, 255);
constexpr ImU32 kOk = IM_COL32(240, 228, 66, 255);
constexpr ImU32 kBad = IM_COL32(213, 94, 0, 255);
constexpr ImU32 kKhat = IM_COL32(86, 180, 233, 255);

ImVec4 to_vec4(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

const char* kKhatHelp =
    "PSIS k\u0302 (Yao, Vehtari, Simpson & Gelman 2018): draw z ~ q, weigh each draw by p\u0303(z)/q(z) and fit a "
    "generalized Pareto to the largest weights. Its shape k\u0302 says how heavy their tail is, that is, how badly q "
    "misses mass of p: below 0.5 good (importance sampling from q would work), 0.5\u20130.7 usable, above 0.7 "
    "unreliable. It needs only p\u0303, so it also works where no exact KL exists. 4096 fresh draws of q every "
    "\u201Ck\u0302 every\u201D steps.";
const char* kEssHelp =
    "Importance-sampling effective sample size of the 4096 draws with Pareto-smoothed weights, 1/\u03A3w\u0304\u00B2: "
    "how many draws of p the weighted draws of q are worth. 100 % only when q = p.";
const char* kRuleHelp =
    "Stan ADVI's rule (Kucukelbir et al. 2017): every N steps the ELBO (on fixed draws of q) is compared with the "
    "previous one; the relative changes |\u0394ELBO| / max(|ELBO|, 1) of the last few evaluations are kept, and the "
    "fit has converged when their mean or median is below the tolerance. \u201Cmay be diverging\u201D when they stay "
    "above 0.5. Settings and auto-stop are in the controls, under Trust.";
}  // namespace

namespace {
KhatPlotReport g_report;  // UI thread only
}  // namespace

KhatPlotReport last_khat_plot() { return g_report; }
void clear_khat_plot_report() { g_report = {}; }

ImU32 khat_colour(double khat) {
  switch (vi::classify_khat(khat).cls) {
    case vi::KhatClass::good: return kGood;
    case vi::KhatClass::ok: return kOk;
    default: return kBad;
  }
}

void draw_trust_line(const vi::Snapshot& fit, ImU32 swatch, const char* name) {
  if ((swatch & IM_COL32_A_MASK) != 0) {
    ImGui::TextColored(to_vec4(swatch), "\u25A0");
    if (name) tooltip(name);
    ImGui::SameLine();
  }
  const auto& d = fit.last_diagnostics;
  if (!d) {
    ImGui::TextDisabled(fit.scene.khat_every > 0 ? "k\u0302 \u2014 (at step %d)" : "k\u0302 off", fit.scene.khat_every);
  } else {
    char buf[96];
    if (!d->failure.empty())
      std::snprintf(buf, sizeof buf, "k\u0302 \u221E bad");
    else
      std::snprintf(buf, sizeof buf, "k\u0302 %.2f %s", d->psis.khat, vi::to_string(d->verdict.cls));
    ImGui::TextColored(to_vec4(khat_colour(d->failure.empty() ? d->psis.khat : INFINITY)), "%s", buf);
    tooltip(d->failure.empty() ? (std::string(kKhatHelp) + "\n\nNow: " + d->verdict.message).c_str()
                               : (std::string(kKhatHelp) + "\n\nNow: " + d->failure).c_str());
    ImGui::SameLine();
    if (std::isfinite(d->psis.ess))
      ImGui::Text("\u00B7 ESS %.0f %%", 100.0 * d->psis.ess / std::max(1, d->draws));
    else
      ImGui::TextUnformatted("\u00B7 ESS \u2014");
    tooltip(kEssHelp);
  }
  ImGui::SameLine();
  const vi::ConvergenceVerdict& v = fit.convergence;
  if (fit.scene.converge_every <= 0) {
    ImGui::TextDisabled("\u00B7 rule off");
  } else if (v.may_be_diverging) {
    ImGui::TextColored(to_vec4(kBad), "\u00B7 may be diverging");
  } else if (v.converged) {
    // The statistic that decided (under "either", the smaller).
    const bool median = fit.scene.converge_statistic == "median" ||
                        (fit.scene.converge_statistic == "either" && v.median_rel < v.mean_rel);
    ImGui::TextColored(to_vec4(kGood), "\u00B7 converged (%s \u0394 %.2g %%)", median ? "median" : "mean",
                       100 * (median ? v.median_rel : v.mean_rel));
  } else if (v.changes > 0 && std::isfinite(v.mean_rel)) {
    ImGui::Text("\u00B7 \u0394ELBO %.2g %%", 100 * v.mean_rel);
  } else {
    ImGui::TextDisabled("\u00B7 rule: waiting");
  }
  tooltip((std::string(kRuleHelp) + (v.message.empty() ? "" : "\n\nNow: " + v.message)).c_str());
  if (fit.scene.grad_clip > 0) {
    ImGui::SameLine();
    ImGui::Text("\u00B7 clipped %lld", (long long)fit.clipped_steps);
    tooltip("Steps whose gradient norm was clipped to the bound set under Trust in the controls.");
  }
}

void draw_khat_plot(const vi::Snapshot& snap, float height, ImU32 kl_colour) {
  const auto& h = snap.diagnostics;
  std::vector<plot::Series> series;
  plot::Series k;
  k.label = "k\u0302";
  k.color = kKhat;
  k.thickness = 2.4f;
  k.count = int(h.size());
  k.point = [&h](int i) { return plot::Point{double(h[size_t(i)].step), h[size_t(i)].khat}; };
  k.markers = h.size() < 40;
  series.push_back(std::move(k));
  plot::Series kl;
  kl.label = snap.phi.size() > 0 && snap.target && snap.target->data && snap.target->data->problem->dim() == 2
                 ? "KL(q\u2016p), exact"
                 : "KL(q\u2016p)";
  kl.color = kl_colour;
  kl.thickness = 1.6f;
  kl.count = int(h.size());
  kl.point = [&h](int i) { return plot::Point{double(h[size_t(i)].step), h[size_t(i)].kl_q_p}; };
  series.push_back(std::move(kl));
  // The y axis always spans [0, 1] at least, so the thresholds sit where a reader expects them.
  if (!h.empty()) {
    plot::Series span;
    span.color = IM_COL32(0, 0, 0, 0);
    span.in_legend = false;
    span.count = 2;
    const double x0 = double(h.front().step);
    span.point = [x0](int i) { return plot::Point{x0, double(i)}; };
    series.push_back(std::move(span));
  }
  const std::vector<plot::RefLine> refs = {{0.5, "good below 0.5", kGood}, {0.7, "unreliable above 0.7", kBad}};
  plot::PlotConfig cfg;
  cfg.height = height;
  plot::line_plot("##khat_plot", cfg, series, refs, {});
  const ImVec2 r0 = ImGui::GetItemRectMin(), r1 = ImGui::GetItemRectMax();
  const ImVec2 sc = ImGui::GetIO().DisplayFramebufferScale;
  g_report = {int(r0.x * sc.x), int(r0.y * sc.y), int(r1.x * sc.x), int(r1.y * sc.y), int(h.size()),
              h.empty() ? 0.0 : h.back().khat};
}

}  // namespace vilab
