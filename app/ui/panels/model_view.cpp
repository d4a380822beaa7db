// app/ui/panels/model_view.cpp — forest plot and exact-answer table of a high-dimensional model.
//
// [SECTION] Helpers
// [SECTION] Forest plot
// [SECTION] Numbers against the exact answer
// [SECTION] Minibatch noise
// [SECTION] draw_model_view
#include "app/ui/panels/model_view.hpp"

#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vilab {

namespace {

ModelViewReport g_report;

// [SECTION] Helpers

const ImU32 kExact = IM_COL32(235, 235, 235, 255);
const ImU32 kGrid = IM_COL32(255, 255, 255, 28);
const ImU32 kAxis = IM_COL32(200, 200, 200, 140);

// [SECTION] Forest plot

// One row per coordinate: the exact mean ± 2 sd (white, thick) on the row's line, each fit's
// q mean ± 2 sd (its colour) just below it, so that the widths compare at a glance.
void draw_forest(const std::vector<const vi::Snapshot*>& fits, const vi::Moments& exact,
                 const std::vector<std::string>& names, ImVec2 p0, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const int d = int(exact.mean.size());
  float name_w = 0;
  for (const auto& n : names) name_w = std::max(name_w, ImGui::CalcTextSize(n.c_str()).x);
  // Right of the plot, aligned with its rows: the exact sd, then each fit's sd ratio.
  const int nf = int(fits.size());
  const float col_w = ImGui::CalcTextSize("0.0000").x + fs * 0.8f;
  const float cols_x = p0.x + size.x - col_w * float(nf + 1);
  const float left = p0.x + name_w + fs * 0.6f, right = cols_x - fs * 0.8f;
  const float header_h = fs * 2.3f;
  const float top = p0.y + header_h, bottom = p0.y + size.y - fs * 1.6f;  // the tick labels below
  const float row_h = (bottom - top) / float(std::max(d, 1));

  double lo = 0, hi = 0;
  auto widen = [&](const vi::Moments& m) {
    for (int i = 0; i < d; ++i) {
      const double s = std::sqrt(std::max(m.cov(i, i), 0.0));
      lo = std::min(lo, m.mean(i) - 2.2 * s);
      hi = std::max(hi, m.mean(i) + 2.2 * s);
    }
  };
  widen(exact);
  for (const auto* f : fits)
    if (f->q.mean.size() == d) widen(f->q);
  if (!(hi > lo)) hi = lo + 1;
  const auto X = [&](double v) { return left + float((v - lo) / (hi - lo)) * (right - left); };

  double step = 0;
  for (double t : plot::nice_ticks(lo, hi, 7, &step)) {
    const float x = X(t);
    dl->AddLine({x, top}, {x, bottom}, t == 0 ? kAxis : kGrid, t == 0 ? 1.5f : 1.0f);
    const std::string label = plot::format_tick(t, step);
    const float w = ImGui::CalcTextSize(label.c_str()).x;
    dl->AddText({x - w / 2, bottom + fs * 0.2f}, kAxis, label.c_str());
  }
  // Column headers: "exact sd", then "sd ratio" in each fit's colour.
  auto right_text = [&](float x_right, float y, ImU32 col, const char* text) {
    dl->AddText({x_right - ImGui::CalcTextSize(text).x, y}, col, text);
  };
  right_text(cols_x + col_w, p0.y, kExact, "exact");
  right_text(cols_x + col_w, p0.y + fs * 1.05f, kExact, "sd");
  for (int k = 0; k < nf; ++k) {
    const float xr = cols_x + col_w * float(k + 2);
    right_text(xr, p0.y, plot::palette(k), "sd");
    right_text(xr, p0.y + fs * 1.05f, plot::palette(k), "ratio");
  }
  dl->AddText({p0.x, p0.y + fs * 1.05f}, kAxis, "weight w_i:  mean \u00B1 2 sd");

  const float thick = std::clamp(row_h * 0.14f, 2.0f, fs * 0.3f) * line_scale();
  for (int i = 0; i < d; ++i) {
    const float y0 = top + row_h * float(i);
    if (i % 2 == 1) dl->AddRectFilled({p0.x, y0}, {p0.x + size.x, y0 + row_h}, IM_COL32(255, 255, 255, 10));
    const float yc = y0 + row_h * 0.3f;
    const float text_y = y0 + row_h * 0.5f - fs * 0.5f;
    dl->AddText({p0.x, text_y}, IM_COL32(230, 230, 230, 255), names[size_t(i)].c_str());
    auto bar = [&](double mean, double sd, float y, ImU32 col, float w) {
      dl->AddLine({X(mean - 2 * sd), y}, {X(mean + 2 * sd), y}, col, w);
      dl->AddCircleFilled({X(mean), y}, w * 0.9f + 1.0f, col);
    };
    const double esd = std::sqrt(exact.cov(i, i));
    bar(exact.mean(i), esd, yc, kExact, thick * 1.3f);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", esd);
    right_text(cols_x + col_w, text_y, kExact, buf);
    for (int k = 0; k < nf; ++k) {
      const vi::Snapshot& f = *fits[size_t(k)];
      if (f.q.mean.size() != d) continue;
      const float y = yc + (row_h * 0.62f) * float(k + 1) / float(nf + 1);
      const double qsd = std::sqrt(f.q.cov(i, i));
      bar(f.q.mean(i), qsd, y, plot::palette(k), thick);
      // The ratio in the fit's colour.
      const double r = qsd / esd;
      std::snprintf(buf, sizeof buf, "%.3f", r);
      right_text(cols_x + col_w * float(k + 2), text_y, plot::palette(k), buf);
    }
  }
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  g_report.forest = {int(std::lround(p0.x * fb.x)), int(std::lround(p0.y * fb.y)),
                     int(std::lround((p0.x + size.x) * fb.x)), int(std::lround((p0.y + size.y) * fb.y))};
}

// [SECTION] Numbers against the exact answer

// Per fit: KL(q‖p) and the ELBO against log p(y); and the mean-field optimum in closed form.
void draw_summary(const std::vector<const vi::Snapshot*>& fits, const vi::TargetData& data) {
  const vi::Problem& problem = *data.problem;
  const bool closed = problem.gaussian_posterior();
  ImGui::PushFont(large_font());
  ImGui::Text("log evidence  log p(y) = %.3f", data.log_z);
  ImGui::PopFont();
  tooltip("The normalizer of p~(w) = p(y | w) p(w): the marginal likelihood of the data, in closed form "
          "(PRML 3.86). Every ELBO lies below it; the gap is KL(q‖p).");
  for (size_t k = 0; k < fits.size(); ++k) {
    const vi::Snapshot& f = *fits[k];
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(plot::palette(int(k))));
    ImGui::PushFont(large_font());
    ImGui::Text("%s  KL(q\u2016p) = %.4f  ELBO = %.3f", fit_label(f.scene).c_str(), f.metrics.kl_q_p, f.metrics.elbo);
    ImGui::PopFont();
    ImGui::PopStyleColor();
    tooltip(closed ? "Both in closed form: KL(N(μ_q, Σ_q) ‖ N(m_N, S_N)), and ELBO = log p(y) − KL(q‖p)."
                   : "KL(q‖p) = log Z − ELBO with the ELBO by Monte Carlo on the fit's fixed metric draws.");
  }
  if (closed) {
    // Mean-field's optimum for a Gaussian posterior: var_i = 1/Λ_ii, KL = ½(Σ ln Λ_ii − ln|Λ|).
    const vi::Mat L = data.p_moments.cov.inverse();
    const Eigen::LLT<vi::Mat> llt(L);
    const double log_det = 2 * vi::Mat(llt.matrixL()).diagonal().array().log().sum();
    const double kl_mf = 0.5 * (L.diagonal().array().log().sum() - log_det);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrappedf("mean-field optimum: var_i = 1/\u039B_ii, KL = \u00BD(\u03A3 ln \u039B_ii \u2212 ln|\u039B|) = %.4f; "
                       "full-rank optimum: q = p, KL = 0",
                       kl_mf);
    ImGui::PopStyleColor();
    tooltip("Λ = α I + XᵀX/σ_y² is the posterior precision. A mean-field q matches the precision's diagonal, "
            "not the covariance's: correlated weights make its variances too small.");
  }
}

