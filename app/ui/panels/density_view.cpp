// app/ui/panels/density_view.cpp — heatmap of p, contours of q and p, samples of q, axes, hover readout;
// fits side by side; the layer scrubber.
//
// Index
// [SECTION] Textures (p̃ heatmap, log|det J_k| map)
// [SECTION] View box (zoom / pan)
// [SECTION] Drawing helpers and the legend
// [SECTION] One fit's view in a rectangle
// [SECTION] Colour bars
// [SECTION] Options row and the scrubber's slider
// [SECTION] draw_density_view
#include "app/ui/panels/density_view.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/widgets/colormap.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/status_line.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/analysis/drag_q.hpp"
#include "vi/families/family.hpp"

#include <imgui.h>

#include <GL/gl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <limits>
#include <string>
#include <vector>

namespace vilab {

namespace {

// Frames drawn in the last frame, for tests and screenshots (written on the UI thread only).
std::vector<PixelRect> g_last_rects;

// Log density range of the "log density" colouring: [max − kLogRange, max].
constexpr double kLogRange = 12.0;

constexpr ImU32 kSampleFill = IM_COL32(255, 145, 30, 255);
constexpr ImU32 kSampleRim = IM_COL32(20, 10, 0, 220);
constexpr ImU32 kPsisFill = IM_COL32(86, 180, 233, 255);  // Okabe–Ito sky blue: apart from q's orange
constexpr ImU32 kQLine = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kQOutline = IM_COL32(0, 0, 0, 200);
constexpr ImU32 kPLine = IM_COL32(215, 215, 225, 210);
constexpr ImU32 kPLineRim = IM_COL32(10, 10, 16, 235);  // under p's dashes on the scrubber's pale map
constexpr ImU32 kOutside = IM_COL32(8, 9, 12, 255);
constexpr ImU32 kFrameBorder = IM_COL32(140, 145, 160, 255);
constexpr ImU32 kGridLine = IM_COL32(235, 236, 242, 235);    // the scrubber's z₀ grid …
constexpr ImU32 kGridOutline = IM_COL32(0, 0, 0, 150);       // … over a dark outline
constexpr ImU32 kDivergedText = IM_COL32(255, 168, 64, 255);
// The forward-KL optimum q*: dashed pink over a dark outline, distinct from q's white lines, p's
// grey dashes and every viridis colour.
constexpr ImU32 kOptimumLine = IM_COL32(255, 105, 215, 255);
constexpr ImU32 kOptimumOutline = IM_COL32(20, 0, 20, 210);

// [SECTION] Textures (p̃ heatmap, log|det J_k| map)

double grid_max(const vi::Grid2D& g) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : g.values)
    if (std::isfinite(v)) m = std::max(m, v);
  return m;
}

bool grid_ok(const vi::Grid2D& g) {
  return g.nx > 0 && g.ny > 0 && g.values.size() == size_t(g.nx) * size_t(g.ny);
}

// Uploads nx × ny RGBA pixels (row 0 = the bottom of the box) into `texture` (created if 0).
void upload_rgba(unsigned int& texture, int nx, int ny, const std::vector<uint8_t>& rgba) {
  if (texture == 0) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    texture = tex;
  }
  glBindTexture(GL_TEXTURE_2D, texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, nx, ny, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  glBindTexture(GL_TEXTURE_2D, 0);
}

void delete_texture(unsigned int& texture) {
  if (texture == 0) return;
  GLuint tex = texture;
  glDeleteTextures(1, &tex);
  texture = 0;
}

void upload_heatmap(DensityPanel& p, bool log_density, const std::shared_ptr<const vi::TargetView>& tv) {
  p.uploaded = tv;
  p.uploaded_log = log_density;
  const vi::Grid2D& g = tv->log_p;
  if (!grid_ok(g)) {
    delete_texture(p.texture);
    return;
  }
  const double mx = grid_max(g);
  std::vector<uint8_t> rgba(size_t(g.nx) * size_t(g.ny) * 4);
  for (size_t k = 0; k < g.values.size(); ++k) {
    const double d = g.values[k] - mx;  // ≤ 0; −inf where p~ vanishes
    double t = 0;
    if (std::isfinite(mx) && !std::isnan(d)) t = log_density ? (d + kLogRange) / kLogRange : std::exp(d);
    const auto c = viridis_rgba8(t);
    std::copy(c.begin(), c.end(), rgba.begin() + long(4 * k));
  }
  upload_rgba(p.texture, g.nx, g.ny, rgba);
}

// The panel follows the target: its zoom box goes home when the target's box changes (or on
// `reset`), and the heatmap is uploaded again when the target view or the colouring changes.
void sync_panel(DensityPanel& p, const DensityLayers& layers, const std::shared_ptr<const vi::TargetView>& tv,
                bool reset) {
  if (tv) {
    if (!p.has_view || !(p.home == tv->view) || reset) {
      p.home = tv->view;
      p.view = tv->view;
      p.has_view = true;
    }
  } else if (!p.has_view) {
    p.view = p.home = vi::Box{};
    p.has_view = true;
  }
  if (tv && (tv != p.uploaded || p.uploaded_log != layers.log_density)) upload_heatmap(p, layers.log_density, tv);
}

// log|det J_k| / scale through the diverging map; cells with no finite value are transparent.
void upload_log_det(DensityViewState& st, const std::shared_ptr<const ScrubResult>& r) {
  st.scrub_uploaded = r;
  const vi::Grid2D& g = r->log_det;
  if (!grid_ok(g) || !(r->log_det_scale > 0)) {
    delete_texture(st.scrub_texture);
    return;
  }
  std::vector<uint8_t> rgba(size_t(g.nx) * size_t(g.ny) * 4);
  for (size_t k = 0; k < g.values.size(); ++k) {
    const double v = g.values[k];
    auto c = diverging_rgba8(std::isfinite(v) ? v / r->log_det_scale : 0.0);
    if (!std::isfinite(v)) c[3] = 0;
    std::copy(c.begin(), c.end(), rgba.begin() + long(4 * k));
  }
  upload_rgba(st.scrub_texture, g.nx, g.ny, rgba);
}

ImTextureID texture_id(unsigned int texture) {
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture));
}

// [SECTION] View box (zoom / pan)

// The box scaled by `f` about the point (cx, cy).
vi::Box zoom_about(const vi::Box& b, double cx, double cy, double f) {
  return {cx + (b.x0 - cx) * f, cx + (b.x1 - cx) * f, cy + (b.y0 - cy) * f, cy + (b.y1 - cy) * f};
}

// Screen ↔ z transform of the frame.
struct Frame {
  ImVec2 a0, a1;  // screen corners (top-left, bottom-right)
  vi::Box box;    // the z-box shown
  float sx(double x) const { return float(a0.x + (x - box.x0) / box.width() * (a1.x - a0.x)); }
  float sy(double y) const { return float(a1.y - (y - box.y0) / box.height() * (a1.y - a0.y)); }
  double zx(float X) const { return box.x0 + (X - a0.x) / (a1.x - a0.x) * box.width(); }
  double zy(float Y) const { return box.y0 + (a1.y - Y) / (a1.y - a0.y) * box.height(); }
  ImVec2 s(double x, double y) const { return {sx(x), sy(y)}; }
};

// Margins around a frame inside its rectangle: tick labels and z₂ left, ticks and z₁ below.
struct Margins {
  float left, top, right, bottom;
};
Margins frame_margins(bool compact) {
  const float fs = ImGui::GetFontSize();
  return compact ? Margins{fs * 2.9f, fs * 0.2f, fs * 0.3f, fs * 2.6f} : Margins{fs * 3.6f, fs * 0.4f, fs * 0.4f, fs * 2.7f};
}

// [SECTION] Drawing helpers and the legend

// Appends a screen point unless it is closer than a fraction of a pixel to the previous one
// (repeated points make ImGui's thick-line joins spike).
void push_screen_point(std::vector<ImVec2>& out, ImVec2 p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y)) return;
  if (!out.empty()) {
    const float dx = p.x - out.back().x, dy = p.y - out.back().y;
    if (dx * dx + dy * dy < 0.25f) return;
  }
  out.push_back(p);
}

