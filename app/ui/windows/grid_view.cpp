// app/ui/windows/grid_view.cpp — see grid_view.hpp.
//
// Index
// [SECTION] Opening and releasing
// [SECTION] The command bar
// [SECTION] Layout
// [SECTION] Panels, labels and KL curves
// [SECTION] The status line
// [SECTION] draw_grid_view
#include "app/ui/windows/grid_view.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/panels/controls.hpp"
#include "app/ui/panels/metrics_panel.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/status_line.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/engine/fit_grid.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace vilab {

namespace {

// Frames drawn in the last frame, for tests and screenshots (written on the UI thread only).
std::vector<PixelRect> g_last_rects;

constexpr double kSpeedMin = 1, kSpeedMax = 20000;  // steps/s of every cell
const ImVec4 kAccent{0.55f, 0.78f, 1.0f, 1.0f};
constexpr ImU32 kDivergedText = IM_COL32(255, 168, 64, 255);
constexpr ImU32 kFrameOutside = IM_COL32(8, 9, 12, 255);

}  // namespace

// [SECTION] Opening and releasing

void open_grid(GridViewState& st, const std::string& preset) {
  if (st.session && st.session->name() == preset) {
    st.preset = preset;
    return;
  }
  vi::FitGrid grid = vi::make_fit_grid(preset);  // throws for an unknown name
  auto next = std::make_unique<GridSession>(std::move(grid), preset, st.max_speed ? 0.0 : st.speed);
  if (st.session) retire_grid_session(std::move(st.session), st.retiring);
  st.session = std::move(next);
  st.preset = preset;
  // The panels' textures stay (sync_panel uploads a new heatmap when a panel's target changes);
  // those of panels the new grid does not have are deleted.
  const size_t n = size_t(st.session->cells());
  for (size_t i = n; i < st.panels.size(); ++i) release_density_panel(st.panels[i]);
  st.panels.resize(n);
}

void release_grid_view(GridViewState& st) {
  for (DensityPanel& p : st.panels) release_density_panel(p);
  st.panels.clear();
  if (st.session) retire_grid_session(std::move(st.session), st.retiring);
  st.retiring.stop_and_wait();  // every session retired has gone
}

std::vector<PixelRect> last_grid_panel_rects() { return g_last_rects; }

