// app/ui/windows/step_through_window.cpp — see step_through_window.hpp.
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/step_through_window.hpp"

#include "app/ui/widgets/colormap.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <utility>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

StepThroughReport g_step_report;
LandscapeReport g_land_report;

constexpr ImU32 kEpsColour = IM_COL32(86, 180, 233, 255);    // drawn samples (sky blue)
constexpr ImU32 kCurrent = IM_COL32(255, 60, 200, 255);      // the current / hovered sample (magenta)
constexpr ImU32 kBrushed = IM_COL32(255, 230, 0, 255);       // brushed samples (yellow)
constexpr ImU32 kGradP = IM_COL32(230, 159, 0, 255);         // ∇ log p~ (orange)
constexpr ImU32 kGradQ = IM_COL32(0, 200, 140, 255);         // ∇ log q (green)

PixelRect to_px(ImVec2 a0, ImVec2 a1) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(a0.x * fb.x), int(a0.y * fb.y), int(a1.x * fb.x), int(a1.y * fb.y)};
}

std::string fmt(double v) { return plot::format_value(v, 4); }

std::shared_ptr<StepReplica> prepare(vi::Scene scene, std::shared_ptr<const vi::TargetData> target, int64_t steps) {
  auto r = std::make_shared<StepReplica>();
  r->scene = scene;
  r->step = steps;
  try {
    r->run = std::make_unique<vi::Run>(scene, std::move(target), false);
    r->run->step(steps);
    r->st = std::make_unique<vi::StepThrough>(*r->run);
  } catch (const std::exception& e) {
    r->error = e.what();
  }
  return r;
}

// A 2D box ↔ a screen rectangle (y up).
struct Map {
  vi::Box box;
  ImVec2 a0, a1;
  ImVec2 to(double x, double y) const {
    return {float(a0.x + (x - box.x0) / box.width() * (a1.x - a0.x)), float(a1.y - (y - box.y0) / box.height() * (a1.y - a0.y))};
  }
  void from(ImVec2 p, double& x, double& y) const {
    x = box.x0 + (p.x - a0.x) / (a1.x - a0.x) * box.width();
    y = box.y0 + (a1.y - p.y) / (a1.y - a0.y) * box.height();
  }
};

void arrow(ImDrawList* dl, ImVec2 from, ImVec2 dir, float len, ImU32 c) {
  const float n = std::sqrt(dir.x * dir.x + dir.y * dir.y);
  if (!(n > 0)) return;
  const ImVec2 u{dir.x / n, dir.y / n};
  const ImVec2 to{from.x + u.x * len, from.y + u.y * len};
  dl->AddLine(from, to, c, 2.5f * line_px());
  const float h = 9;
  dl->AddTriangleFilled(to, {to.x - u.x * h - u.y * h * 0.5f, to.y - u.y * h + u.x * h * 0.5f},
                        {to.x - u.x * h + u.y * h * 0.5f, to.y - u.y * h - u.x * h * 0.5f}, c);
}

// q's 90 % ellipse from its moments (2D).
void ellipse(ImDrawList* dl, const Map& m, const vi::Moments& q, ImU32 c, bool dashed) {
  if (q.mean.size() < 2 || q.cov.rows() < 2) return;
  const double a = q.cov(0, 0), b = q.cov(0, 1), d = q.cov(1, 1);
  const double l11 = std::sqrt(std::max(a, 0.0)), l21 = l11 > 0 ? b / l11 : 0, l22 = std::sqrt(std::max(d - l21 * l21, 0.0));
  const double r = std::sqrt(-2 * std::log(0.1));
  ImVec2 pts[64];
  for (int k = 0; k < 64; ++k) {
    const double t = 2 * M_PI * k / 64, e1 = r * std::cos(t), e2 = r * std::sin(t);
    pts[k] = m.to(q.mean(0) + l11 * e1, q.mean(1) + l21 * e1 + l22 * e2);
  }
  if (dashed) plot::dashed_polyline(dl, pts, 64, true, c, 2 * line_px(), 6, 4);
  else dl->AddPolyline(pts, 64, c, ImDrawFlags_Closed, 2 * line_px());
}

bool in_brush(const StepThroughState& st, const vi::Vec& e) {
  if (!st.has_brush || e.size() < 2) return false;
  return e(0) >= std::min(st.bx0, st.bx1) && e(0) <= std::max(st.bx0, st.bx1) && e(1) >= std::min(st.by0, st.by1) &&
         e(1) <= std::max(st.by0, st.by1);
}