// The polyline in screen coordinates.
void to_screen(const Frame& f, const vi::Polyline& pl, std::vector<ImVec2>& out) {
  out.clear();
  for (size_t k = 0; k + 1 < pl.xy.size(); k += 2) push_screen_point(out, f.s(pl.xy[k], pl.xy[k + 1]));
  // A closed line may repeat its first point at the end.
  if (pl.closed && out.size() > 2) {
    const float dx = out.front().x - out.back().x, dy = out.front().y - out.back().y;
    if (dx * dx + dy * dy < 0.25f) out.pop_back();
  }
}

float q_contour_thickness(double mass, float px) {
  if (mass <= 0.6) return 3.0f * px;
  if (mass <= 0.95) return 2.2f * px;
  return 1.5f * px;
}

std::string mass_label(double mass) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", std::round(mass * 1000) / 10);
  return buf;
}

void draw_cross(ImDrawList* dl, ImVec2 c, float r, ImU32 col, float th) {
  dl->AddLine({c.x - r, c.y - r}, {c.x + r, c.y + r}, col, th);
  dl->AddLine({c.x - r, c.y + r}, {c.x + r, c.y - r}, col, th);
}

void draw_diamond(ImDrawList* dl, ImVec2 c, float r, ImU32 fill, ImU32 rim, float th) {
  const ImVec2 p1{c.x, c.y - r}, p2{c.x + r, c.y}, p3{c.x, c.y + r}, p4{c.x - r, c.y};
  dl->AddQuadFilled(p1, p2, p3, p4, fill);
  dl->AddQuad(p1, p2, p3, p4, rim, th);
}

void draw_p_mean(ImDrawList* dl, ImVec2 c, float px) {
  draw_cross(dl, c, 7 * px, IM_COL32(0, 0, 0, 230), 5.0f * px);
  draw_cross(dl, c, 7 * px, IM_COL32(255, 255, 255, 255), 2.5f * px);
}

void draw_samples(ImDrawList* dl, const Frame& f, const vi::Mat& z, float px, ImU32 fill = kSampleFill) {
  if (z.rows() < 2) return;
  const float r = 2.8f * px;
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const double x = z(0, s), y = z(1, s);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    const ImVec2 c = f.s(x, y);
    dl->AddCircleFilled(c, r + 1.0f * px, kSampleRim, 10);
    dl->AddCircleFilled(c, r, fill, 10);
  }
}

// Text wrapped to the frame's width, on a dark box, at the top of the frame.
void frame_message(ImDrawList* dl, const Frame& f, ImU32 color, const std::string& text) {
  const float fs = ImGui::GetFontSize();
  const float wrap = std::max(f.a1.x - f.a0.x - fs * 1.6f, fs * 4);
  const std::string lines = wrap_words(text, wrap);
  const ImVec2 sz = ImGui::CalcTextSize(lines.c_str());
  const ImVec2 p{f.a0.x + fs * 0.8f, f.a0.y + fs * 0.8f};
  dl->AddRectFilled({p.x - fs * 0.4f, p.y - fs * 0.3f}, {p.x + sz.x + fs * 0.4f, p.y + sz.y + fs * 0.3f},
                    IM_COL32(0, 0, 0, 215), 4.0f);
  dl->AddText(ImGui::GetFont(), fs, p, color, lines.c_str());
}

// The legend under the frame: entries flow left to right, wrapping into rows.
enum class Swatch { QContours, PContours, Samples, Psis, QMean, PMean, Grid, Optimum };
struct LegendEntry {
  Swatch kind;
  std::string text;
};

struct LegendLayout {
  std::vector<LegendEntry> entries;
  std::vector<ImVec2> at;      // top-left of each entry, relative to the legend's origin
  std::vector<float> row_w;    // width of each row
  float row_h = 0;
  float height() const { return row_h * float(row_w.size()); }
  float widest() const {
    float w = 0;
    for (float r : row_w) w = std::max(w, r);
    return w;
  }
};

constexpr float kSwatch = 1.6f;  // swatch width in font sizes

LegendLayout layout_legend(std::vector<LegendEntry> entries, float width) {
  const float fs = ImGui::GetFontSize();
  LegendLayout l;
  l.entries = std::move(entries);
  l.row_h = fs * 1.35f;
  float x = 0;
  for (const LegendEntry& e : l.entries) {
    const float ew = fs * (kSwatch + 0.4f) + ImGui::CalcTextSize(e.text.c_str()).x;
    if (l.row_w.empty() || (x > 0 && x + fs * 1.2f + ew > width)) {
      l.row_w.push_back(0);
      x = 0;
    } else if (x > 0) {
      x += fs * 1.2f;
    }
    l.at.push_back({x, l.row_h * float(l.row_w.size() - 1)});
    x += ew;
    l.row_w.back() = x;
  }
  return l;
}

// Draws each row centred on `centre_x`, from `top`.
void draw_legend(ImDrawList* dl, const LegendLayout& l, float centre_x, float top, float px) {
  const float fs = ImGui::GetFontSize();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  for (size_t k = 0; k < l.entries.size(); ++k) {
    const size_t row = size_t(l.at[k].y / l.row_h + 0.5f);
    const float x0 = centre_x - l.row_w[row] * 0.5f + l.at[k].x;
    const float y0 = top + l.at[k].y;
    const float cy = y0 + l.row_h * 0.5f, sw = fs * kSwatch, xm = x0 + sw * 0.5f;
    switch (l.entries[k].kind) {
      case Swatch::QContours:
        dl->AddLine({x0, cy}, {x0 + sw, cy}, kQOutline, 5.5f * px);
        dl->AddLine({x0, cy}, {x0 + sw, cy}, kQLine, 3.0f * px);
        break;
      case Swatch::PContours: {
        const ImVec2 seg[2] = {{x0, cy}, {x0 + sw, cy}};
        plot::dashed_polyline(dl, seg, 2, false, kPLine, 1.4f * px, 7 * px, 5 * px);
        break;
      }
      case Swatch::Optimum: {
        const ImVec2 seg[2] = {{x0, cy}, {x0 + sw, cy}};
        plot::dashed_polyline(dl, seg, 2, false, kOptimumOutline, 4.6f * px, 9 * px, 6 * px);
        plot::dashed_polyline(dl, seg, 2, false, kOptimumLine, 2.4f * px, 9 * px, 6 * px);
        break;
      }
      case Swatch::Samples:
      case Swatch::Psis:
        dl->AddCircleFilled({xm, cy}, 3.8f * px, kSampleRim, 10);
        dl->AddCircleFilled({xm, cy}, 2.8f * px, l.entries[k].kind == Swatch::Psis ? kPsisFill : kSampleFill, 10);
        break;
      case Swatch::QMean: draw_diamond(dl, {xm, cy}, 6 * px, kSampleFill, IM_COL32(255, 255, 255, 255), 2.0f * px); break;
      case Swatch::PMean: draw_p_mean(dl, {xm, cy}, px); break;
      case Swatch::Grid:
        dl->AddLine({x0, cy - fs * 0.25f}, {x0 + sw, cy - fs * 0.25f}, kGridOutline, 3.0f * px);
        dl->AddLine({x0, cy + fs * 0.25f}, {x0 + sw, cy + fs * 0.25f}, kGridOutline, 3.0f * px);
        dl->AddLine({x0, cy - fs * 0.25f}, {x0 + sw, cy - fs * 0.25f}, kGridLine, 1.3f * px);
        dl->AddLine({x0, cy + fs * 0.25f}, {x0 + sw, cy + fs * 0.25f}, kGridLine, 1.3f * px);
        break;
    }
    dl->AddText({x0 + sw + fs * 0.4f, y0 + (l.row_h - fs) * 0.5f}, text_col, l.entries[k].text.c_str());
  }
}

// [SECTION] One fit's view in a rectangle

// What one view shows: a fit, and for the layer scrubber, its result (instead of q's density).
struct FitView {
  const vi::Snapshot* fit = nullptr;
  const ScrubResult* scrub = nullptr;
  unsigned int scrub_texture = 0;  // the GL texture of scrub's log|det J| map (0 = none)
  PanelOptions options;            // compact, axes, contour labels, interactive
  const ForwardKlReference* optimum = nullptr;  // the forward-KL optimum to draw dashed (null = none)
  DragQState* drag = nullptr;  // q can be dragged (single view, paused); null = no handles
};

// What draw_fit_view drew, and what the mouse did to it.
struct FitFrame {
  Frame f;
  bool hovered = false, clicked = false;
};

// Ticks every `step` in [lo, hi].
std::vector<double> ticks_every(double lo, double hi, double step) {
  std::vector<double> t;
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step && t.size() < 64; k += 1)
    t.push_back(std::abs(k) < 0.5 ? 0.0 : k * step);
  return t;
}