namespace {

// [SECTION] The command bar

// Back, play / pause, reset, steps, speed, and the preset: one row (wrapping when narrow).
GridRequest draw_command_bar(GridViewState& st) {
  GridSession& s = *st.session;
  const float fs = ImGui::GetFontSize();
  const bool ready = s.all_ready();
  GridRequest req;
  if (ImGui::Button("\u25C0 Single view")) req.kind = GridRequest::Kind::Back;
  tooltip("Back to the single view (the grid pauses and keeps its fits; \u201COpen the grid view\u201D returns "
          "to them). Or click a panel to open that fit in the single view.");
  ImGui::SameLine(0, fs * 1.2f);
  const bool playing = s.playing();
  ImGui::PushStyleColor(ImGuiCol_Button, playing ? ImVec4(0.55f, 0.30f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.22f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, playing ? ImVec4(0.68f, 0.38f, 0.16f, 1) : ImVec4(0.20f, 0.56f, 0.28f, 1));
  if (ImGui::Button(playing ? "\u275A\u275A Pause##grid_play" : "\u25B6 Play##grid_play", {fs * 6.0f, 0})) s.toggle_play();
  ImGui::PopStyleColor(2);
  tooltip("Run every cell at once (Space), each at the speed limit: the cells stay at about the same step "
          "unless the machine cannot keep up with the deepest flows.");
  ImGui::SameLine();
  ImGui::BeginDisabled(!ready);
  if (ImGui::Button("\u21BA Reset##grid_reset")) s.reset();
  tooltip(ready ? "Start every fit again from its initial q (R); the seeds make the new runs identical."
                : "Available once every cell has started.");
  ImGui::SameLine(0, fs * 1.2f);
  ImGui::TextUnformatted("step");
  for (const int n : {1, 10, 100, 1000}) {
    ImGui::SameLine();
    std::string label = "+";  // appended: "literal" + std::string trips a false GCC 12 -Wrestrict
    label.append(std::to_string(n)).append("##grid_step");
    if (ImGui::Button(label.c_str())) s.step(n);
    tooltip("Take this many optimizer steps in every cell (\u2192: one), then pause.");
  }
  ImGui::EndDisabled();
  ImGui::SameLine(0, fs * 1.2f);
  bool speed_changed = false;
  ImGui::SetNextItemWidth(fs * 11);
  ImGui::BeginDisabled(st.max_speed);
  clamped_slider("##grid_speed", &st.speed, kSpeedMin, kSpeedMax, "%.0f steps/s", ImGuiSliderFlags_Logarithmic);
  // Sent when the drag ends: every command makes an engine publish a snapshot.
  speed_changed |= ImGui::IsItemDeactivatedAfterEdit();
  ImGui::EndDisabled();
  tooltip("The speed limit of every cell while playing, in optimizer steps per second.");
  ImGui::SameLine();
  speed_changed |= ImGui::Checkbox("max##grid_max", &st.max_speed);
  tooltip("No speed limit: every cell steps as fast as it can (shallow flows then run ahead of deep ones).");
  if (speed_changed) s.set_speed(st.max_speed ? 0.0 : st.speed);

  ImGui::SameLine(0, fs * 1.2f);
  const float combo_w = fs * 12;
  if (ImGui::GetContentRegionAvail().x < combo_w + fs * 3) ImGui::NewLine();
  ImGui::TextUnformatted("grid");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_w);
  if (ImGui::BeginCombo("##grid_preset", st.preset.c_str())) {
    for (const auto& info : vi::fit_grid_registry()) {
      const bool selected = info.name == st.preset;
      // Opened after the frame: this frame's drawing still reads the current session.
      if (ImGui::Selectable(info.name.c_str(), selected) && !selected) st.switch_to = info.name;
      tooltip(info.summary.c_str());
    }
    ImGui::EndCombo();
  }
  tooltip("Another grid preset (its fits start afresh; this one's are let go).");
  return req;
}

// [SECTION] Layout

struct Layout {
  ImVec2 origin;
  float label_w = 0;   // the row labels' column
  float header_h = 0;  // the column labels' row
  float title_h = 0;   // each panel's title line (its KL)
  float side = 0;      // a panel's frame (square box: the frame fits its target's aspect inside)
  float gap = 0;       // between panels
  float row_h = 0;
  float plot_x = 0, plot_w = 0;  // the KL curves' column
  float cell_x(int c) const { return origin.x + label_w + float(c) * (side + gap); }
  float row_y(int r) const { return origin.y + header_h + float(r) * row_h; }
  float panels_right() const { return origin.x + label_w + float(std::max(0, cols)) * (side + gap) - gap; }
  int cols = 0;
};

Layout layout(const vi::FitGrid& g, ImVec2 origin, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  Layout l;
  l.origin = origin;
  l.cols = g.cols();
  l.label_w = fs * 3.2f;
  l.header_h = fs * 1.7f;
  l.title_h = fs * 1.45f;
  l.gap = fs * 0.45f;
  l.row_h = (size.y - l.header_h) / float(std::max(1, g.rows()));
  const float plot_min = fs * 18;
  const float by_height = l.row_h - l.title_h - l.gap;
  const float by_width = (size.x - l.label_w - plot_min - fs) / float(std::max(1, g.cols())) - l.gap;
  l.side = std::max(fs * 4, std::min(by_height, by_width));
  l.plot_x = l.panels_right() + fs * 1.2f;
  l.plot_w = std::max(origin.x + size.x - l.plot_x, 0.0f);
  return l;
}

// [SECTION] Panels, labels and KL curves

// The cell's title, as long as fits in `width`: "KL(q‖p) = 0.123" when exact; "KL(q‖p) ≈ 0.123
// ± 0.004" for a flow's Monte Carlo estimate while it steps; shorter forms ("KL = 0.123",
// "0.123") in narrow panels; "diverged at step n"; "starting…".
std::string panel_title(const vi::Snapshot* snap, float width, bool& diverged) {
  diverged = false;
  if (!snap) return "starting\u2026";
  if (snap->state == vi::EngineState::Diverged) {
    diverged = true;
    return std::string("diverged at step ").append(std::to_string(snap->step));
  }
  const vi::Metrics& m = snap->metrics;
  const std::string value = plot::format_value(m.kl_q_p, 3);
  const std::string sign = snap->metrics_exact ? " = " : " \u2248 ";
  const std::string error = snap->metrics_exact ? "" : " \u00B1 " + plot::format_value(m.kl_q_p_error, 1);
  for (const std::string& t : {"KL(q\u2016p)" + sign + value + error, "KL(q\u2016p)" + sign + value, "KL" + sign + value})
    if (ImGui::CalcTextSize(t.c_str()).x <= width) return t;
  return (snap->metrics_exact ? "" : "\u2248 ") + value;
}

void draw_headers(const Layout& l, const vi::FitGrid& g) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  // Column labels, a little larger than the text, each after a swatch in its colour (the colour
  // of its KL curves).
  const float head = fs * 1.2f;
  for (int c = 0; c < g.cols(); ++c) {
    const std::string& label = g.col_labels[size_t(c)];
    const float w = head * 1.1f + ImGui::GetFont()->CalcTextSizeA(head, FLT_MAX, 0, label.c_str()).x;
    const float x = l.cell_x(c) + (l.side - w) * 0.5f, y = l.origin.y + fs * 0.1f;
    dl->AddRectFilled({x, y + head * 0.2f}, {x + head * 0.75f, y + head * 0.95f}, plot::palette(c), 2.0f);
    dl->AddText(ImGui::GetFont(), head, {x + head * 1.1f, y}, text, label.c_str());
  }
  // Row labels, large, centred on their frames.
  const float big = fs * 1.5f;
  for (int r = 0; r < g.rows(); ++r) {
    const std::string& label = g.row_labels[size_t(r)];
    const ImVec2 sz = ImGui::GetFont()->CalcTextSizeA(big, l.label_w, 0, label.c_str());
    const float y = l.row_y(r) + l.title_h + l.side * 0.5f - sz.y * 0.5f;
    dl->AddText(ImGui::GetFont(), big, {l.origin.x + (l.label_w - l.gap - sz.x) * 0.5f, y}, text, label.c_str());
  }
  if (l.plot_w > fs * 6) {
    const char* title = "KL(q\u2016p) against step, in the columns' colours";
    dl->AddText({l.plot_x + fs * 0.4f, l.origin.y + fs * 0.2f}, text, title);
  }
}

