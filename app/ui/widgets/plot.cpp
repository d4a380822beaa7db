// app/ui/widgets/plot.cpp — line plots with ImDrawList: ticks, log scale, reference lines, legend, hover
// readout; the categorical palette.
//
// Index
// [SECTION] Ticks and labels
// [SECTION] Drawing helpers
// [SECTION] Line plots
// [SECTION] Colours
#include "app/ui/widgets/plot.hpp"

#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/style.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace vilab::plot {

// [SECTION] Ticks and labels

namespace {

// Replaces an ASCII '-' sign by the true minus sign U+2212 (reads better on a projector).
std::string with_true_minus(const char* s) {
  std::string out;
  for (const char* c = s; *c; ++c) {
    if (*c == '-' && (c == s || c[-1] == 'e' || c[-1] == ' ')) out += "\u2212";
    else out += *c;
  }
  return out;
}

// "10⁻³" for a decade exponent.
std::string decade_label(int k) {
  if (k == 0) return "1";
  if (k == 1) return "10";
  constexpr const char* kSup[10] = {"\u2070", "\u00B9", "\u00B2", "\u00B3", "\u2074",
                                           "\u2075", "\u2076", "\u2077", "\u2078", "\u2079"};
  std::string s = "10";
  if (k < 0) s += "\u207B";
  const std::string digits = std::to_string(std::abs(k));
  for (char d : digits) s += kSup[d - '0'];
  return s;
}

// "−1.5e−7", "2e33": `significant` digits (trailing zeros dropped), a true minus, no '+' and no
// leading zeros in the exponent.
std::string scientific(double v, int significant) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*e", std::max(0, significant - 1), v);
  std::string s = buf;
  const size_t e = s.find('e');
  std::string mant = s.substr(0, e), ex = s.substr(e + 1);
  if (mant.find('.') != std::string::npos) {
    while (mant.back() == '0') mant.pop_back();
    if (mant.back() == '.') mant.pop_back();
  }
  const bool neg = !ex.empty() && ex[0] == '-';
  if (!ex.empty() && (ex[0] == '-' || ex[0] == '+')) ex.erase(0, 1);
  while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
  if (ex == "0") return with_true_minus(mant.c_str());
  return with_true_minus((mant + "e" + (neg ? "-" : "") + ex).c_str());
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_ticks, double* step) {
  std::vector<double> out;
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(hi > lo)) {
    if (step) *step = 1;
    if (std::isfinite(lo)) out.push_back(lo);
    return out;
  }
  max_ticks = std::max(2, max_ticks);
  // The smallest 1, 2, 5 × 10^k spacing that gives at most max_ticks + 1 ticks in [lo, hi]:
  // the most ticks the room allows, so a narrow axis still gets two or more.
  auto count = [&](double s) { return std::floor(hi / s + 1e-9) - std::ceil(lo / s - 1e-9) + 1; };
  double s = std::pow(10.0, std::floor(std::log10((hi - lo) / (10.0 * max_ticks))));
  constexpr double kMantissa[3] = {1, 2, 5};
  double chosen = s;
  for (int k = 0; k < 64; ++k) {
    const double c = kMantissa[k % 3] * s * std::pow(10.0, k / 3);
    chosen = c;
    if (count(c) <= max_ticks + 1) break;
  }
  if (step) *step = chosen;
  const double k0 = std::ceil(lo / chosen - 1e-9);
  for (int i = 0; i < 64; ++i) {
    double v = (k0 + i) * chosen;
    if (v > hi + 1e-9 * chosen) break;
    if (std::abs(v) < 1e-9 * chosen) v = 0;
    out.push_back(v);
  }
  return out;
}

std::string format_tick(double v, double step) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "\u221E" : "\u2212\u221E";
  step = std::abs(step);
  if (!(step > 0) || !std::isfinite(step)) step = std::max(std::abs(v), 1e-300);
  char buf[64];
  const double av = std::abs(v);
  // Decimals a fixed label needs so that ticks `step` apart differ (step 0.25 → 2).
  auto decimals = [](double s) { return std::max(0, int(std::ceil(-std::log10(s) - 1e-9))); };
  if (av < step * 1e-6) {
    std::snprintf(buf, sizeof buf, "0");
  } else if (av >= 1e6 && av < 1e9 && step >= 1e5) {
    std::snprintf(buf, sizeof buf, "%.*fM", decimals(step / 1e6), v / 1e6);  // ≤ 6 characters: "−999.9M"
  } else if (av >= 1e4 && av < 1e6 && step >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.*fk", decimals(step / 1e3), v / 1e3);  // "−999k"
  } else if (step >= 1e-4 && av < 1e6 && decimals(step) + int(std::floor(std::log10(std::max(av, 1.0)))) < 9) {
    std::snprintf(buf, sizeof buf, "%.*f", decimals(step), v);  // at most 9 digits: "−12345.678"
  } else {
    // Huge, tiny, or a narrow range far from 0: scientific, with the significant digits the step
    // needs (at most 4, so a label never grows past "−1.234e−123").
    const int exponent = int(std::floor(std::log10(av)));
    const int sig = std::clamp(exponent - int(std::floor(std::log10(step))) + 1, 1, 4);
    return scientific(v, sig);
  }
  return with_true_minus(buf);
}

