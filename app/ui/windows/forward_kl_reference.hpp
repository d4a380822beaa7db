// app/ui/windows/forward_kl_reference.hpp — the fit forward KL should reach, as a dashed reference.
//
// For a Gaussian family KL(p‖q) is minimized by matching p's moments (vi::forward_kl_optimum,
// vi/objectives/moment_matching.hpp). The density view draws that optimum q* as dashed ellipses at the same
// masses as q's contours (a Gaussian's highest-density regions are the ellipses
// (z − μ)ᵀ Σ⁻¹ (z − μ) = −2 log(1 − mass)), so a class sees the forward-KL fit settle onto them;
// the KL plot marks KL(p‖q*). Pure computation, no ImGui: tested headless.
#pragma once

#include "vi/analysis/contours.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"
#include "vi/engine/snapshot.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vilab {

struct ForwardKlReference {
  vi::Moments moments;                // q*'s mean and covariance (p's, or p's marginal variances)
  std::vector<vi::Contour> contours;  // q*'s 50 / 90 / 99 % ellipses in z-space (closed polylines)
  double kl_p_q = 0;                  // KL(p‖q*) on the target's reference grid (NaN beyond 2D)
};

// The closed-form fixed-mass contours of a 2D Gaussian: one closed polyline of `points` points
// per mass. Empty when the covariance is not positive definite.
std::vector<vi::Contour> gaussian_contours(const vi::Moments& q, const std::vector<double>& masses, int points = 144);

// The forward-KL optimum of `scene`'s family against `target`'s p, when the scene's objective is
// forward KL and its family has one in closed form (the Gaussian families); nullopt otherwise.
std::optional<ForwardKlReference> forward_kl_reference(const vi::Scene& scene, const vi::TargetData& target);

// Remembers the references of the last few (target, family) pairs, so that drawing one every frame
// costs a lookup (computing one evaluates log q* on the 256² reference grid: a millisecond or
// two). UI thread only.
class ForwardKlReferences {
 public:
  // The reference for `fit` (null when there is none).
  std::shared_ptr<const ForwardKlReference> get(const vi::Snapshot& fit);

 private:
  struct Entry {
    std::shared_ptr<const vi::TargetData> target;  // kept alive so the pointer comparison is sound
    std::string family;
    vi::FamilyOptions options;
    std::shared_ptr<const ForwardKlReference> reference;  // null: none for this fit
  };
  std::vector<Entry> entries_;  // most recent last; a handful at most
};

}  // namespace vilab