// One cell: its title, its density panel (or a placeholder), and its click.
void draw_cell(GridViewState& st, const Layout& l, int r, int c, const vi::Snapshot* snap, GridRequest& req) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const vi::FitGrid& g = st.session->grid();
  const int i = r * g.cols() + c;
  const ImVec2 r0{l.cell_x(c), l.row_y(r) + l.title_h};
  const ImVec2 r1{r0.x + l.side, r0.y + l.side};
  bool diverged = false;
  const std::string title = panel_title(snap, l.side + l.gap * 0.5f, diverged);
  const ImU32 title_col = diverged ? kDivergedText
                          : snap && snap->metrics_exact ? ImGui::GetColorU32(ImGuiCol_Text)
                                                        : ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImVec2 tsz = ImGui::CalcTextSize(title.c_str());
  dl->AddText({r0.x + std::max(0.0f, (l.side - tsz.x) * 0.5f), r0.y - l.title_h + fs * 0.15f}, title_col, title.c_str());

  if (!snap) {
    dl->AddRectFilled(r0, r1, kFrameOutside);
    const std::string& err = st.session->error(i);
    const std::string msg = err.empty() ? "starting\u2026" : "failed: " + err;
    const ImVec2 sz = ImGui::CalcTextSize(msg.c_str(), nullptr, false, l.side - fs);
    dl->AddText(ImGui::GetFont(), fs, {r0.x + (l.side - sz.x) * 0.5f, r0.y + (l.side - sz.y) * 0.5f},
                ImGui::GetColorU32(ImGuiCol_TextDisabled), msg.c_str(), nullptr, l.side - fs);
    return;
  }
  PanelOptions opt;
  opt.axes = false;            // every panel shows its target's box; the header says which
  opt.contour_labels = false;  // the legend says 50 / 90 / 99 %; labels would cover a small q
  opt.interactive = false;     // a click opens the cell instead of panning
  ImGui::PushID(i);
  const PanelResult res = draw_density_panel(st.panels[size_t(i)], st.layers, *snap, r0, r1, opt);
  ImGui::PopID();
  g_last_rects.push_back(res.pixels);
  if (res.hovered) {
    dl->AddRect({res.a0.x - 2, res.a0.y - 2}, {res.a1.x + 2, res.a1.y + 2}, ImGui::GetColorU32(kAccent), 0, 0, 2.0f);
    const std::string tip = g.cell_name(r, c) + ", step " + std::to_string(snap->step) +
                            ": click to open this fit in the single view (it replays the same seed to the same step).";
    tooltip(tip.c_str());
  }
  if (res.clicked) req = {GridRequest::Kind::OpenCell, i};
}

