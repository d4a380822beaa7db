// app/ui/windows/vae_window.cpp — the VAE window (see vae_window.hpp).
//
// Index
// [SECTION] Helpers (colours, pixels, ellipses)
// [SECTION] Controls
// [SECTION] The latent space
// [SECTION] The manifold and the reconstructions
// [SECTION] Curves, per-latent KL and the gap
// [SECTION] draw_vae_window
#include "app/ui/shell/layout.hpp"
#include "app/ui/windows/vae_window.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/widgets/plane_axes.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/probe.hpp"
#include "app/ui/widgets/style.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "vi/models/vae_settings.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/models/models.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

VaeWindowReport g_report;  // written on the UI thread only

// β of the posterior-collapse lesson. Measured with the defaults from seed 1 (Bernoulli, hidden
// 128): after 30 epochs at β = 1 (KL per latent 0.60, 0.67), 30 more at β = 3 take z₁'s KL to
// 0.002 while z₂ keeps 0.080; at β = 2.5 both stay up (0.06, 0.20), at β = 3.5 both collapse
// (0.001, 0.010). From scratch, β = 3 collapses both within 30 epochs.
constexpr double kCollapseBeta = 3.0;

// [SECTION] Helpers (colours, pixels, ellipses)

// Ten digit colours: matplotlib's tab10 (Tableau). Ten classes cannot all be told apart by every
// colour-blind viewer; the legend and the hover readout name the digit.
ImU32 digit_colour(int d, int alpha = 255) {
  static constexpr unsigned kTab10[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                          0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
  const unsigned c = kTab10[std::clamp(d, 0, 9)];
  // A little lighter than tab10 itself: the background is dark.
  auto lift = [](unsigned v) { return unsigned(std::min(255.0, v * 0.8 + 255 * 0.2)); };
  return IM_COL32(lift((c >> 16) & 255), lift((c >> 8) & 255), lift(c & 255), alpha);
}

constexpr ImU32 kEncoderColour = IM_COL32(255, 255, 255, 255);
constexpr ImU32 kOptimalColour = IM_COL32(255, 200, 40, 255);
constexpr ImU32 kPosteriorColour = IM_COL32(80, 230, 140, 255);

PixelRect to_px(ImVec2 a0, ImVec2 a1) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(a0.x * fb.x), int(a0.y * fb.y), int(a1.x * fb.x), int(a1.y * fb.y)};
}

// An 8 × 8 image (column of 64 values in [0, 1], row-major pixels) as grey squares.
void draw_digit(ImDrawList* dl, const double* pixels, ImVec2 p0, float cell) {
  for (int r = 0; r < 8; ++r)
    for (int c = 0; c < 8; ++c) {
      const int v = int(std::clamp(pixels[r * 8 + c], 0.0, 1.0) * 255.0 + 0.5);
      const ImVec2 a{p0.x + c * cell, p0.y + r * cell};
      dl->AddRectFilled(a, {a.x + cell, a.y + cell}, IM_COL32(v, v, v, 255));
    }
}

// The axis-aligned ellipse mean ± k·sd in data coordinates.
void ellipse(ImDrawList* dl, const PlaneMap& m, const vi::LatentGaussian& q, double k, ImU32 colour, float thick,
             bool dashed) {
  constexpr int kN = 64;
  ImVec2 pts[kN];
  for (int i = 0; i < kN; ++i) {
    const double t = 2 * M_PI * i / kN;
    pts[i] = m.to(q.mean[0] + k * q.sd[0] * std::cos(t), q.mean[1] + k * q.sd[1] * std::sin(t));
  }
  if (dashed) plot::dashed_polyline(dl, pts, kN, true, colour, thick * line_px(), 5, 4);
  else dl->AddPolyline(pts, kN, colour, ImDrawFlags_Closed, thick * line_px());
}

void send(VaeWindowState& st) { st.live->apply(st.edited); }

// A titled rule between groups of controls (ImGui 1.86 has no SeparatorText).
void section(const char* title) {
  ImGui::Spacing();
  ImGui::TextDisabled("%s", title);
  ImGui::Separator();
}

constexpr double kBetaMin = 0, kBetaMax = 20, kSigmaMin = 0.05, kSigmaMax = 1, kLrMin = 1e-4, kLrMax = 3e-2;

