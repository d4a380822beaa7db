// vi/core/rng.hpp — the one random number generator of a Run.
//
// xoshiro256++ (Blackman & Vigna) seeded through splitmix64, with standard normals by the
// Box–Muller transform. We do not use std::normal_distribution: its output is left to the
// standard library, and a vilab seed must give the same trace on every build.
#pragma once

#include "vi/core/types.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace vi {

// The random streams of one seed, Rng(seed, stream): a Run's training draws, its fixed metric
// draws, its display draws and its minibatch choices; other users of a seed (the gradient-variance study) take their own.
inline constexpr uint64_t kTrainStream = 0, kMetricStream = 1, kDisplayStream = 2, kBatchStream = 3,
                          kDiagnosticStream = 4;  // PSIS k̂ (vi/analysis/fit_diagnostics.hpp)

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

  // N(0, 1) by the ziggurat method (Marsaglia & Tsang 2000, 256 layers): 99 % of draws cost one
  // 64-bit number, a table look-up and a comparison; the rest fall in a wedge (one exp) or the
  // tail beyond R (logs). Exact: it samples the normal density, not an approximation of it.
  double normal_ziggurat() {
    const Ziggurat& t = ziggurat();
    for (;;) {
      const uint64_t bits = next_u64();
      const int i = int(bits & 255);
      // The sign is bit 8, moved to the IEEE sign bit: a branch on it would be mispredicted
      // half the time, and that misprediction was most of a draw's cost.
      const uint64_t sign_bit = (bits & 256) << 55;
      const uint64_t m = bits >> 11;  // 53 bits, independent of i and the sign
      const double x = double(m) * 0x1.0p-53 * t.x[i];  // u·x[i], u uniform on [0, 1)
      // Inside the layer's core rectangle (x < x[i + 1]). The integer test decides almost every
      // draw before the product is ready; its threshold is a little low, so it never accepts a
      // draw the exact test would reject, and draws near the edge get the exact test.
      if (m < t.core[i] || x < t.x[i + 1]) return with_sign(x, sign_bit);
      if (i == 0) {
        // The base layer's part beyond R: Marsaglia's exact tail method.
        double a, b;
        do {
          a = -std::log(uniform()) / t.x[1];
          b = -std::log(uniform());
        } while (2 * b < a * a);
        return with_sign(t.x[1] + a, sign_bit);
      }
      // The wedge between the rectangle and the curve: accept under the density.
      const double y = t.f[i + 1] + uniform() * (t.f[i] - t.f[i + 1]);
      if (y < std::exp(-0.5 * x * x)) return with_sign(x, sign_bit);
    }
  }

  // Fills every entry of m with an independent N(0, 1) draw (column by column). At S = 256 the
  // draws were the largest part of a mean-field step; the ziggurat made them a small one.
  void fill_normal(Mat& m) {
    double* p = m.data();
    const Eigen::Index n = m.size();
    // On a local copy: its address never escapes, so the state stays in registers instead of
    // being stored back to *this after every draw (a third of a draw's cost).
    Rng local = *this;
    for (Eigen::Index i = 0; i < n; ++i) p[i] = local.normal_ziggurat();
    *this = local;
  }

 private:
  // Layer edges x[0] > x[1] = R > … > x[256] = 0 of 256 layers of equal area V under
  // f(x) = exp(−x²/2) (x[0] = V / f(R) is the base layer's width, tail included), and f at each.
  struct Ziggurat {
    double x[257], f[257];
    uint64_t core[256];  // integer thresholds of the core rectangles (see normal_ziggurat)
    Ziggurat() {
      const double R = 3.6541528853610088, V = 0.00492867323399;
      x[0] = V / std::exp(-0.5 * R * R);
      x[1] = R;
      for (int i = 2; i < 256; ++i) x[i] = std::sqrt(-2.0 * std::log(V / x[i - 1] + std::exp(-0.5 * x[i - 1] * x[i - 1])));
      x[256] = 0;
      for (int i = 0; i <= 256; ++i) f[i] = std::exp(-0.5 * x[i] * x[i]);
      // m < core[i] ⇒ m·2⁻⁵³·x[i] < x[i + 1] even after rounding (two ulps of margin and one).
      for (int i = 0; i < 256; ++i) core[i] = uint64_t(std::max(0.0, std::ldexp(x[i + 1] / x[i], 53) * (1 - 0x1.0p-50) - 1));
    }
  };
  static const Ziggurat& ziggurat() {
    static const Ziggurat table;  // built once, read-only after: safe to share between threads
    return table;
  }

  // |x| ≥ 0 with the sign bit set when sign_bit is (same as ±1.0 · x, without a branch).
  static double with_sign(double x, uint64_t sign_bit) { return std::bit_cast<double>(std::bit_cast<uint64_t>(x) | sign_bit); }
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