std::string format_value(double v, int significant) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "\u221E" : "\u2212\u221E";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  if (std::strchr(buf, 'e')) return scientific(v, significant);  // "−5e33", not "-5e+33"
  return with_true_minus(buf);
}

// [SECTION] Drawing helpers

void boxed_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const char* text) {
  const ImVec2 size = ImGui::CalcTextSize(text);
  const float pad = 0.25f * ImGui::GetFontSize();
  dl->AddRectFilled({pos.x - pad, pos.y - pad * 0.5f}, {pos.x + size.x + pad, pos.y + size.y + pad * 0.5f},
                    IM_COL32(0, 0, 0, 185), 3.0f);
  dl->AddText(pos, color, text);
}

void dashed_polyline(ImDrawList* dl, const ImVec2* pts, int n, bool closed, ImU32 color,
                     float thickness, float dash, float gap) {
  if (n < 2) return;
  std::vector<ImVec2> piece;
  bool on = true;
  float remaining = dash;
  const int segments = closed ? n : n - 1;
  auto flush = [&] {
    if (piece.size() >= 2) dl->AddPolyline(piece.data(), int(piece.size()), color, 0, thickness);
    piece.clear();
  };
  for (int s = 0; s < segments; ++s) {
    const ImVec2 a = pts[s];
    const ImVec2 b = pts[(s + 1) % n];
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len <= 0) continue;
    float t = 0;
    while (t < len) {
      const float take = std::min(remaining, len - t);
      if (on) {
        if (piece.empty()) piece.push_back({a.x + dx * t / len, a.y + dy * t / len});
        piece.push_back({a.x + dx * (t + take) / len, a.y + dy * (t + take) / len});
      }
      t += take;
      remaining -= take;
      if (remaining <= 1e-4f) {
        if (on) flush();
        on = !on;
        remaining = on ? dash : gap;
      }
    }
  }
  flush();
}

// [SECTION] Line plots

namespace {

// The frame's colours; the high-contrast theme (app/ui/widgets/style.hpp) makes them black and bright.
ImU32 frame_bg() { return high_contrast() ? IM_COL32(0, 0, 0, 255) : IM_COL32(14, 16, 22, 255); }
ImU32 frame_border() { return high_contrast() ? IM_COL32(230, 230, 230, 255) : IM_COL32(110, 115, 130, 255); }
ImU32 grid_major() { return high_contrast() ? IM_COL32(255, 255, 255, 70) : IM_COL32(255, 255, 255, 30); }
ImU32 grid_minor() { return high_contrast() ? IM_COL32(255, 255, 255, 30) : IM_COL32(255, 255, 255, 12); }

// The largest |value| a linear axis spans (twice it, plus padding, is still a finite double).
constexpr double kMaxAxisValue = 1e300;

// One axis, x or y: linear, or log10 (then positions are in decades).
struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  // in transformed units (log10 v when log)
  double t(double v) const { return log ? std::log10(v) : v; }
  bool valid(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

struct Tick {
  double pos;  // transformed units
  std::string label;
};

std::vector<Tick> axis_ticks(const Axis& ax, int max_ticks, double min_gap, std::vector<double>* minor) {
  std::vector<Tick> out;
  if (!ax.log) {
    double step = 1;
    for (double v : nice_ticks(ax.lo, ax.hi, max_ticks, &step)) out.push_back({v, format_tick(v, step)});
    return out;
  }
  const int d0 = int(std::ceil(ax.lo - 1e-9)), d1 = int(std::floor(ax.hi + 1e-9));
  if (minor && d1 - d0 <= 8)
    for (int k = d0 - 2; k <= d1 + 1; ++k)
      for (int m = 2; m <= 9; ++m) {
        const double p = k + std::log10(double(m));
        if (p > ax.lo && p < ax.hi) minor->push_back(p);
      }
  if (d1 - d0 >= 1) {
    const int every = std::max(1, (d1 - d0 + max_ticks - 1) / max_ticks);
    for (int k = d0; k <= d1; ++k)
      if ((k - d0) % every == 0) out.push_back({double(k), decade_label(k)});
    if (d1 - d0 >= 2) return out;
  }
  // Few decades in view: add m × 10^k by priority (1, 5, 2, then the rest) while they stay at
  // least `min_gap` (axis units) from every tick already placed.
  for (int m : {1, 5, 2, 3, 4, 6, 7, 8, 9}) {
    for (int k = d0 - 2; k <= d1 + 1; ++k) {
      const double p = k + std::log10(double(m));
      if (p < ax.lo || p > ax.hi) continue;
      bool clear = true;
      for (const Tick& t : out) clear &= std::abs(t.pos - p) >= min_gap;
      if (!clear) continue;
      const double v = m * std::pow(10.0, k);
      out.push_back({p, k >= 2 || k < -3 ? format_value(v) : format_tick(v, std::pow(10.0, k))});
    }
    if (m == 2 && out.size() >= 4) break;  // 1-2-5 is enough when it gives four ticks
  }
  return out;
}

// Index of the point whose x is nearest to `x` (points sorted by x), measured on the axis
// (in decades on a log axis); `x` is in the axis' units.
int nearest_index(const Series& s, const Axis& xa, double x) {
  auto pos = [&](int i) {
    const double v = s.point(i).x;
    return xa.valid(v) ? xa.t(v) : -std::numeric_limits<double>::infinity();
  };
  int lo = 0, hi = s.count - 1;
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (pos(mid) < x) lo = mid;
    else hi = mid;
  }
  return std::abs(pos(lo) - x) <= std::abs(pos(hi) - x) ? lo : hi;
}

}  // namespace

