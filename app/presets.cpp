// app/presets.cpp — the built-in lessons.
#include "app/presets.hpp"

#include <stdexcept>

namespace vilab {

namespace {

// bimodal (two Gaussians on the z₁ axis, weights 0.6 / 0.4) with two full-rank fits from the same
// narrow start: reverse KL locks onto the heavier mode (KL(p‖q) stays large: q misses the other
// mode), forward KL covers both (q takes p's mean and covariance, the dashed optimum). S = 256 and
// η = 0.01 converge in ~300 steps (reverse) and ~1500 (forward), a few seconds at 500 steps/s.
Preset bimodal_reverse_forward() {
  Preset p;
  p.name = "bimodal-reverse-forward";
  p.title = "bimodal: reverse vs forward KL";
  p.summary =
      "Two full-rank Gaussians fitted to a two-mode target from the same start, with the same seed and draws. "
      "Reverse KL(q\u2016p) (the ELBO) is mode-seeking: q locks onto one mode, KL(q\u2016p) is small and KL(p\u2016q) "
      "large. Forward KL(p\u2016q) is mass-covering: q spreads over both modes and reaches the moment-matching "
      "optimum (dashed), with p's mean and covariance; now KL(p\u2016q) is small and KL(q\u2016p) large.";
  p.scene.target = "bimodal";
  p.scene.family = "fullrank";
  p.scene.objective = "reverse-kl";
  p.scene.samples = 256;
  p.scene.lr = 0.01;
  p.scene.init_log_sd = -1;  // a narrow start: reverse KL picks a mode instead of sitting between them
  vi::Scene forward = p.scene;
  forward.objective = "forward-kl";
  p.compare = {forward};
  p.play = true;
  p.steps_per_s = 500;
  return p;
}

// Bayesian linear regression on Wine (13 weights) with mean-field and full-rank fits beside the
// exact posterior. Adam with a decaying rate settles both in ~20k steps (a second at full speed):
// full-rank lands on the posterior (KL → 0, every sd ratio 1), mean-field on its known optimum
// (KL = ½(Σ ln Λ_ii − ln|Λ|) = 3.36, sd ratios down to 0.38 for the correlated flavanoids).
Preset blr_wine() {
  Preset p;
  p.name = "blr-wine";
  p.title = "Wine regression: mean-field vs full-rank";
  p.summary =
      "Bayesian linear regression of alcohol on 12 wine features, with the exact posterior N(m_N, S_N) and the log "
      "evidence in closed form. A full-rank Gaussian reaches the posterior (KL \u2192 0, ELBO \u2192 log p(y)); "
      "mean-field gets the means right but every marginal sd too small (ratios down to 0.38), at a KL it cannot go "
      "below: \u00BD(\u03A3 ln \u039B_ii \u2212 ln|\u039B|).";
  p.scene.target = "blr-wine";
  p.scene.family = "meanfield";
  p.scene.samples = 32;
  p.scene.lr = 0.05;
  p.scene.init_log_sd = -1;
  p.scene.lr_schedule = "decay";
  p.scene.decay_kappa = 1;
  p.scene.decay_tau = 20;
  vi::Scene full = p.scene;
  full.family = "fullrank";
  p.compare = {full};
  p.play = true;
  p.steps_per_s = 2000;
  return p;
}

// Minibatch SVI on the same model: |B| = 10 of 178 points per step makes the gradient ~70×
// noisier; a constant rate keeps q jumping (KL ~40), the Robbins–Monro decay lets it settle on
// the mean-field optimum (3.37).
Preset minibatch_svi() {
  Preset p = blr_wine();
  p.name = "minibatch-svi";
  p.title = "minibatch SVI: noise and a decaying rate";
  p.summary =
      "Stochastic VI on Wine: each step sees 10 of the 178 data points, the likelihood scaled by N/|B|. The "
      "gradient stays unbiased but gets much noisier (measure it in the model view). With a constant rate q keeps "
      "jumping; the decaying rate \u03B7(1 + t/\u03C4)^\u2212\u03BA lets it settle. Toggle the decay to see both.";
  p.scene.batch = 10;
  p.compare.clear();
  vi::Scene constant = p.scene;
  constant.family = "fullrank";
  p.compare = {constant};
  return p;
}

// Logistic regression on 40 patients' mean radius: a skewed 2D posterior, drawn exactly, with a
// full-rank fit; adding and removing points in the strip moves the posterior and q follows.
Preset logreg_edit() {
  Preset p;
  p.name = "logreg-data";
  p.title = "logistic regression: edit the data";
  p.summary =
      "P(benign | x) = \u03C3(a + b\u00B7x) on 40 patients' standardized mean radius, prior N(0, 2\u00B2 I). The "
      "posterior over (a, b) is drawn exactly; a full-rank q follows it. Click in the data strip to add or remove "
      "patients: few points give a wide, skewed posterior, separable data a long ridge.";
  p.scene.target = "logreg";
  p.scene.family = "fullrank";
  p.scene.samples = 64;
  p.scene.lr = 0.05;
  p.play = true;
  p.steps_per_s = 200;
  return p;
}

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all{bimodal_reverse_forward(), blr_wine(), minibatch_svi(), logreg_edit()};
  return all;
}

std::string preset_names() {
  std::string names;
  for (const Preset& p : presets()) names.append(names.empty() ? "" : ", ").append(p.name);
  return names;
}

const Preset& find_preset(std::string_view name) {
  for (const Preset& p : presets())
    if (p.name == name) return p;
  throw std::invalid_argument("preset: unknown preset '" + std::string(name) + "' (allowed: " + preset_names() + ")");
}

}  // namespace vilab