// [SECTION] Controls

void draw_controls(VaeWindowState& st, const vi::LiveTrainer<vi::VaeTrainer>::Frame& f) {
  const float fs = ImGui::GetFontSize();
  vi::VaeConfig& c = st.edited;
  const vi::VaeSnapshot& s = *f.model;
  ImGui::PushItemWidth(fs * 8);
  ImGui::PushTextWrapPos(0);
  probe_state("vae", {{"playing", f.playing}, {"steps", f.steps}});
  if (ImGui::Button(f.playing ? "Pause##vae_play" : "Play##vae_play", {fs * 4.2f, 0})) st.live->toggle_play();
  tooltip("Train on minibatches in the background: each step is one Adam step on the reparameterized β-ELBO of a "
          "minibatch; the curves gain a point per epoch (one pass over the 1497 training images).");
  ImGui::SameLine();
  if (ImGui::Button("Step epoch##vae_step")) st.live->step(s.steps_per_epoch);
  tooltip("Train exactly one epoch, then stop (and compute the selected image's gap).");
  ImGui::SameLine();
  if (ImGui::Button("Reset##vae_reset")) st.live->reset();
  tooltip("New initial weights from the seed; the history starts again.");
  text_wrapped("epoch " + std::to_string(s.epoch));
  if (s.epochs_per_s > 0) {
    ImGui::SameLine();
    char speed[48];
    std::snprintf(speed, sizeof speed, "(%.1f epochs/s)", s.epochs_per_s);
    text_wrapped_disabled(speed);
  }
  if (f.diverged) text_wrapped_colored({1, 0.4f, 0.3f, 1}, "diverged: a step gave a non-finite value (lower lr)");
  if (!f.error.empty()) text_wrapped_colored({1, 0.4f, 0.3f, 1}, f.error);

  section("objective");
  if (ImGui::SliderScalar("\u03B2##vae_beta", ImGuiDataType_Double, &c.beta, &kBetaMin, &kBetaMax, "%.2f")) {
    st.collapse_lesson = false;
    send(st);
  }
  tooltip("The KL's weight in the training objective E_q[log p(x|z)] \u2212 \u03B2 KL(q(z|x) \u2016 p(z)) (a \u03B2-VAE). "
          "\u03B2 = 1 is the ELBO; larger \u03B2 pushes q(z|x) toward the prior, and past a point a latent is switched off "
          "(posterior collapse). Changing it keeps the weights. The curves always show the \u03B2 = 1 ELBO.");
  int lik = int(c.likelihood);
  if (ImGui::Combo("likelihood##vae_lik", &lik, "Bernoulli\0Gaussian\0")) {
    c.likelihood = vi::VaeLikelihood(lik);
    send(st);
  }
  tooltip("p(x|z) per pixel (pixels scaled to [0, 1]): Bernoulli(\u03C3(logit)) with the grey levels as "
          "cross-entropy targets, or N(mean, \u03C3\u2093\u00B2) with a fixed \u03C3\u2093. Changing it restarts training.");
  if (c.likelihood == vi::VaeLikelihood::Gaussian) {
    ImGui::SliderScalar("\u03C3\u2093##vae_sx", ImGuiDataType_Double, &c.sigma_x, &kSigmaMin, &kSigmaMax,
                        "%.2f", ImGuiSliderFlags_Logarithmic);
    if (ImGui::IsItemDeactivatedAfterEdit()) send(st);
    tooltip("The Gaussian likelihood's pixel sd: small \u03C3\u2093 makes reconstruction dominate the KL (like a small \u03B2).");
  }

  section("networks");
  clamped_slider("hidden##vae_hidden", &c.hidden, 8, 512, "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) send(st);
  tooltip("Width of each hidden layer of the encoder (64 \u2192 hidden \u2192 [\u03BC; log \u03C3\u00B2]) and the decoder "
          "(2 \u2192 hidden \u2192 64). Restarts training.");
  clamped_slider("layers##vae_layers", &c.layers, 1, 3, "%d");
  if (ImGui::IsItemDeactivatedAfterEdit()) send(st);
  tooltip("Hidden layers in the encoder and in the decoder: deeper nets can bend the latent space more. Restarts training.");
  int act = c.activation == "relu" ? 1 : 0;
  if (ImGui::Combo("activation##vae_act", &act, "tanh\0relu\0")) {
    c.activation = act == 1 ? "relu" : "tanh";
    send(st);
  }
  tooltip("The nonlinearity between layers: tanh is smooth and bounded, relu is piecewise linear. Restarts training.");
  section("optimizer (Adam)");
  ImGui::SliderScalar("lr##vae_lr", ImGuiDataType_Double, &c.lr, &kLrMin, &kLrMax, "%.4g",
                      ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) send(st);
  tooltip("Adam's learning rate. Keeps the weights.");
  clamped_slider("batch##vae_batch", &c.batch, 8, 512, "%d", ImGuiSliderFlags_Logarithmic);
  if (ImGui::IsItemDeactivatedAfterEdit()) send(st);
  tooltip("Minibatch size: images per gradient step (the gradient is their average). Keeps the weights.");

  section("lessons");
  if (ImGui::Button(st.collapse_lesson ? "Posterior collapse \u2713##vae_collapse" : "Posterior collapse##vae_collapse")) {
    st.collapse_lesson = !st.collapse_lesson;
    c.beta = st.collapse_lesson ? kCollapseBeta : 1.0;
    send(st);
    if (st.collapse_lesson && !f.playing) st.live->play();
  }
  char tip[400];
  std::snprintf(tip, sizeof tip,
                "Sets \u03B2 = %g and trains on: the KL price per latent is now higher than what one of the two latents "
                "buys in reconstruction, so the encoder sends it to the prior (its KL bar drops to \u2248 0) and the "
                "decoder ignores it: the manifold stops changing along that axis. Press again for \u03B2 = 1.",
                kCollapseBeta);
  tooltip(tip);
  section("amortization gap");
  if (ImGui::InputInt("image##vae_image", &c.selected_image)) {
    c.selected_image = std::clamp(c.selected_image, 0, int(s.means.cols()) - 1);
    send(st);
  }
  tooltip("The image whose gap is computed (or click a point in the latent space).");
  if (ImGui::Button("Held-out average gap##vae_heldout_gap")) st.live->send(vi::VaeTrainer::Command::HeldoutGap);
  char gtip[300];
  std::snprintf(gtip, sizeof gtip,
                "Optimizes q* for each of the first %d held-out images (on the trainer's thread: about a second) and "
                "averages ELBO(q*) \u2212 ELBO(encoder) and log p(x) \u2212 ELBO(q*).",
                c.gap_images);
  tooltip(gtip);
  ImGui::PopTextWrapPos();
  ImGui::PopItemWidth();
}

// [SECTION] The latent space

vi::Box latent_box(const vi::VaeSnapshot& s) {
  // Symmetric and square, wide enough for 99 % of the means and never inside [−3, 3]².
  std::vector<double> r;
  r.reserve(size_t(s.means.cols()));
  for (Eigen::Index i = 0; i < s.means.cols(); ++i) r.push_back(s.means.col(i).cwiseAbs().maxCoeff());
  double e = 3;
  if (!r.empty()) {
    const size_t k = size_t(0.99 * double(r.size() - 1));
    std::nth_element(r.begin(), r.begin() + std::ptrdiff_t(k), r.end());
    if (std::isfinite(r[k])) e = std::max(e, 1.1 * r[k]);
  }
  return {-e, e, -e, e};
}

void draw_latent(VaeWindowState& st, const vi::VaeSnapshot& s, ImVec2 a0, ImVec2 a1) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const PlaneMap m{fit_aspect(latent_box(s), a1.x - a0.x, a1.y - a0.y), a0, a1};
  dl->AddRectFilled(a0, a1, IM_COL32(18, 20, 26, 255));
  dl->PushClipRect(a0, a1, true);
  // The manifold's lattice [−3, 3]² as a faint frame, so the two panels can be read together.
  dl->AddRect(m.to(-s.manifold_extent, s.manifold_extent), m.to(s.manifold_extent, -s.manifold_extent),
              IM_COL32(255, 255, 255, 40));
  for (Eigen::Index i = 0; i < s.means.cols(); ++i) {
    const ImVec2 p = m.to(s.means(0, i), s.means(1, i));
    const ImU32 col = digit_colour(s.labels(i), 200);
    if (s.is_heldout[size_t(i)]) dl->AddCircle(p, 3.2f * line_px(), col, 10, 1.4f * line_px());  // held-out: rings
    else dl->AddCircleFilled(p, 2.6f * line_px(), col, 10);
    ++g_report.latent_points;
  }
  // All three at the contours holding 50 % and 90 % of their mass, so the curves compare like
  // with like (a 2D Gaussian's k-σ ellipse holds 1 − e^{−k²/2}: k = √(−2 log(1 − mass))).
  // The encoder's q(z|x) comes with every snapshot and follows training; q* and p(z|x) are the
  // gap's, computed when training pauses: drawn only while they belong to this step, never an
  // earlier epoch's beside the current means.
  const bool gap_current = s.gap && s.gap->image == st.edited.selected_image && s.gap->step == s.step;
  if (gap_current)
    for (const auto& c : s.gap->posterior)
      if (c.mass < 0.95) g_report.posterior_lines += draw_contour_lines(dl, m, c.lines, kPosteriorColour, 1.8f);
  for (double mass : {0.5, 0.9}) {
    const double k = std::sqrt(-2 * std::log(1 - mass));
    if (s.selected_q) ellipse(dl, m, *s.selected_q, k, kEncoderColour, 2.0f, false);
    if (gap_current) ellipse(dl, m, s.gap->optimal, k, kOptimalColour, 2.0f, true);
  }
  if (s.selected_q) {
    g_report.encoder_step = s.step;
    g_report.encoder_mean = {s.selected_q->mean[0], s.selected_q->mean[1]};
  }
  g_report.gap_drawn = gap_current;
  // The selected image's encoded mean, ringed (also when its gap is not computed yet).
  const int sel = st.edited.selected_image;
  if (sel >= 0 && sel < s.means.cols()) {
    const ImVec2 p = m.to(s.means(0, sel), s.means(1, sel));
    dl->AddCircle(p, 7 * line_px(), IM_COL32(0, 0, 0, 255), 20, 4.0f * line_px());
    dl->AddCircle(p, 7 * line_px(), IM_COL32(255, 255, 255, 255), 20, 2.0f * line_px());
  }
  dl->PopClipRect();
  draw_plane_frame(dl, m, "z\u2081", "z\u2082");

  // Hover: name the nearest image; click: select it.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  if (ImGui::IsWindowHovered() && mouse.x >= a0.x && mouse.x <= a1.x && mouse.y >= a0.y && mouse.y <= a1.y) {
    int best = -1;
    float best_d = 10 * 10;
    for (Eigen::Index i = 0; i < s.means.cols(); ++i) {
      const ImVec2 p = m.to(s.means(0, i), s.means(1, i));
      const float d = (p.x - mouse.x) * (p.x - mouse.x) + (p.y - mouse.y) * (p.y - mouse.y);
      if (d < best_d) best_d = d, best = int(i);
    }
    if (best >= 0) {
      ImGui::BeginTooltip();
      ImGui::Text("image %d: digit %d (%s)", best, s.labels(best), s.is_heldout[size_t(best)] ? "held out" : "training");
      ImGui::TextDisabled("click to select it");
      ImGui::EndTooltip();
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        st.edited.selected_image = best;
        send(st);
      }
    }
  }
}

