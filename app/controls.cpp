// app/controls.cpp — the control panel (left): run commands, target, family, optimizer, setup.
//
// Index
// [SECTION] Helpers
// [SECTION] Run commands
// [SECTION] Scene editing
// [SECTION] Shortcuts
#include "app/controls.hpp"

#include "app/tooltip.hpp"
#include "vi/family.hpp"
#include "vi/optimizer.hpp"
#include "vi/targets.hpp"

#include <imgui.h>

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstdint>
#include <string>

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

void wrapped_dim(const std::string& text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text.c_str());
  ImGui::PopStyleColor();
}

void section(const char* title) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.55f, 0.78f, 1.0f, 1.0f));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  ImGui::Separator();
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

// [SECTION] Run commands

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
  tooltip("Run the optimizer continuously (Space). Each step draws S samples ε, pushes them "
          "through q, estimates the ELBO's gradient and moves φ uphill.");
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
  speed_changed |= ImGui::SliderScalar("speed##speed", ImGuiDataType_Double, &st.speed, &kSpeedMin, &kSpeedMax,
                                       "%.0f steps/s", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  ImGui::EndDisabled();
  tooltip("The speed limit while playing, in optimizer steps per second. Slow speeds let a class "
          "follow each step; the plots and numbers keep up at any speed.");
  ImGui::SameLine();
  speed_changed |= ImGui::Checkbox("max##max_speed", &st.max_speed);
  tooltip("No speed limit: step as fast as the machine allows.");
  if (speed_changed) engine.set_speed(st.max_speed ? 0.0 : st.speed);
}

// [SECTION] Scene editing

void draw_target(vi::Scene& sc, const vi::Snapshot& snap) {
  section("Target p(z)");
  const auto& registry = vi::target_registry();
  if (registry_combo("target##target", registry, sc.target,
                     "The posterior p(z) ∝ p̃(z) that q tries to fit. Hover an entry for what it teaches.")) {
    sc.target_params.clear();  // another target's parameters do not apply
  }
  const vi::TargetInfo* info = nullptr;
  for (const auto& t : registry)
    if (t.name == sc.target) info = &t;
  if (info && !info->summary.empty()) wrapped_dim(info->summary);
  if (snap.target && !snap.target->note.empty() && snap.scene.target == sc.target) {
    ImGui::PushStyleColor(ImGuiCol_Text, kNote);
    ImGui::TextWrapped("Note: %s", snap.target->note.c_str());
    ImGui::PopStyleColor();
  }
  if (!info) return;
  for (const vi::ParamSpec& p : info->params) {
    auto it = sc.target_params.find(p.name);
    double v = it != sc.target_params.end() ? it->second : p.default_value;
    const std::string id = p.name + "##tp_" + p.name;
    if (ImGui::SliderScalar(id.c_str(), ImGuiDataType_Double, &v, &p.lo, &p.hi, "%.3g", ImGuiSliderFlags_AlwaysClamp))
      sc.target_params[p.name] = v;
    if (!p.help.empty()) tooltip(p.help.c_str());
  }
}

void draw_family(vi::Scene& sc) {
  section("Variational family q\u1D69(z)");
  const auto& registry = vi::family_registry();
  registry_combo("family##family", registry, sc.family,
                 "The set of distributions q\u1D69 we search: meanfield = independent Gaussian axes "
                 "(diagonal covariance), fullrank = any Gaussian (Cholesky factor L). Changing it "
                 "restarts the fit.");
  if (const std::string* s = summary_of(registry, sc.family)) wrapped_dim(*s);
}