namespace {

// One line plot as it is drawn: where it is, its axes, and how values map to pixels. line_plot
// fills it step by step (the axes from the data, then the frame's place); the drawing steps read it.
struct PlotFrame {
  float fs = 0, px = 0, w = 0, h = 0;  // font size, line-width unit, the widget's size
  ImVec2 p0;                          // the widget's top-left corner
  ImDrawList* dl = nullptr;
  ImU32 text_col = 0, dim_col = 0;
  Axis ax, xa;                        // y and x
  double x_lo = 0, x_hi = 1;          // the x range in the x axis' units (decades on a log axis)
  bool has_data = false;
  ImVec2 a0, a1;                      // the frame's corners
  float sx(double x) const { return float(a0.x + (x - x_lo) / (x_hi - x_lo) * (a1.x - a0.x)); }  // axis units
  float sxd(double x) const { return sx(xa.t(x)); }                                                 // data units
  float sy(double t) const { return float(a1.y - (t - ax.lo) / (ax.hi - ax.lo) * (a1.y - a0.y)); }
};

// Legend entries above the frame (Corner::Above): laid out right-aligned after the title,
// wrapping into more rows when they do not fit.
struct LegendAbove {
  struct Placed {
    const Series* s;
    float x;  // offset from the left end of its row
    int row;
  };
  std::vector<Placed> entries;
  int rows = 0;
  float sw = 0, gap = 0, entry_gap = 0, row_h = 0;  // swatch width, gaps, row height
};

LegendAbove legend_metrics(float fs) {
  LegendAbove l;
  l.sw = fs * 1.4f, l.gap = fs * 0.35f, l.entry_gap = fs * 0.9f, l.row_h = fs * 1.35f;
  return l;
}

// The axes' ranges from the data (the fitted series, their error bars and the reference lines).
void fit_axes(PlotFrame& f, const PlotConfig& cfg, std::span<const Series> series, std::span<const RefLine> refs) {
  Axis& ax = f.ax;
  Axis& xa = f.xa;
  ax.log = cfg.log_y;
  xa.log = cfg.log_x;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  std::vector<double> fitted;
  for (const Series& s : series) {
    if (s.count <= 0) continue;
    if (!xa.log) {
      x_lo = std::min(x_lo, s.point(0).x);
      x_hi = std::max(x_hi, s.point(s.count - 1).x);
    } else {
      for (int i = 0; i < s.count; ++i)
        if (const double x = s.point(i).x; xa.valid(x)) x_lo = std::min(x_lo, xa.t(x)), x_hi = std::max(x_hi, xa.t(x));
    }
    if (!s.fit) continue;
    for (int i = 0; i < s.count; ++i) {
      const double y = s.point(i).y;
      if (!ax.valid(y)) continue;
      fitted.push_back(ax.t(y));
      // The error bars fit too (their lower end only where the axis can show it).
      const double e = s.error ? s.error(i) : 0.0;
      if (!(std::isfinite(e) && e > 0)) continue;
      if (ax.valid(y + e)) fitted.push_back(ax.t(y + e));
      if (ax.valid(y - e)) fitted.push_back(ax.t(y - e));
    }
  }
  const bool has_data = std::isfinite(x_lo);
  f.has_data = has_data;
  if (!has_data) x_lo = 0, x_hi = 1;
  if (!(x_hi > x_lo)) x_hi = x_lo + 1;
  if (xa.log) {
    // Markers at the first and last x would sit on the frame: pad both ends.
    const double pad = 0.06 * (x_hi - x_lo);
    x_lo -= pad, x_hi += pad;
  }
  xa.lo = x_lo, xa.hi = x_hi;
  f.x_lo = x_lo, f.x_hi = x_hi;

  double y_lo = std::numeric_limits<double>::infinity(), y_hi = -y_lo;
  if (!fitted.empty()) {
    size_t k = size_t(std::clamp(cfg.ignore_low_fraction, 0.0, 0.5) * double(fitted.size() - 1));
    std::nth_element(fitted.begin(), fitted.begin() + long(k), fitted.end());
    y_lo = fitted[k];
    y_hi = *std::max_element(fitted.begin(), fitted.end());
  }
  for (const RefLine& r : refs)
    if (ax.valid(r.y)) y_lo = std::min(y_lo, ax.t(r.y)), y_hi = std::max(y_hi, ax.t(r.y));
  if (!std::isfinite(y_lo)) y_lo = ax.log ? -3 : 0, y_hi = ax.log ? 0 : 1;
  // A blown-up fit's values can reach ±1e308, where the span and its padding overflow to ∞: bound
  // the range so that the ticks and the mapping to pixels stay finite.
  y_lo = std::clamp(y_lo, -kMaxAxisValue, kMaxAxisValue);
  y_hi = std::clamp(y_hi, -kMaxAxisValue, kMaxAxisValue);
  if (y_hi - y_lo < 1e-12 * std::max(1.0, std::abs(y_hi))) {
    const double d = ax.log ? 0.5 : std::max(1e-3, 0.05 * std::abs(y_hi));
    y_lo -= d, y_hi += d;
  }
  const double pad = 0.06 * (y_hi - y_lo);
  ax.lo = y_lo - pad, ax.hi = y_hi + pad;

}

void layout_legend_above(LegendAbove& l, const PlotFrame& f, const PlotConfig& cfg, std::span<const Series> series) {
  const float fs = f.fs, w = f.w, sw = l.sw, gap = l.gap, entry_gap = l.entry_gap;
  std::vector<LegendAbove::Placed>& above = l.entries;
  int& above_rows = l.rows;
  if (cfg.legend == Corner::Above) {
    const float title_w = cfg.title.empty() ? 0 : ImGui::CalcTextSize(cfg.title.c_str()).x + fs;
    int cur_row = 0;
    float used = 0;
    bool row_empty = true;
    for (const Series& s : series) {
      if (!s.in_legend) continue;
      const float ew = sw + gap + ImGui::CalcTextSize(s.label.c_str()).x;
      const float room = cur_row == 0 ? w - title_w : w;
      float x = row_empty ? 0 : used + entry_gap;
      if (x + ew > room && (!row_empty || (cur_row == 0 && title_w > 0))) {
        ++cur_row;
        x = 0;
      }
      above.push_back({&s, x, cur_row});
      used = x + ew;
      row_empty = false;
    }
    above_rows = above.empty() ? 0 : cur_row + 1;
  }
}

// The frame's corners (a title row on top, tick labels left and below) and the y ticks, with a
// log axis' minor lines in `minor`.
std::vector<Tick> place_frame(PlotFrame& f, const PlotConfig& cfg, const LegendAbove& legend, std::vector<double>& minor) {
  const float fs = f.fs, h = f.h, w = f.w, row_h = legend.row_h;
  const int above_rows = legend.rows;
  const Axis& ax = f.ax;
  const ImVec2 p0 = f.p0;
  const int header_rows = std::max(above_rows, cfg.title.empty() ? 0 : 1);
  const float title_h = header_rows == 0 ? fs * 0.4f : header_rows * row_h;
  const float bottom_h = fs * 1.5f;
  const float plot_h = h - title_h - bottom_h;
  const double min_gap = (ax.hi - ax.lo) * double(fs * 1.6f) / std::max(1.0, double(plot_h));
  const std::vector<Tick> yt = axis_ticks(ax, std::max(2, int(plot_h / (fs * 2.2f))), min_gap, &minor);
  float label_w = 0;
  for (const Tick& t : yt) label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  f.a0 = ImVec2{p0.x + label_w + fs * 0.6f, p0.y + title_h};
  f.a1 = ImVec2{p0.x + w - fs * 0.5f, p0.y + h - bottom_h};

  return yt;
}

// The grid, the tick labels of both axes and the x axis' label; the probe gets the labels.
void draw_grid_and_ticks(const PlotFrame& f, const char* id, const PlotConfig& cfg, const std::vector<Tick>& yt,
                         const std::vector<double>& minor) {
  const float fs = f.fs;
  const ImVec2 a0 = f.a0, a1 = f.a1, p0 = f.p0;
  const Axis& xa = f.xa;
  const double x_lo = f.x_lo, x_hi = f.x_hi;
  ImDrawList* dl = f.dl;
  const ImU32 text_col = f.text_col, dim_col = f.dim_col;
  auto sx = [&](double x) { return f.sx(x); };
  auto sy = [&](double t) { return f.sy(t); };
  for (double m : minor) dl->AddLine({a0.x, sy(m)}, {a1.x, sy(m)}, grid_minor(), 1.0f);
  for (const Tick& t : yt) {
    const float y = sy(t.pos);
    dl->AddLine({a0.x, y}, {a1.x, y}, grid_major(), 1.0f);
    const ImVec2 sz = ImGui::CalcTextSize(t.label.c_str());
    dl->AddText({a0.x - fs * 0.3f - sz.x, y - sz.y * 0.5f}, text_col, t.label.c_str());
  }
  // x ticks, leaving room for the x label at the right.
  const ImVec2 xl_size = ImGui::CalcTextSize(cfg.x_label.c_str());
  const float label_row = a1.y + fs * 0.2f;
  const float xl_left = a1.x - xl_size.x;
  dl->AddText({xl_left, label_row}, dim_col, cfg.x_label.c_str());
  const int max_xt = std::max(2, int((a1.x - a0.x) / (fs * 4.5f)));
  std::vector<Tick> xt;
  if (!cfg.x_ticks.empty()) {
    for (double v : cfg.x_ticks)
      if (xa.valid(v) && xa.t(v) >= x_lo && xa.t(v) <= x_hi) xt.push_back({xa.t(v), format_value(v)});
  } else if (xa.log) {
    xt = axis_ticks(xa, max_xt, (x_hi - x_lo) * double(fs * 3.0f) / std::max(1.0, double(a1.x - a0.x)), nullptr);
  } else {
    double xstep = 1;
    for (double x : nice_ticks(x_lo, x_hi, max_xt, &xstep)) xt.push_back({x, format_tick(x, xstep)});
  }
  if (probe_enabled()) {  // the tick labels of every plot, for a test that reads them
    nlohmann::json ys = nlohmann::json::array(), xs = nlohmann::json::array();
    for (const Tick& t : yt) ys.push_back(t.label);
    for (const Tick& t : xt) xs.push_back(t.label);
    probe_state(std::string("plot:") + id, {{"title", cfg.title}, {"y_ticks", ys}, {"x_ticks", xs}});
  }
  for (const Tick& t : xt) {
    const float X = sx(t.pos);
    dl->AddLine({X, a0.y}, {X, a1.y}, grid_major(), 1.0f);
    const std::string& lab = t.label;
    const ImVec2 sz = ImGui::CalcTextSize(lab.c_str());
    const float left = std::max(p0.x, X - sz.x * 0.5f);
    if (left + sz.x > xl_left - fs * 0.5f) continue;
    dl->AddText({left, label_row}, text_col, lab.c_str());
  }

}

// Dashed reference lines, horizontal and vertical.
void draw_reference_lines(const PlotFrame& f, std::span<const RefLine> refs, std::span<const XRefLine> xrefs) {
  const float px = f.px;
  const ImVec2 a0 = f.a0, a1 = f.a1;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  const double x_lo = f.x_lo, x_hi = f.x_hi;
  ImDrawList* dl = f.dl;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  for (const RefLine& r : refs) {
    if (!ax.valid(r.y)) continue;
    const float y = sy(ax.t(r.y));
    const ImVec2 line[2] = {{a0.x, y}, {a1.x, y}};
    dashed_polyline(dl, line, 2, false, r.color, 1.5f * px, 8 * px, 5 * px);
  }
  for (const XRefLine& r : xrefs) {
    if (!xa.valid(r.x) || xa.t(r.x) < x_lo || xa.t(r.x) > x_hi) continue;
    const float x = sxd(r.x);
    const ImVec2 line[2] = {{x, a0.y}, {x, a1.y}};
    dashed_polyline(dl, line, 2, false, r.color, 1.5f * px, 8 * px, 5 * px);
  }

}

// Bands (Series::fill_to), under every line: one quad per pair of points at least a pixel
// apart, split into two triangles where the edges cross. Without anti-aliased edges, which
// would show every seam between neighbouring quads as a stripe.
void draw_bands(const PlotFrame& f, std::span<const Series> series) {
  const float h = f.h;
  const ImVec2 a0 = f.a0, a1 = f.a1;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  ImDrawList* dl = f.dl;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  const ImDrawListFlags saved_flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (const Series& s : series) {
    if (!s.fill_to || s.count <= 0) continue;
    bool have = false;
    ImVec2 prev_a{}, prev_b{};  // the previous point on the series and on the other edge
    for (int i = 0; i < s.count; ++i) {
      const Point p = s.point(i);
      const double e = s.fill_to(i);
      if (!ax.valid(p.y) || !ax.valid(e) || !xa.valid(p.x)) {
        have = false;
        continue;
      }
      const float X = sxd(p.x);
      const ImVec2 a{X, std::clamp(sy(ax.t(p.y)), a0.y - 4 * h, a1.y + 4 * h)};
      const ImVec2 b{X, std::clamp(sy(ax.t(e)), a0.y - 4 * h, a1.y + 4 * h)};
      if (have && X - prev_a.x < 1.0f && i + 1 < s.count) continue;  // dense: one quad per pixel column
      if (have) {
        const float d0 = prev_a.y - prev_b.y, d1 = a.y - b.y;
        if ((d0 > 0 && d1 < 0) || (d0 < 0 && d1 > 0)) {
          const float t = d0 / (d0 - d1);
          const ImVec2 c{prev_a.x + t * (a.x - prev_a.x), prev_a.y + t * (a.y - prev_a.y)};
          dl->AddTriangleFilled(prev_a, c, prev_b, s.fill_color);
          dl->AddTriangleFilled(c, a, b, s.fill_color);
        } else {
          dl->AddQuadFilled(prev_a, a, b, prev_b, s.fill_color);
        }
      }
      prev_a = a, prev_b = b, have = true;
    }
  }
  dl->Flags = saved_flags;

}

// The series, decimated to a min/max envelope per pixel column when dense, with their error bars
// and markers over them.
void draw_series(const PlotFrame& f, std::span<const Series> series) {
  const float h = f.h, px = f.px;
  const ImVec2 a0 = f.a0, a1 = f.a1;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  ImDrawList* dl = f.dl;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  std::vector<ImVec2> run;
  for (const Series& s : series) {
    if (s.count <= 0) continue;
    const float thick = s.thickness * px;
    const bool dense = s.count > 2 * int(a1.x - a0.x);
    auto flush = [&] {
      if (run.size() >= 2) dl->AddPolyline(run.data(), int(run.size()), s.color, 0, thick);
      else if (run.size() == 1) dl->AddCircleFilled(run[0], thick, s.color);
      run.clear();
    };
    int col = std::numeric_limits<int>::min();
    ImVec2 cmin{}, cmax{};
    bool cmin_first = true;
    auto emit_column = [&] {
      if (col == std::numeric_limits<int>::min()) return;
      if (cmin.y == cmax.y) run.push_back(cmin);
      else if (cmin_first) run.push_back(cmin), run.push_back(cmax);
      else run.push_back(cmax), run.push_back(cmin);
      col = std::numeric_limits<int>::min();
    };
    for (int i = 0; i < s.count; ++i) {
      const Point p = s.point(i);
      if (!ax.valid(p.y) || !xa.valid(p.x)) {
        emit_column();
        flush();
        continue;
      }
      // Clamp far-off values so the polyline stays numerically sane; the clip rect hides them.
      const float y = std::clamp(sy(ax.t(p.y)), a0.y - 4 * h, a1.y + 4 * h);
      const ImVec2 q{sxd(p.x), y};
      if (!dense) {
        run.push_back(q);
        continue;
      }
      const int c = int(std::floor(q.x));
      if (c != col) {
        emit_column();
        col = c, cmin = cmax = q, cmin_first = true;
      } else {
        // Screen y grows downward: "min" here is the top of the column.
        if (q.y < cmin.y) cmin = q, cmin_first = false;
        if (q.y > cmax.y) cmax = q, cmin_first = true;
      }
    }
    emit_column();
    flush();
    // Error bars (with caps) and markers, over the line.
    if (!s.error && !s.markers) continue;
    for (int i = 0; i < s.count; ++i) {
      const Point p = s.point(i);
      if (!ax.valid(p.y) || !xa.valid(p.x)) continue;
      const float X = sxd(p.x), Y = sy(ax.t(p.y));
      const double e = s.error ? s.error(i) : 0.0;
      if (std::isfinite(e) && e > 0) {
        const float top = ax.valid(p.y + e) ? sy(ax.t(p.y + e)) : a0.y;
        const float bottom = ax.valid(p.y - e) ? sy(ax.t(p.y - e)) : a1.y + 2;
        const float cap = 4 * px;
        dl->AddLine({X, top}, {X, bottom}, s.color, 1.6f * px);
        dl->AddLine({X - cap, top}, {X + cap, top}, s.color, 1.6f * px);
        dl->AddLine({X - cap, bottom}, {X + cap, bottom}, s.color, 1.6f * px);
      }
      if (s.markers) {
        dl->AddCircleFilled({X, Y}, 4.2f * px, IM_COL32(0, 0, 0, 230));
        dl->AddCircleFilled({X, Y}, 3.0f * px, s.color);
      }
    }
  }
}

// The reference lines' labels, over the data.
void draw_reference_labels(const PlotFrame& f, std::span<const RefLine> refs, std::span<const XRefLine> xrefs) {
  const float fs = f.fs, px = f.px;
  const ImVec2 a0 = f.a0, a1 = f.a1;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  const double x_lo = f.x_lo, x_hi = f.x_hi;
  ImDrawList* dl = f.dl;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  // Reference labels over the data, at the right end, above the line when there is room.
  std::vector<ImVec4> label_boxes;  // (x0, y0, x1, y1) of the labels placed
  for (const RefLine& r : refs) {
    if (!ax.valid(r.y) || r.label.empty()) continue;
    const float y = sy(ax.t(r.y));
    const ImVec2 sz = ImGui::CalcTextSize(r.label.c_str());
    float ty = y - sz.y - 4 * px;
    if (ty < a0.y + 2) ty = y + 4 * px;
    const float tx = a1.x - sz.x - fs * 0.4f;
    boxed_text(dl, {tx, ty}, r.color, r.label.c_str());
    label_boxes.push_back({tx - fs * 0.3f, ty - fs * 0.2f, tx + sz.x + fs * 0.3f, ty + sz.y + fs * 0.2f});
  }
  // Vertical reference labels near the top: right of the line (left when it would run out of
  // the frame), moved down past the labels above; a line beyond the data gets its label at the
  // right edge with an arrow.
  for (const XRefLine& r : xrefs) {
    if (!xa.valid(r.x) || xa.t(r.x) < x_lo || r.label.empty()) continue;
    const bool beyond = xa.t(r.x) > x_hi;
    const std::string text = beyond ? r.label + " at " + format_value(r.x) + " \u2192" : r.label;
    const ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    float tx = beyond ? a1.x - sz.x - fs * 0.4f : sxd(r.x) + fs * 0.35f;
    if (!beyond && tx + sz.x > a1.x - fs * 0.2f) tx = sxd(r.x) - fs * 0.35f - sz.x;
    float ty = a0.y + fs * 0.3f;
    for (bool moved = true; moved;) {
      moved = false;
      for (const ImVec4& b : label_boxes)
        if (tx < b.z && tx + sz.x > b.x && ty < b.w && ty + sz.y > b.y) ty = b.w + fs * 0.2f, moved = true;
    }
    boxed_text(dl, {tx, ty}, r.color, text.c_str());
    label_boxes.push_back({tx - fs * 0.3f, ty - fs * 0.2f, tx + sz.x + fs * 0.3f, ty + sz.y + fs * 0.2f});
  }
}

// The legend: above the frame, or in a corner of it (Corner::Auto: the emptiest).
void draw_legend(const PlotFrame& f, const PlotConfig& cfg, const LegendAbove& legend, std::span<const Series> series,
                 std::span<const RefLine> refs) {
  const float fs = f.fs, px = f.px, w = f.w;
  const ImVec2 a0 = f.a0, a1 = f.a1, p0 = f.p0;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  ImDrawList* dl = f.dl;
  const ImU32 text_col = f.text_col;
  const float sw = legend.sw, gap = legend.gap, row_h = legend.row_h;
  const int above_rows = legend.rows;
  const std::vector<LegendAbove::Placed>& above = legend.entries;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  if (cfg.legend == Corner::Above) {
    // Right-align each row: find its width first.
    std::vector<float> row_w(size_t(std::max(above_rows, 1)), 0.0f);
    for (const LegendAbove::Placed& e : above)
      row_w[size_t(e.row)] = std::max(row_w[size_t(e.row)], e.x + sw + gap + ImGui::CalcTextSize(e.s->label.c_str()).x);
    for (const LegendAbove::Placed& e : above) {
      const float x0 = p0.x + w - fs * 0.5f - row_w[size_t(e.row)] + e.x;
      const float y0 = p0.y + e.row * row_h;
      const float cy = y0 + row_h * 0.5f;
      if (e.s->legend_swatch) dl->AddRectFilled({x0, cy - fs * 0.35f}, {x0 + sw, cy + fs * 0.35f}, e.s->color, 2.0f);
      else dl->AddLine({x0, cy}, {x0 + sw, cy}, e.s->color, std::max(2.0f, e.s->thickness) * px);
      dl->AddText({x0 + sw + gap, y0 + (row_h - fs) * 0.5f}, text_col, e.s->label.c_str());
    }
  } else {
    const float row = fs * 1.15f;
    float lw = 0;
    int rows = 0;
    for (const Series& s : series)
      if (s.in_legend) lw = std::max(lw, ImGui::CalcTextSize(s.label.c_str()).x), ++rows;
    if (rows > 0) {
      const ImVec2 box{sw + gap + lw + fs * 0.8f, rows * row + fs * 0.4f};
      auto corner_origin = [&](Corner c) {
        const bool left = c == Corner::TopLeft || c == Corner::BottomLeft;
        const bool top = c == Corner::TopLeft || c == Corner::TopRight;
        return ImVec2{left ? a0.x + fs * 0.4f : a1.x - fs * 0.4f - box.x,
                      top ? a0.y + fs * 0.4f : a1.y - fs * 0.4f - box.y};
      };
      Corner corner = cfg.legend;
      if (corner == Corner::Auto) {
        // The corner whose legend box covers the fewest (sub-sampled) data points and no
        // reference line; ties go to the first in this order.
        const Corner order[] = {Corner::TopRight, Corner::BottomRight, Corner::TopLeft, Corner::BottomLeft};
        int best = std::numeric_limits<int>::max();
        for (Corner c : order) {
          const ImVec2 o = corner_origin(c);
          int hits = 0;
          for (const Series& s : series) {
            const int stride = std::max(1, s.count / 400);
            for (int i = 0; i < s.count; i += stride) {
              const Point p = s.point(i);
              if (!ax.valid(p.y) || !xa.valid(p.x)) continue;
              const float X = sxd(p.x), Y = sy(ax.t(p.y));
              hits += X >= o.x && X <= o.x + box.x && Y >= o.y && Y <= o.y + box.y;
            }
          }
          for (const RefLine& r : refs)
            if (ax.valid(r.y)) {
              const float Y = sy(ax.t(r.y));
              if (Y >= o.y - fs * 1.2f && Y <= o.y + box.y) hits += 1000;
            }
          if (hits < best) best = hits, corner = c;
        }
      }
      const ImVec2 b0 = corner_origin(corner);
      dl->AddRectFilled(b0, {b0.x + box.x, b0.y + box.y}, IM_COL32(0, 0, 0, 190), 4.0f);
      dl->AddRect(b0, {b0.x + box.x, b0.y + box.y}, IM_COL32(255, 255, 255, 50), 4.0f);
      float y = b0.y + fs * 0.2f;
      for (const Series& s : series) {
        if (!s.in_legend) continue;
        const float cy = y + row * 0.5f;
        if (s.legend_swatch)
          dl->AddRectFilled({b0.x + fs * 0.4f, cy - fs * 0.35f}, {b0.x + fs * 0.4f + sw, cy + fs * 0.35f}, s.color, 2.0f);
        else
          dl->AddLine({b0.x + fs * 0.4f, cy}, {b0.x + fs * 0.4f + sw, cy}, s.color, std::max(2.0f, s.thickness) * px);
        dl->AddText({b0.x + fs * 0.4f + sw + gap, y + (row - fs) * 0.5f}, text_col, s.label.c_str());
        y += row;
      }
    }
  }

}

// The hover readout: a vertical cursor and the values at the nearest x.
void draw_hover(const PlotFrame& f, const PlotConfig& cfg, bool hovered, std::span<const Series> series,
                std::span<const RefLine> refs, std::span<const XRefLine> xrefs) {
  const float px = f.px;
  const ImVec2 a0 = f.a0, a1 = f.a1;
  const Axis& ax = f.ax;
  const Axis& xa = f.xa;
  const double x_lo = f.x_lo, x_hi = f.x_hi;
  const bool has_data = f.has_data;
  ImDrawList* dl = f.dl;
  auto sxd = [&](double x) { return f.sxd(x); };
  auto sy = [&](double t) { return f.sy(t); };
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (hovered && has_data && mouse.x >= a0.x && mouse.x <= a1.x && mouse.y >= a0.y && mouse.y <= a1.y) {
    const double xm = x_lo + (mouse.x - a0.x) / (a1.x - a0.x) * (x_hi - x_lo);  // axis units
    dl->AddLine({mouse.x, a0.y}, {mouse.x, a1.y}, IM_COL32(255, 255, 255, 120), 1.0f);
    ImGui::BeginTooltip();
    bool header = false;
    for (const Series& s : series) {
      if (s.count <= 0) continue;
      const Point p = s.point(nearest_index(s, xa, xm));
      if (!header) {
        ImGui::Text("%s %s", cfg.x_label.c_str(), format_value(p.x).c_str());
        header = true;
      }
      if (ax.valid(p.y) && xa.valid(p.x)) {
        dl->PushClipRect(a0, a1, true);
        dl->AddCircleFilled({sxd(p.x), sy(ax.t(p.y))}, 4 * px, s.color);
        dl->AddCircle({sxd(p.x), sy(ax.t(p.y))}, 4 * px, IM_COL32(0, 0, 0, 255), 0, 1.5f * px);
        dl->PopClipRect();
      }
      const double e = s.error ? s.error(nearest_index(s, xa, xm)) : 0.0;
      std::string value = format_value(p.y);
      if (std::isfinite(e) && e > 0) value.append(" \u00B1 ").append(format_value(e, 2));
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color | IM_COL32_A_MASK), "%s: %s",
                         s.label.c_str(), value.c_str());
    }
    for (const RefLine& r : refs)
      if (!r.label.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.color), "%s", r.label.c_str());
    for (const XRefLine& r : xrefs)
      if (!r.label.empty())
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(r.color), "%s at %s %s", r.label.c_str(),
                           cfg.x_label.c_str(), format_value(r.x).c_str());
    ImGui::EndTooltip();
  }
}

}  // namespace