// Shared by every view: wheel zooms about the cursor, drag pans, double-click resets.
void handle_view_input(DensityPanel& st, const Frame& f, bool hovered) {
  ImGuiIO& io = ImGui::GetIO();
  const float fw = f.a1.x - f.a0.x, fh = f.a1.y - f.a0.y;
  if (hovered && io.MouseWheel != 0) {
    const double cx = f.zx(io.MousePos.x), cy = f.zy(io.MousePos.y);
    const double factor = std::pow(0.85, double(io.MouseWheel));
    const double ratio = st.view.width() * factor / st.home.width();
    if (ratio > 1e-3 && ratio < 1e3) st.view = zoom_about(st.view, cx, cy, factor);
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
    const ImVec2 d = io.MouseDelta;
    const double ux = st.view.width() / fw, uy = st.view.height() / fh;
    st.view = {st.view.x0 - d.x * ux, st.view.x1 - d.x * ux, st.view.y0 + d.y * uy, st.view.y1 + d.y * uy};
  }
  if (hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) st.view = st.home;
}

// q's contours (outlined white lines) and their mass labels, placed clear of the mean markers.
void draw_q_contours(ImDrawList* dl, const Frame& f, const vi::Snapshot& fit, float px) {
  std::vector<ImVec2> pts;
  for (int pass = 0; pass < 2; ++pass)
    for (const vi::Contour& c : fit.q_contours) {
      const float th = q_contour_thickness(c.mass, px);
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        if (pts.size() < 2) continue;
        const ImDrawFlags flags = pl.closed ? ImDrawFlags_Closed : 0;
        if (pass == 0) dl->AddPolyline(pts.data(), int(pts.size()), kQOutline, flags, th + 2.5f * px);
        else dl->AddPolyline(pts.data(), int(pts.size()), kQLine, flags, th);
      }
    }
}

void draw_contour_labels(ImDrawList* dl, const DensityLayers& st, const Frame& f, const vi::Snapshot& fit,
                         const vi::TargetView* tv, float px) {
  // Each label at the rightmost point of its contour where it fits in the frame and clears
  // the labels already placed.
  std::vector<ImVec4> placed;  // boxes (x0, y0, x1, y1) labels must clear: the mean markers first
  std::vector<ImVec2> pts;
  const float pad = 3 * px;
  auto keep_clear = [&](const vi::Vec& m) {
    if (!st.show_means || m.size() < 2 || !m.allFinite()) return;
    const ImVec2 c = f.s(m(0), m(1));
    placed.push_back({c.x - 8 * px, c.y - 8 * px, c.x + 8 * px, c.y + 8 * px});
  };
  keep_clear(fit.q.mean);
  if (tv && tv->data) keep_clear(tv->data->reference.moments.mean);
  for (const vi::Contour& c : fit.q_contours) {
    const std::string text = mass_label(c.mass);
    const ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    std::vector<ImVec2> cand;
    for (const vi::Polyline& pl : c.lines) {
      to_screen(f, pl, pts);
      const size_t stride = std::max<size_t>(1, pts.size() / 96);
      for (size_t k = 0; k < pts.size(); k += stride) cand.push_back(pts[k]);
    }
    std::sort(cand.begin(), cand.end(), [](ImVec2 a, ImVec2 b) { return a.x > b.x; });
    for (const ImVec2& p : cand) {
      const ImVec4 b{p.x - sz.x * 0.5f - pad, p.y - sz.y * 0.5f - pad * 0.5f, p.x + sz.x * 0.5f + pad,
                     p.y + sz.y * 0.5f + pad * 0.5f};
      if (b.x < f.a0.x + 2 || b.z > f.a1.x - 2 || b.y < f.a0.y + 2 || b.w > f.a1.y - 2) continue;
      bool clear = true;
      for (const ImVec4& o : placed) clear &= b.z + 2 < o.x || o.z + 2 < b.x || b.w + 2 < o.y || o.w + 2 < b.y;
      if (!clear) continue;
      placed.push_back(b);
      dl->AddRectFilled({b.x, b.y}, {b.z, b.w}, IM_COL32(0, 0, 0, 200), 3.0f);
      dl->AddText({b.x + pad, b.y + pad * 0.5f}, kQLine, text.c_str());
      break;
    }
  }
}

// The forward-KL optimum's ellipses, dashed, thickest at 50 % like q's contours.
void draw_optimum(ImDrawList* dl, const Frame& f, const ForwardKlReference& r, float px) {
  std::vector<ImVec2> pts;
  for (int pass = 0; pass < 2; ++pass)
    for (const vi::Contour& c : r.contours) {
      const float th = q_contour_thickness(c.mass, px) * 0.85f;
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        const ImU32 colour = pass == 0 ? kOptimumOutline : kOptimumLine;
        const float width = pass == 0 ? th + 2.2f * px : th;
        plot::dashed_polyline(dl, pts.data(), int(pts.size()), pl.closed, colour, width, 9 * px, 6 * px);
      }
    }
}

// The bounding box of the finite columns of `a` and `b`; false when there are none.
bool points_box(const vi::Mat& a, const vi::Mat& b, vi::Box& box) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  box = {kInf, -kInf, kInf, -kInf};
  for (const vi::Mat* m : {&a, &b})
    for (Eigen::Index c = 0; c < m->cols(); ++c) {
      const double x = (*m)(0, c), y = (*m)(1, c);
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      box = {std::min(box.x0, x), std::max(box.x1, x), std::min(box.y0, y), std::max(box.y1, y)};
    }
  return box.x1 >= box.x0 && box.y1 >= box.y0;
}

// The scrubber's picture: layer k's log|det J_k| map, the z₀ grid and the base draws after k
// layers.
// `texture` holds r's map (0 = none uploaded for it).
void draw_scrub_layers(ImDrawList* dl, const DensityLayers& st, unsigned int texture, const Frame& f,
                       const ScrubResult& r, float px) {
  if (texture != 0) {
    const vi::Box& gb = r.log_det.box;
    dl->AddImage(texture_id(texture), f.s(gb.x0, gb.y1), f.s(gb.x1, gb.y0), {0, 1}, {1, 0});
  }
  constexpr int L = ScrubResult::kGridLines, P = ScrubResult::kLinePoints;
  if (r.grid.cols() == Eigen::Index(2 * L * P)) {
    std::vector<std::vector<ImVec2>> lines(2 * L);
    for (int l = 0; l < 2 * L; ++l)
      for (int p = 0; p < P; ++p) {
        const Eigen::Index c = Eigen::Index(l) * P + p;
        push_screen_point(lines[size_t(l)], f.s(r.grid(0, c), r.grid(1, c)));
      }
    // The middle line of each direction is z₀'s axis through the base mean: drawn thicker.
    auto thickness = [&](int l) { return (l % L == L / 2 ? 2.4f : 1.2f) * px; };
    for (int l = 0; l < 2 * L; ++l) {
      const auto& pts = lines[size_t(l)];
      if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), kGridOutline, 0, thickness(l) + 1.6f * px);
    }
    for (int l = 0; l < 2 * L; ++l) {
      const auto& pts = lines[size_t(l)];
      if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), kGridLine, 0, thickness(l));
    }
  }
  if (st.show_samples) draw_samples(dl, f, r.cloud, px);

  // Intermediate layers may move the points far from the target's box: say where they went.
  vi::Box pts;
  if (points_box(r.cloud, r.grid, pts) &&
      (pts.x1 < f.box.x0 || pts.x0 > f.box.x1 || pts.y1 < f.box.y0 || pts.y0 > f.box.y1)) {
    const double cx = 0.5 * (pts.x0 + pts.x1), cy = 0.5 * (pts.y0 + pts.y1);
    frame_message(dl, f, ImGui::GetColorU32(ImGuiCol_Text),
                  "After " + std::to_string(r.key.k) + (r.key.k == 1 ? " layer" : " layers") +
                      " the points lie outside this view, around (" + plot::format_value(cx, 3) + ", " +
                      plot::format_value(cy, 3) + "): \u201Cfit layer\u201D follows them, \u201CReset view\u201D "
                      "returns to the target.");
  }
}

// [SECTION] Dragging q

// The handles of one frame: where they are on screen, which are live, which is hovered or held.
struct DragView {
  bool show = false;
  bool cov = false;                // the axis handles exist (mean-field, full-rank)
  ImVec2 mean, axis[2][2];         // screen positions: the mean, and both ends of each axis
  int hovered = -1, active = -1;   // handle index (0 mean, 1, 2 axes)
};

