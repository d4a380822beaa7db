// app/ui/panels/controls.cpp — the control panel (left): run commands, lessons, target, family and its
// sizes, objective (estimator, S, entropy, β-annealing), optimizer, setup, and the fits compared
// side by side.
//
// Index
// [SECTION] Helpers
// [SECTION] Run commands and lessons
// [SECTION] Scene editing
// [SECTION] Comparison fits
// [SECTION] Shortcuts
#include "app/ui/panels/controls.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/shell/keymap.hpp"
#include "app/ui/shell/models_menu.hpp"
#include "app/ui/panels/formula_box.hpp"
#include "app/ui/widgets/plot.hpp"
#include "app/ui/shell/status_line.hpp"
#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/families/family.hpp"
#include "vi/engine/fit_grid.hpp"
#include "vi/models/datasets.hpp"
#include "vi/models/models.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/targets/targets.hpp"
#include "vi/targets/formula.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace vilab {

namespace {

// [SECTION] Helpers

const ImVec4 kRed{1.0f, 0.42f, 0.38f, 1.0f};
const ImVec4 kOrange{1.0f, 0.66f, 0.25f, 1.0f};
const ImVec4 kNote{0.98f, 0.85f, 0.45f, 1.0f};

// Slider ranges (ImGui takes them by pointer).
constexpr double kSpeedMin = 1, kSpeedMax = 10000;  // steps/s
constexpr double kLrMin = 1e-4, kLrMax = 1.0;       // learning rate
constexpr double kMeanMin = -6, kMeanMax = 6;       // initial mean, each axis
constexpr double kSdMin = -4, kSdMax = 2;           // initial log sd
constexpr uint64_t kOne = 1;                        // seed +/- step
constexpr int kAnnealMax = 100000;                  // β-annealing T (steps)
constexpr double kKappaMin = 0.51, kKappaMax = 1;   // rate decay exponent κ (Robbins–Monro: (0.5, 1])
constexpr double kTauMin = 1, kTauMax = 100000;     // rate decay delay τ (steps)
constexpr double kClipMin = 1e-3, kClipMax = 1e4;    // gradient clipping: the largest norm
constexpr double kTolMin = 1e-5, kTolMax = 0.5;      // the convergence rule's tolerance
constexpr int kDim = 2;                             // the app's targets are 2D (a rank slider stops at D)

void wrapped_dim(const std::string& text) {
  text_wrapped_disabled(text);
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
}

// A button that opens or closes tool window `id` (its key in the registry of tool windows):
// "Name…" while closed, "Name ✓" while open.
void window_button(const char* name, const char* id, WindowsShown& windows, bool ellipsis = true) {
  const bool open = windows.shown(id);
  std::string label = name;
  label += open ? " \u2713" : ellipsis ? "\u2026" : "";
  label += "##";
  label += id;
  if (ImGui::Button(label.c_str())) windows.toggle(id);
}

// A combo over a registry; returns true and sets `current` when the user picks another entry.
template <class Registry>
bool registry_combo(const char* label, const Registry& registry, std::string& current, const char* help) {
  bool changed = false;
  if (ImGui::BeginCombo(label, current.c_str())) {
    for (const auto& info : registry) {
      const bool selected = info.name == current;
      if (ImGui::Selectable(info.name.c_str(), selected) && !selected) {
        current = info.name;
        changed = true;
      }
      if (ImGui::IsItemHovered() && !info.summary.empty()) tooltip(info.summary.c_str());
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  tooltip(help);
  return changed;
}

template <class Registry>
const std::string* summary_of(const Registry& registry, const std::string& name) {
  for (const auto& info : registry)
    if (info.name == name) return &info.summary;
  return nullptr;
}

// [SECTION] Run commands and lessons

void draw_run_commands(ControlsState& st, vi::Engine& engine, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  const bool playing = snap.state == vi::EngineState::Playing;
  const ImVec2 big{fs * 6.0f, fs * 1.9f};
  ImGui::PushStyleColor(ImGuiCol_Button, playing ? ImVec4(0.55f, 0.30f, 0.12f, 1) : ImVec4(0.16f, 0.45f, 0.22f, 1));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, playing ? ImVec4(0.68f, 0.38f, 0.16f, 1) : ImVec4(0.20f, 0.56f, 0.28f, 1));
  if (ImGui::Button(playing ? "\u275A\u275A Pause" : "\u25B6 Play", big)) {
    if (playing) engine.pause();
    else engine.play();
  }
  ImGui::PopStyleColor(2);
  tooltip("Run the optimizer continuously (Space). Each step draws S samples, estimates the "
          "objective's gradient from them and moves φ uphill.");
  ImGui::SameLine();
  if (ImGui::Button("\u21BA Reset", big)) engine.reset();
  tooltip("Start the fit again from the initial q (R). The seed makes the new run identical to the "
          "last one from the start.");

  ImGui::TextUnformatted("step");
  ImGui::SameLine();
  if (ImGui::Button("+1")) engine.step(1);
  tooltip("Take one optimizer step (Right arrow).");
  ImGui::SameLine();
  if (ImGui::Button("+10")) engine.step(10);
  tooltip("Take 10 optimizer steps.");
  ImGui::SameLine();
  if (ImGui::Button("+100")) engine.step(100);
  tooltip("Take 100 optimizer steps.");

  bool speed_changed = false;
  ImGui::BeginDisabled(st.max_speed);
  speed_changed |= clamped_slider("speed##speed", &st.speed, kSpeedMin, kSpeedMax,
                                       "%.0f steps/s", ImGuiSliderFlags_Logarithmic);
  ImGui::EndDisabled();
  tooltip("The speed limit while playing, in optimizer steps per second. Slow speeds let a class "
          "follow each step; the plots and numbers keep up at any speed.");
  ImGui::SameLine();
  speed_changed |= ImGui::Checkbox("max##max_speed", &st.max_speed);
  tooltip("No speed limit: step as fast as the machine allows.");
  if (speed_changed) engine.set_speed(st.max_speed ? 0.0 : st.speed);
}

// A button that opens the lesson browser (app/ui/windows/lesson_browser.hpp); the app takes the request.
void draw_lessons(ControlsState& st) {
  section("Lessons");
  if (ImGui::Button("\u25A4 Browse lessons\u2026 (1\u20139)##browse_lessons", {-1, 0})) st.open_lessons = true;
  tooltip("The lesson library: ready-made scenes, each with a short explanation (the idea, the maths, what to "
          "try, what to look for). Keys 1\u20139 open the first nine lessons directly. A lesson replaces what "
          "runs now.");
}

// [SECTION] Scene editing

// The problem combo lists the 2D targets, then the models (vi/models/models.hpp) under their own
// heading; a model's parameters and data are its own, so switching clears them. "formula…" opens
// the formula box (`formula_open`): the target changes only when a formula is applied there.
bool problem_combo(vi::Scene& sc, bool* formula_open = nullptr) {
  bool changed = false;
  auto entry = [&](const std::string& name, const std::string& summary) {
    const bool selected = name == sc.target;
    if (ImGui::Selectable(name.c_str(), selected) && !selected) {
      sc.target = name;
      changed = true;
    }
    if (ImGui::IsItemHovered() && !summary.empty()) tooltip(summary.c_str());
    if (selected) ImGui::SetItemDefaultFocus();
  };
  if (ImGui::BeginCombo("target##target", sc.target.c_str())) {
    for (const auto& t : vi::target_registry()) entry(t.name, t.summary);
    if (formula_open) {
      const bool selected = sc.target == vi::kFormulaTarget;
      if (ImGui::Selectable("formula\u2026", selected)) *formula_open = true;
      if (ImGui::IsItemHovered()) tooltip(vi::formula_summary().c_str());
    }
    ImGui::Separator();
    ImGui::TextDisabled("small Bayesian models");
    for (const auto& m : vi::model_registry())
      if (m.kind == vi::ModelKind::Fitted) entry(m.name, m.summary);  // the others have their own windows
    ImGui::EndCombo();
  }
  tooltip("The posterior p(z) \u221D p\u0303(z) that q tries to fit: a 2D target, or a small Bayesian model with its "
          "exact answer (blr-wine: 13 weights, logreg: intercept and slope). Hover an entry for what it teaches.");
  if (changed) {
    sc.target_params.clear();  // another problem's parameters and data do not apply
    sc.data.clear();
    sc.batch = 0;
  }
  return changed;
}

void draw_target(vi::Scene& sc, const vi::Snapshot& snap, FormulaBoxState& formula) {
  section("Target p(z)");
  if (problem_combo(sc, &formula.open)) formula.open = false;  // another target chosen
  draw_formula_box(formula, sc);
  const std::string* summary = nullptr;  // the formula target: its box says it all
  for (const auto& t : vi::target_registry())
    if (t.name == sc.target) summary = &t.summary;
  if (vi::is_model(sc.target)) summary = &vi::find_model(sc.target)->summary;
  if (summary && !summary->empty()) wrapped_dim(*summary);
  if (snap.target && !snap.target->note.empty() && snap.scene.target == sc.target) {
    ImGui::PushStyleColor(ImGuiCol_Text, kNote);
    text_wrapped("Note: " + snap.target->note);
    ImGui::PopStyleColor();
  }
  if (!summary) return;
  for (const vi::ParamSpec& p : vi::problem_params(sc.target)) {
    auto it = sc.target_params.find(p.name);
    double v = it != sc.target_params.end() ? it->second : p.default_value;
    const std::string id = p.name + "##tp_" + p.name;
    if (p.integer) {
      int iv = int(v);
      const int lo = int(p.lo), hi = int(p.hi);
      if (clamped_slider(id.c_str(), &iv, lo, hi, "%d")) sc.target_params[p.name] = iv;
    } else if (clamped_slider(id.c_str(), &v, p.lo, p.hi, "%.3g", (p.hi / std::max(p.lo, 1e-300) > 100 ? ImGuiSliderFlags_Logarithmic : 0))) {
      sc.target_params[p.name] = v;
    }
    if (!p.help.empty()) tooltip(p.help.c_str());
  }
  if (sc.target == "logreg") {
    // The feature slider says which feature it is.
    const int f = int(sc.target_params.count("feature") ? sc.target_params.at("feature") : 0);
    const auto& names = vi::dataset("breast_cancer").feature_names;
    if (f >= 0 && f < int(names.size())) wrapped_dim("x = " + names[size_t(f)] + " (standardized)");
    if (!sc.data.empty()) wrapped_dim(std::to_string(sc.data.size()) + " data points, edited under the density");
  }
}

// Whether `family` has a closed-form entropy: its registry entry says (no family is built to ask).
bool has_closed_form_entropy(const std::string& family) {
  for (const vi::FamilyInfo& f : vi::family_registry())
    if (f.name == family) return f.capabilities.analytic_entropy;
  return false;  // an unknown family: the engine reports it
}

// The sizes `family` uses (and only those), editing `o`: one slider per option of the family's
// table (its range, its help), so a family's new option appears here by itself.
void draw_family_sizes(vi::FamilyOptions& o, const std::string& family) {
  const vi::FamilyInfo& info = vi::family_info(family);
  for (const vi::FamilyParam& p : info.params) {
    const int hi = p.slider_stops_at_dim ? std::min(int(p.spec.hi), kDim) : int(p.spec.hi);
    const std::string label = p.label + "##" + p.key();
    clamped_slider(label.c_str(), &(o.*p.field), int(p.spec.lo), hi, "%d", p.log_slider ? ImGuiSliderFlags_Logarithmic : 0);
    tooltip((p.spec.help + " Restarts the fit.").c_str());
  }
  for (const vi::FamilyChoice& c : info.choices) {
    // The one named option (the mixture's component kind), with words for its two names.
    if (c.name != "component") continue;
    const bool full = o.component != "meanfield";
    if (ImGui::BeginCombo("component##component", full ? "full covariance" : "diagonal")) {
      if (ImGui::Selectable("full covariance", full) && !full) o.component = "fullrank";
      tooltip("Each component any ellipse (a full-rank Gaussian).");
      if (ImGui::Selectable("diagonal", !full) && full) o.component = "meanfield";
      tooltip("Each component an axis-aligned ellipse (a mean-field Gaussian).");
      ImGui::EndCombo();
    }
    tooltip((c.help + " Restarts the fit.").c_str());
  }
}

void draw_family(vi::Scene& sc) {
  section("Variational family q\u1D69(z)");
  const auto& registry = vi::family_registry();
  registry_combo("family##family", registry, sc.family,
                 "The set of distributions q\u1D69 we search: Gaussians (meanfield, fullrank, lowrank), "
                 "a mixture of Gaussians, or a normalizing flow (planar, radial, realnvp) that bends a "
                 "Gaussian through K invertible layers. Hover an entry for a summary. Changing it "
                 "restarts the fit.");
  if (const std::string* s = summary_of(registry, sc.family)) wrapped_dim(*s);
  draw_family_sizes(sc.family_options, sc.family);
}

void draw_objective(ControlsState& st, const vi::Snapshot& snap) {
  vi::Scene& sc = st.edited;
  section("Objective");
  ObjectiveWidgetOptions options;
  if (snap.scene.objective == "forward-kl" && snap.scene.sampling == "snis") options.snis_ess = snap.metrics.snis_ess;
  draw_objective_widgets(sc, options);
  if (!st.objective_note.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, kNote);
    text_wrapped(st.objective_note);
    ImGui::PopStyleColor();
  }
  clamped_slider("samples S##samples", &sc.samples, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("Monte Carlo samples per step: the step's objective and gradient are averaged over S draws "
          "(of q, or of p for forward KL), so their noise shrinks like 1/\u221AS. For R\u00E9nyi \u03B1 they "
          "are also the bound's K importance samples. Changing S keeps the current fit.");

  // The closed-form entropy serves the ELBO with the pathwise or score estimator only.
  const bool reverse = sc.objective == "reverse-kl";
  const bool entropy_used = reverse && sc.estimator != "stl";
  if (has_closed_form_entropy(sc.family) && entropy_used) {
    ImGui::Checkbox("analytic entropy H[q]##analytic_entropy", &sc.analytic_entropy);
    tooltip("On: ELBO = E_q[log p\u0303(z)] + H[q] with the entropy H[q] in closed form (less noise). "
            "Off: ELBO = E_q[log p\u0303(z) \u2212 log q(z)], all by Monte Carlo.");
  } else {
    bool closed_form = false;  // shown unticked: what the objective actually does
    ImGui::BeginDisabled();
    ImGui::Checkbox("analytic entropy H[q]##analytic_entropy", &closed_form);
    ImGui::EndDisabled();
    tooltip(!entropy_used
                ? "Not used: the closed-form entropy H[q] is a term of the ELBO with the reparam or score "
                  "estimator. STL differentiates log q at the draws instead, forward KL has no entropy term, "
                  "and the R\u00E9nyi bound weighs each draw by p\u0303/q."
                : "Not available: a mixture's or a flow's entropy has no closed form, so the ELBO is "
                  "E_q[log p\u0303(z) \u2212 log q(z)] by Monte Carlo, with log q from q's exact density.");
  }

  // β-annealing: a checkbox (off / on) and T. Forward KL draws p itself: nothing to anneal.
  const bool forward = sc.objective == "forward-kl";
  bool anneal = sc.anneal > 0;
  const char* anneal_help =
      forward ? "Not used by forward KL: its draws come from p itself, so there is no target term to "
                "flatten. (\u03B2-annealing weights log p\u0303 in the ELBO and the R\u00E9nyi bound.)"
              : "\u03B2-annealing (Rezende & Mohamed 2015, \u00A76): maximize E_q[\u03B2\u209C log p\u0303(z)] + H[q] with "
                "\u03B2\u209C = min(1, 0.01 + t/T), so q first spreads over a flattened target that sharpens to p "
                "over T steps; this helps flows find every mode. The ELBO and KL plots mark step T "
                "(\u03B2 = 1), and the status line shows \u03B2 while it is below 1. Tick to turn it on; "
                "changing it keeps the current fit.";
  ImGui::BeginDisabled(forward);
  if (ImGui::Checkbox("##anneal_on", &anneal)) sc.anneal = anneal ? st.anneal_steps : 0;
  ImGui::EndDisabled();
  tooltip(anneal_help);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::BeginDisabled(!anneal || forward);
  int T = anneal ? sc.anneal : st.anneal_steps;
  ImGui::SetNextItemWidth(std::max(ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - ImGui::GetStyle().ItemInnerSpacing.x,
                                   ImGui::GetFontSize() * 4));
  if (clamped_slider("\u03B2-anneal T##anneal", &T, 1, kAnnealMax, anneal ? "over %d steps" : "off", ImGuiSliderFlags_Logarithmic)) {
    st.anneal_steps = T;
    if (anneal) sc.anneal = T;
  }
  ImGui::EndDisabled();
  tooltip(anneal_help);

  window_button("Gradient variance", "gradvar", st.windows);
  tooltip("Open (or close) the estimator window: how noisy each gradient estimator is at the current q, "
          "for S = 1, 4, 16 and 64 on log\u2013log axes, measured off the UI thread on a copy of the fit.");
  window_button("Step through", "step_through", st.windows, /*ellipsis=*/false);
  tooltip("Open (or close) the step-through window (T): while the fit is paused, its next step one Monte Carlo "
          "sample at a time, from \u03B5 to z to the gradient and the update.");
  ImGui::SameLine();
  window_button("ELBO landscape", "landscape", st.windows);
  tooltip("Open (or close) the ELBO over a 2D slice of \u03C6 around the current q, with the paths SGD, momentum "
          "and Adam would take from here.");
}

// The model windows (app/ui/shell/models_menu.hpp: the same table and toggle as the Models menu), as many
// buttons on a line as fit.
void draw_models(ControlsState& st) {
  section("Models");
  const ImGuiStyle& style = ImGui::GetStyle();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  float last_right = -1;  // the right edge of the button before (−1: none yet)
  for (const ModelWindowEntry& m : model_windows()) {
    const bool open = st.windows.shown(m.id);
    const std::string shown = std::string(m.name) + (open ? " \u2713" : "\u2026");
    const float w = ImGui::CalcTextSize(shown.c_str()).x + style.FramePadding.x * 2;
    if (last_right >= 0 && last_right + style.ItemSpacing.x + w <= right) ImGui::SameLine();
    const std::string label = shown + "##" + m.id;
    if (ImGui::Button(label.c_str())) toggle_model_window(st.windows, m);
    last_right = ImGui::GetItemRectMax().x;
    tooltip(m.help);
  }
}

void draw_optimizer(vi::Scene& sc) {
  section("Optimizer");
  const auto& registry = vi::optimizer_registry();
  registry_combo("optimizer##optimizer", registry, sc.optimizer,
                 "How φ moves along the noisy gradient: sgd = plain steps, momentum = heavy ball, "
                 "adam = per-parameter step sizes from running moments of the gradient.");
  if (const std::string* s = summary_of(registry, sc.optimizer)) wrapped_dim(*s);
  clamped_slider("learning rate η##lr", &sc.lr, kLrMin, kLrMax, "%.4g", ImGuiSliderFlags_Logarithmic);
  tooltip("The step size η: φ ← φ + η · (update from ∇\u1D69 ELBO). Too small crawls, too large "
          "oscillates or diverges. Changing η keeps the current fit.");
  bool decay = sc.lr_schedule == "decay";
  if (ImGui::Checkbox("decay \u03B7\u209C = \u03B7(1 + t/\u03C4)^\u2212\u03BA##decay", &decay)) sc.lr_schedule = decay ? "decay" : "constant";
  tooltip("A Robbins\u2013Monro schedule: with \u03BA in (0.5, 1] the steps shrink slowly enough to get anywhere "
          "(\u03A3 \u03B7\u209C = \u221E) and fast enough for the noise to average out (\u03A3 \u03B7\u209C\u00B2 < \u221E): "
          "what lets a noisy fit (small S, minibatches) settle. Keeps the current fit.");
  if (decay) {
    clamped_slider("\u03BA##decay_kappa", &sc.decay_kappa, kKappaMin, kKappaMax, "%.2f");
    tooltip("How fast the step size falls: \u03B7\u209C \u221D t^\u2212\u03BA for t \u226B \u03C4.");
    clamped_slider("\u03C4##decay_tau", &sc.decay_tau, kTauMin, kTauMax, "%.0f steps", ImGuiSliderFlags_Logarithmic);
    tooltip("The delay: \u03B7 stays near its starting value for about \u03C4 steps.");
  }
}

// Minibatch SVI for problems with data: |B| points per step, the likelihood scaled by N/|B|.
void draw_minibatch(vi::Scene& sc, const vi::Snapshot& snap) {
  if (!snap.target || !snap.target->data || snap.scene.target != sc.target) return;
  const int n = snap.target->data->problem->data_size();
  if (n <= 1) return;
  bool on = sc.batch > 0 && sc.batch < n;
  if (ImGui::Checkbox("minibatches##minibatch", &on)) sc.batch = on ? std::max(1, std::min(10, n - 1)) : 0;
  tooltip("Stochastic VI (Hoffman et al. 2013): each step uses |B| of the N data points, the likelihood scaled by "
          "N/|B|. An unbiased gradient, but a noisier one: turn on the rate decay to let the fit settle. "
          "Keeps the current fit.");
  if (on) {
    clamped_slider("|B|##batch", &sc.batch, 1, n - 1, "%d points", ImGuiSliderFlags_Logarithmic);
    tooltip("Points per step. The subsampling noise grows as |B| shrinks; the model view measures it.");
  }
}

// Trust: auto-stop on Stan's convergence rule, gradient clipping, the rule's and k̂'s
// settings. All live: changing them keeps the fit.
void draw_trust(vi::Scene& sc) {
  section("Trust");
  ImGui::Checkbox("auto-stop when converged##auto_stop", &sc.auto_stop);
  tooltip("Pause the fit when Stan ADVI's convergence rule says it has converged: the mean or median "
          "relative change of the ELBO over the last evaluations is below the tolerance. Play carries on.");
  bool clip = sc.grad_clip > 0;
  if (ImGui::Checkbox("clip the gradient##clip", &clip)) sc.grad_clip = clip ? 10.0 : 0.0;
  tooltip("Scale the gradient down to a maximum norm before each update (its direction is kept). "
          "Guards against a step thrown far by a rare huge gradient; with plain SGD it can rescue a "
          "learning rate that would otherwise diverge.");
  if (clip) {
    clamped_slider("max ‖∇‖##grad_clip", &sc.grad_clip, kClipMin, kClipMax, "%.3g", ImGuiSliderFlags_Logarithmic);
    tooltip("The largest gradient norm an update may use.");
  }
  if (!ImGui::TreeNode("rule and k\u0302 settings##trust_settings")) return;
  clamped_slider("ELBO every##converge_every", &sc.converge_every, 0, 10000, sc.converge_every ? "%d steps" : "off", ImGuiSliderFlags_Logarithmic);
  tooltip("How often the rule evaluates the ELBO (Stan's eval_elbo, 100). 0 turns the rule off.");
  clamped_slider("window##converge_window", &sc.converge_window, 1, 100, "%d changes");
  tooltip("How many of the latest relative changes the rule averages (Stan: 10).");
  clamped_slider("tolerance##converge_tol", &sc.converge_tol, kTolMin, kTolMax, "%.3g", ImGuiSliderFlags_Logarithmic);
  tooltip("Converged when the mean or median relative change is below this (Stan's tol_rel_obj, 0.01).");
  const char* stats[] = {"either", "mean", "median"};
  if (ImGui::BeginCombo("statistic##converge_statistic", sc.converge_statistic.c_str())) {
    for (const char* s : stats)
      if (ImGui::Selectable(s, sc.converge_statistic == s)) sc.converge_statistic = s;
    ImGui::EndCombo();
  }
  tooltip("Which statistic of the window decides: Stan stops when either is below the tolerance. The "
          "median ignores a single jump; the mean does not.");
  clamped_slider("k\u0302 every##khat_every", &sc.khat_every, 0, 10000, sc.khat_every ? "%d steps" : "off", ImGuiSliderFlags_Logarithmic);
  tooltip("How often PSIS k\u0302 and the ESS are computed from 4096 fresh draws of q. 0 turns them off.");
  ImGui::TreePop();
}

void draw_init(vi::Scene& sc) {
  section("Start and randomness");
  double mean[2] = {sc.init_mean_x, sc.init_mean_y};
  if (ImGui::SliderScalarN("initial mean μ\u2080##init_mean", ImGuiDataType_Double, mean, 2, &kMeanMin, &kMeanMax, "%.2f")) {
    sc.init_mean_x = mean[0];
    sc.init_mean_y = mean[1];
  }
  tooltip("Where q starts: its initial mean (z\u2081, z\u2082). Ctrl+click to type a value. Restarts the fit.");
  ImGui::SliderScalar("initial log σ\u2080##init_log_sd", ImGuiDataType_Double, &sc.init_log_sd, &kSdMin, &kSdMax, "%.2f");
  tooltip("q's initial spread: every axis starts with standard deviation σ\u2080 = e^(log σ\u2080). "
          "Restarts the fit.");
  ImGui::InputScalar("seed##seed", ImGuiDataType_U64, &sc.seed, &kOne, nullptr, "%llu");
  tooltip("Seeds every random stream of the run: the same seed gives the same trace, bit for bit, "
          "here, on the command line and in the tests. Restarts the fit.");
}

// The grid view's entry: a preset and a button (the app switches views when it sees the request).
void draw_paper_figures(ControlsState& st) {
  section("Paper figures");
  const auto& registry = vi::fit_grid_registry();
  registry_combo("grid##grid_preset", registry, st.grid_preset,
                 "A grid of fits, one panel per cell, each row its own target. paper-fig3 is Rezende & "
                 "Mohamed (2015), Fig. 3: the energies U1\u2013U4 against planar flows of depth K = 2, 8, 32.");
  if (ImGui::Button("\u25A6 Open the grid view##open_grid")) request_grid(st, st.grid_preset);
  tooltip("Show the preset as a grid of density panels with their live KL(q\u2016p) and KL curves; one "
          "play / pause / step / reset drives every cell. Click a panel to open that fit here, at the "
          "same step.");
}

void draw_advanced(vi::Scene& sc) {
  if (!ImGui::CollapsingHeader("Advanced##advanced")) return;
  clamped_slider("KL every##metrics_every", &sc.metrics_every, 1, 1000, "%d steps", ImGuiSliderFlags_Logarithmic);
  tooltip("A point of the KL and smooth-ELBO curves is recorded every this many steps.");
  clamped_slider("metric draws##metric_samples", &sc.metric_samples, 16, 65536, "%d", ImGuiSliderFlags_Logarithmic);
  tooltip("Fixed draws of q used for the smooth ELBO and the Monte Carlo KL(q‖p): more draws, "
          "smaller standard error, slower metrics.");
  clamped_slider("grid##grid", &sc.grid, 16, 2048, "%d cells", ImGuiSliderFlags_Logarithmic);
  tooltip("Cells per axis of the quadrature grid behind log Z, p's moments and KL(p‖q). Finer is "
          "more accurate and slower to build.");
}

// [SECTION] Comparison fits

// A family the comparison does not show yet, for "+ family".
std::string next_family(const ControlsState& st) {
  for (const char* f : {"meanfield", "planar", "realnvp", "fullrank", "mixture", "radial", "lowrank"}) {
    bool used = st.edited.family == f;
    for (const vi::Scene& c : st.compare) used |= c.family == f;
    if (!used) return f;
  }
  return "meanfield";
}

// The main fit's family with an objective no fit of that family uses yet (and the family can
// serve), for "+ objective": forward KL first (the lesson of reverse vs forward), then Rényi.
vi::Scene next_objective(ControlsState& st) {
  vi::Scene c = st.edited;
  c.estimator = "reparam";
  c.baseline = "none";
  for (const char* objective : {"forward-kl", "renyi", "reverse-kl"}) {
    bool used = st.edited.objective == objective;
    for (const vi::Scene& o : st.compare) used |= o.family == c.family && o.objective == objective;
    c.objective = objective;
    if (!used && objective_unsupported(c).empty()) return c;
  }
  // Every objective is taken: another α.
  c.objective = "renyi";
  c.alpha = 0;
  return c;
}

void draw_compare(ControlsState& st, const vi::Snapshot& snap) {
  section("Compare fits");
  if (st.compare.empty())
    wrapped_dim("Fit up to three more q beside this one \u2014 another family, or the same family with "
                "another objective \u2014 on the same target with the same seed, S, optimizer and start, so "
                "they draw the same \u03B5. The centre shows every fit side by side, the right panel their "
                "curves and a table of their numbers.");
  st.compare_notes.resize(st.compare.size());
  const float fs = ImGui::GetFontSize();
  int remove = -1;
  for (size_t i = 0; i < st.compare.size(); ++i) {
    vi::Scene& c = st.compare[i];
    const vi::Scene before = c;
    ImGui::PushID(int(i));
    // A swatch in the fit's colour (the same in the panel titles, the plots and the table).
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFrameHeight();
    ImGui::GetWindowDrawList()->AddRectFilled({p.x, p.y + h * 0.25f}, {p.x + fs * 0.45f, p.y + h * 0.75f},
                                              plot::palette(int(i) + 1), 2.0f);
    ImGui::Dummy({fs * 0.45f, h});
    ImGui::SameLine();
    const ImGuiStyle& style = ImGui::GetStyle();
    const float remove_w = ImGui::CalcTextSize("\u2715").x + style.FramePadding.x * 2 + style.ItemSpacing.x;
    ImGui::SetNextItemWidth(std::max(ImGui::CalcItemWidth() - fs * 0.45f - style.ItemSpacing.x - remove_w, fs * 4));
    const std::string label = "fit " + std::to_string(i + 2) + "##fit_family";
    registry_combo(label.c_str(), vi::family_registry(), c.family,
                   "The family of this comparison fit. Changing it restarts every fit.");
    ImGui::SameLine();
    if (ImGui::Button("\u2715")) remove = int(i);
    tooltip("Remove this comparison fit (the others restart).");
    // The fit's own settings, indented under its swatch.
    const float indent = fs * 0.45f + style.ItemSpacing.x;
    ImGui::Indent(indent);
    draw_family_sizes(c.family_options, c.family);
    // Its objective: the main fit's S decides what a leave-one-out baseline can do.
    c.samples = st.edited.samples;
    ObjectiveWidgetOptions options;
    if (i < snap.comparison.size() && snap.comparison[i]->scene.sampling == "snis")
      options.snis_ess = snap.comparison[i]->metrics.snis_ess;
    draw_objective_widgets(c, options);
    // As for the main fit: a note on a fallback stays until the family or objective changes again.
    std::string note = fit_objective_to_family(c);
    if (!note.empty()) st.compare_notes[i] = std::move(note);
    else if (!(c.family == before.family && c.family_options == before.family_options && c.objective == before.objective))
      st.compare_notes[i].clear();
    if (!st.compare_notes[i].empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, kNote);
      text_wrapped(st.compare_notes[i]);
      ImGui::PopStyleColor();
    }
    ImGui::Unindent(indent);
    ImGui::Spacing();
    ImGui::PopID();
  }
  if (remove >= 0) {
    st.compare.erase(st.compare.begin() + remove);
    st.compare_notes.erase(st.compare_notes.begin() + remove);
  }

  ImGui::BeginDisabled(int(st.compare.size()) >= kMaxCompare);
  if (ImGui::Button("+ family##compare_add")) {
    vi::Scene c = st.edited;
    c.family = next_family(st);
    std::string note = fit_objective_to_family(c);
    st.compare.push_back(std::move(c));
    st.compare_notes.push_back(std::move(note));
  }
  tooltip("Add a fit of another family with this fit's objective (up to three). All fits restart "
          "together and then step together; a fit that diverges stops alone while the others keep running.");
  ImGui::SameLine();
  if (ImGui::Button("+ objective##compare_add_objective")) {
    st.compare.push_back(next_objective(st));
    st.compare_notes.emplace_back();
  }
  tooltip("Add a fit of this fit's family with another objective (forward KL first, then R\u00E9nyi): the "
          "same q, the same draws, a different thing to minimize.");
  ImGui::EndDisabled();
  if (!st.compare.empty()) {
    ImGui::SameLine();
    if (ImGui::Button("clear##compare_clear")) {
      st.compare.clear();
      st.compare_notes.clear();
    }
    tooltip("Remove every comparison fit: back to the single view.");
  }
}

}  // namespace

