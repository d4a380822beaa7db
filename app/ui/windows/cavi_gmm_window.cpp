// app/ui/windows/cavi_gmm_window.cpp — the Gaussian mixture CAVI window (Blei, Kucukelbir & McAuliffe 2017,
// §3); see cavi_window.hpp.
//
// Index
// [SECTION] The model
// [SECTION] The data plane (2D) and the line (1D)
// [SECTION] The ELBO and the components
// [SECTION] draw_gmm_window
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
#include <string>

namespace vilab {

namespace {

GmmWindowReport g_report;  // written on the UI thread only

constexpr int kMaxK = 6;  // the categorical palette's colours
constexpr ImU32 kTrue = IM_COL32(245, 245, 245, 255);
constexpr double kSigmaMin = 0.5, kSigmaMax = 10;

// [SECTION] The model

void rebuild(GmmWindowState& st) {
  st.dirty = false;
  st.data = vi::gmm_generate(st.settings);
  st.reset_q = true;
}

void restart_q(GmmWindowState& st) {
  st.reset_q = false;
  st.q = vi::gmm_initial_q(st.data, uint64_t(st.init_seed));
  st.elbo = {vi::gmm_elbo(st.data, st.q)};
  st.converged = false;
}

void step(GmmWindowState& st, int sweeps) {
  for (int k = 0; k < sweeps; ++k) {
    vi::gmm_step(st.data, st.q);
    st.elbo.push_back(vi::gmm_elbo(st.data, st.q));
  }
}

void run_to_convergence(GmmWindowState& st) {
  const vi::GmmCaviResult r = vi::gmm_cavi(st.data, st.q, 1000, 1e-10);
  st.elbo.insert(st.elbo.end(), r.elbo.begin() + 1, r.elbo.end());
  st.converged = r.converged;
}

// A point's colour: the component colours mixed by its responsibilities φ_i.
ImU32 mixed_colour(const vi::GmmQ& q, Eigen::Index i) {
  float r = 0, g = 0, b = 0;
  for (Eigen::Index k = 0; k < q.phi.cols(); ++k) {
    const ImVec4 c = ImGui::ColorConvertU32ToFloat4(plot::palette(int(k)));
    const float w = float(q.phi(i, k));
    r += w * c.x, g += w * c.y, b += w * c.z;
  }
  return ImGui::ColorConvertFloat4ToU32({r, g, b, 0.9f});
}

PixelRect to_px(ImVec2 a0, ImVec2 a1) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(a0.x * fb.x), int(a0.y * fb.y), int(a1.x * fb.x), int(a1.y * fb.y)};
}

// [SECTION] The data plane (2D) and the line (1D)

void dashed_circle(ImDrawList* dl, ImVec2 c, float r, ImU32 colour) {
  constexpr int kN = 48;
  ImVec2 pts[kN];
  for (int k = 0; k < kN; ++k) {
    const float t = 2 * float(M_PI) * float(k) / kN;
    pts[k] = {c.x + r * std::cos(t), c.y + r * std::sin(t)};
  }
  plot::dashed_polyline(dl, pts, kN, true, colour, 1.3f * line_px(), 6, 5);
}

void cross(ImDrawList* dl, ImVec2 p, float r, ImU32 colour) {
  dl->AddLine({p.x - r, p.y - r}, {p.x + r, p.y + r}, IM_COL32(0, 0, 0, 255), 3.6f * line_px());
  dl->AddLine({p.x - r, p.y + r}, {p.x + r, p.y - r}, IM_COL32(0, 0, 0, 255), 3.6f * line_px());
  dl->AddLine({p.x - r, p.y - r}, {p.x + r, p.y + r}, colour, 1.6f * line_px());
  dl->AddLine({p.x - r, p.y + r}, {p.x + r, p.y - r}, colour, 1.6f * line_px());
}

// The data's box with room for the true and fitted means and a margin.
vi::Box data_box(const GmmWindowState& st) {
  const vi::Mat& x = st.data.x;
  vi::Box b{x.row(0).minCoeff(), x.row(0).maxCoeff(), 0, 1};
  b.x0 = std::min({b.x0, st.data.true_means.row(0).minCoeff(), st.q.m.row(0).minCoeff()});
  b.x1 = std::max({b.x1, st.data.true_means.row(0).maxCoeff(), st.q.m.row(0).maxCoeff()});
  if (x.rows() > 1) {
    b.y0 = std::min({x.row(1).minCoeff(), st.data.true_means.row(1).minCoeff(), st.q.m.row(1).minCoeff()});
    b.y1 = std::max({x.row(1).maxCoeff(), st.data.true_means.row(1).maxCoeff(), st.q.m.row(1).maxCoeff()});
  }
  b.x0 -= 1, b.x1 += 1, b.y0 -= 1, b.y1 += 1;
  return b;
}