void draw_objective(vi::Scene& sc) {
  section("Objective: maximize the ELBO");
  ImGui::SliderInt("samples S##samples", &sc.samples, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  tooltip("Monte Carlo samples per step. The gradient of the ELBO is averaged over S "
          "reparameterized draws z = T\u1D69(ε); its standard error shrinks like 1/√S. Changing S "
          "keeps the current fit.");
  ImGui::Checkbox("analytic entropy H[q]##analytic_entropy", &sc.analytic_entropy);
  tooltip("On: ELBO = E_q[log p̃(z)] + H[q] with the entropy H[q] in closed form (less noise). "
          "Off: ELBO = E_q[log p̃(z) − log q(z)], all by Monte Carlo.");
}

void draw_optimizer(vi::Scene& sc) {
  section("Optimizer");
  const auto& registry = vi::optimizer_registry();
  registry_combo("optimizer##optimizer", registry, sc.optimizer,
                 "How φ moves along the noisy gradient: sgd = plain steps, momentum = heavy ball, "
                 "adam = per-parameter step sizes from running moments of the gradient.");
  if (const std::string* s = summary_of(registry, sc.optimizer)) wrapped_dim(*s);
  ImGui::SliderScalar("learning rate η##lr", ImGuiDataType_Double, &sc.lr, &kLrMin, &kLrMax, "%.4g",
                      ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  tooltip("The step size η: φ ← φ + η · (update from ∇\u1D69 ELBO). Too small crawls, too large "
          "oscillates or diverges. Changing η keeps the current fit.");
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

void draw_advanced(vi::Scene& sc) {
  if (!ImGui::CollapsingHeader("Advanced##advanced")) return;
  ImGui::SliderInt("KL every##metrics_every", &sc.metrics_every, 1, 1000, "%d steps", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  tooltip("A point of the KL and smooth-ELBO curves is recorded every this many steps.");
  ImGui::SliderInt("metric draws##metric_samples", &sc.metric_samples, 16, 65536, "%d", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  tooltip("Fixed draws of q used for the smooth ELBO and the Monte Carlo KL(q‖p): more draws, "
          "smaller standard error, slower metrics.");
  ImGui::SliderInt("grid##grid", &sc.grid, 16, 2048, "%d cells", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  tooltip("Cells per axis of the quadrature grid behind log Z, p's moments and KL(p‖q). Finer is "
          "more accurate and slower to build.");
}

}  // namespace

ControlsState make_controls_state(const vi::Scene& scene, double steps_per_s) {
  ControlsState st;
  st.edited = scene;
  st.last_sent = scene;
  st.max_speed = !(steps_per_s > 0);
  st.speed = st.max_speed ? 100.0 : std::clamp(steps_per_s, kSpeedMin, kSpeedMax);
  return st;
}

void draw_controls(ControlsState& st, vi::Engine& engine, const vi::Snapshot& snap) {
  const float fs = ImGui::GetFontSize();
  ImGui::PushItemWidth(-fs * 8.5f);

  // Trouble first, where the eye lands.
  if (snap.state == vi::EngineState::Diverged || snap.state == vi::EngineState::Error) {
    const bool err = snap.state == vi::EngineState::Error;
    ImGui::PushStyleColor(ImGuiCol_Text, err ? kRed : kOrange);
    ImGui::TextWrapped("%s: %s", err ? "Error" : "Diverged",
                       snap.message.empty() ? "(no message)" : snap.message.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
  }

  draw_run_commands(st, engine, snap);
  draw_target(st.edited, snap);
  draw_family(st.edited);
  draw_objective(st.edited);
  draw_optimizer(st.edited);
  draw_init(st.edited);
  draw_advanced(st.edited);
  ImGui::PopItemWidth();


  if (!(st.edited == st.last_sent)) {
    engine.apply(st.edited);
    st.last_sent = st.edited;
  }
}

// [SECTION] Shortcuts

void handle_shortcuts(vi::Engine& engine) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || io.KeyCtrl || io.KeyAlt || io.KeySuper) return;
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Space), false)) engine.toggle_play();
  if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow), true)) engine.step(1);
  // Dear ImGui 1.86 has no ImGuiKey for letters: its GLFW backend indexes keys by GLFW key code.
  if (ImGui::IsKeyPressed(GLFW_KEY_R, false)) engine.reset();
}

}  // namespace vilab