void draw_latent_legend(const vi::VaeSnapshot& s) {
  (void)s;
  for (int d = 0; d <= 9; ++d) {
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(digit_colour(d)), "\u25CF %d", d);
    ImGui::SameLine();
  }
  ImGui::TextDisabled("  \u25CF train  \u25CB held-out   ");
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kEncoderColour), "\u2014 q(z|x)");
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kOptimalColour), "- - q*");
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kPosteriorColour), "\u2014 p(z|x)");
  ImGui::SameLine();
  ImGui::TextDisabled("(50 %%, 90 %%)");
  tooltip("White: the encoder's q(z|x) of the selected image. Dashed gold: q*, the best Gaussian for that image "
          "alone (the decoder fixed). Green: the exact posterior p(z|x) \u221D p(x|z) p(z), from a grid in latent "
          "space. Each is drawn at the contours holding 50 % and 90 % of its mass.");
}

// [SECTION] The manifold and the reconstructions

void draw_manifold(const vi::VaeSnapshot& s, ImVec2 a0, float side) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const int n = s.manifold_n;
  if (n <= 0) return;
  // Whole screen pixels per image pixel (fractional squares stripe), one pixel between digits.
  const float px = std::max(1.0f, std::floor((side - float(n)) / float(8 * n))), cell = 8 * px + 1;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      // Row j from the top shows z₂ from +extent down, as the latent plane does.
      const ImVec2 p{a0.x + i * cell, a0.y + (n - 1 - j) * cell};
      draw_digit(dl, s.manifold.col(j * n + i).data(), p, px);
      ++g_report.manifold_cells;
    }
  dl->AddRect({a0.x - 1, a0.y - 1}, {a0.x + n * cell, a0.y + n * cell}, IM_COL32(255, 255, 255, 60));
}

