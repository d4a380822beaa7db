// app/ui/windows/bnn_window.cpp — the Bayesian neural network window (see bnn_window.hpp).
//
// Index
// [SECTION] Opening and sending the configuration
// [SECTION] The regression plot (bands, functions, MAP, data; clicks edit the data)
// [SECTION] The ELBO plot and the numbers
// [SECTION] Settings
// [SECTION] draw_bnn_window
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/bnn_window.hpp"

#include "vi/models/bnn_settings.hpp"
#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/widgets/plane_axes.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/models/models.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

BnnWindowReport g_report;  // written on the UI thread only

// Colours: q's band and mean in sky blue, the MAP network in orange (the palette's first two, so
// they read apart for colour-blind viewers too), the data white.
const ImU32 kMean = plot::palette(1);
constexpr ImU32 kBandF = IM_COL32(86, 180, 233, 115);      // ±2 sd of f (epistemic)
constexpr ImU32 kBandY = IM_COL32(86, 180, 233, 60);       // ±2 sd of y (noise added)
constexpr ImU32 kFunction = IM_COL32(200, 215, 235, 90);   // functions drawn from q
const ImU32 kMap = plot::palette(0);
constexpr ImU32 kGap = IM_COL32(255, 255, 255, 14);
constexpr ImU32 kPoint = IM_COL32(245, 245, 245, 255);

PixelRect to_px(ImVec2 a0, ImVec2 a1) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(a0.x * fb.x), int(a0.y * fb.y), int(a1.x * fb.x), int(a1.y * fb.y)};
}

// [SECTION] Opening and sending the configuration

void open_trainer(BnnWindowState& st) {
  vi::BnnDataSettings data;
  try {
    st.edited = vi::bnn_config_from(vi::resolve_params("bnn", vi::bnn_model_info().params, st.settings), 1, &data);
  } catch (const std::exception& e) {
    st.settings_error = e.what();
    st.edited = vi::bnn_config_from({}, 1, &data);
  }
  st.data = data;
  st.sent = st.edited;
  st.live = std::make_unique<vi::LiveTrainer<vi::BnnTrainer>>(st.edited);
  if (st.pending_steps > 0) {
    st.live->step(st.pending_steps);
    st.pending_steps = 0;
    if (st.may_block) st.live->sync();
  }
}

// Sends the edited configuration when it changed (the trainer keeps φ unless the architecture,
// the initial scale or the seed changed).
void send_if_changed(BnnWindowState& st) {
  if (st.edited == st.sent) return;
  st.live->apply(st.edited);
  st.sent = st.edited;
}

// [SECTION] The regression plot (bands, functions, MAP, data; clicks edit the data)

// The plotted box: the grid's x-range; y from the data with room above and below, widened to the
// mean ± 2 sd where that stays within three data ranges (a wild band is clipped, not followed).
vi::Box plot_box(const vi::BnnSnapshot& s) {
  vi::Box b{s.grid(0), s.grid(s.grid.size() - 1), 0, 1};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& d : s.data) lo = std::min(lo, d.y), hi = std::max(hi, d.y);
  const double span = std::max(hi - lo, 0.5);
  double y0 = lo - 0.25 * span, y1 = hi + 0.25 * span;
  for (Eigen::Index i = 0; i < s.grid.size(); ++i) {
    y0 = std::min(y0, std::max(s.mean(i) - 2 * s.sd_total(i), lo - span));
    y1 = std::max(y1, std::min(s.mean(i) + 2 * s.sd_total(i), hi + span));
  }
  b.y0 = y0;
  b.y1 = y1;
  return b;
}

