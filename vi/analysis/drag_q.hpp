// vi/analysis/drag_q.hpp — dragging q with the mouse: from a handle's new position to a valid φ.
//
// The density view lets the user drag q's mean and, for the Gaussian families, handles on q's
// 90 % ellipse (app/ui/panels/density_view.cpp). The UI never writes φ itself: it asks these pure functions
// for the φ a drag means and sends it to the engine (cmd::SetParams). Whatever the mouse does —
// a handle dragged through the centre, off to infinity, NaN — the result is a valid q: finite,
// with a positive-definite covariance whose standard deviations lie in [kDragMinSd, kDragMaxSd]
// and (full-rank) whose axis ratio is at most kDragMaxRatio, so the metrics' quadrature grids
// still resolve it.
//
// Handles (2D families only):
// - mean: moves μ to the point (every Gaussian family, low-rank included).
// - mean-field: the ends of the ellipse's axes along z₁ and z₂; dragging the z₁ handle sets σ₁
//   from its distance to μ along z₁ (σ₂ likewise); the other σ is kept.
// - full-rank: the ends of the ellipse's principal axes; dragging one to a point h makes the
//   direction of h − μ a principal axis of length |h − μ| (semi-axis r·s, r the 90 % radius) and
//   keeps q's standard deviation perpendicular to it: one handle both scales and rotates.
// Flows and mixtures cannot be dragged (their mean is not a parameter), and neither can the
// low-rank covariance (not every 2 × 2 covariance is diag(d²) + bbᵀ with d > 0): drag_support says
// why, for a tooltip.
#pragma once

#include "vi/families/family.hpp"
#include "vi/core/types.hpp"

#include <string>

namespace vi {

inline constexpr double kDragEllipseMass = 0.9;  // the handles sit on q's 90 % ellipse
inline constexpr double kDragMinSd = 1e-2;       // a dragged standard deviation is clamped to …
inline constexpr double kDragMaxSd = 1e2;        // … [kDragMinSd, kDragMaxSd]
inline constexpr double kDragMaxRatio = 30;      // full-rank: longest / shortest axis at most this
inline constexpr double kDragMaxAbsMean = 1e3;   // |μᵢ| is clamped to this

// The Mahalanobis radius of a 2D Gaussian's ellipse holding `mass`: √(−2 log(1 − mass)).
double ellipse_radius(double mass);

struct DragSupport {
  bool mean = false;        // the mean can be dragged
  bool covariance = false;  // the axis handles can be dragged
  std::string why;          // when either is false: why, in a sentence (for a tooltip)
};
DragSupport drag_support(const Family& family);

enum class DragHandle { Mean, Axis1, Axis2 };

// Where the handles are for φ (z coordinates): the mean, and one end of each axis of the 90 %
// ellipse (the other end is the mirror image through the mean, and drags the same way).
// Mean-field: Axis1 along z₁, Axis2 along z₂; full-rank (and low-rank, for display): the
// principal axes, the longer first.
struct DragHandles {
  double mean[2] = {0, 0};
  double axis1[2] = {0, 0};
  double axis2[2] = {0, 0};
};
DragHandles drag_handles(const Family& family, const Vec& phi);

// φ after dragging `handle` to the point (x, y). Returns φ unchanged (made valid) when the family
// does not support that handle or the point is not finite. Always family.valid(result).
Vec drag_params(const Family& family, const Vec& phi, DragHandle handle, double x, double y);

// φ for a Gaussian family with these moments: mean-field takes the diagonal of the covariance,
// full-rank its Cholesky factor. Throws std::invalid_argument for other families or a covariance
// that is not positive definite. drag_params is built on it; moments → φ → moments round-trips.
Vec params_from_moments(const Family& family, const Moments& m);

}  // namespace vi