void line_plot(const char* id, const PlotConfig& cfg, std::span<const Series> series,
               std::span<const RefLine> refs, std::span<const XRefLine> xrefs) {
  PlotFrame f;
  f.fs = ImGui::GetFontSize();
  f.px = line_px();  // line widths scale with the font and presentation mode (app/ui/widgets/style.hpp)
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  f.w = std::max(avail.x, f.fs * 10);
  f.h = std::max(cfg.height > 0 ? cfg.height : avail.y, f.fs * 7);
  f.p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, {f.w, f.h});
  const bool hovered = ImGui::IsItemHovered();
  f.dl = ImGui::GetWindowDrawList();
  f.text_col = ImGui::GetColorU32(ImGuiCol_Text);
  f.dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);

  fit_axes(f, cfg, series, refs);
  LegendAbove legend = legend_metrics(f.fs);
  layout_legend_above(legend, f, cfg, series);  // entries only for Corner::Above
  std::vector<double> minor;
  const std::vector<Tick> yt = place_frame(f, cfg, legend, minor);

  f.dl->AddRectFilled(f.a0, f.a1, frame_bg());
  draw_grid_and_ticks(f, id, cfg, yt, minor);
  f.dl->PushClipRect(f.a0, f.a1, true);
  draw_reference_lines(f, refs, xrefs);
  draw_bands(f, series);
  draw_series(f, series);
  draw_reference_labels(f, refs, xrefs);
  f.dl->PopClipRect();
  f.dl->AddRect(f.a0, f.a1, frame_border(), 0, 0, high_contrast() ? 2.0f : 1.0f);

  if (!cfg.title.empty()) f.dl->AddText({f.p0.x, f.p0.y + f.fs * 0.1f}, f.text_col, cfg.title.c_str());
  if (!f.has_data) {
    const char* msg = "no data yet";
    const ImVec2 sz = ImGui::CalcTextSize(msg);
    f.dl->AddText({(f.a0.x + f.a1.x - sz.x) * 0.5f, (f.a0.y + f.a1.y - sz.y) * 0.5f}, f.dim_col, msg);
  }
  draw_legend(f, cfg, legend, series, refs);
  draw_hover(f, cfg, hovered, series, refs, xrefs);
}

