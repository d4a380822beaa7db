// vi/objectives/moment_matching.hpp — the forward-KL optimum of a Gaussian family, in closed form.
//
// KL(p‖q) over Gaussians q is minimized by matching moments: q's mean and covariance equal p's
// (full-rank); a mean-field q takes p's mean and p's marginal variances (the diagonal of p's
// covariance — wider than the reverse-KL fit, which matches the diagonal of p's precision). In
// 2D a low-rank q (r ≥ 1) can hold any covariance and so matches it exactly. This is the dashed
// reference a forward-KL fit should reach.
#pragma once

#include "vi/families/family.hpp"
#include "vi/core/types.hpp"

#include <optional>

namespace vi {

struct GaussianOptimum {
  Vec phi;          // the family's parameters at the optimum
  Moments moments;  // q's mean and covariance there
};

// The optimum for p's moments `p`, or nullopt for families without a closed form (mixtures, flows,
// low-rank beyond 2D). Throws std::invalid_argument when p's covariance is not positive definite.
std::optional<GaussianOptimum> forward_kl_optimum(const Family& family, const Moments& p);

}  // namespace vi
