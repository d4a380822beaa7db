// vi/analysis/grid_sampler.cpp — Walker's alias table over the quadrature grid (Vose's construction).
#include "vi/analysis/grid_sampler.hpp"

#include "vi/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

GridSampler::GridSampler(const Grid2D& log_p) : box_(log_p.box), nx_(log_p.nx), ny_(log_p.ny) {
  const size_t n = log_p.values.size();
  double m = -std::numeric_limits<double>::infinity();
  for (double v : log_p.values)
    if (std::isfinite(v)) m = std::max(m, v);
  if (!std::isfinite(m)) throw_invalid("GridSampler", "the grid has no cell with finite log density");
  // Probabilities scaled so that they average 1: p_i · n / Σp.
  std::vector<double> scaled(n);
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = std::isfinite(log_p.values[i]) ? std::exp(log_p.values[i] - m) : 0.0;
    total += scaled[i];
  }
  for (auto& s : scaled) s *= double(n) / total;
  prob_.assign(n, 1.0);
  alias_.resize(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    alias_[i] = uint32_t(i);
    (scaled[i] < 1.0 ? small : large).push_back(uint32_t(i));
  }
  // Vose: pair each under-full cell with an over-full one, which gives it the rest of its column.
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Whatever is left is full up to round-off: prob 1 (set above), alias itself.
}

void GridSampler::sample(const Mat& u, Mat& z) const {
  const double n = double(prob_.size());
  const double dx = box_.width() / nx_, dy = box_.height() / ny_;
  for (Eigen::Index s = 0; s < u.cols(); ++s) {
    const double x = u(0, s) * n;  // u ∈ (0, 1): x ∈ (0, n)
    size_t cell = std::min(size_t(x), prob_.size() - 1);
    if (x - double(cell) >= prob_[cell]) cell = alias_[cell];
    const int i = int(cell % size_t(nx_)), j = int(cell / size_t(nx_));
    z(0, s) = box_.x0 + (i + u(1, s)) * dx;
    z(1, s) = box_.y0 + (j + u(2, s)) * dy;
  }
}

}  // namespace vi