void vec_row(const char* label, const vi::Vec& v) {
  ImGui::TextUnformatted(label);
  for (int k = 0; k < v.size(); ++k) {
    ImGui::SameLine();
    ImGui::Text("%s", fmt(v(k)).c_str());
  }
}

void draw_panels(StepThroughState& st, const vi::Snapshot& snap, vi::StepThrough& s) {
  const float fs = ImGui::GetFontSize();
  const float side = std::min((ImGui::GetContentRegionAvail().x - fs) * 0.5f, fs * 22);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int cur = s.revealed() - 1;
  const auto& samples = s.revealed_samples();

  // ε-space: N(0, I) contours at 50 / 90 / 99 %.
  Map em{{-3.5, 3.5, -3.5, 3.5}, {p0.x, p0.y + fs * 1.4f}, {p0.x + side, p0.y + fs * 1.4f + side}};
  dl->AddText(p0, IM_COL32_WHITE, "\xCE\xB5-space: base draws \xCE\xB5 ~ N(0, I)");
  dl->AddRectFilled(em.a0, em.a1, IM_COL32(20, 22, 30, 255));
  for (double mass : {0.5, 0.9, 0.99}) {
    const ImVec2 c = em.to(0, 0), e = em.to(std::sqrt(-2 * std::log(1 - mass)), 0);
    dl->AddCircle(c, e.x - c.x, IM_COL32(200, 200, 200, 110), 64, 1.2f * line_px());
  }
  dl->AddLine(em.to(-3.5, 0), em.to(3.5, 0), IM_COL32(120, 120, 120, 90));
  dl->AddLine(em.to(0, -3.5), em.to(0, 3.5), IM_COL32(120, 120, 120, 90));
  dl->AddRect(em.a0, em.a1, IM_COL32(150, 150, 150, 255));
  ImGui::SetCursorScreenPos(em.a0);
  ImGui::InvisibleButton("##eps_panel", {side, side});
  const bool eps_hover = ImGui::IsItemHovered();
  // The brush: drag a rectangle in ε-space.
  if (ImGui::IsItemActivated()) {
    em.from(ImGui::GetIO().MousePos, st.bx0, st.by0);
    st.bx1 = st.bx0, st.by1 = st.by0;
    st.brushing = true;
    st.has_brush = false;
  }
  if (st.brushing && ImGui::IsItemActive()) {
    em.from(ImGui::GetIO().MousePos, st.bx1, st.by1);
    st.has_brush = std::abs(st.bx1 - st.bx0) + std::abs(st.by1 - st.by0) > 0.05;
  }
  if (st.brushing && !ImGui::IsItemActive()) st.brushing = false;
  if (st.has_brush) {
    const ImVec2 b0 = em.to(std::min(st.bx0, st.bx1), std::max(st.by0, st.by1)), b1 = em.to(std::max(st.bx0, st.bx1), std::min(st.by0, st.by1));
    dl->AddRectFilled(b0, b1, IM_COL32(255, 230, 0, 30));
    dl->AddRect(b0, b1, kBrushed);
  }

  // z-space: the density panel of the fit.
  const ImVec2 z0{em.a1.x + fs, em.a0.y}, z1{z0.x + side, em.a1.y};
  dl->AddText({z0.x, p0.y}, IM_COL32_WHITE, "z-space: z = T\xCF\x86(\xCE\xB5) on p~");
  ImGui::PushID("##st_z");
  PanelOptions po;
  po.interactive = false;
  po.contour_labels = false;
  const PanelResult zr = draw_density_panel(st.zpanel, st.layers, snap, z0, z1, po);
  ImGui::PopID();
  const Map zm{st.zpanel.view, zr.a0, zr.a1};
  dl = ImGui::GetWindowDrawList();

  // Hover: the nearest drawn sample in either panel.
  int hover = -1;
  const ImVec2 mp = ImGui::GetIO().MousePos;
  auto nearest = [&](const Map& m, bool eps) {
    float best = fs * 0.8f;
    for (size_t k = 0; k < samples.size(); ++k) {
      const vi::Vec& v = eps ? samples[k].eps : samples[k].z;
      if (v.size() < 2) continue;
      const ImVec2 p = m.to(v(0), v(1));
      const float d = std::hypot(p.x - mp.x, p.y - mp.y);
      if (d < best) best = d, hover = int(k);
    }
  };
  if (eps_hover) nearest(em, true);
  else if (zr.hovered) nearest(zm, false);
  st.hover = hover;
  const int focus = hover >= 0 ? hover : cur;

  dl->PushClipRect(zr.a0, zr.a1, true);
  for (size_t k = 0; k < samples.size(); ++k) {
    const auto& sm = samples[k];
    if (sm.z.size() < 2) continue;
    const ImU32 c = in_brush(st, sm.eps) ? kBrushed : IM_COL32(255, 255, 255, 230);
    dl->AddCircleFilled(zm.to(sm.z(0), sm.z(1)), 3.0f * line_px(), c);
  }
  if (s.complete()) {
    ellipse(dl, zm, s.moments_before(), IM_COL32(255, 255, 255, 220), true);
    ellipse(dl, zm, s.moments_after(), kCurrent, false);
  }
  if (focus >= 0) {
    const auto& sm = samples[size_t(focus)];
    if (sm.z.size() >= 2) {
      // The path ε → z: through each layer for a flow, from μ for a Gaussian.
      std::vector<ImVec2> path;
      if (!sm.layers.empty()) {
        for (const vi::Vec& l : sm.layers) path.push_back(zm.to(l(0), l(1)));
      } else if (s.moments_before().mean.size() >= 2) {
        path.push_back(zm.to(s.moments_before().mean(0), s.moments_before().mean(1)));
        path.push_back(zm.to(sm.z(0), sm.z(1)));
      }
      if (path.size() >= 2) dl->AddPolyline(path.data(), int(path.size()), kCurrent, 0, 2.0f * line_px());
      for (const ImVec2& p : path) dl->AddCircleFilled(p, 2.5f * line_px(), kCurrent);
      const ImVec2 zp = zm.to(sm.z(0), sm.z(1));
      const float len = fs * 3.2f;
      arrow(dl, zp, {float(sm.grad_log_p(0)), -float(sm.grad_log_p(1))}, len, kGradP);
      if (sm.grad_log_q && sm.grad_log_q->size() >= 2)
        arrow(dl, zp, {float((*sm.grad_log_q)(0)), -float((*sm.grad_log_q)(1))}, len, kGradQ);
      dl->AddCircle(zp, 7 * line_px(), kCurrent, 24, 2.5f * line_px());
    }
  }
  dl->PopClipRect();

  // The ε points (after the panel, on top).
  dl->PushClipRect(em.a0, em.a1, true);
  for (size_t k = 0; k < samples.size(); ++k) {
    const auto& sm = samples[k];
    if (sm.eps.size() < 2) continue;
    dl->AddCircleFilled(em.to(sm.eps(0), sm.eps(1)), 4.0f * line_px(), in_brush(st, sm.eps) ? kBrushed : kEpsColour);
  }
  if (focus >= 0 && samples[size_t(focus)].eps.size() >= 2) {
    const auto& e = samples[size_t(focus)].eps;
    dl->AddCircleFilled(em.to(e(0), e(1)), 6.0f * line_px(), kCurrent);
    dl->AddCircle(em.to(e(0), e(1)), 9.0f * line_px(), IM_COL32_WHITE, 24, 1.5f * line_px());
  }
  dl->PopClipRect();

  // Legend under the panels.
  ImGui::SetCursorScreenPos({p0.x, em.a1.y + fs * 0.4f});
  ImGui::TextColored(ImColor(kCurrent), "\xE2\x97\x8F current sample");
  ImGui::SameLine();
  ImGui::TextColored(ImColor(kGradP), "\xE2\x86\x92 \xE2\x88\x87z log p~(z)");
  ImGui::SameLine();
  ImGui::TextColored(ImColor(kGradQ), "\xE2\x86\x92 \xE2\x88\x87z log q(z)");
  ImGui::SameLine();
  ImGui::TextColored(ImColor(kBrushed), "\xE2\x96\xA1 brushed");
  if (s.complete()) {
    ImGui::SameLine();
    ImGui::TextDisabled("q before (dashed), q after (magenta)");
  }

  g_step_report.eps_panel = to_px(em.a0, em.a1);
  g_step_report.z_panel = zr.pixels;
}