void draw_data_2d(const GmmWindowState& st, ImDrawList* dl, ImVec2 a0, ImVec2 a1) {
  const PlaneMap m{fit_aspect(data_box(st), a1.x - a0.x, a1.y - a0.y), a0, a1};
  dl->PushClipRect(a0, a1, true);
  for (Eigen::Index i = 0; i < st.data.x.cols(); ++i) {
    dl->AddCircleFilled(m.to(st.data.x(0, i), st.data.x(1, i)), 3.2f * line_px(), mixed_colour(st.q, i));
    ++g_report.points_drawn;
  }
  for (Eigen::Index k = 0; k < st.data.K; ++k) {
    const ImVec2 c = m.to(st.q.m(0, k), st.q.m(1, k));
    const ImU32 col = plot::palette(int(k));
    dashed_circle(dl, c, 2 * m.sx(), col);  // ±2 of the unit-variance component itself
    dl->AddCircleFilled(c, 5.0f * line_px(), IM_COL32(0, 0, 0, 255));
    dl->AddCircleFilled(c, 3.5f * line_px(), col);
    dl->AddCircle(c, 2 * float(std::sqrt(st.q.s2(k))) * m.sx(), col, 32, 2.0f * line_px());  // ±2 s_k, true to scale
    ++g_report.components_drawn;
  }
  // The true means last, small, so that a fitted mean on top of one still shows it.
  for (Eigen::Index k = 0; k < st.data.K; ++k) cross(dl, m.to(st.data.true_means(0, k), st.data.true_means(1, k)), 4, kTrue);
  dl->PopClipRect();
  draw_plane_frame(dl, m, "x\u2081", "x\u2082");
}

// 1D: the weighted component densities (n_k / N) N(x | m_k, 1) above, the points as a jittered
// strip below, E_q[μ_k] ± 2 s_k as bands, the true means as crosses on the strip.
void draw_data_1d(const GmmWindowState& st, ImDrawList* dl, ImVec2 a0, ImVec2 a1) {
  const vi::Box b0 = data_box(st);
  const Eigen::Index K = st.data.K, N = st.data.x.cols();
  const vi::Vec nk = st.q.phi.colwise().sum().transpose();
  const double peak = nk.maxCoeff() / double(N) / std::sqrt(2 * M_PI);
  const vi::Box box{b0.x0, b0.x1, -0.45 * peak, 1.1 * peak};
  const PlaneMap m{box, a0, a1};
  dl->PushClipRect(a0, a1, true);
  const float strip0 = m.to(0, -0.08 * peak).y, strip1 = m.to(0, -0.40 * peak).y;
  dl->AddLine(m.to(box.x0, 0), m.to(box.x1, 0), IM_COL32(120, 120, 120, 255));
  for (Eigen::Index k = 0; k < K; ++k) {
    const ImU32 col = plot::palette(int(k));
    const double sk = std::sqrt(st.q.s2(k));
    const ImVec2 lo = m.to(st.q.m(0, k) - 2 * sk, box.y1), hi = m.to(st.q.m(0, k) + 2 * sk, box.y0);
    dl->AddRectFilled(lo, {std::max(hi.x, lo.x + 2), hi.y}, (col & 0x00FFFFFF) | (70u << 24));
    std::vector<ImVec2> curve;
    for (int t = 0; t <= 200; ++t) {
      const double x = box.x0 + box.width() * t / 200.0, d = x - st.q.m(0, k);
      curve.push_back(m.to(x, nk(k) / double(N) * std::exp(-0.5 * d * d) / std::sqrt(2 * M_PI)));
    }
    dl->AddPolyline(curve.data(), int(curve.size()), col, ImDrawFlags_None, 2.2f * line_px());
    ++g_report.components_drawn;
  }
  for (Eigen::Index i = 0; i < N; ++i) {
    // A fixed jitter per point (golden-ratio sequence), so the strip does not flicker.
    const double u = std::fmod(double(i) * 0.6180339887498949, 1.0);
    dl->AddCircleFilled({m.to(st.data.x(0, i), 0).x, strip0 + float(u) * (strip1 - strip0)}, 3.0f * line_px(), mixed_colour(st.q, i));
    ++g_report.points_drawn;
  }
  for (Eigen::Index k = 0; k < K; ++k) cross(dl, {m.to(st.data.true_means(0, k), 0).x, (strip0 + strip1) / 2}, 6, kTrue);
  dl->PopClipRect();
  draw_plane_frame(dl, m, "x", "(n\u2096/N) N(x | m\u2096, 1)", 0.0);
}

