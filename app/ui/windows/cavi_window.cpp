// app/ui/windows/cavi_window.cpp — the Normal-Gamma CAVI window (see cavi_window.hpp); the Gaussian
// mixture window is in cavi_gmm_window.cpp.
//
// Index
// [SECTION] Colours and the model
// [SECTION] Updates
// [SECTION] The (μ, τ) plane
// [SECTION] The ELBO and the numbers
// [SECTION] draw_normal_gamma_window
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/cavi_window.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/widgets/plane_axes.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/core/math.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

namespace vilab {

namespace {

NormalGammaWindowReport g_report;  // written on the UI thread only

// [SECTION] Colours and the model

// PRML Fig. 10.4's colours: the exact posterior green, the factorized q red.
constexpr ImU32 kExact = IM_COL32(60, 200, 90, 255);
constexpr ImU32 kQ = IM_COL32(240, 70, 60, 255);
constexpr ImU32 kPrevQ = IM_COL32(240, 70, 60, 90);
constexpr ImU32 kPath = IM_COL32(235, 235, 235, 220);
constexpr int kGrid = 150;  // cells per side of the (μ, τ) grid: contours and shading
const std::vector<double> kMasses{0.5, 0.9, 0.99};
// Slider ranges.
constexpr double kMuMin = -5, kMuMax = 5, kTauMin = 0.05, kTauMax = 20, kPosMin = 0.01, kPosMax = 100;
constexpr double kStartMin = -5, kStartMax = 5;

vi::Grid2D grid_of(const vi::Box& box, auto&& log_density) {
  vi::Grid2D g{box, kGrid, kGrid, std::vector<double>(size_t(kGrid) * kGrid)};
  for (int j = 0; j < kGrid; ++j)
    for (int i = 0; i < kGrid; ++i) g.at(i, j) = log_density(g.x(i), g.y(j));
  return g;
}

double log_q(const vi::NormalGammaQ& q, double mu, double tau) {
  if (!(tau > 0)) return -std::numeric_limits<double>::infinity();
  const double d = mu - q.m;
  return 0.5 * (std::log(q.lambda) - vi::kLog2Pi) - 0.5 * q.lambda * d * d + q.a * std::log(q.b) - std::lgamma(q.a) +
         (q.a - 1) * std::log(tau) - q.b * tau;
}

std::vector<vi::Contour> q_contours(const NormalGammaWindowState& st, const vi::NormalGammaQ& q) {
  const vi::Grid2D g = grid_of(st.box, [&](double mu, double tau) { return log_q(q, mu, tau); });
  return vi::mass_contours(g, kMasses, 0.0);
}

// q's start: a blob like the fixed point's, moved by (start_dmu, start_dtau) exact-posterior sds.
vi::NormalGammaQ start_q(const NormalGammaWindowState& st) {
  const double N = double(st.data.x.size());
  vi::NormalGammaQ q;
  q.m = st.exact.mean_mu + st.start_dmu * st.exact.sd_mu;
  const double et = std::max(st.exact.mean_tau + st.start_dtau * st.exact.sd_tau, 0.15 * st.exact.mean_tau);
  q.a = st.prior.a0 + (N + 1) / 2;
  q.b = q.a / et;
  q.lambda = (st.prior.lambda0 + N) * et;
  return q;
}

void reset_q(NormalGammaWindowState& st) {
  const vi::NormalGammaQ q0 = start_q(st);
  st.history = {q0};
  st.updated.clear();
  st.elbo = {vi::ng_elbo(st.data, st.prior, q0)};
  st.q_contours = q_contours(st, q0);
  st.previous_contours.clear();
}

// Draws the data again and recomputes everything that depends on it.
void rebuild(NormalGammaWindowState& st) {
  st.dirty = false;
  st.data = vi::ng_generate(st.n, st.mu_true, st.tau_true, uint64_t(st.seed));
  st.exact = vi::ng_exact(st.data, st.prior);
  const vi::NormalGammaQ q0 = start_q(st);
  // The box holds the exact posterior to ±4.5 sd and the start to ±3 sd (its 99 % contour).
  const double q_sd_mu = 1 / std::sqrt(q0.lambda), q_sd_tau = std::sqrt(q0.a) / q0.b;
  const vi::NormalGammaExact& e = st.exact;
  st.box.x0 = std::min(e.mean_mu - 4.5 * e.sd_mu, q0.m - 3 * q_sd_mu);
  st.box.x1 = std::max(e.mean_mu + 4.5 * e.sd_mu, q0.m + 3 * q_sd_mu);
  st.box.y0 = std::max(0.0, std::min(e.mean_tau - 4.5 * e.sd_tau, q0.mean_tau() - 3 * q_sd_tau));
  st.box.y1 = std::max(e.mean_tau + 4.5 * e.sd_tau, q0.mean_tau() + 3 * q_sd_tau);
  st.exact_grid = grid_of(st.box, [&](double mu, double tau) { return vi::ng_log_density(e.post, mu, tau); });
  st.exact_contours = vi::mass_contours(st.exact_grid, kMasses, 0.0);
  vi::NormalGammaQ q = q0;
  st.sweeps_to_converge = vi::ng_cavi(st.data, st.prior, q, 1000, 1e-10).iterations;
  reset_q(st);
}

// [SECTION] Updates

void update(NormalGammaWindowState& st, char factor) {
  vi::NormalGammaQ q = st.history.back();
  if (factor == 'm') vi::ng_update_mu(st.data, st.prior, q);
  else vi::ng_update_tau(st.data, st.prior, q);
  st.history.push_back(q);
  st.updated.push_back(factor);
  st.elbo.push_back(vi::ng_elbo(st.data, st.prior, q));
  st.previous_contours = std::move(st.q_contours);
  st.q_contours = q_contours(st, q);
}

// The factor after the last one updated (q(μ) first, as PRML).
char next_factor(const NormalGammaWindowState& st) { return st.updated.empty() || st.updated.back() == 't' ? 'm' : 't'; }

// Alternates single-factor updates until a full sweep changes the ELBO and every parameter by
// less than 1e-10 (relative), at most 400 updates.
void iterate_to_convergence(NormalGammaWindowState& st) {
  for (int k = 0; k < 400; ++k) {
    const vi::NormalGammaQ before = st.history.back();
    const double e0 = st.elbo.back();
    update(st, next_factor(st));
    update(st, next_factor(st));
    const vi::NormalGammaQ& q = st.history.back();
    auto rel = [](double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); };
    if (rel(st.elbo.back(), e0) < 1e-10 && std::max({rel(q.m, before.m), rel(q.lambda, before.lambda), rel(q.b, before.b)}) < 1e-10)
      break;
  }
}

// [SECTION] The (μ, τ) plane

void draw_plane(NormalGammaWindowState& st, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 c0 = ImGui::GetCursorScreenPos();
  const ImVec2 a0{c0.x + plane_left_margin(), c0.y + fs * 1.4f};
  const ImVec2 a1{c0.x + size.x - fs * 0.5f, c0.y + size.y - plane_bottom_margin()};
  ImGui::Dummy(size);
  if (a1.x - a0.x < fs * 4 || a1.y - a0.y < fs * 4) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const PlaneMap m{st.box, a0, a1};
  dl->AddRectFilled(a0, a1, IM_COL32(18, 20, 26, 255));
  dl->PushClipRect(a0, a1, true);
  // The exact posterior, shaded green by density (cells below 1 % of the peak are left dark).
  const vi::Grid2D& g = st.exact_grid;
  const double peak = *std::max_element(g.values.begin(), g.values.end());
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const double r = std::exp(g.at(i, j) - peak);
      if (r < 0.01) continue;
      // Edges on whole pixels, so neighbouring cells neither overlap nor leave gaps (no seams).
      const ImVec2 p = m.to(g.x(i) - g.dx() / 2, g.y(j) + g.dy() / 2), q = m.to(g.x(i) + g.dx() / 2, g.y(j) - g.dy() / 2);
      dl->AddRectFilled({std::floor(p.x), std::floor(p.y)}, {std::floor(q.x), std::floor(q.y)}, IM_COL32(60, 200, 90, int(20 + 70 * r)));
    }
  g_report.exact_contour_lines = 0;
  const float thick[3] = {2.4f, 1.8f, 1.2f};
  for (size_t c = 0; c < st.exact_contours.size(); ++c)
    g_report.exact_contour_lines += draw_contour_lines(dl, m, st.exact_contours[c].lines, kExact, thick[c]);
  for (size_t c = 0; c < st.previous_contours.size(); ++c) draw_contour_lines(dl, m, st.previous_contours[c].lines, kPrevQ, 1.4f);
  g_report.q_contour_lines = 0;
  for (size_t c = 0; c < st.q_contours.size(); ++c)
    g_report.q_contour_lines += draw_contour_lines(dl, m, st.q_contours[c].lines, kQ, thick[c]);
  // The path of E_q[(μ, τ)]: one segment per factor update (horizontal-ish for q(μ), vertical for q(τ)).
  std::vector<ImVec2> path;
  for (const vi::NormalGammaQ& q : st.history) path.push_back(m.to(q.m, q.mean_tau()));
  if (path.size() >= 2) dl->AddPolyline(path.data(), int(path.size()), kPath, ImDrawFlags_None, 1.6f * line_px());
  for (size_t k = 0; k < path.size(); ++k) dl->AddCircleFilled(path[k], (k + 1 == path.size() ? 5.0f : 3.0f) * line_px(), k + 1 == path.size() ? kQ : kPath);
  dl->AddCircle(path.front(), 6.0f * line_px(), kPath, 16, 1.5f * line_px());
  // The exact posterior's mean.
  const ImVec2 em = m.to(st.exact.mean_mu, st.exact.mean_tau);
  dl->AddLine({em.x - 7, em.y}, {em.x + 7, em.y}, kExact, 2.5f * line_px());
  dl->AddLine({em.x, em.y - 7}, {em.x, em.y + 7}, kExact, 2.5f * line_px());
  dl->PopClipRect();
  draw_plane_frame(dl, m, "\u03BC", "\u03C4");
  // Legend, top right inside the frame.
  const char* lines[] = {"exact p(\u03BC, \u03C4 | x): 50 / 90 / 99 %", "q(\u03BC) q(\u03C4) now", "q before the last update",
                         "E_q[\u03BC, \u03C4] after each update (\u25CB start)"};
  const ImU32 colours[] = {kExact, kQ, IM_COL32(240, 70, 60, 150), kPath};
  float w = 0;
  for (const char* l : lines) w = std::max(w, ImGui::CalcTextSize(l).x);
  ImVec2 p{a1.x - w - fs * 2.2f, a0.y + fs * 0.4f};
  dl->AddRectFilled({p.x - fs * 0.4f, p.y - fs * 0.2f}, {a1.x - fs * 0.3f, p.y + fs * 4.9f}, IM_COL32(10, 12, 16, 200), 4);
  for (int k = 0; k < 4; ++k) {
    const float y = p.y + fs * 1.2f * float(k) + fs * 0.55f;
    dl->AddLine({p.x, y}, {p.x + fs * 1.2f, y}, colours[k], 2.5f * line_px());
    dl->AddText({p.x + fs * 1.6f, y - fs * 0.55f}, IM_COL32(230, 230, 230, 255), lines[k]);
  }
  g_report.plane = {int(a0.x * ImGui::GetIO().DisplayFramebufferScale.x), int(a0.y * ImGui::GetIO().DisplayFramebufferScale.y),
                    int(a1.x * ImGui::GetIO().DisplayFramebufferScale.x), int(a1.y * ImGui::GetIO().DisplayFramebufferScale.y)};
}

