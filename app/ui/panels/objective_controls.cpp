// app/ui/panels/objective_controls.cpp — see objective_controls.hpp.
//
// Index
// [SECTION] Support checks
// [SECTION] Names and help
// [SECTION] Widgets
#include "app/ui/panels/objective_controls.hpp"

#include "app/ui/widgets/clamped_slider.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>

namespace vilab {

// [SECTION] Support checks

namespace {
constexpr int kDim = 2;  // the app's targets are 2D

// The registry entry of `family`; null for an unknown name (the engine reports it).
const vi::FamilyInfo* find_family(const std::string& family) {
  for (const vi::FamilyInfo& f : vi::family_registry())
    if (f.name == family) return &f;
  return nullptr;
}
}  // namespace

std::string objective_unsupported(const vi::Scene& scene) {
  const vi::FamilyInfo* family = find_family(scene.family);
  if (!family) return {};
  try {
    vi::check_objective_supported(family->name, family->capabilities, vi::objective_spec(scene), kDim, scene.samples);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

std::string fit_objective_to_family(vi::Scene& scene) {
  const std::string why = objective_unsupported(scene);
  if (why.empty()) return {};
  // The pathwise estimator without a baseline is the one every family serves for reverse KL and
  // Rényi; forward KL needs ∇φ log q, so a flow falls back to reverse KL.
  const vi::Scene before = scene;
  scene.estimator = "reparam";
  scene.baseline = "none";
  if (!objective_unsupported(scene).empty()) scene.objective = "reverse-kl";
  if (!objective_unsupported(scene).empty()) {
    scene = before;  // nothing the widgets can fix (e.g. a bad name): the engine will say why
    return {};
  }
  std::string note = before.objective != scene.objective ? "Switched to reverse KL: " : "Switched to reparam: ";
  note.append(why);
  return note;
}

// [SECTION] Names and help

const char* objective_display_name(const std::string& objective) {
  if (objective == "reverse-kl") return "reverse KL(q\u2016p)";
  if (objective == "forward-kl") return "forward KL(p\u2016q)";
  if (objective == "renyi") return "R\u00E9nyi \u03B1 / IWAE";
  return objective.c_str();
}

namespace {

const char* estimator_display_name(const std::string& estimator) {
  if (estimator == "reparam") return "reparam (pathwise)";
  if (estimator == "score") return "score (REINFORCE)";
  if (estimator == "stl") return "STL (sticking the landing)";
  return estimator.c_str();
}

const char* baseline_display_name(const std::string& baseline) {
  if (baseline == "none") return "none";
  if (baseline == "leave-one-out") return "leave-one-out";
  return baseline.c_str();
}

const char* sampling_display_name(const std::string& sampling) {
  if (sampling == "exact") return "exact draws of p";
  if (sampling == "snis") return "SNIS from q";
  return sampling.c_str();
}

constexpr const char* kObjectiveHelp =
    "What each step maximizes. Reverse KL: the ELBO = log Z \u2212 KL(q\u2016p), estimated from draws of q; "
    "q avoids regions where p is small (mode-seeking). Forward KL: \u2212KL(p\u2016q) up to a constant, i.e. "
    "E_p[log q], from draws of p; q spreads to cover all of p (mass-covering). R\u00E9nyi \u03B1: a bound "
    "between the two, set by \u03B1. Hover an entry for more; greyed entries say why this family cannot "
    "serve them. Changing the objective restarts the fit.";

constexpr const char* kAlphaHelp =
    "R\u00E9nyi \u03B1 (Li & Turner 2016): maximize L_\u03B1 = 1/(1\u2212\u03B1) log E_q[(p\u0303/q)^(1\u2212\u03B1)], "
    "estimated from the step's S draws. \u03B1 = 1 is the ELBO (reverse KL); \u03B1 = 0 is the IWAE bound "
    "with K = S importance samples (Burda et al. 2016). As \u03B1 falls, q widens toward covering all of p; "
    "above 1 it is more mode-seeking than the ELBO. Drag it while the fit plays to watch q widen. "
    "Changing \u03B1 keeps the current fit.";

constexpr const char* kEstimatorHelp =
    "How the gradient of the objective is estimated from the S draws. reparam: write z = T\u1D69(\u03B5) and "
    "differentiate through the draw (low variance; needs \u2207z log p\u0303). score: f(z) \u2207\u1D69 log q(z), "
    "no derivative of p\u0303 needed, but far noisier. STL: the pathwise gradient without its score term, "
    "which has zero variance once q = p. All three estimate the same gradient (unbiased); they differ "
    "in noise. Changing it keeps the current fit; the Gradient variance window measures them.";

constexpr const char* kBaselineHelp =
    "A baseline for the score estimator: subtract from each draw's f(z) a value that does not depend "
    "on that draw, which keeps the estimate unbiased and cuts its variance. leave-one-out uses the "
    "objective estimated from the other S \u2212 1 draws (VIMCO-style; needs S \u2265 2).";

constexpr const char* kSamplingHelp =
    "Where forward KL's draws of p come from. exact: draws of p itself, from the quadrature grid "
    "(possible here because p is 2D). SNIS: self-normalized importance sampling from q, weighting "
    "draws of q by p\u0303/q: what one can do when p cannot be sampled; biased when few draws carry "
    "the weight (a small effective sample size, shown beside it). Changing it keeps the current fit.";

}  // namespace

// [SECTION] Widgets

namespace {

// A combo over `names`: each entry disabled, with its reason as tooltip, when `why_not` says so;
// otherwise its summary. Returns true and sets `current` when the user picks another entry.
bool choice_combo(const char* label, std::string& current, const std::vector<vi::NamedChoice>& choices,
                  const char* (*display)(const std::string&), const std::function<std::string(const std::string&)>& why_not,
                  const char* help) {
  bool changed = false;
  if (ImGui::BeginCombo(label, display(current))) {
    for (const vi::NamedChoice& c : choices) {
      const bool selected = c.name == current;
      const std::string why = selected ? std::string() : why_not(c.name);
      ImGui::BeginDisabled(!why.empty());
      if (ImGui::Selectable(display(c.name), selected) && !selected && why.empty()) {
        current = c.name;
        changed = true;
      }
      ImGui::EndDisabled();
      tooltip(why.empty() ? c.summary.c_str() : why.c_str());
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  tooltip(help);
  return changed;
}

// Text on the same line when it fits, else on the next.
void same_line_text(const std::string& text, const ImVec4& colour) {
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(text.c_str()).x) ImGui::NewLine();
  ImGui::TextColored(colour, "%s", text.c_str());
}

}  // namespace

bool draw_objective_widgets(vi::Scene& sc, const ObjectiveWidgetOptions& options) {
  // Why the family cannot serve `candidate` (empty: it can, or the family is unknown here).
  auto why = [](const vi::Scene& candidate) { return objective_unsupported(candidate); };
  bool changed = false;

  // The objective: judged with the pathwise estimator (the one every family serves), so a greyed
  // entry means no estimator would do.
  if (choice_combo("objective##objective", sc.objective, vi::objective_choices(), objective_display_name,
                   [&](const std::string& name) {
                     vi::Scene c = sc;
                     c.objective = name;
                     c.estimator = "reparam";
                     c.baseline = "none";
                     return why(c);
                   },
                   kObjectiveHelp)) {
    changed = true;
    if (!why(sc).empty()) sc.estimator = "reparam", sc.baseline = "none";  // the old estimator does not apply
  }

  if (sc.objective == "renyi") {
    constexpr double lo = vi::kAlphaMin, hi = vi::kAlphaMax;
    const char* format = sc.alpha == 0 ? "%.2f (IWAE)" : sc.alpha == 1 ? "%.2f (ELBO)" : "%.2f";
    changed |= clamped_slider("R\u00E9nyi \u03B1##alpha", &sc.alpha, lo, hi, format);
    tooltip(kAlphaHelp);
  }

  if (sc.objective != "forward-kl") {
    if (choice_combo("estimator##estimator", sc.estimator, vi::estimator_choices(), estimator_display_name,
                     [&](const std::string& name) {
                       vi::Scene c = sc;
                       c.estimator = name;
                       c.baseline = "none";
                       return why(c);
                     },
                     kEstimatorHelp)) {
      changed = true;
      if (sc.estimator != "score") sc.baseline = "none";
    }
    if (sc.estimator == "score") {
      changed |= choice_combo("baseline##baseline", sc.baseline, vi::baseline_choices(), baseline_display_name,
                              [&](const std::string& name) {
                                vi::Scene c = sc;
                                c.baseline = name;
                                return why(c);
                              },
                              kBaselineHelp);
    }
  } else {
    changed |= choice_combo("draws of p##sampling", sc.sampling, vi::sampling_choices(), sampling_display_name,
                            [&](const std::string& name) {
                              vi::Scene c = sc;
                              c.sampling = name;
                              return why(c);
                            },
                            kSamplingHelp);
    if (sc.sampling == "snis" && std::isfinite(options.snis_ess)) {
      char text[64];
      std::snprintf(text, sizeof text, "ESS %.0f of %d", options.snis_ess, sc.samples);
      const bool low = options.snis_ess < 0.1 * sc.samples;
      same_line_text(text, low ? ImVec4(1.0f, 0.66f, 0.25f, 1.0f) : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      tooltip("The effective sample size of the last step's SNIS weights, 1 / \u03A3 w\u0304\u00B2: how many of the "
              "S draws of q carry the weight. Near S, q covers p well; near 1, a few draws decide the gradient "
              "and SNIS is biased (orange below 10 % of S).");
    }
  }
  return changed;
}

}  // namespace vilab