// The band between mean − 2 sd and mean + 2 sd, one quad per grid interval. Anti-aliased fill
// is off meanwhile: each quad's soft edge overlapped its neighbour's and striped the band.
void draw_band(ImDrawList* dl, const PlaneMap& m, const vi::BnnSnapshot& s, const vi::Vec& sd, ImU32 colour) {
  const ImDrawListFlags flags = dl->Flags;
  dl->Flags &= ~ImDrawListFlags_AntiAliasedFill;
  for (Eigen::Index i = 0; i + 1 < s.grid.size(); ++i) {
    const ImVec2 pts[4] = {m.to(s.grid(i), s.mean(i) + 2 * sd(i)), m.to(s.grid(i + 1), s.mean(i + 1) + 2 * sd(i + 1)),
                           m.to(s.grid(i + 1), s.mean(i + 1) - 2 * sd(i + 1)), m.to(s.grid(i), s.mean(i) - 2 * sd(i))};
    dl->AddConvexPolyFilled(pts, 4, colour);
  }
  dl->Flags = flags;
}

void draw_curve(ImDrawList* dl, const PlaneMap& m, const vi::Vec& x, const auto& y, ImU32 colour, float thickness) {
  std::vector<ImVec2> pts(size_t(x.size()));
  for (Eigen::Index i = 0; i < x.size(); ++i) pts[size_t(i)] = m.to(x(i), y(i));
  dl->AddPolyline(pts.data(), int(pts.size()), colour, ImDrawFlags_None, thickness * line_px());
}

// The band's height in pixels (±2 sd_f) at the gap's centre and over the grid points on the data.
void measure_band(const PlaneMap& m, const vi::BnnSnapshot& s) {
  if (s.gap.found) {
    const double c = 0.5 * (s.gap.lo + s.gap.hi);
    Eigen::Index best = 0;
    for (Eigen::Index i = 0; i < s.grid.size(); ++i)
      if (std::abs(s.grid(i) - c) < std::abs(s.grid(best) - c)) best = i;
    g_report.band_px_in_gap = float(4 * s.sd_f(best)) * m.sy();
  }
  double lo = s.data.front().x, hi = lo;
  for (const auto& d : s.data) lo = std::min(lo, d.x), hi = std::max(hi, d.x);
  const double near = 0.02 * std::max(hi - lo, 1e-9);
  double sum = 0;
  int n = 0;
  for (Eigen::Index i = 0; i < s.grid.size(); ++i)
    for (const auto& d : s.data)
      if (std::abs(d.x - s.grid(i)) <= near) {
        sum += 4 * s.sd_f(i) * m.sy();
        ++n;
        break;
      }
  g_report.band_px_on_data = n ? float(sum / n) : 0.0f;
}

// Left click adds a point where it is; right click removes the point nearest the pointer (within
// a few pixels' reach), unless it is the last one.
void handle_clicks(BnnWindowState& st, const PlaneMap& m) {
  if (!ImGui::IsItemHovered()) return;
  const ImVec2 p = ImGui::GetIO().MousePos;
  if (p.x < m.a0.x || p.x > m.a1.x || p.y < m.a0.y || p.y > m.a1.y) return;
  if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const double x = m.box.x0 + (p.x - m.a0.x) / m.sx(), y = m.box.y0 + (m.a1.y - p.y) / m.sy();
    st.edited.data.push_back({x, y});
  } else if (ImGui::IsMouseClicked(ImGuiMouseButton_Right) && st.edited.data.size() > 1) {
    const float reach = ImGui::GetFontSize() * 1.5f;
    float best = reach * reach;
    int which = -1;
    for (size_t i = 0; i < st.edited.data.size(); ++i) {
      const ImVec2 q = m.to(st.edited.data[i].x, st.edited.data[i].y);
      const float d2 = (q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y);
      if (d2 < best) best = d2, which = int(i);
    }
    if (which >= 0) st.edited.data.erase(st.edited.data.begin() + which);
  }
}

