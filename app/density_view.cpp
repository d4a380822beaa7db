// app/density_view.cpp — heatmap of p, contours of q and p, samples of q, axes, hover readout.
//
// Index
// [SECTION] Heatmap texture
// [SECTION] View box (zoom / pan)
// [SECTION] Drawing
#include "app/density_view.hpp"

#include "app/colormap.hpp"
#include "app/plot.hpp"
#include "app/tooltip.hpp"

#include <imgui.h>

#include <GL/gl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace vilab {

namespace {

// Last drawn frame rectangle, for tests and screenshots (written on the UI thread only).
PixelRect g_last_rect;

// Log density range of the "log density" colouring: [max − kLogRange, max].
constexpr double kLogRange = 12.0;

constexpr ImU32 kSampleFill = IM_COL32(255, 145, 30, 255);
constexpr ImU32 kSampleRim = IM_COL32(20, 10, 0, 220);
constexpr ImU32 kQLine = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kQOutline = IM_COL32(0, 0, 0, 200);
constexpr ImU32 kPLine = IM_COL32(215, 215, 225, 210);
constexpr ImU32 kOutside = IM_COL32(8, 9, 12, 255);

// [SECTION] Heatmap texture

double grid_max(const vi::Grid2D& g) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : g.values)
    if (std::isfinite(v)) m = std::max(m, v);
  return m;
}