void draw_numbers(const StepThroughState& st, vi::StepThrough& s) {
  const int focus = st.hover >= 0 ? st.hover : s.revealed() - 1;
  if (focus < 0) {
    ImGui::TextDisabled("Press \"next sample\" to draw the first \xCE\xB5 of this step.");
    return;
  }
  const vi::StepSample& sm = s.sample(focus);
  ImGui::Text("sample %d of %d:  log p~(z) = %s   log q(z) = %s   term t = %s", sm.index + 1, s.samples(), fmt(sm.log_p).c_str(),
              fmt(sm.log_q).c_str(), fmt(sm.term).c_str());
  ImGui::TextDisabled(s.analytic_entropy() ? "t = \xCE\xB2 log p~(z) + H[q]   (\xCE\xB2 = %s, analytic entropy)"
                                           : "t = \xCE\xB2 log p~(z) \xE2\x88\x92 log q(z)   (\xCE\xB2 = %s, Monte Carlo entropy)",
                      fmt(s.beta()).c_str());
  if (sm.dterm_dmu.size() > 0) {
    ImGui::Text("chain rule (z = \xCE\xBC + L\xCE\xB5):  \xE2\x88\x82/\xE2\x88\x82\xCE\xBC = \xCE\xB2\xE2\x88\x87log p~ = (%s, %s)", fmt(sm.dterm_dmu(0)).c_str(),
                fmt(sm.dterm_dmu.size() > 1 ? sm.dterm_dmu(1) : 0.0).c_str());
    std::string L = "\xE2\x88\x82/\xE2\x88\x82L = \xCE\xB2\xE2\x88\x87log p~ \xCE\xB5\xE1\xB5\x80 (lower triangle) = [";
    for (int i = 0; i < sm.dterm_dL.rows(); ++i)
      for (int j = 0; j <= i; ++j) L += (i || j ? ", " : "") + fmt(sm.dterm_dL(i, j));
    ImGui::TextUnformatted((L + "];  the entropy's gradient is added separately").c_str());
  }
  const auto& names = s.param_names();
  const bool done = s.complete();
  const int cols = done ? 6 : 4;
  if (ImGui::BeginTable("##grads", cols, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("\xCF\x86");
    ImGui::TableSetupColumn("\xE2\x88\x82t/\xE2\x88\x82\xCF\x86");
    ImGui::TableSetupColumn("via log p~");
    ImGui::TableSetupColumn("via q");
    if (done) {
      ImGui::TableSetupColumn("avg gradient");
      ImGui::TableSetupColumn("update \xCE\x94\xCF\x86");
    }
    ImGui::TableHeadersRow();
    const vi::Vec avg = done ? s.averaged_gradient() : vi::Vec();
    for (size_t k = 0; k < names.size(); ++k) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(names[k].c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt(sm.grad(int(k))).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt(sm.grad_target(int(k))).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(fmt(sm.grad_q(int(k))).c_str());
      if (done) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(avg(int(k))).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(fmt(s.update()(int(k))).c_str());
      }
    }
    ImGui::EndTable();
  }
  if (!done) return;
  ImGui::Text("batch ELBO estimate %s over S = %d; the update uses the batch gradient.", fmt(s.batch_value()).c_str(), s.samples());
  for (size_t k = 0; k < s.optimizer_before().size() && k < s.optimizer_after().size(); ++k) {
    vec_row(("optimizer " + s.optimizer_before()[k].first + " before:").c_str(), s.optimizer_before()[k].second);
    vec_row(("optimizer " + s.optimizer_after()[k].first + " after: ").c_str(), s.optimizer_after()[k].second);
  }
  vec_row("mean of q before:", s.moments_before().mean);
  vec_row("mean of q after: ", s.moments_after().mean);
}

}  // namespace

