// The random number generator: the normals are standard normal (moments and a
// Kolmogorov–Smirnov test over a million draws), streams are reproducible and independent.
#include "vi/core/rng.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace vi;

TEST_CASE("fill_normal draws standard normals", "[rng]") {
  Rng rng(2024);
  Mat m(2, 500000);
  rng.fill_normal(m);
  const Eigen::Index n = m.size();
  const double* p = m.data();
  double s1 = 0, s2 = 0, s4 = 0, tail = 0;
  for (Eigen::Index i = 0; i < n; ++i) {
    s1 += p[i];
    s2 += p[i] * p[i];
    s4 += std::pow(p[i], 4);
    tail += std::abs(p[i]) > 3.6541528853610088;  // beyond the ziggurat's R: the tail method
  }
  const double mean = s1 / n, var = s2 / n - mean * mean, kurt = s4 / n;
  // Standard errors with n = 1e6: mean 1e-3, variance 1.4e-3, E z⁴ (= 3) 1e-2.
  CHECK(std::abs(mean) < 5e-3);
  CHECK(std::abs(var - 1) < 7e-3);
  CHECK(std::abs(kurt - 3) < 5e-2);
  // P(|z| > R) = 2.58e-4: 258 expected, sd 16.
  CHECK(tail > 258 - 80);
  CHECK(tail < 258 + 80);

  // Kolmogorov–Smirnov against Φ: at n = 1e6 the 1 % critical value of D is 1.63/√n = 1.6e-3.
  std::vector<double> v(p, p + n);
  std::sort(v.begin(), v.end());
  double d = 0;
  for (size_t i = 0; i < v.size(); i += 7) {
    const double cdf = 0.5 * std::erfc(-v[i] / std::sqrt(2.0));
    d = std::max({d, std::abs(cdf - double(i) / n), std::abs(cdf - double(i + 1) / n)});
  }
  CHECK(d < 1.63 / std::sqrt(double(n)));
}

TEST_CASE("Streams are reproducible and differ between seeds and streams", "[rng]") {
  Mat a(2, 8), b(2, 8), c(2, 8), d(2, 8);
  Rng(5, 0).fill_normal(a);
  Rng(5, 0).fill_normal(b);
  Rng(6, 0).fill_normal(c);
  Rng(5, 1).fill_normal(d);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(a != d);
}

TEST_CASE("fill_normal gives the same draws as one normal_ziggurat at a time, and leaves the stream where they do",
          "[rng]") {
  // fill_normal runs on a copy of the state for speed; the copy must be written back exactly.
  Rng a(9, 3), b(9, 3);
  Mat m(2, 4000);  // 8000 draws: dozens take the wedge and the tail paths as well
  a.fill_normal(m);
  for (Eigen::Index i = 0; i < m.size(); ++i) REQUIRE(m.data()[i] == b.normal_ziggurat());
  CHECK(a.next_u64() == b.next_u64());
}
