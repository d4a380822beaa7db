// vi/analysis/reference.hpp — exact references for 2D targets by quadrature on a grid.
//
// The normalized density is integrated with the midpoint rule on an n × n grid over the
// target's reference box. For smooth densities that vanish at the box edge this rule converges
// faster than any power of the cell size, so the difference between the n-grid and the n/2-grid
// is an honest (conservative) error estimate; we state it as `log_z_error`.
#pragma once

#include "vi/core/problem.hpp"
#include "vi/core/types.hpp"

#include <vector>

namespace vi {

// Values on a regular grid of cell centres over `box`: value(i, j) at
// x = x0 + (i + ½)·dx, y = y0 + (j + ½)·dy, stored row-major by j (y), i.e. values[j * nx + i].
struct Grid2D {
  Box box;
  int nx = 0, ny = 0;
  std::vector<double> values;

  double dx() const { return box.width() / nx; }
  double dy() const { return box.height() / ny; }
  double x(int i) const { return box.x0 + (i + 0.5) * dx(); }
  double y(int j) const { return box.y0 + (j + 0.5) * dy(); }
  double& at(int i, int j) { return values[size_t(j) * nx + i]; }
  double at(int i, int j) const { return values[size_t(j) * nx + i]; }
  // The 2 × (nx·ny) matrix of cell centres, in the order of `values`.
  Mat points() const;
};

// log p~ of `problem` on an n × n grid over `box`.
Grid2D evaluate_on_grid(const Problem& problem, const Box& box, int n);

struct TargetReference {
  double log_z = 0;         // log ∫ p~ over the reference box (quadrature)
  double log_z_error = 0;   // |log Z(n) − log Z(n/2)|: the stated grid error
  double edge_mass = 0;     // fraction of the grid mass in the outermost ring of cells (truncation warning)
  Moments moments;          // mean and covariance of the normalized density on the grid
  Grid2D log_p;             // log p~ on the reference grid (the KL(p‖q) grid)
};

// Quadrature references of a 2D problem on an n × n grid over its reference box.
TargetReference compute_reference(const Problem& problem, int n);

// KL(p‖q) = Σ p_i (log p_i − log q_i) ΔA on the reference grid, where p is normalized with the
// reference's log Z and log_q holds log q at the same cell centres.
double kl_p_q_on_grid(const TargetReference& ref, const Vec& log_q);

}  // namespace vi