void draw_reconstructions(const vi::VaeSnapshot& s, ImVec2 a0, float cell) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float img = cell * 8, gap = cell * 2;
  for (Eigen::Index k = 0; k < s.recon_original.cols(); ++k) {
    const float x = a0.x + float(k) * (img + gap) + (k + 1 == s.recon_original.cols() ? gap : 0.0f);
    draw_digit(dl, s.recon_original.col(k).data(), {x, a0.y}, cell);
    draw_digit(dl, s.recon_decoded.col(k).data(), {x, a0.y + img + cell}, cell);
    if (k + 1 == s.recon_original.cols())
      dl->AddRect({x - 2, a0.y - 2}, {x + img + 2, a0.y + 2 * img + cell + 2}, IM_COL32(255, 255, 255, 200));
    ++g_report.recon_pairs;
  }
}

// [SECTION] Curves, per-latent KL and the gap

void draw_curves(const vi::VaeSnapshot& s, float width, float height) {
  const auto& h = s.history;
  auto series = [&h](const char* label, ImU32 colour, double vi::VaeEpochStats::*field) {
    plot::Series x;
    x.label = label;
    x.color = colour;
    x.count = int(h.size());
    x.markers = h.size() <= 30;
    x.point = [&h, field](int i) { return plot::Point{double(h[size_t(i)].epoch), h[size_t(i)].*field}; };
    return x;
  };
  ImGui::BeginChild("##vae_elbo_child", {width, height}, false, ImGuiWindowFlags_NoScrollbar);
  std::vector<plot::Series> a{series("ELBO train", plot::palette(0), &vi::VaeEpochStats::train_elbo),
                              series("ELBO held-out", plot::palette(1), &vi::VaeEpochStats::heldout_elbo),
                              series("recon train", plot::palette(2), &vi::VaeEpochStats::train_recon)};
  a[2].thickness = 1.3f;
  plot::PlotConfig cfg;
  cfg.title = "ELBO = recon \u2212 KL (nats/image)";
  cfg.x_label = "epoch";
  cfg.height = height;
  cfg.ignore_low_fraction = 0.1;  // epoch 0 is far below: fit the rest
  plot::line_plot("##vae_elbo", cfg, a);
  g_report.elbo_plot = to_px(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  tooltip("Per image, averaged over all 1497 training and 300 held-out images after each epoch, with one fixed "
          "draw \u03B5 per image (so the curves move only with the weights). recon = E_q[log p(x|z)], "
          "ELBO = recon \u2212 KL(q(z|x) \u2016 p(z)) with \u03B2 = 1 whatever \u03B2 trains.");
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##vae_kl_child", {width, height}, false, ImGuiWindowFlags_NoScrollbar);
  auto latent = [&h](const char* label, ImU32 colour, int k) {
    plot::Series x;
    x.label = label;
    x.color = colour;
    x.count = int(h.size());
    x.thickness = 1.4f;
    x.point = [&h, k](int i) { return plot::Point{double(h[size_t(i)].epoch), h[size_t(i)].kl_per_latent[size_t(k)]}; };
    return x;
  };
  std::vector<plot::Series> b{series("KL train", plot::palette(3), &vi::VaeEpochStats::train_kl),
                              series("KL held-out", plot::palette(4), &vi::VaeEpochStats::heldout_kl),
                              latent("KL z\u2081", plot::palette(5), 0), latent("KL z\u2082", plot::palette(2), 1)};
  plot::PlotConfig kcfg;
  kcfg.title = "KL(q(z|x) \u2016 p(z)) (nats/image)";
  kcfg.x_label = "epoch";
  kcfg.height = height;
  plot::line_plot("##vae_kl", kcfg, b);
  g_report.kl_plot = to_px(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  tooltip("The KL term in closed form, \u00BD \u03A3\u2096 (\u03BC\u2096\u00B2 + \u03C3\u2096\u00B2 \u2212 1 \u2212 log \u03C3\u2096\u00B2), "
          "and per latent (training images). A latent whose KL is \u2248 0 carries no information about x: "
          "the posterior has collapsed to the prior along it.");
  ImGui::EndChild();
}

void draw_kl_bars(const vi::VaeSnapshot& s) {
  if (s.history.empty()) return;
  const auto& kl = s.history.back().kl_per_latent;
  const float fs = ImGui::GetFontSize();
  const double top = std::max({kl[0], kl[1], 1.0});
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (int k = 0; k < vi::kVaeLatent; ++k) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::Text(k == 0 ? "KL z\u2081" : "KL z\u2082");
    ImGui::SameLine(fs * 3.6f);
    const ImVec2 b0 = ImGui::GetCursorScreenPos();
    const float w = fs * 6;
    dl->AddRectFilled({b0.x, b0.y + 2}, {b0.x + w, b0.y + fs - 2}, IM_COL32(40, 44, 52, 255));
    dl->AddRectFilled({b0.x, b0.y + 2}, {b0.x + float(kl[size_t(k)] / top) * w, b0.y + fs - 2},
                      k == 0 ? plot::palette(5) : plot::palette(2));
    ImGui::Dummy({w, fs});
    ImGui::SameLine();
    ImGui::Text("%.3f", kl[size_t(k)]);
    (void)p;
  }
  tooltip("The KL of each latent averaged over the training images after the last epoch. With \u03B2 high enough one "
          "bar falls to \u2248 0: posterior collapse along that latent.");
}

void draw_gap_numbers(const VaeWindowState& st, const vi::VaeSnapshot& s, const vi::LiveTrainer<vi::VaeTrainer>::Frame& f) {
  if (!s.gap || s.gap->image != st.edited.selected_image) {
    ImGui::TextDisabled(f.playing ? "gap of image %d: pause to compute it" : "gap of image %d: computing\u2026",
                        st.edited.selected_image);
    return;
  }
  const vi::VaeGap& g = *s.gap;
  const int epoch = s.steps_per_epoch > 0 ? int(g.step / s.steps_per_epoch) : 0;
  ImGui::Text("image %d (digit %d, %s)", g.image, s.labels(g.image), s.is_heldout[size_t(g.image)] ? "held out" : "training");
  if (g.step != s.step) {
    ImGui::SameLine();
    ImGui::TextDisabled("at epoch %d", epoch);
  }
  if (ImGui::BeginTable("##vae_gap_table", 2, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [](const char* name, double v, const char* help) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      tooltip(help);
      ImGui::TableNextColumn();
      ImGui::Text("%9.3f", v);
    };
    if (g.has_log_px) row("log p(x)", g.log_px, "log \u222B p(x|z) p(z) dz by the midpoint rule on an 80 \u00D7 80 grid in latent space.");
    row("ELBO(q*)", g.elbo_optimal, "The best Gaussian q for this image alone (decoder fixed), by Adam on a 10 \u00D7 10 "
                                    "Gauss\u2013Hermite ELBO; both ELBOs are evaluated with a finer 24 \u00D7 24 rule.");
    row("ELBO(encoder)", g.elbo_encoder, "The ELBO of the encoder's q(z|x) for this image (\u03B2 = 1).");
    if (g.has_log_px)
      row("approximation gap", g.approximation_gap, "log p(x) \u2212 ELBO(q*): what a Gaussian q cannot reach even when fitted to this image alone.");
    row("amortization gap", g.amortization_gap, "ELBO(q*) \u2212 ELBO(encoder): what is lost because one encoder network "
                                                "serves every image (Cremer, Li & Duvenaud 2018).");
    ImGui::EndTable();
  }
  g_report.amortization_gap = g.amortization_gap;
  g_report.approximation_gap = g.approximation_gap;
  if (s.heldout_gap) {
    const vi::VaeGapSummary& h = *s.heldout_gap;
    ImGui::Text("held-out (%d images): gap %.3f \u00B1 %.3f", h.images, h.mean, h.sd);
    tooltip("The amortization gap averaged over the first held-out images (mean \u00B1 sd), and below the approximation gap.");
    ImGui::TextDisabled("approximation gap %.3f", h.approximation_mean);
  }
}

// Creates the trainer from the --set values on first open (a bad value leaves an error to show).
void ensure_trainer(VaeWindowState& st) {
  if (st.live || !st.error.empty()) return;
  try {
    const vi::ParamValues values = vi::resolve_model_settings("--set", *vi::find_model("vae"), st.settings);
    st.edited = vi::vae_config_from_settings(values, st.seed);
    st.live = std::make_unique<vi::LiveTrainer<vi::VaeTrainer>>(st.edited, 15.0);
    const auto f = st.live->frame();
    // Start on a held-out image: its gap is the honest one (the encoder never trained on it).
    for (size_t i = 0; i < f->model->is_heldout.size(); ++i)
      if (f->model->is_heldout[i]) {
        st.edited.selected_image = int(i);
        break;
      }
    if (st.may_block && st.pending_epochs > 0) {
      // Train first, then ask: commands sent together are applied before the steps are taken.
      st.live->step(st.pending_epochs * f->model->steps_per_epoch);
      st.live->sync();
    }
    st.pending_epochs = 0;
    st.live->apply(st.edited);
    st.live->send(vi::VaeTrainer::Command::SelectedGap);
    if (st.may_block) st.live->sync();
    st.gap_asked_at = st.live->frame()->steps;
  } catch (const std::exception& e) {
    st.error = e.what();
  }
}

}  // namespace

