// app/io/density_layers.hpp — which layers the density view draws (a plain value, no GUI include:
// scene files save it, app/io/scene_file.hpp).
#pragma once

namespace vilab {

// What the density layers show (the defaults are what a class sees first). One set serves every
// panel of a view: the fits side by side, or the cells of a grid.
struct DensityLayers {
  bool log_density = false;     // colour by log p~ (clamped to max − 12) instead of p~ / max
  bool show_q_contours = true;  // q's 50 / 90 / 99 % contours
  bool show_p_contours = true;  // p's 50 / 90 / 99 % contours, dashed
  bool show_samples = true;     // the cloud of q samples
  bool show_means = true;       // markers at the means of q and p
  bool show_optimum = true;     // forward-KL fits of Gaussian families: the moment-matching optimum q*, dashed
  bool show_psis = false;       // q's draws resampled by their PSIS weights (≈ draws of p where q covers it)
  bool operator==(const DensityLayers&) const = default;
};

}  // namespace vilab
