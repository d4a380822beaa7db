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

}  // namespace

const std::vector<Preset>& presets() {
  static const std::vector<Preset> all{bimodal_reverse_forward()};
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