StepThroughReport last_step_through_window() { return g_step_report; }
LandscapeReport last_landscape_window() { return g_land_report; }

void release_step_through_window(StepThroughState& st) {
  st.job.stop_and_wait();
  release_density_panel(st.zpanel);
}

void draw_step_through_window(StepThroughState& st, bool* open, vi::Engine& engine, const vi::Snapshot& snap) {
  g_step_report = {};
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::StepThrough);
  if (!ImGui::Begin("Step through: one optimizer step, one sample at a time", open, docked)) {
    ImGui::End();
    return;
  }
  g_step_report.drawn = true;

  // The engine moved on after our "next step": compare its φ with the replica's.
  if (st.await_step >= 0 && snap.step == st.await_step) {
    st.same_phi = st.finish_ok && snap.phi.size() == st.expected_phi.size() && snap.phi == st.expected_phi;
    st.await_step = -1;
  }
  const bool paused = snap.state == vi::EngineState::Paused;
  if (!paused) {
    text_wrapped("Pause the fit (Space) to look inside its next step. While it plays, the steps go by too fast to follow.");
    st.replica.reset();
    ImGui::End();
    return;
  }
  // Take a finished replica.
  if (st.job.busy() && (st.may_block || st.job.ready())) {
    st.replica = st.job.wait();
    if (st.replica->st) {
      while (st.replica->st->revealed() < std::min(st.reveal_target, st.replica->st->samples())) st.replica->st->next();
    }
    st.reveal_target = 0;
  }
  const bool current = st.replica && st.replica->scene == snap.scene && st.replica->step == snap.step &&
                       st.replica->run && st.replica->run->params() == snap.phi;
  if (!current && !st.job.busy() && st.await_step < 0) {
    st.job_scene = snap.scene;
    st.job_step = snap.step;
    std::shared_ptr<const vi::TargetData> data = snap.target ? snap.target->data : nullptr;
    st.job.start([scene = snap.scene, data, step = snap.step] { return prepare(scene, data, step); });
    st.replica.reset();
    st.same_phi.reset();
  }
  if (!current || !st.replica) {
    if (st.replica && !st.replica->error.empty()) text_wrapped("Cannot step through this fit: " + st.replica->error);
    else ImGui::TextDisabled("preparing\xE2\x80\xA6 (replaying the fit to step %lld on a copy)", static_cast<long long>(snap.step));
    ImGui::End();
    return;
  }
  if (!st.replica->error.empty() || !st.replica->st) {
    text_wrapped("Cannot step through this fit: " + st.replica->error);
    ImGui::End();
    return;
  }
  if (st.replica->run->params() != snap.phi) {
    text_wrapped("q was dragged: the replay cannot reproduce this fit's state. Step it once to continue.");
    ImGui::End();
    return;
  }
  vi::StepThrough& s = *st.replica->st;

  // Controls.
  ImGui::Text("step %lld \xE2\x86\x92 %lld:  %d of %d samples drawn", static_cast<long long>(snap.step),
              static_cast<long long>(snap.step + 1), s.revealed(), s.samples());
  probe_state("step_through_revealed", s.revealed());
  ImGui::BeginDisabled(s.complete());
  if (ImGui::Button("next sample")) s.next();
  tooltip("Draw the next \u03B5 of this step's S samples and show where the flow sends it, z = T_\u03C6(\u03B5), with the gradient it adds to the step.");
  ImGui::SameLine();
  if (ImGui::Button("finish this sample set")) s.reveal_all();
  tooltip("Draw the rest of this step's S samples at once: the average of their gradients is the step's gradient estimate.");
  ImGui::EndDisabled();
  ImGui::SameLine();
  const bool next_step = ImGui::Button("next step");
  tooltip("Take this step for real: the engine applies the averaged gradient to \u03C6 (one optimizer update), and "
          "this window opens the following step, its samples hidden again.");
  if (next_step) {
    st.finish_ok = s.finish();
    st.expected_phi = st.replica->run->params();
    st.await_step = snap.step + 1;
    engine.step(1);
    // Our replica is now at step + 1: keep it and look inside the following step.
    st.replica->step = st.replica->run->steps();
    try {
      st.replica->st = std::make_unique<vi::StepThrough>(*st.replica->run);
    } catch (const std::exception& e) {
      st.replica->st.reset();
      st.replica->error = e.what();
    }
    ImGui::End();
    return;
  }
  ImGui::SameLine();
  ImGui::Checkbox("auto", &st.autoplay);
  tooltip("Reveal the samples one after another by themselves, at the rate on the right.");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 8);
  ImGui::SliderFloat("samples/s", &st.per_second, 0.5f, 30, "%.1f", ImGuiSliderFlags_Logarithmic);
  tooltip("How many samples per second \"auto\" reveals: slow to talk about each one, fast to watch the average form.");
  if (st.autoplay && !s.complete()) {
    const double now = ImGui::GetTime();
    if (now - st.last_reveal >= 1.0 / st.per_second) {
      s.next();
      st.last_reveal = now;
    }
  }
  if (st.same_phi) {
    if (*st.same_phi) ImGui::TextColored(ImVec4(0.3f, 0.9f, 0.4f, 1), "\xE2\x9C\x93 the engine's step gave the same \xCF\x86 (bit for bit)");
    else ImGui::TextColored(ImVec4(1, 0.4f, 0.3f, 1), "\xE2\x9C\x97 the engine's step gave a different \xCF\x86");
  }

  draw_panels(st, snap, s);
  ImGui::Separator();
  draw_numbers(st, s);
  ImGui::TextDisabled("Hover a point in either panel to follow it; drag a rectangle in \xCE\xB5-space to see where those draws land.");
  g_step_report.revealed = s.revealed();
  g_step_report.samples = s.samples();
  g_step_report.eps_colour = kEpsColour;
  g_step_report.current_colour = kCurrent;
  ImGui::End();
}