ControlsState make_controls_state(const vi::Scene& scene, double steps_per_s, const std::vector<vi::Scene>& compare) {
  ControlsState st;
  st.edited = scene;
  st.last_sent = scene;
  st.max_speed = !(steps_per_s > 0);
  st.speed = st.max_speed ? 100.0 : std::clamp(steps_per_s, kSpeedMin, kSpeedMax);
  if (scene.anneal > 0) st.anneal_steps = std::min(scene.anneal, kAnnealMax);
  st.compare = compare;
  st.compare_sent = comparison_scenes(scene, compare);
  st.compare_notes.resize(compare.size());
  return st;
}

void draw_controls(ControlsState& st, vi::Engine& engine, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  ImGui::PushItemWidth(-fs * 8.5f);

  // Trouble first, where the eye lands.
  if (snap.state == vi::EngineState::Diverged || snap.state == vi::EngineState::Error) {
    const bool err = snap.state == vi::EngineState::Error;
    ImGui::PushStyleColor(ImGuiCol_Text, err ? kRed : kOrange);
    text_wrapped(trouble_heading(snap) + ": " + (snap.message.empty() ? "(no message)" : snap.message));
    ImGui::PopStyleColor();
    ImGui::Separator();
  } else if (snap.state == vi::EngineState::Paused && !snap.message.empty()) {
    text_wrapped(snap.message);  // e.g. an auto-stop's verdict
    ImGui::Separator();
  }

  draw_run_commands(st, engine, snap);
  draw_lessons(st);
  draw_target(st.edited, snap, st.formula);
  draw_family(st.edited);
  draw_objective(st, snap);
  draw_optimizer(st.edited);
  draw_minibatch(st.edited, snap);
  draw_trust(st.edited);
  draw_init(st.edited);
  draw_compare(st, snap);
  draw_paper_figures(st);
  draw_models(st);
  draw_advanced(st.edited);
  ImGui::PopItemWidth();

  // A family (or S) the objective does not suit: fall back to one it does, and say so; after every
  // widget, so that what is sent can be served. (The comparison fits did the same in draw_compare.)
  const std::string note = fit_objective_to_family(st.edited);
  if (!note.empty()) st.objective_note = note;
  else if (!(st.edited.family == st.last_sent.family && st.edited.family_options == st.last_sent.family_options &&
             st.edited.objective == st.last_sent.objective))
    st.objective_note.clear();  // a note stays until the family or objective it was about changes again

  // The engine checks each command against the fits it has. A primary that restarts goes first, so
  // that new comparison fits are built on it; a live change of the primary (S, η, α…) goes after
  // the comparison fits, which may have changed to suit it (S = 1 takes a leave-one-out baseline
  // away from them, and the old baseline would refuse the new S).
  const bool primary_changed = !(st.edited == st.last_sent);
  const bool primary_live = primary_changed && st.last_sent.can_continue_into(st.edited);
  if (primary_changed && !primary_live) engine.apply(st.edited);
  std::vector<vi::Scene> fits = comparison_scenes(st.edited, st.compare);
  if (fits != st.compare_sent) {
    engine.compare(fits);
    st.compare_sent = std::move(fits);
  }
  if (primary_live) engine.apply(st.edited);
  st.last_sent = st.edited;
}

// [SECTION] Shortcuts

ShortcutKeys read_shortcuts() {
  // The keys are the keymap's (app/ui/shell/keymap.hpp), the table the F1 window lists.
  ShortcutKeys k;
  k.toggle_play = pressed(KeyAction::PlayPause);
  k.steps = pressed(KeyAction::Step) ? 1 : 0;
  k.reset = pressed(KeyAction::Reset);
  return k;
}

}  // namespace vilab