constexpr ImU32 kHandleFill = IM_COL32(255, 255, 255, 235);
constexpr ImU32 kHandleRim = IM_COL32(0, 0, 0, 220);
constexpr ImU32 kHandleHot = IM_COL32(255, 200, 60, 255);

// Submits the handles' buttons (before the frame's), turns a drag into a φ request (one per
// frame) and says where to draw the handles. The handles follow the φ being dragged, not the
// snapshot (which lags a frame behind the mouse).
DragView drag_handles_input(DragQState& d, const Frame& f, const vi::Snapshot& fit, float px) {
  DragView v;
  if (!d.family || fit.phi.size() != d.family->num_params() || !fit.phi.allFinite()) return v;
  const vi::DragSupport support = vi::drag_support(*d.family);
  const float fs = ImGui::GetFontSize();
  const float r = std::max(7.0f * px, fs * 0.45f);  // the grab radius
  if (!support.mean) {
    // A flow or a mixture: no handles, but the mean's marker says why (from the snapshot's
    // moments: a flow's are Monte Carlo, too slow to recompute here every frame).
    if (fit.q.mean.size() >= 2 && fit.q.mean.allFinite()) {
      const ImVec2 c = f.s(fit.q.mean(0), fit.q.mean(1));
      ImGui::SetCursorScreenPos({c.x - r, c.y - r});
      ImGui::InvisibleButton("##drag_mean", {2 * r, 2 * r});
      tooltip(support.why.c_str());
    }
    return v;
  }
  if (d.handle >= 0 && d.phi.size() != fit.phi.size()) d.handle = -1;
  const vi::Vec& base = d.handle >= 0 ? d.phi : fit.phi;
  const vi::DragHandles h = vi::drag_handles(*d.family, base);
  v.show = true;
  v.cov = support.covariance;
  v.mean = f.s(h.mean[0], h.mean[1]);
  for (int k = 0; k < 2; ++k) {
    const double* a = k == 0 ? h.axis1 : h.axis2;
    v.axis[k][0] = f.s(a[0], a[1]);
    v.axis[k][1] = f.s(2 * h.mean[0] - a[0], 2 * h.mean[1] - a[1]);  // the mirror end
  }
  ImGuiIO& io = ImGui::GetIO();
  auto button = [&](const char* id, ImVec2 c, int index, bool live, const char* help) {
    ImGui::SetCursorScreenPos({c.x - r, c.y - r});
    ImGui::InvisibleButton(id, {2 * r, 2 * r});
    if (d.handle < 0) tooltip(help);
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
      if (live) ImGui::SetMouseCursor(index == 0 ? ImGuiMouseCursor_ResizeAll : ImGuiMouseCursor_Hand);
      v.hovered = index;
    }
    if (!live) return;
    if (ImGui::IsItemActivated()) {
      d.handle = index;
      d.phi = fit.phi;
      d.grab_dx = index == 0 ? h.mean[0] - f.zx(io.MousePos.x) : 0.0;
      d.grab_dy = index == 0 ? h.mean[1] - f.zy(io.MousePos.y) : 0.0;
    }
    if (ImGui::IsItemActive() && d.handle == index) {
      v.active = index;
      if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0) {
        const double zx = f.zx(io.MousePos.x) + d.grab_dx, zy = f.zy(io.MousePos.y) + d.grab_dy;
        const vi::DragHandle which = index == 0 ? vi::DragHandle::Mean : index == 1 ? vi::DragHandle::Axis1 : vi::DragHandle::Axis2;
        d.phi = vi::drag_params(*d.family, d.phi, which, zx, zy);
        d.request = d.phi;  // the last one this frame wins: at most one command per frame
      }
    }
    if (ImGui::IsItemDeactivated() && d.handle == index) d.handle = -1;
  };
  // The axis handles first: at a tiny q they overlap the mean, and reshaping is the rarer wish.
  if (support.covariance) {
    const char* help = d.family->name() == "meanfield"
                           ? "Drag to set q's standard deviation along this axis (mean-field q keeps its axes "
                             "along z₁ and z₂). The ELBO and both KLs update as you drag; Play continues from here."
                           : "Drag to stretch and turn q: this axis of q's 90 % ellipse follows the mouse, the "
                             "width across it stays. The ELBO and both KLs update as you drag; Play continues from here.";
    button("##drag_a1", v.axis[0][0], 1, true, help);
    button("##drag_a1m", v.axis[0][1], 1, true, help);
    button("##drag_a2", v.axis[1][0], 2, true, help);
    button("##drag_a2m", v.axis[1][1], 2, true, help);
  }
  button("##drag_mean", v.mean, 0, true,
         support.covariance ? "Drag to move q's mean. The ELBO and both KLs update as you drag; Play continues from here."
                            : (std::string("Drag to move q's mean. The ELBO and both KLs update as you drag; Play continues "
                                           "from here. ") + support.why).c_str());
  return v;
}

void draw_drag_handles(ImDrawList* dl, const DragView& v, const Frame& f, float px) {
  if (!v.show) return;
  if (v.cov) {
    for (int k = 0; k < 2; ++k) {
      const bool hot = v.hovered == k + 1 || v.active == k + 1;
      dl->AddLine(v.axis[k][1], v.axis[k][0], IM_COL32(255, 255, 255, hot ? 200 : 90), (hot ? 1.8f : 1.2f) * px);
      for (int e = 0; e < 2; ++e) {
        const ImVec2 c = v.axis[k][e];
        const float s = (hot ? 6.0f : 4.5f) * px;
        dl->AddRectFilled({c.x - s - 1.5f * px, c.y - s - 1.5f * px}, {c.x + s + 1.5f * px, c.y + s + 1.5f * px}, kHandleRim);
        dl->AddRectFilled({c.x - s, c.y - s}, {c.x + s, c.y + s}, hot ? kHandleHot : kHandleFill);
      }
    }
  }
  if (v.hovered == 0 || v.active == 0) dl->AddCircle(v.mean, 12 * px, kHandleHot, 0, 2.0f * px);
  // A hint in the frame's bottom-left corner, until a handle is in use.
  if (v.active < 0) {
    const char* hint = v.cov ? "paused: drag q\u2019s mean \u25C6 or the \u25A1 handles to reshape it"
                             : "paused: drag q\u2019s mean \u25C6";
    const float fs = ImGui::GetFontSize();
    // At a large text size in a small frame the hint would cover q: the short one, or none.
    if (ImGui::CalcTextSize(hint).x > f.a1.x - f.a0.x - fs) hint = "paused: drag q\u2019s mean \u25C6";
    if (ImGui::CalcTextSize(hint).x > f.a1.x - f.a0.x - fs || f.a1.y - f.a0.y < fs * 12) return;
    plot::boxed_text(dl, {f.a0.x + fs * 0.5f, f.a1.y - fs * 1.6f}, ImGui::GetColorU32(ImGuiCol_TextDisabled), hint);
  }
}