// [SECTION] The ELBO landscape window

namespace {

const char* const kOptimizers[3] = {"sgd", "momentum", "adam"};

LandscapeResult compute_landscape(vi::Scene scene, vi::Vec phi, vi::LandscapeSpec spec, std::vector<std::string> opts,
                                  int steps, std::stop_token stop) {
  LandscapeResult r;
  r.phi = phi;
  r.optimizers = opts;
  try {
    r.land = vi::elbo_landscape(scene, phi, spec, stop);
    for (const std::string& o : opts) {
      if (stop.stop_requested()) break;
      r.paths.push_back(vi::optimizer_path(scene, phi, spec.i, spec.j, steps, o, stop));
    }
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

int default_index(const std::vector<std::string>& names, bool scale) {
  for (size_t k = 0; k < names.size(); ++k) {
    const std::string& n = names[k];
    if (scale ? n.rfind("log", 0) == 0 : n.find("\xCE\xBC") != std::string::npos) return int(k);
  }
  return scale ? std::min(1, int(names.size()) - 1) : 0;
}

}  // namespace

void release_landscape_window(LandscapeState& st) { st.job.stop_and_wait(); }

void draw_landscape_window(LandscapeState& st, bool* open, const vi::Snapshot& snap) {
  g_land_report = {};
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  const int docked = dock_tool_window(ToolWindow::Landscape);
  if (!ImGui::Begin("ELBO landscape: a 2D slice of \xCF\x86", open, docked)) {
    ImGui::End();
    return;
  }
  g_land_report.drawn = true;
  const auto& names = snap.param_names;
  if (names.size() < 2 || snap.phi.size() < 2) {
    ImGui::TextDisabled("This fit has fewer than two parameters.");
    ImGui::End();
    return;
  }
  const std::string fam = snap.scene.family + std::to_string(names.size());
  if (st.family_key != fam || st.i < 0 || st.j < 0 || st.i >= int(names.size()) || st.j >= int(names.size())) {
    st.family_key = fam;
    st.i = default_index(names, false);
    st.j = default_index(names, true);
    if (st.j == st.i) st.j = (st.i + 1) % int(names.size());
  }
  auto combo = [&](const char* label, int& v) {
    ImGui::SetNextItemWidth(fs * 7);
    if (ImGui::BeginCombo(label, names[size_t(v)].c_str())) {
      for (size_t k = 0; k < names.size(); ++k)
        if (ImGui::Selectable(names[k].c_str(), int(k) == v)) v = int(k);
      ImGui::EndCombo();
    }
    tooltip("The parameter of \u03C6 along this axis of the landscape. The ELBO is drawn over these two parameters "
            "with every other parameter held at its current value.");
  };
  combo("x axis", st.i);
  ImGui::SameLine();
  combo("y axis", st.j);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 6);
  ImGui::SliderFloat("\xC2\xB1 range", &st.half_range, 0.2f, 5, "%.1f");
  tooltip("How far the landscape reaches from the current \u03C6 along each axis, in the parameters' own units.");
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(plot::palette(k)));
    ImGui::Checkbox(kOptimizers[k], &st.use[k]);
    ImGui::PopStyleColor();
    tooltip("Draw this optimizer's path from the current \u03C6 over the landscape, with the scene's learning rate: "
            "sgd follows the gradient, momentum accumulates velocity (overshoots in narrow valleys), adam scales each "
            "parameter's step by its gradient history.");
  }
  ImGui::SameLine();
  ImGui::TextDisabled("%d-step paths", st.path_steps);

  // The request: recompute when anything it depends on changes (a stale job is stopped).
  char key[512];
  std::snprintf(key, sizeof key, "%d %d %.3f %d%d%d %llu", st.i, st.j, double(st.half_range), st.use[0], st.use[1], st.use[2],
                static_cast<unsigned long long>(std::hash<std::string>{}(
                    std::string(reinterpret_cast<const char*>(snap.phi.data()), size_t(snap.phi.size()) * sizeof(double)) +
                    snap.scene.target + snap.scene.family + std::to_string(snap.scene.lr) + std::to_string(snap.scene.samples))));
  if (st.i != st.j && key != st.requested_key) {
    st.requested_key = key;
    vi::LandscapeSpec spec;
    spec.i = st.i;
    spec.j = st.j;
    spec.i_lo = snap.phi(st.i) - st.half_range, spec.i_hi = snap.phi(st.i) + st.half_range;
    spec.j_lo = snap.phi(st.j) - st.half_range, spec.j_hi = snap.phi(st.j) + st.half_range;
    spec.n = st.n;
    spec.quad_cells = 64;
    std::vector<std::string> opts;
    for (int k = 0; k < 3; ++k)
      if (st.use[k]) opts.push_back(kOptimizers[k]);
    // A stale job still running is retired: stopped through its token, its result dropped.
    st.job.start([scene = snap.scene, phi = snap.phi, spec, opts, steps = st.path_steps](std::stop_token stop) {
      return compute_landscape(scene, phi, spec, opts, steps, stop);
    });
  }
  if (st.may_block && st.job.busy()) st.result = std::make_shared<const LandscapeResult>(st.job.wait());
  else if (std::optional<LandscapeResult> r = st.job.poll()) st.result = std::make_shared<const LandscapeResult>(std::move(*r));
  if (st.job.busy()) ImGui::TextDisabled("computing\xE2\x80\xA6");
  if (!st.result) {
    ImGui::End();
    return;
  }
  const LandscapeResult& r = *st.result;
  if (!r.error.empty()) {
    text_wrapped(r.error);
    ImGui::End();
    return;
  }
  const vi::Landscape& L = r.land;
  const int n = int(L.xs.size());
  if (n < 2) {
    ImGui::End();
    return;
  }
  // Colour: viridis from the 5th percentile of the finite values to the best.
  std::vector<double> finite;
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      if (std::isfinite(L.value(a, b))) finite.push_back(L.value(a, b));
  std::sort(finite.begin(), finite.end());
  const double hi = finite.empty() ? 1 : finite.back(), lo = finite.empty() ? 0 : finite.front();
  const double span = std::log1p(std::max(hi - lo, 1e-12));  // colour by log(1 + gap to the best)
  const float legend_h = fs * 1.6f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(fs * 8, std::min(avail.x - fs * 4, avail.y - legend_h - fs * 3));
  const ImVec2 c0 = ImGui::GetCursorScreenPos();
  const ImVec2 a0{c0.x + fs * 3.5f, c0.y + fs * 0.3f}, a1{a0.x + side, a0.y + side};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const vi::Box box{L.xs(0), L.xs(n - 1), L.ys(0), L.ys(n - 1)};
  const Map m{box, a0, a1};
  const double dx = box.width() / (n - 1), dy = box.height() / (n - 1);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const double v = L.value(a, b);
      const ImVec2 p = m.to(L.xs(a) - dx / 2, L.ys(b) + dy / 2), q = m.to(L.xs(a) + dx / 2, L.ys(b) - dy / 2);
      const ImVec2 pc{std::max(p.x, a0.x), std::max(p.y, a0.y)}, qc{std::min(q.x, a1.x), std::min(q.y, a1.y)};
      if (!std::isfinite(v)) {
        dl->AddRectFilled(pc, qc, IM_COL32(50, 50, 55, 255));
        continue;
      }
      const Rgb c = viridis(std::clamp(1 - std::log1p(hi - v) / span, 0.0, 1.0));
      dl->AddRectFilled(pc, qc, ImColor(c.r, c.g, c.b));
    }
  dl->AddRect(a0, a1, IM_COL32(170, 170, 170, 255));
  // Ticks.
  double step = 0;
  for (double t : plot::nice_ticks(box.x0, box.x1, 5, &step)) {
    const ImVec2 p = m.to(t, box.y0);
    dl->AddLine(p, {p.x, p.y + 4}, IM_COL32_WHITE);
    dl->AddText({p.x - fs, p.y + 4}, IM_COL32(200, 200, 200, 255), plot::format_tick(t, step).c_str());
  }
  for (double t : plot::nice_ticks(box.y0, box.y1, 5, &step)) {
    const ImVec2 p = m.to(box.x0, t);
    dl->AddLine({p.x - 4, p.y}, p, IM_COL32_WHITE);
    dl->AddText({a0.x - fs * 3.2f, p.y - fs * 0.5f}, IM_COL32(200, 200, 200, 255), plot::format_tick(t, step).c_str());
  }
  dl->PushClipRect(a0, a1, true);
  for (size_t k = 0; k < r.paths.size(); ++k) {
    const vi::Mat& P = r.paths[k];
    std::vector<ImVec2> pts;
    for (int c = 0; c < P.cols(); ++c) pts.push_back(m.to(P(0, c), P(1, c)));
    const int oi = int(std::find(kOptimizers, kOptimizers + 3, r.optimizers[k]) - kOptimizers);
    // Thicker under thinner, so a short path (SGD) still shows under the others; its end is a dot.
    if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), plot::palette(oi), 0, (5.0f - 1.5f * float(oi)) * line_px());
    if (!pts.empty()) dl->AddCircleFilled(pts.back(), (6.0f - float(oi)) * line_px(), plot::palette(oi));
    g_land_report.paths.push_back(r.optimizers[k]);
    g_land_report.colours.push_back(plot::palette(oi));
  }
  const ImVec2 cur = m.to(r.phi(L.spec.i), r.phi(L.spec.j));
  dl->AddLine({cur.x - 8, cur.y}, {cur.x + 8, cur.y}, IM_COL32_WHITE, 2.5f * line_px());
  dl->AddLine({cur.x, cur.y - 8}, {cur.x, cur.y + 8}, IM_COL32_WHITE, 2.5f * line_px());
  if (L.best_a >= 0) dl->AddCircle(m.to(L.xs(L.best_a), L.ys(L.best_b)), 7 * line_px(), IM_COL32(255, 80, 80, 255), 20, 2 * line_px());
  dl->PopClipRect();
  // Hover readout.
  const ImVec2 mp = ImGui::GetIO().MousePos;
  if (ImGui::IsWindowHovered() && mp.x >= a0.x && mp.x < a1.x && mp.y >= a0.y && mp.y < a1.y) {
    double x = 0, y = 0;
    m.from(mp, x, y);
    const int a = std::clamp(int(std::lround((x - box.x0) / dx)), 0, n - 1), b = std::clamp(int(std::lround((y - box.y0) / dy)), 0, n - 1);
    ImGui::SetTooltip("%s = %s, %s = %s\nELBO = %s", names[size_t(L.spec.i)].c_str(), fmt(L.xs(a)).c_str(),
                      names[size_t(L.spec.j)].c_str(), fmt(L.ys(b)).c_str(), fmt(L.value(a, b)).c_str());
  }
  g_land_report.heatmap = to_px(a0, a1);
  dl->AddText({a1.x - ImGui::CalcTextSize(names[size_t(L.spec.i)].c_str()).x, a1.y + fs * 1.2f}, IM_COL32_WHITE,
              names[size_t(L.spec.i)].c_str());
  dl->AddText({c0.x, a0.y - fs * 0.2f}, IM_COL32_WHITE, names[size_t(L.spec.j)].c_str());
  ImGui::SetCursorScreenPos({c0.x, a1.y + fs * 2.4f});
  ImGui::TextDisabled("+ current \xCF\x86   \xE2\x97\x8B best on the grid   colour: ELBO (%s, log scale of the gap to the best), %s \xE2\x80\xA6 %s",
                      L.method.c_str(), fmt(lo).c_str(), fmt(hi).c_str());
  ImGui::End();
}