// Row r's KL(q‖p) against step, one line per column in the column's colour.
void draw_row_curves(GridViewState& st, const Layout& l, int r, const std::vector<std::shared_ptr<const vi::Snapshot>>& snaps) {
  const float fs = ImGui::GetFontSize();
  if (l.plot_w < fs * 10) return;
  const vi::FitGrid& g = st.session->grid();
  std::vector<plot::Series> series;
  std::vector<plot::XRefLine> xrefs;
  for (int c = 0; c < g.cols(); ++c) {
    const auto& snap = snaps[size_t(r * g.cols() + c)];
    if (!snap) continue;
    plot::Series s = history_series(g.col_labels[size_t(c)], plot::palette(c), 2.2f, &snap->history,
                                    &vi::HistoryPoint::kl_q_p);
    s.in_legend = false;  // the column headers carry the colours
    series.push_back(std::move(s));
    const int T = snap->scene.anneal;
    if (T > 0 && std::none_of(xrefs.begin(), xrefs.end(), [&](const plot::XRefLine& x) { return x.x == T; }))
      xrefs.push_back({double(T), "\u03B2 = 1", IM_COL32(205, 208, 220, 220)});
  }
  plot::PlotConfig cfg;
  cfg.height = l.side + l.title_h;
  cfg.log_y = st.kl_log_scale;
  cfg.x_label = "step";
  ImGui::SetCursorScreenPos({l.plot_x, l.row_y(r)});
  const std::string id = std::string("##grid_kl_").append(std::to_string(r));
  plot::line_plot(id.c_str(), cfg, series, {}, xrefs);
}

// [SECTION] The status line

void draw_status(const GridSession& s, const std::vector<std::shared_ptr<const vi::Snapshot>>& snaps) {
  int64_t lo = INT64_MAX, hi = 0;
  int diverged = 0;
  double rate = 0;
  for (const auto& snap : snaps) {
    if (!snap) continue;
    lo = std::min(lo, snap->step);
    hi = std::max(hi, snap->step);
    diverged += snap->state == vi::EngineState::Diverged;
    rate += snap->steps_per_s;
  }
  const bool playing = s.playing();
  ImGui::TextColored(playing ? ImVec4(0.45f, 0.90f, 0.50f, 1.0f) : ImVec4(0.80f, 0.82f, 0.88f, 1.0f), "\u25CF %s",
                     playing ? "playing" : "paused");
  ImGui::SameLine();
  ImGui::TextDisabled("\u2502");
  ImGui::SameLine();
  if (lo == INT64_MAX) ImGui::TextUnformatted("starting");
  else if (lo == hi) ImGui::Text("step %lld", static_cast<long long>(lo));
  else ImGui::Text("step %lld \u2026 %lld", static_cast<long long>(lo), static_cast<long long>(hi));
  tooltip("The cells' steps, slowest to fastest. While playing, a cell that cannot keep up with the speed "
          "limit (a deep flow on a busy machine) falls behind.");
  ImGui::SameLine();
  ImGui::TextDisabled("\u2502");
  ImGui::SameLine();
  ImGui::Text("%d of %d cells running", s.ready(), s.cells());
  if (diverged > 0) {
    ImGui::SameLine();
    ImGui::TextColored({1.0f, 0.66f, 0.25f, 1.0f}, "(%d diverged)", diverged);
  }
  ImGui::SameLine();
  ImGui::TextDisabled("\u2502");
  ImGui::SameLine();
  ImGui::Text("%.0f steps/s in all \u2502 %.0f fps", rate, double(ImGui::GetIO().Framerate));
  draw_key_hint("Space play/pause \u00B7 \u2192 step \u00B7 R reset \u00B7 click a panel: single view");
}

}  // namespace