// Draws one fit's view into the screen rectangle [r0, r1]: the frame (keeping the view box's
// aspect ratio, centred) with its ticks and axis labels around it, from the panel's texture and
// zoom box and the layers' switches. Handles zoom and pan (or reports a click); the caller
// pushes a unique ID per view.
FitFrame draw_fit_view(DensityPanel& panel, const DensityLayers& st, const vi::TargetView* tv, const FitView& fv,
                       ImVec2 r0, ImVec2 r1) {
  const float fs = ImGui::GetFontSize();
  const vi::Snapshot& fit = *fv.fit;
  const PanelOptions& opt = fv.options;
  const Margins m = opt.axes ? frame_margins(opt.compact) : Margins{0, 0, 0, 0};
  const float aw = std::max(r1.x - r0.x - m.left - m.right, fs * 3);
  const float ah = std::max(r1.y - r0.y - m.top - m.bottom, fs * 3);
  const double bw = panel.view.width(), bh = panel.view.height();
  const float scale = float(std::min(aw / bw, ah / bh));
  const float fw = float(bw) * scale, fh = float(bh) * scale;
  Frame f;
  f.a0 = {r0.x + m.left + (aw - fw) * 0.5f, r0.y + m.top + (ah - fh) * 0.5f};
  f.a1 = {f.a0.x + fw, f.a0.y + fh};
  f.box = panel.view;
  // Lines and markers scale with the font, and thin down in a small frame (a grid cell), where
  // the main view's widths would cover q.
  const float px = line_px() * std::clamp(std::min(fw, fh) / (fs * 16), 0.6f, 1.0f);

  // Dragging q: the handles' buttons come first, so they take the mouse before the frame's
  // (which pans).
  DragView drag;
  if (fv.drag) drag = drag_handles_input(*fv.drag, f, fit, px);

  // Interaction: an invisible button over the frame.
  ImGui::SetCursorScreenPos(f.a0);
  const bool clicked = ImGui::InvisibleButton("##density_frame", {std::max(fw, 1.0f), std::max(fh, 1.0f)});
  const bool hovered = ImGui::IsItemHovered();
  if (opt.interactive) handle_view_input(panel, f, hovered);
  f.box = panel.view;
  ImGuiIO& io = ImGui::GetIO();

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddRectFilled(f.a0, f.a1, kOutside);
  dl->PushClipRect(f.a0, f.a1, true);

  // Heatmap of p (not under the scrubber: its colours are the layer's log-determinant).
  if (!fv.scrub && tv && panel.texture != 0) {
    const vi::Box& gb = tv->log_p.box;
    dl->AddImage(texture_id(panel.texture), f.s(gb.x0, gb.y1), f.s(gb.x1, gb.y0), {0, 1}, {1, 0});
  }

  // Faint grid at the ticks: one spacing on both axes (the aspect ratio is equal).
  double xstep = 1, ystep = 1;
  const float tick_gap_x = opt.compact ? fs * 2.6f : fs * 4.5f, tick_gap_y = opt.compact ? fs * 2.6f : fs * 3.0f;
  plot::nice_ticks(f.box.x0, f.box.x1, std::max(2, int(fw / tick_gap_x)), &xstep);
  plot::nice_ticks(f.box.y0, f.box.y1, std::max(2, int(fh / tick_gap_y)), &ystep);
  xstep = ystep = std::max(xstep, ystep);
  const std::vector<double> xt = ticks_every(f.box.x0, f.box.x1, xstep);
  const std::vector<double> yt = ticks_every(f.box.y0, f.box.y1, ystep);
  for (double x : xt) dl->AddLine({f.sx(x), f.a0.y}, {f.sx(x), f.a1.y}, IM_COL32(255, 255, 255, 22), 1.0f);
  for (double y : yt) dl->AddLine({f.a0.x, f.sy(y)}, {f.a1.x, f.sy(y)}, IM_COL32(255, 255, 255, 22), 1.0f);

  if (fv.scrub) draw_scrub_layers(dl, st, fv.scrub_texture, f, *fv.scrub, px);

  // p's contours: thin, dashed, under everything of q. Over the scrubber's map, whose middle is
  // near white, each dash gets a dark rim, or the light dashes vanish on it.
  std::vector<ImVec2> pts;
  if (tv && st.show_p_contours)
    for (const vi::Contour& c : tv->contours)
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        if (fv.scrub)
          plot::dashed_polyline(dl, pts.data(), int(pts.size()), pl.closed, kPLineRim, 3.6f * px, 7 * px, 5 * px);
        plot::dashed_polyline(dl, pts.data(), int(pts.size()), pl.closed, kPLine, 1.4f * px, 7 * px, 5 * px);
      }

  if (!fv.scrub) {
    if (st.show_samples) draw_samples(dl, f, fit.samples, px);
    if (st.show_psis && fit.last_diagnostics) draw_samples(dl, f, fit.last_diagnostics->resampled, px, kPsisFill);
    // q's contours: a dark outline under a white line, so they read on every colour of the map.
    if (st.show_q_contours) draw_q_contours(dl, f, fit, px);
    if (st.show_means) {
      if (tv && tv->data && tv->data->reference.moments.mean.size() >= 2) {
        const vi::Vec& mp = tv->data->reference.moments.mean;
        draw_p_mean(dl, f.s(mp(0), mp(1)), px);
      }
      if (fit.q.mean.size() >= 2 && fit.q.mean.allFinite())
        draw_diamond(dl, f.s(fit.q.mean(0), fit.q.mean(1)), 7 * px, kSampleFill, IM_COL32(255, 255, 255, 255), 2.0f * px);
    }
    // The forward-KL optimum over q's contours: where q has reached it, white and pink alternate.
    if (fv.optimum && st.show_optimum) draw_optimum(dl, f, *fv.optimum, px);
    // Contour labels last, on the lines, so no line crosses them.
    if (st.show_q_contours && opt.contour_labels) draw_contour_labels(dl, st, f, fit, tv, px);
    if (fv.drag) draw_drag_handles(dl, drag, f, px);
  }

  // Hover readout.
  const ImVec2 mouse = io.MousePos;
  if (hovered && drag.active < 0) {
    const double zx = f.zx(mouse.x), zy = f.zy(mouse.y);
    std::string text = "z = (" + plot::format_value(zx) + ", " + plot::format_value(zy) + ")";
    auto lookup = [&](const vi::Grid2D& g, double& v) {
      if (!grid_ok(g)) return false;
      const int i = int(std::floor((zx - g.box.x0) / g.dx())), j = int(std::floor((zy - g.box.y0) / g.dy()));
      if (i < 0 || i >= g.nx || j < 0 || j >= g.ny) return false;
      v = g.at(i, j);
      return true;
    };
    double v = 0;
    if (fv.scrub) {
      if (lookup(fv.scrub->log_det, v))
        text += "    log|det J| = " + plot::format_value(v, 3);
    } else if (tv) {
      text += lookup(tv->log_p, v) ? "    log p̃(z) = " + plot::format_value(v) : "    (outside the grid)";
    }
    plot::boxed_text(dl, {f.a0.x + fs * 0.5f, f.a0.y + fs * 0.4f}, text_col, text.c_str());
  }

  if (!tv) {
    const char* msg = "waiting for the engine…";
    const ImVec2 sz = ImGui::CalcTextSize(msg);
    dl->AddText({(f.a0.x + f.a1.x - sz.x) * 0.5f, (f.a0.y + f.a1.y - sz.y) * 0.5f}, text_col, msg);
  }
  if (fit.state == vi::EngineState::Diverged)
    frame_message(dl, f, kDivergedText, trouble_heading(fit) + ": " + (fit.message.empty() ? std::string("(no message)") : fit.message));
  dl->PopClipRect();
  dl->AddRect(f.a0, f.a1, high_contrast() ? IM_COL32_WHITE : kFrameBorder, 0, 0, high_contrast() ? 2.0f : 1.0f);

  const FitFrame result{f, hovered, clicked && !opt.interactive};
  if (!opt.axes) return result;

  // Axes: ticks and labels outside the frame.
  for (double x : xt) {
    const float X = f.sx(x);
    dl->AddLine({X, f.a1.y}, {X, f.a1.y + fs * 0.3f}, text_col, 1.0f);
    const std::string lab = plot::format_tick(x, xstep);
    const ImVec2 sz = ImGui::CalcTextSize(lab.c_str());
    dl->AddText({X - sz.x * 0.5f, f.a1.y + fs * 0.35f}, text_col, lab.c_str());
  }
  for (double y : yt) {
    const float Y = f.sy(y);
    dl->AddLine({f.a0.x - fs * 0.3f, Y}, {f.a0.x, Y}, text_col, 1.0f);
    const std::string lab = plot::format_tick(y, ystep);
    const ImVec2 sz = ImGui::CalcTextSize(lab.c_str());
    dl->AddText({f.a0.x - fs * 0.45f - sz.x, Y - sz.y * 0.5f}, text_col, lab.c_str());
  }
  // A model names its two coordinates (logistic regression: intercept a, slope b).
  std::string zx = "z\u2081", zy = "z\u2082";
  if (tv && tv->data && tv->data->problem->data_size() > 0) {
    const auto names = tv->data->problem->coordinate_names();
    zx = names.at(0);
    zy = names.at(1);
  }
  const char* zx_label = zx.c_str();
  const char* zy_label = zy.c_str();
  const ImVec2 sxl = ImGui::CalcTextSize(zx_label);
  dl->AddText({(f.a0.x + f.a1.x - sxl.x) * 0.5f, f.a1.y + fs * 1.45f}, text_col, zx_label);
  const ImVec2 syl = ImGui::CalcTextSize(zy_label);
  dl->AddText({std::max(r0.x + fs * 0.2f, f.a0.x - m.left + fs * 0.2f), (f.a0.y + f.a1.y - syl.y) * 0.5f}, text_col,
              zy_label);
  return result;
}