// [SECTION] The ELBO and the numbers

void draw_elbo(const NormalGammaWindowState& st, float width, float height) {
  std::vector<plot::Series> series(1);
  plot::Series& s = series[0];
  s.label = "ELBO after each update";
  s.color = kQ;
  s.count = int(st.elbo.size());
  s.markers = true;
  s.point = [&st](int i) { return plot::Point{double(i), st.elbo[size_t(i)]}; };
  const double log_ev = st.exact.log_evidence;
  s.fill_to = [log_ev](int) { return log_ev; };
  s.fill_color = IM_COL32(240, 70, 60, 45);
  const plot::RefLine ref{log_ev, "log p(x) (exact)", kExact};
  plot::PlotConfig cfg;
  cfg.title = "ELBO";
  cfg.x_label = "update";
  if (st.elbo.size() <= 8)  // whole updates only while there are few
    for (size_t k = 0; k < st.elbo.size(); ++k) cfg.x_ticks.push_back(double(k));
  cfg.height = height;
  ImGui::BeginChild("##ng_elbo_child", {width, height}, false, ImGuiWindowFlags_NoScrollbar);
  plot::line_plot("##ng_elbo", cfg, series, std::span<const plot::RefLine>(&ref, 1));
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  g_report.elbo_plot = {int(a.x * fb.x), int(a.y * fb.y), int(b.x * fb.x), int(b.y * fb.y)};
  ImGui::EndChild();
}

