// vi/targets/base.cpp — the batched eval every 2D target shares: cut the 2×S input into chunks of
// at most kChunk columns, run the target's kernel on each, copy the results out.
#include "vi/targets/base.hpp"

#include <algorithm>

namespace vi::detail {

void Target2D::eval(const Mat& z, Vec& logp, Mat* grad) const {
  const Eigen::Index S = z.cols();
  eigen_assert(z.rows() == 2 && logp.size() == S);
  eigen_assert(!grad || (grad->rows() == 2 && grad->cols() == S));
  // Fixed-capacity rows: resizing within kChunk never touches the heap. z is 2 × S column-major
  // (x and y interleaved); plain stride-2 loops let the compiler split and re-interleave the
  // coordinates with vector shuffles, where Eigen's row blocks copy one scalar at a time.
  Row x, y, lp, gx, gy;
  const double* in = z.data();
  double* g = grad ? grad->data() : nullptr;
  for (Eigen::Index s0 = 0; s0 < S; s0 += kChunk) {
    const Eigen::Index n = std::min(kChunk, S - s0);
    x.resize(n);
    y.resize(n);
    lp.resize(n);
    gx.resize(n);
    gy.resize(n);
    const double* c = in + 2 * s0;
    for (Eigen::Index i = 0; i < n; ++i) {
      x[i] = c[2 * i];
      y[i] = c[2 * i + 1];
    }
    kernel(x, y, lp, gx, gy);
    logp.segment(s0, n) = lp.matrix().transpose();
    if (g) {
      double* o = g + 2 * s0;
      for (Eigen::Index i = 0; i < n; ++i) {
        o[2 * i] = gx[i];
        o[2 * i + 1] = gy[i];
      }
    }
  }
}

}  // namespace vi::detail