// [SECTION] Colour bars

using ColourFn = Rgb (*)(double);
Rgb diverging_unit(double t) { return diverging(2 * t - 1); }

// A vertical bar from `c0` (top-left) to `c1`, coloured by `map` over t ∈ [0, 1] (bottom → top).
void colour_bar(ImDrawList* dl, ImVec2 c0, ImVec2 c1, ColourFn map) {
  constexpr int kSlices = 48;
  for (int k = 0; k < kSlices; ++k) {
    const double t0 = double(k) / kSlices, t1 = double(k + 1) / kSlices;
    const Rgb lo = map(t0), hi = map(t1);
    const float y0 = c1.y - float(t1) * (c1.y - c0.y), y1 = c1.y - float(t0) * (c1.y - c0.y);
    const ImU32 chi = ImGui::ColorConvertFloat4ToU32({hi.r, hi.g, hi.b, 1});
    const ImU32 clo = ImGui::ColorConvertFloat4ToU32({lo.r, lo.g, lo.b, 1});
    dl->AddRectFilledMultiColor({c0.x, y0}, {c1.x, y1}, chi, chi, clo, clo);
  }
  dl->AddRect(c0, c1, kFrameBorder);
}

// p̃'s viridis bar, or the scrubber's log|det J_k| bar, right of the frame.
void draw_colour_bar(ImDrawList* dl, const DensityLayers& st, const Frame& f, const ScrubResult* scrub) {
  const float fs = ImGui::GetFontSize();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImVec2 c0{f.a1.x + fs * 0.8f, f.a0.y + fs * 1.9f};
  const ImVec2 c1{c0.x + fs * 0.9f, f.a1.y};
  if (c1.y - c0.y <= fs * 4) return;
  const float lx = c1.x + fs * 0.3f;
  if (!scrub) {
    colour_bar(dl, c0, c1, viridis);
    dl->AddText({c0.x - fs * 0.3f, f.a0.y}, text_col, st.log_density ? "log p̃" : "p̃ / max");
    dl->AddText({lx, c0.y - fs * 0.5f}, text_col, st.log_density ? "max" : "1");
    dl->AddText({lx, (c0.y + c1.y) * 0.5f - fs * 0.5f}, text_col, st.log_density ? "max\u22126" : "0.5");
    dl->AddText({lx, c1.y - fs * 0.5f}, text_col, st.log_density ? "max\u221212" : "0");
    return;
  }
  if (!grid_ok(scrub->log_det)) return;  // k = 0: no layer yet
  colour_bar(dl, c0, c1, diverging_unit);
  const std::string title = "log|det J" + std::string(scrub->key.k >= 1 ? "\u2096" : "") + "|";
  dl->AddText({c0.x - fs * 0.3f, f.a0.y}, text_col, title.c_str());
  std::string hi = "+";  // (not "+" + string: GCC 12 warns a false -Wrestrict on it)
  hi += plot::format_value(scrub->log_det_scale, 2);
  const std::string lo = plot::format_value(-scrub->log_det_scale, 2);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  dl->AddText({lx, c0.y - fs * 0.5f}, text_col, hi.c_str());
  dl->AddText({lx, c0.y + fs * 0.5f}, dim, "expands");
  dl->AddText({lx, (c0.y + c1.y) * 0.5f - fs * 0.5f}, text_col, "0");
  dl->AddText({lx, c1.y - fs * 1.5f}, dim, "contracts");
  dl->AddText({lx, c1.y - fs * 0.5f}, text_col, lo.c_str());
}

// [SECTION] Options row and the scrubber's slider

// The number of layers of `scene`'s family (0 = not a flow): the family registry says, without
// building a family on the UI thread.
int family_layers(const vi::Scene& scene) {
  try {
    return vi::family_num_layers(scene.family, scene.family_options);
  } catch (const std::exception&) {
    return 0;  // an unknown family: the engine reports it
  }
}

// Puts the next item on the same line when it fits, else on a new one.
void flow(const char* next_label, bool checkbox) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(next_label, nullptr, true).x +
                  (checkbox ? ImGui::GetFrameHeight() + style.ItemInnerSpacing.x : 2 * style.FramePadding.x);
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
}

void draw_scrubber_option(DensityViewState& st, bool comparing) {
  ImGui::BeginDisabled(comparing);
  ImGui::Checkbox("layers##scrubber", &st.scrubber);
  ImGui::EndDisabled();
  tooltip(comparing ? "The layer scrubber shows one flow at a time: clear the comparison to use it."
                    : "Layer scrubber: watch the flow build q one layer at a time. A slider picks k = 0 … K; "
                      "the view shows the base draws and a grid of the base space pushed through the "
                      "first k layers, over the colours of layer k's log|det J\u2096|.");
}

// The layer switches and "Reset view": in rows over the view, or, `compact`, folded into one
// "Layers" button whose popup holds them (the rows would take the picture's height).
void draw_options(DensityViewState& st, int layers, bool comparing, bool optimum, bool& reset_clicked, bool compact) {
  const bool scrubbing = st.scrubber && layers > 0 && !comparing;
  if (compact) {
    if (ImGui::Button("Layers \u25BE")) ImGui::OpenPopup("##density_layers");
    tooltip("What the view draws: the heatmap's scale, q's and p's contours, the samples, the means"
            "\u2026 (folded into this menu while the view is small for the text size).");
    ImGui::SetNextWindowSize({ImGui::GetFontSize() * 13, 0});
    if (ImGui::BeginPopup("##density_layers")) {
      draw_layer_options(st.layers, scrubbing, optimum);
      if (layers > 0) {
        flow("layers", true);
        draw_scrubber_option(st, comparing);
      }
      ImGui::EndPopup();
    }
    ImGui::SameLine();
    reset_clicked = ImGui::Button("Reset view");
    tooltip("Return to the target's default box (also: double-click the plot). "
            "Mouse wheel zooms about the cursor; drag pans.");
    return;
  }
  draw_layer_options(st.layers, scrubbing, optimum);
  if (layers > 0) {
    flow("layers", true);
    draw_scrubber_option(st, comparing);
  }
  flow("Reset view", false);
  reset_clicked = ImGui::Button("Reset view");
  tooltip("Return to the target's default box (also: double-click the plot). "
          "Mouse wheel zooms about the cursor; drag pans.");
}

}  // namespace

void draw_layer_options(DensityLayers& st, bool scrubbing, bool optimum) {
  ImGui::BeginDisabled(scrubbing);
  ImGui::Checkbox("log density", &st.log_density);
  tooltip("Colour the heatmap by log p̃(z) (clamped to 12 nats below its maximum) instead of "
          "by p̃(z) / max p̃. The log scale shows the tails that the linear scale hides.");
  flow("q contours", true);
  ImGui::Checkbox("q contours", &st.show_q_contours);
  tooltip("White lines: q's highest-density regions holding 50 %, 90 % and 99 % of its mass "
          "(thickest = 50 %), computed from q's exact density, not from samples.");
  ImGui::EndDisabled();
  flow("p contours", true);
  ImGui::Checkbox("p contours", &st.show_p_contours);
  tooltip("Dashed grey lines: the target's highest-density regions holding 50 %, 90 % and "
          "99 % of its mass (from quadrature on the grid).");
  flow("samples", true);
  ImGui::Checkbox("samples", &st.show_samples);
  tooltip("Orange dots: draws z = Tᵩ(ε) of q for a fixed set of base draws ε, so the "
          "cloud moves smoothly as φ changes.");
  flow("PSIS draws", true);
  ImGui::Checkbox("PSIS draws", &st.show_psis);
  tooltip("Blue dots: 600 of q's draws picked again in proportion to their Pareto-smoothed importance "
          "weights p\u0303(z)/q(z) (Vehtari et al.). Where q covers p they look like draws of p; where "
          "k\u0302 is large they pile onto a few points, and no reweighting reaches mass that q misses. "
          "Updated with k\u0302 (every \"k\u0302 every\" steps).");
  ImGui::BeginDisabled(scrubbing);
  flow("means", true);
  ImGui::Checkbox("means", &st.show_means);
  tooltip("Diamond: the mean of q. Cross: the mean of p (quadrature).");
  ImGui::EndDisabled();
  if (optimum) {
    flow("forward-KL optimum", true);
    ImGui::Checkbox("forward-KL optimum", &st.show_optimum);
    tooltip("Dashed pink ellipses: the Gaussian that minimizes KL(p\u2016q) within the family, in closed "
            "form. It matches p's moments: p's mean and covariance (a mean-field q takes p's marginal "
            "variances). A forward-KL fit should settle onto it; drawn at q's masses, 50 / 90 / 99 %.");
  }
}