// [SECTION] draw_grid_view

GridRequest draw_grid_view(GridViewState& st, bool keys) {
  st.retiring.poll();  // lets go of sessions that have gone
  g_last_rects.clear();
  if (!st.session) return {GridRequest::Kind::Back, -1};
  GridSession& s = *st.session;
  s.poll();
  const vi::FitGrid& g = s.grid();
  const float fs = ImGui::GetFontSize();

  if (keys) {
    const ShortcutKeys k = read_shortcuts();
    if (k.toggle_play) s.toggle_play();
    if (s.all_ready() && k.steps > 0) s.step(k.steps);
    if (s.all_ready() && k.reset) s.reset();
  }

  GridRequest req = draw_command_bar(st);

  // The title, then the layers' switches on its line when they fit.
  ImGui::PushStyleColor(ImGuiCol_Text, kAccent);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(g.title.c_str());
  ImGui::PopStyleColor();
  ImGui::SameLine(0, fs * 2);
  if (ImGui::GetContentRegionAvail().x < fs * 40) ImGui::NewLine();
  draw_layer_options(st.layers);
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < fs * 9) ImGui::NewLine();
  ImGui::Checkbox("KL log scale##grid_kl_log", &st.kl_log_scale);
  tooltip("The KL curves on a log axis (KL shrinks over decades as q converges). While a flow steps, its "
          "KL(q\u2016p) is the Monte Carlo estimate on fixed draws (\u2248, grey in the panel titles); the exact "
          "quadrature value replaces it when the grid pauses.");

  // Everything the frame shows, one snapshot per cell.
  std::vector<std::shared_ptr<const vi::Snapshot>> snaps(size_t(s.cells()));
  for (int i = 0; i < s.cells(); ++i) snaps[size_t(i)] = s.snapshot(i);

  const ImGuiStyle& style = ImGui::GetStyle();
  const float status_h = ImGui::GetTextLineHeight() + style.ItemSpacing.y + style.FramePadding.y;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The legend's height depends on its width, which depends on the panels' size: measure it at
  // the width the panels would take without a legend (a legend only gets narrower rows from it).
  const Layout first = layout(g, origin, {avail.x, avail.y - status_h - fs * 1.5f});
  const float legend_w = std::max(first.panels_right() - origin.x, fs * 10);
  const float legend_h = density_legend_height(st.layers, legend_w) + fs * 0.5f;
  const Layout l = layout(g, origin, {avail.x, avail.y - status_h - legend_h});

  draw_headers(l, g);
  for (int r = 0; r < g.rows(); ++r)
    for (int c = 0; c < g.cols(); ++c) draw_cell(st, l, r, c, snaps[size_t(r * g.cols() + c)].get(), req);
  for (int r = 0; r < g.rows(); ++r) draw_row_curves(st, l, r, snaps);
  const float legend_top = l.row_y(g.rows() - 1) + l.title_h + l.side + fs * 0.4f;
  draw_density_legend(st.layers, (origin.x + l.panels_right()) * 0.5f, legend_top, legend_w);
  // What the colours are (the single view has a colour bar for it).
  if (l.plot_w > fs * 10) {
    const char* colours = st.layers.log_density ? "heatmap: log p\u0303(z), viridis, 12 nats below its maximum"
                                                : "heatmap: p\u0303(z) / max p\u0303, viridis (dark = 0, yellow = 1)";
    ImGui::GetWindowDrawList()->AddText({l.plot_x + fs * 0.4f, legend_top + fs * 0.15f},
                                        ImGui::GetColorU32(ImGuiCol_TextDisabled), colours);
  }

  ImGui::SetCursorScreenPos({origin.x, origin.y + avail.y - status_h + style.ItemSpacing.y});
  draw_status(s, snaps);

  if (!st.switch_to.empty()) {
    const std::string preset = std::exchange(st.switch_to, {});
    open_grid(st, preset);  // a name from the registry's own list
  }
  return req;
}

}  // namespace vilab