void draw_legend(ImDrawList* dl, ImVec2 at) {
  const float fs = ImGui::GetFontSize();
  struct Key {
    ImU32 colour;
    const char* text;
    bool box;
  };
  const Key keys[] = {{kMean, "E_q[f(x)]", false},  {kBandF, "\u00B12 sd of f (q)", true},
                      {kBandY, "\u00B12 sd of y", true}, {kFunction, "f ~ q", false},
                      {kMap, "MAP network", false},    {kPoint, "data", true}};
  float x = at.x;
  for (const Key& k : keys) {
    if (k.box) dl->AddRectFilled({x, at.y + fs * 0.2f}, {x + fs * 1.2f, at.y + fs * 0.9f}, k.colour);
    else dl->AddLine({x, at.y + fs * 0.55f}, {x + fs * 1.2f, at.y + fs * 0.55f}, k.colour, 2.5f * line_px());
    dl->AddText({x + fs * 1.5f, at.y}, IM_COL32(220, 220, 220, 255), k.text);
    x += fs * 2.2f + ImGui::CalcTextSize(k.text).x;
  }
}

void draw_regression(BnnWindowState& st, const vi::BnnSnapshot& s, ImVec2 size) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 c0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##bnn_plot", size, ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  if (s.grid.size() < 2 || s.data.empty()) return;
  const ImVec2 a0{c0.x + plane_left_margin(), c0.y + fs * 2.6f}, a1{c0.x + size.x - fs * 0.5f, c0.y + size.y - plane_bottom_margin()};
  const PlaneMap m{plot_box(s), a0, a1};
  ImDrawList* dl = ImGui::GetWindowDrawList();
  draw_legend(dl, {a0.x, c0.y + fs * 0.2f});
  dl->AddRectFilled(a0, a1, IM_COL32(18, 20, 26, 255));
  dl->PushClipRect(a0, a1, true);
  if (s.gap.found) {
    dl->AddRectFilled({m.to(s.gap.lo, 0).x, a0.y}, {m.to(s.gap.hi, 0).x, a1.y}, kGap);
    dl->AddText({m.to(s.gap.lo, 0).x + fs * 0.3f, a0.y + fs * 0.2f}, IM_COL32(170, 170, 170, 255), "widest gap in the data");
  }
  if (st.show_total) draw_band(dl, m, s, s.sd_total, kBandY);
  draw_band(dl, m, s, s.sd_f, kBandF);
  g_report.band_drawn = true;
  if (st.show_functions)
    for (Eigen::Index k = 0; k < s.functions.rows(); ++k) {
      draw_curve(dl, m, s.grid, s.functions.row(k), kFunction, 1.2f);
      ++g_report.functions_drawn;
    }
  draw_curve(dl, m, s.grid, s.mean, kMean, 2.6f);
  g_report.mean_drawn = true;
  draw_curve(dl, m, s.grid, s.map, kMap, 2.2f);
  g_report.map_drawn = true;
  for (const auto& d : s.data) {
    const ImVec2 p = m.to(d.x, d.y);
    dl->AddCircleFilled(p, 4.2f * line_px(), IM_COL32(0, 0, 0, 255));
    dl->AddCircleFilled(p, 3.0f * line_px(), kPoint);
    ++g_report.points_drawn;
  }
  dl->PopClipRect();
  draw_plane_frame(dl, m, "x", "y");
  measure_band(m, s);
  g_report.plot = to_px(a0, a1);
  handle_clicks(st, m);
}

// [SECTION] The ELBO plot and the numbers