namespace {

// The slider k = 0 … K, a "fit layer" button and a line saying what is shown.
void draw_scrub_slider(DensityViewState& st, int layers, const ScrubResult* r) {
  const float fs = ImGui::GetFontSize();
  int k = st.scrub_k < 0 ? layers : std::min(st.scrub_k, layers);
  const std::string format = "k = %d of " + std::to_string(layers);
  ImGui::SetNextItemWidth(std::min(ImGui::GetContentRegionAvail().x * 0.5f, fs * 16));
  if (clamped_slider("layer##scrub_k", &k, 0, layers, format.c_str())) st.scrub_k = k;
  tooltip("Scrub through the flow z = f\u2096 \u2218 \u2026 \u2218 f\u2081(z\u2080). At k the orange dots are the fixed base draws "
          "pushed through the first k layers: k = 0 is the base Gaussian z\u2080 = \u03BC + \u03C3 \u2299 \u03B5, and k = K "
          "is q itself (exactly the same points as q's samples in the normal view). The light lines "
          "are a square grid of the base space (its \u00B13\u03C3 box) pushed the same way; the thick ones "
          "are z\u2080's axes. The colours are layer k's log|det J\u2096| over the region its input covers: "
          "red where the layer expands area (density thins), blue where it contracts (density "
          "concentrates), white where it keeps area. Arrow keys step k when the slider is active.");
  ImGui::SameLine();
  vi::Box pts;
  const bool has_points = r && r->error.empty() && points_box(r->cloud, r->grid, pts);
  ImGui::BeginDisabled(!has_points);
  if (ImGui::Button("fit layer##scrub_fit") && has_points) {
    // The points' box, padded, widened to the target box's aspect ratio (the frame's shape).
    const double aspect = st.panel.home.width() / st.panel.home.height();
    double w = std::max(pts.width(), 1e-6) * 1.15, h = std::max(pts.height(), 1e-6) * 1.15;
    if (w / h < aspect) w = h * aspect;
    else h = w / aspect;
    const double cx = 0.5 * (pts.x0 + pts.x1), cy = 0.5 * (pts.y0 + pts.y1);
    st.panel.view = {cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2};
  }
  ImGui::EndDisabled();
  tooltip("Zoom and pan to the points after this layer (intermediate layers can move them far "
          "from the target). \u201CReset view\u201D or a double-click returns to the target's box.");
  std::string note;
  if (!r) {
    note = "computing\u2026";
  } else if (!r->error.empty()) {
    note = "cannot show the layers: " + r->error;
  } else if (r->key.k == 0) {
    note = "the base Gaussian z\u2080 (no layer yet)";
  } else if (r->key.k == r->layers && r->sample_mismatch >= 0) {
    note = r->sample_mismatch <= 1e-9 ? "k = K: q's own samples \u2713"
                                      : "k = K: differs from q's samples by " + plot::format_value(r->sample_mismatch, 2);
  } else {
    note = "after layer " + std::to_string(r->key.k) + "; colours at its input";
  }
  if (st.scrub.busy()) note += " (updating\u2026)";
  // On the same line when it fits.
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(note.c_str()).x) ImGui::NewLine();
  ImGui::TextDisabled("%s", note.c_str());
}

// The side-by-side grid: the number of columns that gives the largest frames.
int best_columns(int n, ImVec2 area, double box_aspect, float title_h) {
  const Margins m = frame_margins(true);
  int best = 1;
  float best_scale = -1;
  for (int cols = 1; cols <= n; ++cols) {
    const int rows = (n + cols - 1) / cols;
    const float cw = area.x / float(cols) - m.left - m.right;
    const float ch = area.y / float(rows) - title_h - m.top - m.bottom;
    const float scale = std::min(cw / float(box_aspect), ch);
    if (scale > best_scale) best_scale = scale, best = cols;
  }
  return best;
}

// The legend entries of what `st` shows (the scrubber's when `scrub_k` ≥ 0).
// `brief`: the short words of a compact view (the swatches say the rest).
std::vector<LegendEntry> legend_entries(const DensityLayers& st, bool has_target, int scrub_k = -1,
                                        bool has_optimum = false, bool brief = false) {
  std::vector<LegendEntry> entries;
  if (brief && scrub_k < 0) {
    if (st.show_q_contours) entries.push_back({Swatch::QContours, "q\u1D69 50/90/99 %"});
    if (st.show_p_contours && has_target) entries.push_back({Swatch::PContours, "p 50/90/99 %"});
    if (st.show_samples) entries.push_back({Swatch::Samples, "q\u1D69 samples"});
    if (st.show_psis) entries.push_back({Swatch::Psis, "PSIS draws"});
    if (st.show_means) entries.push_back({Swatch::QMean, "mean q\u1D69"}), entries.push_back({Swatch::PMean, "mean p"});
    if (st.show_optimum && has_optimum) entries.push_back({Swatch::Optimum, "q* (forward KL)"});
    return entries;
  }
  if (scrub_k >= 0) {
    const int k = scrub_k;
    entries.push_back({Swatch::Grid, "z\u2080 grid after " + std::to_string(k) + (k == 1 ? " layer" : " layers")});
    if (st.show_samples) entries.push_back({Swatch::Samples, "base draws after " + std::to_string(k)});
    if (st.show_p_contours && has_target) entries.push_back({Swatch::PContours, "p: 50 / 90 / 99 % mass"});
  } else {
    if (st.show_q_contours) entries.push_back({Swatch::QContours, "q\u1D69: 50 / 90 / 99 % mass (thick \u2192 thin)"});
    if (st.show_p_contours && has_target) entries.push_back({Swatch::PContours, "p: 50 / 90 / 99 % mass"});
    if (st.show_samples) entries.push_back({Swatch::Samples, "samples of q\u1D69"});
    if (st.show_psis) entries.push_back({Swatch::Psis, "q\u1D69's draws resampled by PSIS weights"});
    if (st.show_means) entries.push_back({Swatch::QMean, "mean of q\u1D69"}), entries.push_back({Swatch::PMean, "mean of p"});
    if (st.show_optimum && has_optimum) entries.push_back({Swatch::Optimum, "forward-KL optimum q* (moment matching)"});
  }
  return entries;
}

PixelRect to_pixels(const Frame& f) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(std::lround(f.a0.x * fb.x)), int(std::lround(f.a0.y * fb.y)), int(std::lround(f.a1.x * fb.x)),
          int(std::lround(f.a1.y * fb.y))};
}

}  // namespace

// [SECTION] One density panel

PanelResult draw_density_panel(DensityPanel& panel, const DensityLayers& layers, const vi::Snapshot& fit, ImVec2 r0,
                               ImVec2 r1, const PanelOptions& options) {
  sync_panel(panel, layers, fit.target, false);
  const FitFrame ff = draw_fit_view(panel, layers, fit.target.get(), {&fit, nullptr, 0, options}, r0, r1);
  return {ff.f.a0, ff.f.a1, to_pixels(ff.f), ff.hovered, ff.clicked};
}

float density_legend_height(const DensityLayers& layers, float width) {
  return layout_legend(legend_entries(layers, true), width).height();
}

void draw_density_legend(const DensityLayers& layers, float centre_x, float top, float width) {
  const LegendLayout legend = layout_legend(legend_entries(layers, true), width);
  draw_legend(ImGui::GetWindowDrawList(), legend, centre_x, top, ImGui::GetFontSize() / 18.0f);
}

void release_density_panel(DensityPanel& panel) {
  delete_texture(panel.texture);
  panel.uploaded.reset();
}

// [SECTION] draw_density_view

void release_density_view(DensityViewState& st) {
  release_density_panel(st.panel);
  delete_texture(st.scrub_texture);
  st.scrub_uploaded.reset();
}

PixelRect last_density_view_rect() { return g_last_rects.empty() ? PixelRect{} : g_last_rects.front(); }
std::vector<PixelRect> last_density_view_rects() { return g_last_rects; }