void draw_numbers(const NormalGammaWindowState& st) {
  const vi::NormalGammaQ& q = st.history.back();
  const vi::NormalGammaExact& e = st.exact;
  auto f = [](double v) { return plot::format_value(v, 4); };
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("##ng_numbers", 5, flags)) {
    for (const char* h : {"", "exact mean", "exact sd", "q mean", "q sd"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    const double row[2][4] = {{e.mean_mu, e.sd_mu, q.m, 1 / std::sqrt(q.lambda)},
                              {e.mean_tau, e.sd_tau, q.mean_tau(), std::sqrt(q.a) / q.b}};
    const char* names[2] = {"\u03BC", "\u03C4"};
    for (int r = 0; r < 2; ++r) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(names[r]);
      for (int c = 0; c < 4; ++c) {
        ImGui::TableNextColumn();
        const std::string s = f(row[r][c]);
        if (c < 2) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kExact), "%s", s.c_str());
        else ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kQ), "%s", s.c_str());
      }
    }
    ImGui::EndTable();
  }
  const double elbo = st.elbo.back();
  ImGui::Text("ELBO %s   log p(x) %s", f(elbo).c_str(), f(e.log_evidence).c_str());
  ImGui::Text("KL(q\u2016p) = log p(x) \u2212 ELBO = %s", f(e.log_evidence - elbo).c_str());
  ImGui::PushTextWrapPos(0);
  text_wrapped_disabled("From this start CAVI converges in " + std::to_string(st.sweeps_to_converge) +
                        " sweeps (q(\u03BC) then q(\u03C4); relative change < 1e\u221210). "
                        "At the fixed point E_q[\u03C4] equals the exact posterior mean and q's sd of \u03BC is too small: "
                        "mean-field drops the posterior's \u03BC\u2013\u03C4 dependence.");
  ImGui::PopTextWrapPos();
}

