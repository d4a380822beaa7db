// vi/target_base.cpp — the batched eval every 2D target shares: cut the 2×S input into chunks of
// at most kChunk columns, run the target's kernel on each, copy the results out.
#include "vi/target_base.hpp"

#include <algorithm>

namespace vi::detail {

void Target2D::eval(const Mat& z, Vec& logp, Mat* grad) const {
  const Eigen::Index S = z.cols();
  eigen_assert(z.rows() == 2 && logp.size() == S);
  eigen_assert(!grad || (grad->rows() == 2 && grad->cols() == S));
  // Fixed-capacity rows: resizing within kChunk never touches the heap.
  Row x, y, lp, gx, gy;
  for (Eigen::Index s0 = 0; s0 < S; s0 += kChunk) {
    const Eigen::Index n = std::min(kChunk, S - s0);
    x = z.row(0).segment(s0, n).array();
    y = z.row(1).segment(s0, n).array();
    lp.resize(n);
    gx.resize(n);
    gy.resize(n);
    kernel(x, y, lp, gx, gy);
    logp.segment(s0, n) = lp.matrix().transpose();
    if (grad) {
      grad->row(0).segment(s0, n) = gx.matrix();
      grad->row(1).segment(s0, n) = gy.matrix();
    }
  }
}

}  // namespace vi::detail