// Whether q can be dragged now (paused single view with a family made for the handles); drops a
// drag in progress when not.
bool sync_drag_family(DragQState& d, const vi::Snapshot& snap) {
  const bool paused = snap.state == vi::EngineState::Paused && snap.comparison.empty() && d.enabled &&
                      snap.q.mean.size() == 2;
  if (!paused) {
    d.handle = -1;
    return false;
  }
  if (!d.family || d.family_name != snap.scene.family || !(d.family_options == snap.scene.family_options)) {
    d.family_name = snap.scene.family;
    d.family_options = snap.scene.family_options;
    d.handle = -1;
    try {
      d.family = vi::make_family(snap.scene.family, 2, snap.scene.family_options);
    } catch (const std::exception&) {
      d.family.reset();
    }
  }
  return d.family != nullptr;
}

void draw_density_view(DensityViewState& st, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const float px = line_px();  // app/ui/widgets/style.hpp: the font's size and presentation mode's factor
  const std::shared_ptr<const vi::TargetView>& tv = snap.target;
  const bool comparing = !snap.comparison.empty();
  const int layers = family_layers(snap.scene);
  const bool scrubbing = st.scrubber && layers > 0 && !comparing;

  // The fits shown, the primary first, and the forward-KL optimum of each (null: none).
  const std::vector<const vi::Snapshot*> fits = vi::fits_of(snap);
  std::vector<std::shared_ptr<const ForwardKlReference>> optima;
  bool any_optimum = false;
  for (const vi::Snapshot* fit : fits) {
    optima.push_back(st.references.get(*fit));
    any_optimum |= optima.back() != nullptr;
  }

  // A view small for its text size (presentation mode, a small window): the layer switches fold
  // into a popup and the legend's text is smaller, so the picture keeps the room.
  const ImVec2 room = ImGui::GetContentRegionAvail();
  const bool compact = room.y < fs * 30 || room.x < fs * 36;
  bool reset_clicked = false;
  draw_options(st, layers, comparing, any_optimum, reset_clicked, compact);

  // The scrubber's result: the newest finished one, if it belongs to this family.
  std::shared_ptr<const ScrubResult> scrub;
  if (scrubbing) {
    const int k = st.scrub_k < 0 ? layers : std::min(st.scrub_k, layers);
    scrub = st.scrub.update(snap, k, st.may_block);
    if (scrub && (scrub->family != snap.scene.family || !(scrub->options == snap.scene.family_options))) scrub.reset();
    draw_scrub_slider(st, layers, scrub.get());
    if (scrub && !scrub->error.empty()) scrub.reset();
    if (scrub && scrub != st.scrub_uploaded) upload_log_det(st, scrub);
  }

  // View box: follow the target's box when it changes, keep the user's zoom otherwise.
  sync_panel(st.panel, st.layers, tv, reset_clicked);
  if (st.requested_view && tv && snap.scene.same_target(st.requested_for)) {
    st.panel.view = *st.requested_view;
    st.requested_view.reset();
  }

  // The legend under the view(s).
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  constexpr float kCompactLegend = 0.8f;  // the legend's text scale in a compact view
  if (compact) ImGui::SetWindowFontScale(kCompactLegend);
  const LegendLayout legend =
      layout_legend(
          legend_entries(st.layers, tv != nullptr, scrubbing ? (scrub ? scrub->key.k : 0) : -1, any_optimum, compact),
          avail.x - fs);
  if (compact) ImGui::SetWindowFontScale(1.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  g_last_rects.clear();
  // Keeps a legend centred under `centre_x` but inside the panel.
  auto legend_centre = [&](float centre_x) {
    const float half = legend.widest() * 0.5f;
    return std::clamp(centre_x, origin.x + half, std::max(origin.x + half, origin.x + avail.x - half));
  };

  if (!comparing) {
    // One fit: the frame, the colour bar on its right, the legend under it.
    const float right_m = fs * 5.4f;
    const float bottom = origin.y + avail.y - legend.height() - fs * 0.3f;
    FitView fv{&snap, scrubbing ? scrub.get() : nullptr, 0, {}, optima.front().get()};
    fv.options.compact = false;
    if (sync_drag_family(st.drag, snap) && !scrubbing) fv.drag = &st.drag;
    if (fv.scrub && st.scrub_uploaded == scrub) fv.scrub_texture = st.scrub_texture;
    const Frame f = draw_fit_view(st.panel, st.layers, tv.get(), fv, origin, {origin.x + avail.x - right_m, bottom}).f;
    g_last_rects.push_back(to_pixels(f));
    if (scrubbing && !scrub) {
      const char* msg = "computing the layers\u2026";
      const ImVec2 sz = ImGui::CalcTextSize(msg);
      plot::boxed_text(dl, {(f.a0.x + f.a1.x - sz.x) * 0.5f, (f.a0.y + f.a1.y - sz.y) * 0.5f},
                       ImGui::GetColorU32(ImGuiCol_Text), msg);
    }
    if (compact) ImGui::SetWindowFontScale(kCompactLegend);
    draw_legend(dl, legend, legend_centre((f.a0.x + f.a1.x) * 0.5f), f.a1.y + fs * 2.8f, px);
    if (compact) ImGui::SetWindowFontScale(1.0f);
    draw_colour_bar(dl, st.layers, f, scrubbing ? scrub.get() : nullptr);
  } else {
    // Fits side by side: the primary first, then each comparison fit, each titled with its
    // colour (as in the plots), family, sizes, objective and the KL it minimizes.
    const int n = int(fits.size());
    const float title_h = fs * 1.5f;
    const ImVec2 area{avail.x, std::max(avail.y - legend.height() - fs * 0.5f, fs * 8)};
    const int cols = best_columns(n, area, st.panel.view.width() / st.panel.view.height(), title_h);
    const int rows = (n + cols - 1) / cols;
    const float cw = area.x / float(cols), ch = area.y / float(rows);
    float frames_bottom = origin.y;
    for (int i = 0; i < n; ++i) {
      const vi::Snapshot& fit = *fits[size_t(i)];
      // A last row with fewer panels is centred.
      const int row = i / cols, in_row = std::min(cols, n - row * cols);
      const float row_x = origin.x + cw * float(cols - in_row) * 0.5f;
      const ImVec2 c0{row_x + cw * float(i % cols), origin.y + ch * float(row)};
      ImGui::PushID(i);
      const Frame f =
          draw_fit_view(st.panel, st.layers, tv.get(), {&fit, nullptr, 0, {}, optima[size_t(i)].get()},
                        {c0.x, c0.y + title_h}, {c0.x + cw, c0.y + ch})
              .f;
      ImGui::PopID();
      g_last_rects.push_back(to_pixels(f));
      frames_bottom = std::max(frames_bottom, f.a1.y);
      // The title over the frame: swatch, label, KL.
      const float ty = f.a0.y - title_h + fs * 0.1f;
      dl->AddRectFilled({f.a0.x, ty + fs * 0.3f}, {f.a0.x + fs * 0.7f, ty + fs * 1.0f}, plot::palette(i), 2.0f);
      const std::string label = fit_title(fit.scene);
      const bool diverged = fit.state == vi::EngineState::Diverged;
      // The divergence the fit minimizes: KL(p‖q) for forward KL, else KL(q‖p) (the table has both).
      const bool forward = fit.scene.objective == "forward-kl";
      const std::string kl = diverged ? "diverged"
                             : forward ? "KL(p\u2016q) = " + plot::format_value(fit.metrics.kl_p_q, 3)
                                       : "KL(q\u2016p) = " + plot::format_value(fit.metrics.kl_q_p, 3);
      const float lx = f.a0.x + fs * 1.0f;
      dl->AddText({lx, ty}, ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
      const float kx = lx + ImGui::CalcTextSize(label.c_str()).x + fs * 0.8f;
      const ImVec2 ksz = ImGui::CalcTextSize(kl.c_str());
      if (kx + ksz.x <= f.a1.x + fs * 0.5f)
        dl->AddText({kx, ty}, diverged ? kDivergedText : ImGui::GetColorU32(ImGuiCol_TextDisabled), kl.c_str());
    }
    const float centre = origin.x + avail.x * 0.5f;
    if (compact) ImGui::SetWindowFontScale(kCompactLegend);
    draw_legend(dl, legend, legend_centre(centre), frames_bottom + fs * 2.8f, px);
    if (compact) ImGui::SetWindowFontScale(1.0f);
  }

  // Leave the cursor under the view.
  ImGui::SetCursorScreenPos({origin.x, origin.y + avail.y});
  ImGui::Dummy({0, 0});
}

}  // namespace vilab