// The data and prior controls; true when something changed (the data is then drawn again).
bool draw_settings(NormalGammaWindowState& st) {
  const float fs = ImGui::GetFontSize();
  bool changed = false;
  ImGui::PushItemWidth(fs * 8);
  ImGui::PushTextWrapPos(0);
  text_wrapped_disabled("data x\u2099 ~ N(\u03BC, 1/\u03C4)");
  changed |= clamped_slider("N##ng_n", &st.n, 2, 500, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("The number of data points. More data: a sharper posterior, and q's too-small sd of \u03BC matters less.");
  changed |= ImGui::SliderScalar("true \u03BC##ng_mu", ImGuiDataType_Double, &st.mu_true, &kMuMin, &kMuMax, "%.2f");
  tooltip("The mean the data are drawn with. The exact posterior of \u03BC centres near it as N grows.");
  changed |= ImGui::SliderScalar("true \u03C4##ng_tau", ImGuiDataType_Double, &st.tau_true, &kTauMin, &kTauMax, "%.2f",
                                 ImGuiSliderFlags_Logarithmic);
  tooltip("The precision \u03C4 = 1/variance the data are drawn with: large \u03C4, tightly clustered data.");
  changed |= ImGui::InputInt("seed##ng_seed", &st.seed);
  tooltip("The random seed of the data: the same seed gives the same data set.");
  if (ImGui::Button("Regenerate data##ng_regen")) {
    ++st.seed;
    changed = true;
  }
  tooltip("Draw a new data set (the next seed) from N(true \u03BC, 1/true \u03C4).");
  ImGui::Spacing();
  text_wrapped_disabled("prior \u03BC|\u03C4 ~ N(\u03BC\u2080, (\u03BB\u2080\u03C4)\u207B\u00B9), \u03C4 ~ Gam(a\u2080, b\u2080)");
  changed |= ImGui::SliderScalar("\u03BC\u2080##ng_mu0", ImGuiDataType_Double, &st.prior.mu0, &kMuMin, &kMuMax, "%.2f");
  tooltip("The prior's guess for \u03BC before seeing data.");
  changed |= ImGui::SliderScalar("\u03BB\u2080##ng_l0", ImGuiDataType_Double, &st.prior.lambda0, &kPosMin, &kPosMax, "%.3g",
                                 ImGuiSliderFlags_Logarithmic);
  tooltip("How many data points the prior's guess \u03BC\u2080 is worth: large \u03BB\u2080 pins \u03BC near \u03BC\u2080.");
  changed |= ImGui::SliderScalar("a\u2080##ng_a0", ImGuiDataType_Double, &st.prior.a0, &kPosMin, &kPosMax, "%.3g",
                                 ImGuiSliderFlags_Logarithmic);
  tooltip("The Gamma prior's shape: the prior on \u03C4 has mean a\u2080/b\u2080; larger a\u2080 (with b\u2080 in proportion) makes it surer.");
  changed |= ImGui::SliderScalar("b\u2080##ng_b0", ImGuiDataType_Double, &st.prior.b0, &kPosMin, &kPosMax, "%.3g",
                                 ImGuiSliderFlags_Logarithmic);
  tooltip("The Gamma prior's rate: the prior mean of \u03C4 is a\u2080/b\u2080, so a larger b\u2080 expects noisier data.");
  ImGui::Spacing();
  text_wrapped_disabled("q starts (in posterior sds)");
  changed |= ImGui::SliderScalar("\u0394\u03BC##ng_dmu", ImGuiDataType_Double, &st.start_dmu, &kStartMin, &kStartMax, "%.1f");
  tooltip("Where q starts: E_q[\u03BC] this many exact posterior sds from the exact mean of \u03BC.");
  changed |= ImGui::SliderScalar("\u0394\u03C4##ng_dtau", ImGuiDataType_Double, &st.start_dtau, &kStartMin, &kStartMax, "%.1f");
  tooltip("Where q starts: E_q[\u03BC] and E_q[\u03C4] this many exact posterior sds from the exact means.");
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
  return changed;
}

}  // namespace