// [SECTION] Minibatch noise

void draw_minibatch_noise(ModelViewState& st, const vi::Snapshot& snap) {
  const vi::Scene& sc = snap.scene;
  const int n = snap.target->data->problem->data_size();
  if (n <= 0) return;
  if (sc.batch <= 0 || sc.batch >= n) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrappedf("Minibatch SVI: turn on minibatches under Optimizer to see the gradient noise they add.");
    ImGui::PopStyleColor();
    return;
  }
  st.full_data.poll();
  st.batched.poll();
  const bool busy = st.full_data.busy() || st.batched.busy();
  // The first minibatch fit seen is measured at once (and so is every shot); then on request.
  const bool first = !busy && !st.batched.latest();
  if ((ImGui::Button(busy ? "measuring\u2026##noise" : "Measure gradient noise##noise") || first) && !busy) {
    GradVarRequest r{sc, snap.target->data, snap.phi, snap.step, snap.fit_id, {}};
    r.options.variants = {"reparam"};
    r.options.samples = {sc.samples};
    r.options.replicates = 200;
    GradVarRequest full = r;
    full.scene.batch = 0;
    st.batched.start(std::move(r));
    st.full_data.start(std::move(full));
    if (st.may_block) {
      st.batched.wait();
      st.full_data.wait();
    }
  }
  tooltip("tr Cov of one reparameterized gradient at the current q (200 replicates, S as set): with all N "
          "points (Monte Carlo noise only) and with batches of |B| (the likelihood scaled by N/|B|), off the "
          "UI thread.");
  ImGui::SameLine();
  const auto a = st.full_data.latest(), b = st.batched.latest();
  if (a && b && a->error.empty() && b->error.empty() && !a->table.cells.empty() && !b->table.cells.empty()) {
    const double full = a->table.cells[0].trace_cov, batched = b->table.cells[0].trace_cov;
    g_report.noise_full = full;
    g_report.noise_batched = batched;
    text_wrappedf("tr Cov \u2207: all %d points %s, |B| = %d %s  (\u00D7%.1f) at step %lld", n,
                plot::format_value(full, 3).c_str(), b->scene.batch, plot::format_value(batched, 3).c_str(),
                full > 0 ? batched / full : 0.0, (long long)b->step);
  } else {
    ImGui::TextDisabled("|B| = %d of N = %d; lr %s", sc.batch, n,
                        sc.lr_schedule == "decay" ? "decays as lr\u00B7(1 + t/\u03C4)^\u2212\u03BA" : "constant");
  }
}

}  // namespace

