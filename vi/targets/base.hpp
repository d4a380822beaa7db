// vi/targets/base.hpp — what every 2D target implementation shares (internal to vi/target_*.cpp).
//
// Targets write their density as Eigen array expressions over a chunk of at most kChunk columns.
// The chunk arrays have a fixed capacity, so they live on the stack: a kernel may name as many
// intermediates as it likes and eval() still never allocates (the caller sizes logp and grad).
#pragma once

#include "vi/core/problem.hpp"

#include <Eigen/Core>

#include <limits>
#include <string>
#include <utility>

namespace vi::detail {

inline constexpr Eigen::Index kChunk = 64;

// One row of a chunk: x, y, log p~ or a gradient component for up to kChunk points.
using Row = Eigen::Array<double, 1, Eigen::Dynamic, Eigen::RowMajor, 1, kChunk>;

// A 2D target: name, boxes and note are data; the density is one chunk kernel.
class Target2D : public Problem {
 public:
  Target2D(std::string name, Box view, Box reference, std::string note = {})
      : name_(std::move(name)), view_(view), reference_(reference), note_(std::move(note)) {}

  std::string name() const final { return name_; }
  int dim() const final { return 2; }
  void eval(const Mat& z, Vec& logp, Mat* grad) const final;
  Box view_box() const final { return view_; }
  Box reference_box() const final { return reference_; }
  std::string note() const final { return note_; }

 protected:
  // lp = log p~(x, y) and (gx, gy) = its gradient, for the points of one chunk. All five rows
  // have the same size; the kernel always fills the gradient (it is cheap next to the copies).
  virtual void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const = 0;

 private:
  std::string name_;
  Box view_, reference_;
  std::string note_;
};

// [SECTION] Row helpers — the batched forms of vi/core/math.hpp

// out = log(e^a + e^b) and wa = e^a / (e^a + e^b) = σ(a − b), elementwise. Only e^{−|a−b|} ≤ 1
// is ever exponentiated, so neither overflows for any finite a, b.
inline void log_add_exp(const Row& a, const Row& b, Row& out, Row& wa) {
  const Row e = (-(a - b).abs()).exp();
  out = a.max(b) + e.log1p();
  wa = (a >= b).select((1.0 + e).inverse(), e / (1.0 + e));
}

// σ(t) elementwise without overflow (vi::sigmoid for rows).
inline Row sigmoid(const Row& t) {
  const Row e = (-t.abs()).exp();
  return (t >= 0).select((1.0 + e).inverse(), e / (1.0 + e));
}

// ‖z‖ and z/‖z‖, with z/‖z‖ = 0 at the origin, where the direction is undefined (the gradient
// of a radial density is a cone point there; 0 is its symmetric subgradient). Scaling by
// m = max(|x|, |y|) first, as hypot does, keeps x² + y² from underflowing near the origin (which
// would turn z/‖z‖ into z/0) or overflowing far out.
inline void radius(const Row& x, const Row& y, Row& r, Row& ux, Row& uy) {
  const Row m = x.abs().max(y.abs()).max(std::numeric_limits<double>::min());
  const Row xs = x / m, ys = y / m;  // one of them is ±1 unless z = 0 or z is subnormal
  const Row s = (xs.square() + ys.square()).sqrt();
  r = m * s;
  const Row safe = s.max(std::numeric_limits<double>::min());  // 0 / safe = 0 at the origin
  ux = xs / safe;
  uy = ys / safe;
}

}  // namespace vi::detail