void draw_elbo(const vi::BnnSnapshot& s, float height) {
  const auto& h = s.history;
  std::vector<plot::Series> series(3);
  series[0].label = "ELBO";
  series[0].color = kMean;
  series[0].point = [&h](int i) { return plot::Point{double(h[size_t(i)].step), h[size_t(i)].elbo}; };
  series[1].label = "E_q log p(y|w)";
  series[1].color = plot::palette(2);
  series[1].thickness = 1.5f;
  series[1].point = [&h](int i) { return plot::Point{double(h[size_t(i)].step), h[size_t(i)].e_log_p}; };
  series[2].label = "KL(q\u2016prior)";
  series[2].color = plot::palette(3);
  series[2].thickness = 1.5f;
  series[2].point = [&h](int i) { return plot::Point{double(h[size_t(i)].step), h[size_t(i)].kl_q_p}; };
  for (auto& se : series) se.count = int(h.size());
  plot::PlotConfig cfg;
  cfg.title = "ELBO = E_q log p(y|w) \u2212 KL";
  cfg.height = height;
  cfg.ignore_low_fraction = 0.05;  // the first steps' log-likelihood is thousands of nats down
  plot::line_plot("##bnn_elbo", cfg, series);
  g_report.elbo_plot = to_px(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void number_row(const char* name, const std::string& value, const char* help) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(name);
  tooltip(help);
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(value.c_str());
}

void draw_numbers(const vi::BnnSnapshot& s) {
  if (!ImGui::BeginTable("##bnn_numbers", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) return;
  number_row("ELBO", plot::format_value(s.terms.elbo, 6),
             "E_q[log p(y | w)] \u2212 KL(q \u2016 p), on 200 fixed draws of q (the same draws every frame, so it moves only "
             "when q does).");
  number_row("E_q log p(y|w)", plot::format_value(s.terms.expected_log_lik, 6),
             "How well the networks drawn from q fit the data: \u03A3\u2099 log N(y\u2099 | f_w(x\u2099), \u03C3_y\u00B2), averaged "
             "over w ~ q.");
  number_row("KL(q\u2016prior)", plot::format_value(s.terms.kl, 5),
             "How far q is from the prior N(0, \u03C3_p\u00B2 I), in closed form. The price of every weight that the data "
             "pin down; the weights they do not pin down go back to the prior, and that is what widens the band away "
             "from the data.");
  const double ratio = s.gap_sd.in_gap / s.gap_sd.on_data;
  number_row("sd of f: gap / data",
             plot::format_value(s.gap_sd.in_gap, 3) + " / " + plot::format_value(s.gap_sd.on_data, 3) + "  (\u00D7" +
                 plot::format_value(ratio, 3) + ")",
             "The predictive sd of f averaged over the middle half of the widest gap, and over the grid points on the "
             "data. Mean-field q with one hidden layer widens the band in a gap between clusters only by a bounded "
             "factor (Foong et al. 2019); beyond the data it widens freely.");
  number_row("MAP log p(y, w)", plot::format_value(s.map_log_joint, 6),
             "The MAP network's log likelihood + log prior (what its Adam ascends).");
  number_row("MAP rmse", plot::format_value(s.map_rmse, 3) + "  (constant " + plot::format_value(s.constant_rmse, 3) + ")",
             "The MAP network's root mean squared error on the data, beside that of predicting the mean of y everywhere.");
  number_row("mean sd of a weight", plot::format_value(s.mean_scale, 3),
             "softplus(\u03C1) averaged over all weights and biases.");
  ImGui::EndTable();
}

// [SECTION] Settings

// A titled divider (ImGui 1.86 has no SeparatorText).
void section(const char* title) {
  ImGui::Spacing();
  ImGui::TextDisabled("%s", title);
  ImGui::Separator();
}

bool slider_double(const char* label, double* v, double lo, double hi, const char* fmt, bool log) {
  return clamped_slider(label, v, lo, hi, fmt, (log ? ImGuiSliderFlags_Logarithmic : 0));
}

void draw_settings(BnnWindowState& st, const vi::LiveTrainer<vi::BnnTrainer>::Frame& f) {
  const float fs = ImGui::GetFontSize();
  vi::BnnConfig& c = st.edited;
  ImGui::PushItemWidth(fs * 7.5f);
  ImGui::PushTextWrapPos(0);
  probe_state("bnn", {{"playing", f.playing}, {"steps", f.steps}});
  if (ImGui::Button(f.playing ? "Pause##bnn_play" : "Play##bnn_play")) st.live->toggle_play();
  tooltip("Run (or stop) Adam on the ELBO (q's \u03BC and \u03C1) and on log p(y, w) (the MAP network), side by side, "
          "in a background thread.");
  ImGui::SameLine();
  if (ImGui::Button("Step##bnn_step")) st.live->step(1);
  tooltip("One Adam step of both fits.");
  ImGui::SameLine();
  if (ImGui::Button("+500##bnn_step500")) st.live->step(500);
  tooltip("500 Adam steps of both fits.");
  ImGui::SameLine();
  if (ImGui::Button("Reset##bnn_reset")) st.live->reset();
  tooltip("Start both fits again from the initial weights (the seed's Glorot draw, every sd at the initial scale).");

  section("Network and prior");
  clamped_slider("width H##bnn_width", &c.width, 1, 200, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("Hidden units of the 1\u2192H\u21921 network: 3H + 1 weights and biases, each with its own \u03BC and \u03C1. "
          "Changing it restarts the fit.");
  int relu = c.activation == vi::nn::Activation::Relu;
  bool act_changed = ImGui::RadioButton("tanh##bnn_tanh", &relu, 0);
  tooltip("The hidden activation tanh (restarts the fit): smooth functions whose band levels off away from the data.");
  ImGui::SameLine();
  act_changed |= ImGui::RadioButton("relu##bnn_relu", &relu, 1);
  if (act_changed) c.activation = relu ? vi::nn::Activation::Relu : vi::nn::Activation::Tanh;
  tooltip("The hidden activation (restarts the fit). relu functions are piecewise linear: their band grows linearly "
          "away from the data.");
  slider_double("\u03C3_y noise##bnn_sy", &c.sigma_y, 0.01, 1.0, "%.3f", true);
  tooltip("The observation noise sd in the likelihood y ~ N(f_w(x), \u03C3_y\u00B2), fixed. Small \u03C3_y makes the data "
          "pin the weights down hard; the outer band adds it to the sd of f.");
  slider_double("\u03C3_p prior##bnn_sp", &c.prior_sd, 0.1, 10.0, "%.2f", true);
  tooltip("The prior sd of every weight and bias, w ~ N(0, \u03C3_p\u00B2). The KL pulls q toward it; where the data say "
          "nothing, q falls back to it and the band widens.");

  section("Estimator");
  clamped_slider("S draws##bnn_s", &c.samples, 1, 64, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("Weight draws per step in the Monte Carlo estimate of E_q log p(y | w). More draws: less noisy gradients, "
          "slower steps.");
  ImGui::Checkbox("local reparameterization##bnn_local", &c.local_reparam);
  tooltip("Kingma, Salimans & Welling 2015: draw each layer's pre-activations z = M + \u221AV \u2299 \u03B5 per data point "
          "instead of one weight draw for the whole batch. Same expected gradient, much smaller variance "
          "(`vilab run --model bnn --json` reports both).");
  slider_double("learning rate##bnn_lr", &c.lr, 1e-4, 0.1, "%.4f", true);
  tooltip("Adam's step size, for the VI fit and the MAP fit alike.");

  section("Data");
  text_wrapped_disabled("left click: add a point   right click: remove the nearest");
  clamped_slider("N##bnn_n", &st.data.n, 2, 400, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("Points drawn by Regenerate, half in x \u2208 [\u22124, \u22121.5], half in [1.5, 4]: a gap of width 3 around 0.");
  slider_double("noise##bnn_noise", &st.data.noise, 0.0, 1.0, "%.2f", false);
  tooltip("The sd of the noise Regenerate adds to the curve (the model's \u03C3_y is set separately).");
  int seed = int(st.data.seed);
  if (ImGui::InputInt("data seed##bnn_seed", &seed)) st.data.seed = uint64_t(std::max(seed, 0));
  tooltip("The random seed Regenerate draws the data with: the same seed gives the same points.");
  if (ImGui::Button("Regenerate##bnn_regen")) c.data = vi::bnn_gap_data(st.data);
  tooltip("New data from the generator (N, noise, seed above); the fit keeps its weights and follows.");
  ImGui::SameLine();
  if (ImGui::Button("New seed##bnn_newseed")) {
    ++st.data.seed;
    c.data = vi::bnn_gap_data(st.data);
  }
  tooltip("The next data seed, and regenerate.");

  section("View");
  ImGui::Checkbox("\u00B12 sd of y##bnn_total", &st.show_total);
  tooltip("The outer, fainter band: \u00B12\u221A(sd_f\u00B2 + \u03C3_y\u00B2), where new observations are expected.");
  ImGui::Checkbox("functions from q##bnn_fns", &st.show_functions);
  tooltip("8 networks drawn from q (fixed draws, so they move only when q does): the band is their spread.");
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
}

}  // namespace

BnnWindowReport last_bnn_window() { return g_report; }

// [SECTION] draw_bnn_window

void draw_bnn_window(BnnWindowState& st, bool* open) {
  g_report = {};
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::Bnn);
  if (!ImGui::Begin("Bayesian neural network: Bayes by backprop  (Blundell et al. 2015)##bnn", open,
                    docked | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (!st.live) open_trainer(st);
  const std::shared_ptr<const vi::LiveTrainer<vi::BnnTrainer>::Frame> f = st.live->frame();
  const vi::BnnSnapshot& s = *f->model;

  ImGui::BeginChild("##bnn_settings", {fs * 17, 0}, false);
  draw_settings(st, *f);
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginGroup();
  ImGui::Text("q(w) = \u03A0 N(\u03BC\u1D62, softplus(\u03C1\u1D62)\u00B2) over the %s network   step %lld%s", s.architecture.c_str(),
              (long long)f->steps, f->playing ? "   (running)" : "");
  if (f->diverged) {
    ImGui::SameLine();
    ImGui::TextColored({1, 0.5f, 0.3f, 1}, "  paused: a step gave a non-finite value (lower the learning rate)");
  }
  for (const std::string& e : {f->error, st.settings_error})
    if (!e.empty()) ImGui::TextColored({1, 0.5f, 0.3f, 1}, "%s", e.c_str());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bottom_h = std::max(fs * 11, avail.y * 0.3f);
  const float plot_h = std::max(avail.y - bottom_h - ImGui::GetStyle().ItemSpacing.y, fs * 12);
  draw_regression(st, s, {avail.x, plot_h});
  ImGui::BeginChild("##bnn_elbo_child", {avail.x * 0.55f, bottom_h}, false, ImGuiWindowFlags_NoScrollbar);
  draw_elbo(s, bottom_h);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##bnn_numbers_child", {0, bottom_h}, false);
  draw_numbers(s);
  ImGui::EndChild();
  ImGui::EndGroup();

  send_if_changed(st);
  g_report.drawn = true;
  g_report.steps = f->steps;
  g_report.elbo = s.terms.elbo;
  g_report.error = f->error;
  ImGui::End();
}

// [SECTION] Registration

namespace {

class BnnTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame&) override { draw_bnn_window(state_, open); }
  void start(const ToolStart& s) override {
    if (!s.open) return;
    state_.pending_steps = s.shot ? s.options.shot_steps : 0;
    state_.may_block = s.shot;
  }
  // Its settings are read when the trainer is made: other ones start a new trainer.
  bool show_scene(const SceneFile& f, bool was_open) override {
    const ScenePanels& p = f.panels;
    if (!p.window("bnn") || (was_open && state_.settings == p.model_settings)) return false;
    state_ = BnnWindowState{};
    state_.settings = p.model_settings;
    return true;
  }
  const std::map<std::string, double>* model_settings() const override { return &state_.settings; }
  std::optional<bool> trainer_playing() const override { return live_trainer_playing(state_.live); }
  void set_trainer_playing(bool play) override { set_live_trainer_playing(state_.live, play); }

 private:
  BnnWindowState state_;
};

}  // namespace

ToolWindowEntry bnn_tool_window() {
  ToolWindowEntry e;
  e.key = "bnn";
  e.dock = ToolWindow::Bnn;
  e.menu_name = "BNN (regression)";
  e.help = "Open (or close) a Bayesian neural network on 1D data with a gap: mean-field Gaussian weights fitted by "
           "Bayes by backprop, the predictive band, functions drawn from q and the MAP network beside them. "
           "Closing the window pauses its training; opening it again carries on where it was.";
  e.close = ClosePolicy::PauseTrainer;
  e.make = [] { return std::unique_ptr<ToolWindowState>(new BnnTool); };
  return e;
}

}  // namespace vilab
