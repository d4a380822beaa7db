// vi/analysis/reference.cpp — quadrature references for 2D targets.
#include "vi/analysis/reference.hpp"

#include "vi/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

Mat Grid2D::points() const {
  Mat p(2, Eigen::Index(nx) * ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      p(0, Eigen::Index(j) * nx + i) = x(i);
      p(1, Eigen::Index(j) * nx + i) = y(j);
    }
  return p;
}

Grid2D evaluate_on_grid(const Problem& problem, const Box& box, int n) {
  check_range("evaluate_on_grid", "grid size n", n, 2, 4096);
  if (problem.dim() != 2) throw_invalid("evaluate_on_grid", "the problem is not 2-dimensional");
  Grid2D g{box, n, n, std::vector<double>(size_t(n) * n)};
  // One grid row at a time: memory stays O(n) however fine the grid.
  Mat row(2, n);
  Vec lp(n);
  for (int i = 0; i < n; ++i) row(0, i) = g.x(i);
  for (int j = 0; j < n; ++j) {
    row.row(1).setConstant(g.y(j));
    problem.eval(row, lp, nullptr);
    std::copy(lp.data(), lp.data() + n, g.values.begin() + ptrdiff_t(j) * n);
  }
  return g;
}

namespace {
// log Σ_i e^{v_i}, ignoring non-finite entries (a density may be −∞ outside its support).
double log_sum_exp(const std::vector<double>& v) {
  double m = -std::numeric_limits<double>::infinity();
  for (double x : v)
    if (std::isfinite(x)) m = std::max(m, x);
  if (!std::isfinite(m)) return m;
  double s = 0;
  for (double x : v)
    if (std::isfinite(x)) s += std::exp(x - m);
  return m + std::log(s);
}

double log_z_on_grid(const Grid2D& g) { return log_sum_exp(g.values) + std::log(g.dx() * g.dy()); }
}  // namespace

TargetReference compute_reference(const Problem& problem, int n) {
  check_range("compute_reference", "grid size n", n, 16, 4096);
  TargetReference ref;
  const Box box = problem.reference_box();
  ref.log_p = evaluate_on_grid(problem, box, n);
  ref.log_z = log_z_on_grid(ref.log_p);
  ref.log_z_error = std::abs(ref.log_z - log_z_on_grid(evaluate_on_grid(problem, box, n / 2)));
  if (!std::isfinite(ref.log_z))
    throw_invalid("compute_reference", problem.name() + ": the density has no finite mass on its reference box");

  // Moments of the normalized density, and the share of mass in the outermost ring of cells.
  const Grid2D& g = ref.log_p;
  const double cell = std::log(g.dx() * g.dy());
  double w_sum = 0, mx = 0, my = 0, edge = 0;
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const double v = g.at(i, j);
      if (!std::isfinite(v)) continue;
      const double w = std::exp(v + cell - ref.log_z);
      w_sum += w;
      mx += w * g.x(i);
      my += w * g.y(j);
      if (i == 0 || j == 0 || i == g.nx - 1 || j == g.ny - 1) edge += w;
    }
  mx /= w_sum;
  my /= w_sum;
  Mat cov = Mat::Zero(2, 2);
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i) {
      const double v = g.at(i, j);
      if (!std::isfinite(v)) continue;
      const double w = std::exp(v + cell - ref.log_z);
      const double dx = g.x(i) - mx, dy = g.y(j) - my;
      cov(0, 0) += w * dx * dx;
      cov(0, 1) += w * dx * dy;
      cov(1, 1) += w * dy * dy;
    }
  cov(1, 0) = cov(0, 1);
  ref.moments = {Vec(Eigen::Vector2d(mx, my)), cov / w_sum};
  ref.edge_mass = edge;
  return ref;
}

double kl_p_q_on_grid(const TargetReference& ref, const Vec& log_q) {
  const Grid2D& g = ref.log_p;
  if (log_q.size() != Eigen::Index(g.values.size()))
    throw_invalid("kl_p_q_on_grid", "log q has " + std::to_string(log_q.size()) + " values for a grid of " +
                                        std::to_string(g.values.size()) + " cells");
  const double cell = std::log(g.dx() * g.dy());
  double kl = 0;
  for (size_t k = 0; k < g.values.size(); ++k) {
    const double log_p = g.values[k] - ref.log_z;  // normalized on the grid
    if (!std::isfinite(log_p)) continue;
    const double p = std::exp(log_p + cell);
    if (p == 0) continue;
    kl += p * (log_p - log_q(Eigen::Index(k)));
  }
  return kl;
}

}  // namespace vi
