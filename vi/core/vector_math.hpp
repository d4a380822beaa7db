// vi/core/vector_math.hpp — elementwise transcendental functions over arrays, at SIMD speed.
//
// tanh is the flows' hottest operation (one per draw per planar layer, one per hidden unit of a
// RealNVP conditioner). Eigen 3.4 vectorizes exp for double but calls std::tanh per element,
// and it picks its SIMD width when we compile (SSE2 for a portable build). glibc's libmvec
// ships tanh for SSE, AVX2 and AVX-512 (≤ 4 ulp) and selects the implementation inside each
// entry point; we pick the widest calling convention the CPU has once, at first use. So a
// portable binary runs 4 or 8 lanes where the machine has them, and never an instruction it
// lacks.
//
// The lanes differ in their last bits between machines (like any vectorized libm), so fixed-
// seed flow traces are bit-identical on one machine, not across CPU generations.
#pragma once

#include <Eigen/Core>

namespace vi {

// p[i] = tanh(p[i]) for i < n.
void tanh_span(double* p, Eigen::Index n);

// The SIMD width tanh_span uses on this machine ("avx512", "avx2", "sse", "scalar"), for
// `vilab bench` to report.
const char* vector_math_isa();

// tanh_span through one named implementation ("avx512", "avx2", "sse", "scalar"), for the tests
// to cover every path this CPU can run. Returns false (and leaves p alone) where it cannot.
bool tanh_span_with(const char* isa, double* p, Eigen::Index n);

// tanh of every coefficient of a dense block with unit inner stride (a vector, a matrix, or a
// block of columns of one), in place.
template <class Derived>
inline void tanh_in_place(Eigen::DenseBase<Derived>& x) {
  Derived& d = x.derived();
  static_assert(Derived::InnerStrideAtCompileTime == 1, "tanh_in_place needs contiguous columns (or rows)");
  for (Eigen::Index j = 0; j < d.outerSize(); ++j) tanh_span(d.data() + j * d.outerStride(), d.innerSize());
}
template <class Derived>
inline void tanh_in_place(Eigen::DenseBase<Derived>&& x) {
  tanh_in_place(x);
}

}  // namespace vi