VaeWindowReport last_vae_window() { return g_report; }

void release_vae_window(VaeWindowState& st) { st.live.reset(); }

// [SECTION] draw_vae_window

void draw_vae_window(VaeWindowState& st, bool* open) {
  g_report = {};
  if (!open || !*open) return;
  const float fs = ImGui::GetFontSize();
  // Docked beside the density view (app/ui/shell/layout.hpp): never over the panels, the lesson pane or the bars.
  const int docked = dock_tool_window(ToolWindow::Vae);
  if (!ImGui::Begin("VAE on 8\u00D78 digits: 2D latent space and the amortization gap##vae", open,
                    docked | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoScrollbar)) {
    ImGui::End();
    return;
  }
  ensure_trainer(st);
  if (!st.live) {
    ImGui::TextColored({1, 0.4f, 0.3f, 1}, "%s", st.error.c_str());
    g_report.error = st.error;
    ImGui::End();
    return;
  }
  const std::shared_ptr<const vi::LiveTrainer<vi::VaeTrainer>::Frame> frame = st.live->frame();
  const vi::VaeSnapshot& s = *frame->model;
  // Paused with a stale gap (or none): ask the worker for one, once per step count.
  const bool stale = !s.gap || s.gap->image != st.edited.selected_image || s.gap->step != frame->steps;
  if (!frame->playing && stale && st.gap_asked_at != frame->steps && frame->config == st.edited) {
    st.live->send(vi::VaeTrainer::Command::SelectedGap);
    st.gap_asked_at = frame->steps;
  }

  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::BeginChild("##vae_controls", {fs * 15.5f, 0}, false);
  draw_controls(st, *frame);
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginGroup();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float bottom_h = std::max(fs * 12, avail.y * 0.30f);
  const float top_h = std::max(avail.y - bottom_h - line - style.ItemSpacing.y * 2, fs * 12);
  // The latent plane is square and as tall as the top row; the right column takes the rest.
  const float plane_side = std::max(fs * 10, top_h - plane_bottom_margin() - fs * 2.6f);
  const float latent_w = std::min(plane_side + plane_left_margin() + fs * 0.5f, avail.x * 0.55f);
  const float right_w = avail.x - latent_w - style.ItemSpacing.x;

  // The latent space (left, square as the room allows).
  ImGui::BeginGroup();
  {
    const ImVec2 c0 = ImGui::GetCursorScreenPos();
    const float side = std::min(latent_w - plane_left_margin() - fs * 0.5f, plane_side);
    const ImVec2 a0{c0.x + plane_left_margin(), c0.y + fs * 2.6f}, a1{a0.x + side, a0.y + side};
    ImGui::GetWindowDrawList()->AddText({c0.x, c0.y}, IM_COL32(230, 230, 230, 255),
                                        "latent space: the encoder's mean \u03BC(x) of every image (click one)");
    ImGui::Dummy({latent_w, top_h});
    draw_latent(st, s, a0, a1);
    g_report.latent = to_px(a0, a1);
  }
  ImGui::EndGroup();
  ImGui::SameLine();

  // Right: the manifold beside the gap numbers, the reconstructions under them.
  ImGui::BeginGroup();
  {
    const float recon_cell = std::floor(std::min(right_w / (float(s.recon_original.cols()) * 10.0f + 2.0f), fs * 0.4f));
    const float recon_h = recon_cell * 17 + line * 2;
    const float mside = std::floor(std::min(right_w - fs * 13.5f, top_h - recon_h - line * 2));
    ImGui::TextUnformatted("decoded manifold over [\u22123, 3]\u00B2");
    tooltip("The decoder's mean image at each point of a 12 \u00D7 12 lattice over the latent square [\u22123, 3]\u00B2 "
            "(the faint square in the latent space): z\u2081 left to right, z\u2082 bottom to top.");
    const ImVec2 m0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy({mside, mside});
    draw_manifold(s, m0, mside);
    g_report.manifold = to_px(m0, {m0.x + mside, m0.y + mside});
    ImGui::SameLine();
    ImGui::BeginChild("##vae_gap_child", {0, mside}, false);
    draw_gap_numbers(st, s, *frame);
    ImGui::Spacing();
    draw_kl_bars(s);
    ImGui::EndChild();
    ImGui::TextUnformatted("reconstructions: a held-out image per digit, then the selected one");
    tooltip("Top: the image. Bottom: the decoder's mean at the encoder's \u03BC(x).");
    const ImVec2 r0 = ImGui::GetCursorScreenPos();
    ImGui::Dummy({right_w, recon_cell * 17});
    draw_reconstructions(s, r0, recon_cell);
    g_report.recon = to_px(r0, {r0.x + right_w, r0.y + recon_cell * 17});
  }
  ImGui::EndGroup();

  draw_latent_legend(s);
  draw_curves(s, (avail.x - style.ItemSpacing.x) / 2, bottom_h);
  ImGui::EndGroup();

  g_report.drawn = true;
  g_report.elbo_points = int(s.history.size());
  g_report.epoch = s.epoch;
  ImGui::End();
}