// [SECTION] The ELBO and the components

void draw_elbo(const GmmWindowState& st, float height) {
  std::vector<plot::Series> series(1);
  plot::Series& s = series[0];
  s.label = "ELBO per sweep";
  s.color = plot::palette(1);
  s.count = int(st.elbo.size());
  s.markers = st.elbo.size() <= 60;
  s.point = [&st](int i) { return plot::Point{double(i), st.elbo[size_t(i)]}; };
  plot::PlotConfig cfg;
  cfg.title = "ELBO";
  cfg.x_label = "sweep";
  cfg.height = height;
  // Whole sweeps only while there are few (automatic ticks would put one at 0.5).
  if (st.elbo.size() <= 8)
    for (size_t k = 0; k < st.elbo.size(); ++k) cfg.x_ticks.push_back(double(k));
  cfg.ignore_low_fraction = 0.2;  // the first sweeps climb thousands of nats: fit the rest
  plot::line_plot("##gmm_elbo", cfg, series);
  g_report.elbo_plot = to_px(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void draw_components(const GmmWindowState& st) {
  const Eigen::Index K = st.data.K, D = st.data.x.rows();
  const std::vector<int> match = vi::gmm_match_components(st.q.m, st.data.true_means);
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("##gmm_components", 5, flags)) return;
  for (const char* h : {"k", "E_q[\u03BC\u2096]", "s\u2096", "\u03A3\u1D62 \u03C6\u1D62\u2096", "true mean"}) ImGui::TableSetupColumn(h);
  ImGui::TableHeadersRow();
  auto vec = [D](const auto& col) {
    std::string s = plot::format_value(col(0), 3);
    if (D > 1) s = "(" + s + ", " + plot::format_value(col(1), 3) + ")";
    return s;
  };
  for (Eigen::Index k = 0; k < K; ++k) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(plot::palette(int(k))), "\u25CF %d", int(k + 1));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(vec(st.q.m.col(k)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(plot::format_value(std::sqrt(st.q.s2(k)), 3).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(plot::format_value(st.q.phi.col(k).sum(), 4).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(vec(st.data.true_means.col(match[size_t(k)])).c_str());
  }
  ImGui::EndTable();
}

bool draw_settings(GmmWindowState& st) {
  const float fs = ImGui::GetFontSize();
  vi::GmmSettings& s = st.settings;
  bool changed = false;
  ImGui::PushItemWidth(fs * 8);
  ImGui::PushTextWrapPos(0);
  text_wrapped_disabled("\u03BC\u2096 ~ N(0, \u03C3\u00B2I), c\u1D62 ~ Cat(1/K), x\u1D62 ~ N(\u03BC_c\u1D62, I)");
  changed |= clamped_slider("K##gmm_k", &s.K, 1, kMaxK, "%d");
  tooltip("The number of components, both in the data and in the model.");
  changed |= ImGui::SliderScalar("\u03C3##gmm_sigma", ImGuiDataType_Double, &s.sigma, &kSigmaMin, &kSigmaMax, "%.2f");
  tooltip("The prior sd of the component means: the true means are drawn from N(0, \u03C3\u00B2I), and the model uses the same prior.");
  changed |= clamped_slider("N##gmm_n", &s.N, 10, 1000, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("The number of data points, split evenly over the K clusters.");
  changed |= ImGui::RadioButton("1D##gmm_1d", &s.dim, 1);
  tooltip("Data on a line: the clusters overlap more, and q's densities are drawn as curves.");
  ImGui::SameLine();
  changed |= ImGui::RadioButton("2D##gmm_2d", &s.dim, 2);
  tooltip("Data in the plane: each component's q(\u03BC\u2096) is drawn as a cross and a \u00B12 s\u2096 circle.");
  int seed = int(s.seed);
  if (ImGui::InputInt("data seed##gmm_seed", &seed)) {
    s.seed = uint64_t(std::max(seed, 0));
    changed = true;
  }
  tooltip("The random seed of the true means and the points: the same seed gives the same data.");
  if (ImGui::Button("Regenerate data##gmm_regen")) {
    ++s.seed;
    changed = true;
  }
  tooltip("New true means and points (the next data seed).");
  ImGui::Spacing();
  if (ImGui::InputInt("start seed##gmm_init", &st.init_seed)) {
    st.init_seed = std::max(st.init_seed, 0);
    st.reset_q = true;
  }
  tooltip("The initial q: m\u2096 = K data points picked with this seed, s\u2096\u00B2 = 1, \u03C6\u1D62 uniform. "
          "Some starts put two components on one cluster: CAVI then stops at a local optimum (compare the ELBO).");
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
  return changed;
}

}  // namespace

GmmWindowReport last_gmm_window() { return g_report; }

// [SECTION] draw_gmm_window

void draw_gmm_window(GmmWindowState& st, bool* open) {
  g_report = {};
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::Gmm);
  if (!ImGui::Begin("Gaussian mixture: CAVI  (Blei, Kucukelbir & McAuliffe 2017, \u00A73)##cavi_gmm", open,
                    docked | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (st.dirty) rebuild(st);
  if (st.reset_q) restart_q(st);
  if (st.pending_steps > 0) {
    step(st, st.pending_steps);
    st.pending_steps = 0;
  }

  ImGui::BeginChild("##gmm_settings", {fs * 15, 0}, false);
  if (draw_settings(st)) rebuild(st);
  if (st.reset_q) restart_q(st);
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginGroup();
  if (ImGui::Button("Step##gmm_step")) step(st, 1);
  tooltip("One CAVI sweep: every \u03C6\u1D62 \u221D exp(E[\u03BC\u2096]\u1D40x\u1D62 \u2212 \u00BDE[\u2016\u03BC\u2096\u2016\u00B2]), then every "
          "q(\u03BC\u2096) = N(\u03A3\u1D62\u03C6\u1D62\u2096x\u1D62 / (1/\u03C3\u00B2 + \u03A3\u1D62\u03C6\u1D62\u2096), 1/(1/\u03C3\u00B2 + \u03A3\u1D62\u03C6\u1D62\u2096) I).");
  ImGui::SameLine();
  if (ImGui::Button("Run to convergence##gmm_run")) run_to_convergence(st);
  tooltip("Sweeps until the relative ELBO change and every parameter change are below 1e\u221210 (at most 1000).");
  ImGui::SameLine();
  if (ImGui::Button("Reset##gmm_reset")) restart_q(st);
  tooltip("Put q back at its start (the start seed's picks) and clear the ELBO trace.");
  ImGui::SameLine();
  const int sweeps = int(st.elbo.size()) - 1;
  ImGui::TextDisabled("%d sweep%s%s   ELBO %s", sweeps, sweeps == 1 ? "" : "s", st.converged ? ", converged" : "",
                      plot::format_value(st.elbo.back(), 6).c_str());

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bottom_h = std::max(fs * 11, avail.y * 0.3f);
  const float legend_h = ImGui::GetTextLineHeightWithSpacing() * 2;  // the key below may wrap to two lines
  const float plane_h = std::max(avail.y - bottom_h - legend_h - ImGui::GetStyle().ItemSpacing.y * 2, fs * 10);
  const ImVec2 c0 = ImGui::GetCursorScreenPos();
  const ImVec2 a0{c0.x + plane_left_margin(), c0.y + fs * 1.4f}, a1{c0.x + avail.x - fs * 0.5f, c0.y + plane_h - plane_bottom_margin()};
  ImGui::Dummy({avail.x, plane_h});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a0, a1, IM_COL32(18, 20, 26, 255));
  if (st.data.x.rows() == 2) draw_data_2d(st, dl, a0, a1);
  else draw_data_1d(st, dl, a0, a1);
  g_report.data_plot = to_px(a0, a1);
  ImGui::PushTextWrapPos(0);
  text_wrapped_disabled(st.data.x.rows() == 2
                          ? "point colour: its \u03C6\u1D62 mixing the component colours   \u25CF E_q[\u03BC\u2096] with a \u00B12 s\u2096 circle   "
                            "dashed: \u00B12 of the unit-variance component   \u00D7 true means"
                          : "point colour: its \u03C6\u1D62 mixing the component colours   band: E_q[\u03BC\u2096] \u00B1 2 s\u2096   "
                            "curves: (n\u2096/N) N(x | E_q[\u03BC\u2096], 1)   \u00D7 true means");
  ImGui::PopTextWrapPos();
  ImGui::BeginChild("##gmm_elbo_child", {avail.x * 0.5f, bottom_h}, false, ImGuiWindowFlags_NoScrollbar);
  draw_elbo(st, bottom_h);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##gmm_components_child", {0, bottom_h}, false);
  draw_components(st);
  ImGui::EndChild();
  ImGui::EndGroup();

  g_report.drawn = true;
  g_report.elbo = st.elbo;
  g_report.converged = st.converged;
  ImGui::End();
}

}  // namespace vilab