NormalGammaWindowReport last_normal_gamma_window() { return g_report; }

// [SECTION] draw_normal_gamma_window

void draw_normal_gamma_window(NormalGammaWindowState& st, bool* open) {
  g_report.drawn = false;
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::NormalGamma);
  if (!ImGui::Begin("Normal-Gamma: CAVI on q(\u03BC) q(\u03C4)  (Bishop, PRML \u00A710.1.3)##cavi_ng", open,
                    docked | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (st.dirty) rebuild(st);
  for (; st.pending_updates > 0; --st.pending_updates) update(st, next_factor(st));

  // Settings on the left.
  ImGui::BeginChild("##ng_settings", {fs * 15, 0}, false);
  if (draw_settings(st)) {
    st.seed = std::max(st.seed, 0);
    rebuild(st);
  }
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginGroup();
  if (ImGui::Button("Update q(\u03BC)##ng_upd_mu")) update(st, 'm');
  tooltip("q(\u03BC) \u2190 N(\u03BC_N, ((\u03BB\u2080 + N) E[\u03C4])\u207B\u00B9) (PRML 10.26\u201310.27): the best q(\u03BC) for the current q(\u03C4).");
  ImGui::SameLine();
  if (ImGui::Button("Update q(\u03C4)##ng_upd_tau")) update(st, 't');
  tooltip("q(\u03C4) \u2190 Gam(a\u2080 + (N + 1)/2, b\u2080 + \u00BD E_\u03BC[\u03A3(x\u2099 \u2212 \u03BC)\u00B2 + \u03BB\u2080(\u03BC \u2212 \u03BC\u2080)\u00B2]) "
          "(PRML 10.29\u201310.30): the best q(\u03C4) for the current q(\u03BC).");
  ImGui::SameLine();
  if (ImGui::Button("Iterate to convergence##ng_conv")) iterate_to_convergence(st);
  tooltip("Alternate the two updates until q stops changing: CAVI's fixed point, the best factorized q(\u03BC)q(\u03C4).");
  ImGui::SameLine();
  if (ImGui::Button("Reset q##ng_reset")) reset_q(st);
  tooltip("Put q back at its start (\u0394\u03BC, \u0394\u03C4 from the exact answer) and clear the updates.");
  ImGui::SameLine();
  const int updates = int(st.updated.size());
  if (updates == 0) ImGui::TextDisabled("q at its start");
  else
    ImGui::TextDisabled("%d update%s, the last of q(%s)", updates, updates == 1 ? "" : "s",
                        st.updated.back() == 'm' ? "\u03BC" : "\u03C4");

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bottom_h = std::max(fs * 11, avail.y * 0.3f);
  draw_plane(st, {avail.x, std::max(avail.y - bottom_h - ImGui::GetStyle().ItemSpacing.y, fs * 10)});
  const float elbo_w = avail.x * 0.5f;
  draw_elbo(st, elbo_w, bottom_h);
  ImGui::SameLine();
  ImGui::BeginChild("##ng_numbers_child", {0, bottom_h}, false);
  draw_numbers(st);
  ImGui::EndChild();
  ImGui::EndGroup();

  g_report.drawn = true;
  g_report.elbo = st.elbo;
  g_report.log_evidence = st.exact.log_evidence;
  g_report.q_mean_tau = st.history.back().mean_tau();
  g_report.exact_mean_tau = st.exact.mean_tau;
  ImGui::End();
}

// [SECTION] Registration

namespace {

class NormalGammaTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame&) override { draw_normal_gamma_window(state_, open); }
  void start(const ToolStart& s) override { state_.pending_updates = s.open ? s.options.cavi_steps : 0; }

 private:
  NormalGammaWindowState state_;
};

class GmmTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame&) override { draw_gmm_window(state_, open); }
  void start(const ToolStart& s) override { state_.pending_steps = s.open ? s.options.cavi_steps : 0; }

 private:
  GmmWindowState state_;
};

}  // namespace

ToolWindowEntry normal_gamma_tool_window() {
  ToolWindowEntry e;
  e.key = "normal_gamma";
  e.dock = ToolWindow::NormalGamma;
  e.menu_name = "CAVI Normal-Gamma";
  e.help = "Open (or close) CAVI on q(\u03BC) q(\u03C4) for a Gaussian with unknown mean and precision (PRML \u00A710.1.3), "
           "one factor update at a time, over its exact Normal-Gamma posterior.";
  e.opened_by = [](const GuiOptions& o) { return o.cavi_normal_gamma; };
  e.make = [] { return std::unique_ptr<ToolWindowState>(new NormalGammaTool); };
  return e;
}

ToolWindowEntry gmm_tool_window() {
  ToolWindowEntry e;
  e.key = "gmm";
  e.dock = ToolWindow::Gmm;
  e.menu_name = "CAVI Gaussian mixture";
  e.help = "Open (or close) CAVI for a mixture of K unit-variance Gaussians (Blei et al. 2017): responsibilities, "
           "component posteriors and the ELBO per sweep.";
  e.opened_by = [](const GuiOptions& o) { return o.cavi_gmm; };
  e.make = [] { return std::unique_ptr<ToolWindowState>(new GmmTool); };
  return e;
}

}  // namespace vilab
