// vi/rng.hpp — the one random number generator of a Run.
//
// xoshiro256++ (Blackman & Vigna) seeded through splitmix64, with standard normals by the
// Box–Muller transform. We do not use std::normal_distribution: its output is left to the
// standard library, and a vilab seed must give the same trace on every build.
#pragma once

#include "vi/types.hpp"

#include <cmath>
#include <cstdint>
#include <numbers>

namespace vi {

class Rng {
 public:
  explicit Rng(uint64_t seed = 1, uint64_t stream = 0) { reseed(seed, stream); }

  // Independent streams from one seed: the training draws, the metric draws and the display
  // samples each get their own stream, so computing a metric never shifts the training trace.
  void reseed(uint64_t seed, uint64_t stream = 0) {
    uint64_t x = seed ^ (0x9E3779B97F4A7C15ull * (stream + 1));
    for (auto& s : s_) s = splitmix64(x);
    has_spare_ = false;
  }

  uint64_t next_u64() {
    const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform on (0, 1): never exactly 0, so log(u) is finite.
  double uniform() { return (double(next_u64() >> 11) + 0.5) * 0x1.0p-53; }

  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double r = std::sqrt(-2.0 * std::log(uniform()));
    const double a = 2.0 * std::numbers::pi * uniform();
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

  // Fills every entry of m with an independent N(0, 1) draw (column by column).
  void fill_normal(Mat& m) {
    double* p = m.data();
    const Eigen::Index n = m.size();
    for (Eigen::Index i = 0; i < n; ++i) p[i] = normal();
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t s_[4]{};
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace vi