// [SECTION] draw_model_view

bool uses_model_view(const vi::Snapshot& snap) {
  return snap.target && snap.target->data && snap.target->data->problem->dim() != 2;
}

ModelViewReport last_model_view() { return g_report; }

void draw_model_view(ModelViewState& st, const vi::Snapshot& snap) {
  g_report = {};
  if (!uses_model_view(snap)) return;
  const vi::TargetData& data = *snap.target->data;
  const vi::Problem& problem = *data.problem;
  const std::vector<const vi::Snapshot*> fits = vi::fits_of(snap);
  const std::vector<std::string> names = problem.coordinate_names();
  const vi::Moments& exact = data.p_moments;
  const float fs = ImGui::GetFontSize();

  ImGui::PushFont(large_font());
  ImGui::Text("%s: %d weights, exact posterior beside every fit", problem.name().c_str(), problem.dim());
  ImGui::PopFont();
  if (!snap.target->note.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    text_wrapped(snap.target->note);
    ImGui::PopStyleColor();
  }
  // The legend.
  {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto swatch = [&](ImU32 col, const std::string& label) {
      const ImVec2 p = ImGui::GetCursorScreenPos();
      dl->AddLine({p.x, p.y + fs * 0.55f}, {p.x + fs * 1.6f, p.y + fs * 0.55f}, col, fs * 0.3f);
      ImGui::Dummy({fs * 1.8f, fs});
      ImGui::SameLine();
      ImGui::TextUnformatted(label.c_str());
      ImGui::SameLine(0, fs * 1.2f);
    };
    swatch(kExact, "exact posterior mean \u00B1 2 sd");
    for (size_t k = 0; k < fits.size(); ++k) swatch(plot::palette(int(k)), fit_label(fits[k]->scene) + " q");
    ImGui::NewLine();
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float summary_h = fs * (6.2f + 1.5f * float(fits.size())) + ImGui::GetFrameHeightWithSpacing();
  const float body_h = std::max(avail.y - summary_h, fs * 8);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  draw_forest(fits, exact, names, p0, {avail.x, body_h});
  ImGui::Dummy({avail.x, body_h});
  if (ImGui::IsItemHovered())
    tooltip("Each weight's exact posterior mean \u00B1 2 sd (white) with each fit's q mean \u00B1 2 sd beneath, "
            "and the ratio sd(q) / sd(exact) at the right: 1 is right; mean-field's ratios are \u221A(1/\u039B_ii) / "
            "\u221A(S_N)_ii \u2264 1, the under-estimation of a correlated posterior's variances.");
  ImGui::SetCursorScreenPos({p0.x, p0.y + body_h + fs * 0.3f});
  ImGui::Separator();
  draw_summary(fits, data);
  draw_minibatch_noise(st, snap);

  g_report.drawn = true;
  g_report.rows = names;
  g_report.log_evidence = data.log_z;
  for (const auto* f : fits) {
    g_report.fits.push_back(fit_title(f->scene));
    g_report.kl.push_back(f->metrics.kl_q_p);
    std::vector<double> ratio;
    for (int i = 0; i < problem.dim() && f->q.mean.size() == problem.dim(); ++i)
      ratio.push_back(std::sqrt(f->q.cov(i, i) / exact.cov(i, i)));
    g_report.sd_ratio.push_back(std::move(ratio));
  }
}

}  // namespace vilab
