// The SIMD tanh (glibc's libmvec, dispatched on the CPU): accurate to a few ulps against
// std::tanh at every length (the tails of 2-, 4- and 8-lane vectors), and on blocks whose
// columns are not adjacent in memory.
#include "vi/core/vector_math.hpp"
#include "vi/core/types.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

using namespace vi;

namespace {
// |a − b| in units of b's last place (ulps).
double ulps(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(std::nextafter(b, 2.0) - b), 1e-300);
}
}  // namespace

TEST_CASE("tanh_span agrees with std::tanh to 4 ulps at every length and saturates", "[vector_math]") {
  INFO("vector math chosen on this CPU: " << vector_math_isa());
  int paths = 0;
  for (const char* isa : {"avx512", "avx2", "sse", "scalar"}) {
    INFO("path " << isa);
    for (int n = 0; n <= 19; ++n) {
      std::vector<double> x(size_t(n) + 2, 123.0);  // a sentinel after the n values
      for (int i = 0; i < n; ++i) x[size_t(i)] = -3.0 + 0.37 * i;
      if (!tanh_span_with(isa, x.data(), n)) break;  // this CPU cannot run it
      if (n == 0) ++paths;
      for (int i = 0; i < n; ++i) CHECK(ulps(x[size_t(i)], std::tanh(-3.0 + 0.37 * i)) <= 4);
      CHECK(x[size_t(n)] == 123.0);  // nothing written past the end
    }
  }
  CHECK(paths >= 2);  // the chosen path and the portable scalar one at least
  std::vector<double> big{-800, -40, -1e-300, 0, 1e-300, 1e-8, 40, 800};
  tanh_span(big.data(), Eigen::Index(big.size()));
  CHECK(big[0] == -1.0);
  CHECK(big[1] == -1.0);
  CHECK(big[3] == 0.0);
  CHECK(big[5] == Approx(1e-8).epsilon(1e-12));  // relative accuracy near 0, unlike 1 − 2/(e^{2x} + 1)
  CHECK(big[6] == 1.0);
  CHECK(big[7] == 1.0);
}

TEST_CASE("tanh_in_place covers exactly a block of a larger matrix", "[vector_math]") {
  Mat m = Mat::Constant(7, 5, 0.5);
  tanh_in_place(m.block(1, 1, 5, 3));  // columns 5 apart in memory, each 5 long
  for (Eigen::Index j = 0; j < 5; ++j)
    for (Eigen::Index i = 0; i < 7; ++i) {
      const bool inside = i >= 1 && i <= 5 && j >= 1 && j <= 3;
      CHECK(m(i, j) == (inside ? Approx(std::tanh(0.5)).epsilon(1e-15) : Approx(0.5)));
    }
}