// [SECTION] Registration

namespace {

class StepThroughTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame& f) override { draw_step_through_window(state_, open, f.engine, f.snap); }
  void start(const ToolStart& s) override { state_.may_block = s.shot; }
  bool show_scene(const SceneFile& f, bool) override {
    state_.reveal_target = f.panels.step_reveal;
    return false;
  }
  void capture_scene(ScenePanels& p) const override { p.step_reveal = state_.reveal_target; }
  void probe() const override { probe_state("step_reveal", state_.reveal_target); }
  void release() override { release_step_through_window(state_); }

 private:
  StepThroughState state_;
};

class LandscapeTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame& f) override { draw_landscape_window(state_, open, f.snap); }
  void start(const ToolStart& s) override { state_.may_block = s.shot; }
  void release() override { release_landscape_window(state_); }

 private:
  LandscapeState state_;
};

}  // namespace

ToolWindowEntry step_through_tool_window() {
  ToolWindowEntry e;
  e.key = "step_through";
  e.dock = ToolWindow::StepThrough;
  e.opened_by = [](const GuiOptions& o) { return o.step_through; };
  e.make = [] { return std::unique_ptr<ToolWindowState>(new StepThroughTool); };
  return e;
}

ToolWindowEntry landscape_tool_window() {
  ToolWindowEntry e;
  e.key = "landscape";
  e.dock = ToolWindow::Landscape;
  e.opened_by = [](const GuiOptions& o) { return o.landscape; };
  e.make = [] { return std::unique_ptr<ToolWindowState>(new LandscapeTool); };
  return e;
}

}  // namespace vilab