// [SECTION] Colours

ImU32 palette(int i) {
  // High contrast: the same hues in the same order, saturated and brighter on black.
  constexpr ImU32 kVivid[] = {
      IM_COL32(255, 176, 0, 255),    // orange
      IM_COL32(90, 200, 255, 255),   // sky blue
      IM_COL32(0, 225, 150, 255),    // bluish green
      IM_COL32(255, 120, 205, 255),  // reddish purple
      IM_COL32(255, 90, 20, 255),    // vermillion
      IM_COL32(80, 150, 255, 255),   // blue
  };
  constexpr ImU32 kPalette[] = {
      IM_COL32(230, 159, 0, 255),    // orange
      IM_COL32(86, 180, 233, 255),   // sky blue
      IM_COL32(0, 158, 115, 255),    // bluish green
      IM_COL32(204, 121, 167, 255),  // reddish purple
      IM_COL32(213, 94, 0, 255),     // vermillion
      IM_COL32(60, 140, 220, 255),   // blue (lightened from #0072B2 for the dark theme)
  };
  constexpr int n = int(sizeof kPalette / sizeof kPalette[0]);
  static_assert(sizeof kVivid == sizeof kPalette);
  return (high_contrast() ? kVivid : kPalette)[((i % n) + n) % n];
}

}  // namespace vilab::plot