void upload_heatmap(DensityViewState& st, const std::shared_ptr<const vi::TargetView>& tv) {
  const vi::Grid2D& g = tv->log_p;
  if (g.nx <= 0 || g.ny <= 0 || g.values.size() != size_t(g.nx) * size_t(g.ny)) {
    release_density_view(st);
    st.uploaded = tv;
    st.uploaded_log = st.log_density;
    return;
  }
  const double mx = grid_max(g);
  std::vector<uint8_t> rgba(size_t(g.nx) * size_t(g.ny) * 4);
  for (size_t k = 0; k < g.values.size(); ++k) {
    const double d = g.values[k] - mx;  // ≤ 0; −inf where p~ vanishes
    double t = 0;
    if (std::isfinite(mx) && !std::isnan(d)) t = st.log_density ? (d + kLogRange) / kLogRange : std::exp(d);
    const auto c = viridis_rgba8(t);
    std::copy(c.begin(), c.end(), rgba.begin() + long(4 * k));
  }
  if (st.texture == 0) {
    GLuint tex = 0;
    glGenTextures(1, &tex);
    st.texture = tex;
  }
  glBindTexture(GL_TEXTURE_2D, st.texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // Row 0 of the texture is the grid's row j = 0, i.e. the bottom of the box.
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, g.nx, g.ny, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  glBindTexture(GL_TEXTURE_2D, 0);
  st.uploaded = tv;
  st.uploaded_log = st.log_density;
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

// [SECTION] Drawing

// The polyline in screen coordinates, without points closer than a fraction of a pixel to the
// previous one (repeated points make ImGui's thick-line joins spike).
void to_screen(const Frame& f, const vi::Polyline& pl, std::vector<ImVec2>& out) {
  out.clear();
  for (size_t k = 0; k + 1 < pl.xy.size(); k += 2) {
    const ImVec2 p = f.s(pl.xy[k], pl.xy[k + 1]);
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
    if (!out.empty()) {
      const float dx = p.x - out.back().x, dy = p.y - out.back().y;
      if (dx * dx + dy * dy < 0.25f) continue;
    }
    out.push_back(p);
  }
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

// The legend under the frame: entries flow left to right, wrapping into rows.
struct LegendEntry {
  int kind;  // 0 q contours, 1 p contours, 2 samples, 3 mean of q, 4 mean of p
  const char* text;
};

struct LegendLayout {
  std::vector<LegendEntry> entries;
  std::vector<ImVec2> at;      // top-left of each entry, relative to the legend's origin
  std::vector<float> row_w;    // width of each row
  float row_h = 0;
  float height() const { return row_h * float(row_w.size()); }
};

constexpr float kSwatch = 1.6f;  // swatch width in font sizes

LegendLayout layout_legend(std::vector<LegendEntry> entries, float width) {
  const float fs = ImGui::GetFontSize();
  LegendLayout l;
  l.entries = std::move(entries);
  l.row_h = fs * 1.35f;
  float x = 0;
  for (const LegendEntry& e : l.entries) {
    const float ew = fs * (kSwatch + 0.4f) + ImGui::CalcTextSize(e.text).x;
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
      case 0:
        dl->AddLine({x0, cy}, {x0 + sw, cy}, kQOutline, 5.5f * px);
        dl->AddLine({x0, cy}, {x0 + sw, cy}, kQLine, 3.0f * px);
        break;
      case 1: {
        const ImVec2 seg[2] = {{x0, cy}, {x0 + sw, cy}};
        plot::dashed_polyline(dl, seg, 2, false, kPLine, 1.4f * px, 7 * px, 5 * px);
        break;
      }
      case 2:
        dl->AddCircleFilled({xm, cy}, 3.8f * px, kSampleRim, 10);
        dl->AddCircleFilled({xm, cy}, 2.8f * px, kSampleFill, 10);
        break;
      case 3: draw_diamond(dl, {xm, cy}, 6 * px, kSampleFill, IM_COL32(255, 255, 255, 255), 2.0f * px); break;
      default: draw_p_mean(dl, {xm, cy}, px); break;
    }
    dl->AddText({x0 + sw + fs * 0.4f, y0 + (l.row_h - fs) * 0.5f}, text_col, l.entries[k].text);
  }
}

}  // namespace

void release_density_view(DensityViewState& st) {
  if (st.texture != 0) {
    GLuint tex = st.texture;
    glDeleteTextures(1, &tex);
    st.texture = 0;
  }
  st.uploaded.reset();
}

PixelRect last_density_view_rect() { return g_last_rect; }

void draw_density_view(DensityViewState& st, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const float px = fs / 18.0f;
  const std::shared_ptr<const vi::TargetView>& tv = snap.target;

  // Options row (wraps when the panel is narrow).
  auto flow = [](const char* next_label, bool checkbox) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const float w = ImGui::CalcTextSize(next_label, nullptr, true).x +
                    (checkbox ? ImGui::GetFrameHeight() + style.ItemInnerSpacing.x : 2 * style.FramePadding.x);
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  };
  ImGui::Checkbox("log density", &st.log_density);
  tooltip("Colour the heatmap by log p̃(z) (clamped to 12 nats below its maximum) instead of "
          "by p̃(z) / max p̃. The log scale shows the tails that the linear scale hides.");
  flow("q contours", true);
  ImGui::Checkbox("q contours", &st.show_q_contours);
  tooltip("White lines: q's highest-density regions holding 50 %, 90 % and 99 % of its mass "
          "(thickest = 50 %), computed from q's exact density, not from samples.");
  flow("p contours", true);
  ImGui::Checkbox("p contours", &st.show_p_contours);
  tooltip("Dashed grey lines: the target's highest-density regions holding 50 %, 90 % and "
          "99 % of its mass (from quadrature on the grid).");
  flow("samples", true);
  ImGui::Checkbox("samples", &st.show_samples);
  tooltip("Orange dots: draws z = Tᵩ(ε) of q for a fixed set of base draws ε, so the "
          "cloud moves smoothly as φ changes.");
  flow("means", true);
  ImGui::Checkbox("means", &st.show_means);
  tooltip("Diamond: the mean of q. Cross: the mean of p (quadrature).");
  flow("Reset view", false);
  const bool reset_clicked = ImGui::Button("Reset view");
  tooltip("Return to the target's default box (also: double-click the plot). "
          "Mouse wheel zooms about the cursor; drag pans.");

  // View box: follow the target's box when it changes, keep the user's zoom otherwise.
  if (tv) {
    if (!st.has_view || !(st.home == tv->view) || reset_clicked) {
      st.home = tv->view;
      st.view = tv->view;
      st.has_view = true;
    }
  } else if (!st.has_view) {
    st.view = st.home = vi::Box{};
    st.has_view = true;
  }
  if (tv && (tv != st.uploaded || st.uploaded_log != st.log_density)) upload_heatmap(st, tv);

  // Layout: the frame keeps the box's aspect ratio; room for tick labels left and below, and
  // for the colour bar on the right.
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  std::vector<LegendEntry> entries;
  if (st.show_q_contours) entries.push_back({0, "q\u1D69: 50 / 90 / 99 % mass (thick \u2192 thin)"});
  if (st.show_p_contours && tv) entries.push_back({1, "p: 50 / 90 / 99 % mass"});
  if (st.show_samples) entries.push_back({2, "samples of q\u1D69"});
  if (st.show_means) entries.push_back({3, "mean of q\u1D69"}), entries.push_back({4, "mean of p"});
  const LegendLayout legend = layout_legend(std::move(entries), avail.x - fs);
  const float left_m = fs * 3.6f, top_m = fs * 0.4f;
  const float bottom_m = fs * 2.7f + legend.height() + fs * 0.3f;
  const float bar_w = fs * 0.9f, right_m = fs * 5.4f;
  const float aw = std::max(avail.x - left_m - right_m, fs * 5);
  const float ah = std::max(avail.y - top_m - bottom_m, fs * 5);
  const double bw = st.view.width(), bh = st.view.height();
  const float scale = float(std::min(aw / bw, ah / bh));
  const float fw = float(bw) * scale, fh = float(bh) * scale;
  Frame f;
  f.a0 = {origin.x + left_m + (aw - fw) * 0.5f, origin.y + top_m + (ah - fh) * 0.5f};
  f.a1 = {f.a0.x + fw, f.a0.y + fh};
  f.box = st.view;

  // Interaction: an invisible button over the frame.
  ImGui::SetCursorScreenPos(f.a0);
  ImGui::InvisibleButton("##density_frame", {std::max(fw, 1.0f), std::max(fh, 1.0f)});
  const bool hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
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
  f.box = st.view;

  const ImVec2 fb_scale = io.DisplayFramebufferScale;
  g_last_rect = {int(std::lround(f.a0.x * fb_scale.x)), int(std::lround(f.a0.y * fb_scale.y)),
                 int(std::lround(f.a1.x * fb_scale.x)), int(std::lround(f.a1.y * fb_scale.y))};

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddRectFilled(f.a0, f.a1, kOutside);
  dl->PushClipRect(f.a0, f.a1, true);

  // Heatmap.
  if (tv && st.texture != 0) {
    const vi::Box& gb = tv->log_p.box;
    dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(st.texture)), f.s(gb.x0, gb.y1),
                 f.s(gb.x1, gb.y0), {0, 1}, {1, 0});
  }

  // Faint grid at the ticks.
  double xstep = 1, ystep = 1;
  plot::nice_ticks(f.box.x0, f.box.x1, std::max(2, int(fw / (fs * 4.5f))), &xstep);
  plot::nice_ticks(f.box.y0, f.box.y1, std::max(2, int(fh / (fs * 3.0f))), &ystep);
  // One spacing on both axes: the aspect ratio is equal, so the grid should be square.
  xstep = ystep = std::max(xstep, ystep);
  auto ticks_every = [](double lo, double hi, double step) {
    std::vector<double> t;
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step && t.size() < 64; k += 1)
      t.push_back(std::abs(k) < 0.5 ? 0.0 : k * step);
    return t;
  };
  const std::vector<double> xt = ticks_every(f.box.x0, f.box.x1, xstep);
  const std::vector<double> yt = ticks_every(f.box.y0, f.box.y1, ystep);
  for (double x : xt) dl->AddLine({f.sx(x), f.a0.y}, {f.sx(x), f.a1.y}, IM_COL32(255, 255, 255, 22), 1.0f);
  for (double y : yt) dl->AddLine({f.a0.x, f.sy(y)}, {f.a1.x, f.sy(y)}, IM_COL32(255, 255, 255, 22), 1.0f);

  std::vector<ImVec2> pts;
  // p's contours: thin, dashed, under everything of q.
  if (tv && st.show_p_contours)
    for (const vi::Contour& c : tv->contours)
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        plot::dashed_polyline(dl, pts.data(), int(pts.size()), pl.closed, kPLine, 1.4f * px, 7 * px, 5 * px);
      }

  // q's samples.
  if (st.show_samples && snap.samples.rows() >= 2) {
    const float r = 2.8f * px;
    for (Eigen::Index s = 0; s < snap.samples.cols(); ++s) {
      const double x = snap.samples(0, s), y = snap.samples(1, s);
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      const ImVec2 c = f.s(x, y);
      dl->AddCircleFilled(c, r + 1.0f * px, kSampleRim, 10);
      dl->AddCircleFilled(c, r, kSampleFill, 10);
    }
  }

  // q's contours: a dark outline under a white line, so they read on every colour of the map.
  if (st.show_q_contours) {
    for (const vi::Contour& c : snap.q_contours) {
      const float th = q_contour_thickness(c.mass, px);
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        if (pts.size() >= 2)
          dl->AddPolyline(pts.data(), int(pts.size()), kQOutline, pl.closed ? ImDrawFlags_Closed : 0, th + 2.5f * px);
      }
    }
    for (const vi::Contour& c : snap.q_contours) {
      const float th = q_contour_thickness(c.mass, px);
      for (const vi::Polyline& pl : c.lines) {
        to_screen(f, pl, pts);
        if (pts.size() >= 2) dl->AddPolyline(pts.data(), int(pts.size()), kQLine, pl.closed ? ImDrawFlags_Closed : 0, th);
      }
    }
  }

  // Means.
  if (st.show_means) {
    if (tv && tv->data && tv->data->reference.moments.mean.size() >= 2) {
      const vi::Vec& m = tv->data->reference.moments.mean;
      draw_p_mean(dl, f.s(m(0), m(1)), px);
    }
    if (snap.q.mean.size() >= 2 && snap.q.mean.allFinite())
      draw_diamond(dl, f.s(snap.q.mean(0), snap.q.mean(1)), 7 * px, kSampleFill, IM_COL32(255, 255, 255, 255), 2.0f * px);
  }

  // Contour labels last, on the lines, so no line crosses them: each at the rightmost point of
  // its contour where the label fits in the frame and clears the labels already placed.
  if (st.show_q_contours) {
    std::vector<ImVec4> placed;  // boxes (x0, y0, x1, y1) labels must clear: the mean markers first
    const float pad = 3 * px;
    auto keep_clear = [&](const vi::Vec& m) {
      if (!st.show_means || m.size() < 2 || !m.allFinite()) return;
      const ImVec2 c = f.s(m(0), m(1));
      placed.push_back({c.x - 8 * px, c.y - 8 * px, c.x + 8 * px, c.y + 8 * px});
    };
    keep_clear(snap.q.mean);
    if (tv && tv->data) keep_clear(tv->data->reference.moments.mean);
    for (const vi::Contour& c : snap.q_contours) {
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
        for (const ImVec4& o : placed)
          clear &= b.z + 2 < o.x || o.z + 2 < b.x || b.w + 2 < o.y || o.w + 2 < b.y;
        if (!clear) continue;
        placed.push_back(b);
        dl->AddRectFilled({b.x, b.y}, {b.z, b.w}, IM_COL32(0, 0, 0, 200), 3.0f);
        dl->AddText({b.x + pad, b.y + pad * 0.5f}, kQLine, text.c_str());
        break;
      }
    }
  }

  // Hover readout.
  const ImVec2 mouse = io.MousePos;
  if (hovered) {
    const double zx = f.zx(mouse.x), zy = f.zy(mouse.y);
    std::string text = "z = (" + plot::format_value(zx) + ", " + plot::format_value(zy) + ")";
    if (tv && tv->log_p.nx > 0) {
      const vi::Grid2D& g = tv->log_p;
      const int i = int(std::floor((zx - g.box.x0) / g.dx())), j = int(std::floor((zy - g.box.y0) / g.dy()));
      if (i >= 0 && i < g.nx && j >= 0 && j < g.ny) text += "    log p̃(z) = " + plot::format_value(g.at(i, j));
      else text += "    (outside the grid)";
    }
    plot::boxed_text(dl, {f.a0.x + fs * 0.5f, f.a0.y + fs * 0.4f}, text_col, text.c_str());
  }

  if (!tv) {
    const char* msg = "waiting for the engine…";
    const ImVec2 sz = ImGui::CalcTextSize(msg);
    dl->AddText({(f.a0.x + f.a1.x - sz.x) * 0.5f, (f.a0.y + f.a1.y - sz.y) * 0.5f}, text_col, msg);
  }
  dl->PopClipRect();
  dl->AddRect(f.a0, f.a1, IM_COL32(140, 145, 160, 255), 0, 0, 1.0f);

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
  {
    const char* zx_label = "z\u2081";
    const char* zy_label = "z\u2082";
    const ImVec2 sx = ImGui::CalcTextSize(zx_label);
    dl->AddText({(f.a0.x + f.a1.x - sx.x) * 0.5f, f.a1.y + fs * 1.45f}, text_col, zx_label);
    const ImVec2 sy = ImGui::CalcTextSize(zy_label);
    dl->AddText({origin.x + fs * 0.2f, (f.a0.y + f.a1.y - sy.y) * 0.5f}, text_col, zy_label);
  }
  {
    // Centre the legend under the frame, but keep it inside the panel.
    float cx = (f.a0.x + f.a1.x) * 0.5f;
    float widest = 0;
    for (float rw : legend.row_w) widest = std::max(widest, rw);
    cx = std::clamp(cx, origin.x + widest * 0.5f, std::max(origin.x + widest * 0.5f, origin.x + avail.x - widest * 0.5f));
    draw_legend(dl, legend, cx, f.a1.y + fs * 2.8f, px);
  }

  // Colour bar.
  {
    const ImVec2 c0{f.a1.x + fs * 0.8f, f.a0.y + fs * 1.9f};
    const ImVec2 c1{c0.x + bar_w, f.a1.y};
    if (c1.y - c0.y > fs * 4) {
      constexpr int kSlices = 48;
      for (int k = 0; k < kSlices; ++k) {
        const double t0 = double(k) / kSlices, t1 = double(k + 1) / kSlices;
        const Rgb lo = viridis(t0), hi = viridis(t1);
        const float y0 = c1.y - float(t1) * (c1.y - c0.y), y1 = c1.y - float(t0) * (c1.y - c0.y);
        const ImU32 chi = ImGui::ColorConvertFloat4ToU32({hi.r, hi.g, hi.b, 1});
        const ImU32 clo = ImGui::ColorConvertFloat4ToU32({lo.r, lo.g, lo.b, 1});
        dl->AddRectFilledMultiColor({c0.x, y0}, {c1.x, y1}, chi, chi, clo, clo);
      }
      dl->AddRect(c0, c1, IM_COL32(140, 145, 160, 255));
      const char* title = st.log_density ? "log p̃" : "p̃ / max";
      dl->AddText({c0.x - fs * 0.3f, f.a0.y}, text_col, title);
      const char* l_hi = st.log_density ? "max" : "1";
      const char* l_mid = st.log_density ? "max\u22126" : "0.5";
      const char* l_lo = st.log_density ? "max\u221212" : "0";
      const float lx = c1.x + fs * 0.3f;
      dl->AddText({lx, c0.y - fs * 0.5f}, text_col, l_hi);
      dl->AddText({lx, (c0.y + c1.y) * 0.5f - fs * 0.5f}, text_col, l_mid);
      dl->AddText({lx, c1.y - fs * 0.5f}, text_col, l_lo);
    }
  }

  // Leave the cursor under the view.
  ImGui::SetCursorScreenPos({origin.x, origin.y + avail.y});
  ImGui::Dummy({0, 0});
}

}  // namespace vilab