// [SECTION] Registration

namespace {

class VaeTool final : public ToolWindowState {
 public:
  void draw(bool* open, const ToolFrame&) override { draw_vae_window(state_, open); }
  void start(const ToolStart& s) override {
    if (!s.open) return;
    state_.pending_epochs = s.shot ? s.options.shot_steps : 0;
    state_.may_block = s.shot;
  }
  // Its settings and seed are read when the trainer is made: other ones start a new trainer.
  bool show_scene(const SceneFile& f, bool was_open) override {
    const ScenePanels& p = f.panels;
    if (!p.window("vae") || (was_open && state_.settings == p.model_settings && state_.seed == f.scene.seed)) return false;
    release_vae_window(state_);
    state_ = VaeWindowState{};
    state_.settings = p.model_settings;
    state_.seed = f.scene.seed;
    return true;
  }
  const std::map<std::string, double>* model_settings() const override { return &state_.settings; }
  std::optional<bool> trainer_playing() const override { return live_trainer_playing(state_.live); }
  void set_trainer_playing(bool play) override { set_live_trainer_playing(state_.live, play); }
  void release() override { release_vae_window(state_); }

 private:
  VaeWindowState state_;
};

}  // namespace

ToolWindowEntry vae_tool_window() {
  ToolWindowEntry e;
  e.key = "vae";
  e.dock = ToolWindow::Vae;
  e.menu_name = "VAE (digits)";
  e.help = "Open (or close) a variational autoencoder on the 8\u00D78 digits training live: its 2D latent space, the "
           "decoded manifold, the ELBO split into reconstruction and KL, and the amortization gap of one image. "
           "Closing the window pauses its training; opening it again carries on where it was.";
  e.close = ClosePolicy::PauseTrainer;
  e.make = [] { return std::unique_ptr<ToolWindowState>(new VaeTool); };
  return e;
}

}  // namespace vilab
