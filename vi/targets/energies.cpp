// vi/targets/energies.cpp — the energy targets p ∝ e^{−U}: `two-moons` and the four energies
// U1–U4 of Rezende & Mohamed (2015), "Variational inference with normalizing flows", Table 1.
#include "vi/targets/base.hpp"
#include "vi/targets/factories.hpp"

#include <cmath>
#include <numbers>

namespace vi::detail {
namespace {

// [SECTION] Ring with two caps: U1 and two-moons
//   log p~ = −½ ((‖z‖ − 2) / s_ring)² + log(e^{−½ ((z1 − 2)/s_cap)²} + e^{−½ ((z1 + 2)/s_cap)²})
// The caps' log-sum-exp is evaluated as such (not as its |z1| form), so the gradient is smooth
// at z1 = 0.
class RingWithCaps final : public Target2D {
 public:
  RingWithCaps(std::string name, double ring_sd, double cap_sd, Box view, Box reference)
      : Target2D(std::move(name), view, reference), ring_sd_(ring_sd), cap_sd_(cap_sd) {}

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    Row r, ux, uy;
    radius(x, y, r, ux, uy);  // ux = uy = 0 at the origin
    const Row ring = -0.5 * ((r - 2) / ring_sd_).square();
    const Row dring = -(r - 2) / (ring_sd_ * ring_sd_);  // ∂ring/∂‖z‖
    Row caps, p_right;
    log_add_exp(-0.5 * ((x - 2) / cap_sd_).square(), -0.5 * ((x + 2) / cap_sd_).square(), caps, p_right);
    lp = ring + caps;
    // ∂caps/∂z1 = −[p (z1 − 2) + (1 − p)(z1 + 2)] / s² = −(z1 + 2 − 4p) / s²
    gx = dring * ux - (x + 2 - 4 * p_right) / (cap_sd_ * cap_sd_);
    gy = dring * uy;
  }

 private:
  double ring_sd_, cap_sd_;
};

// [SECTION] Wave energies U2–U4, made proper by a soft box in z1
enum class Wave { U2, U3, U4 };

class WaveEnergy final : public Target2D {
 public:
  WaveEnergy(std::string name, Wave kind, Box reference)
      : Target2D(name, {-4, 4, -4, 4}, reference,
                 name + " does not decay along z1; vilab multiplies it by the soft box "
                        "exp(−½ (z1/4)⁸) to make it proper (a factor ≥ 0.95 for |z1| ≤ 3, "
                        "0.61 at |z1| = 4)."),
        kind_(kind) {}

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    constexpr double k = std::numbers::pi / 2;  // w1 = sin(2π z1 / 4) = sin(k z1)
    const Row w1 = (k * x).sin();
    const Row dw1 = k * (k * x).cos();
    if (kind_ == Wave::U2) {
      const Row t = (y - w1) / (0.4 * 0.4);  // −∂/∂z2 of ½ ((z2 − w1)/0.4)²
      lp = -0.5 * (y - w1) * t;
      gy = -t;
      gx = t * dw1;
    } else if (kind_ == Wave::U3) {
      // w2 = 3 exp(−½ ((z1 − 1)/0.6)²); second wave at z2 = w1 − w2.
      const Row w2 = 3 * (-0.5 * ((x - 1) / 0.6).square()).exp();
      const Row dw2 = -w2 * (x - 1) / (0.6 * 0.6);
      two_waves(y, w1, dw1, 0.35, w1 - w2, dw1 - dw2, 0.35, lp, gx, gy);
    } else {
      // w3 = 3 σ((z1 − 1)/0.3); second wave at z2 = w1 − w3.
      const Row s = sigmoid((x - 1) / 0.3);
      const Row w3 = 3 * s;
      const Row dw3 = 3 * s * (1 - s) / 0.3;
      two_waves(y, w1, dw1, 0.4, w1 - w3, dw1 - dw3, 0.35, lp, gx, gy);
    }
    // Soft box: log p~ −= ½ (z1/4)⁸, whose z1-derivative is (z1/4)⁷.
    const Row q = x / 4;
    const Row q7 = q.square().square() * q.square() * q;
    lp -= 0.5 * q7 * q;
    gx -= q7;
  }

 private:
  // log p~ = log(e^{−½ ((z2 − m1)/s1)²} + e^{−½ ((z2 − m2)/s2)²}) for curves m1(z1), m2(z1) with
  // derivatives dm1, dm2.
  static void two_waves(const Row& y, const Row& m1, const Row& dm1, double s1, const Row& m2,
                        const Row& dm2, double s2, Row& lp, Row& gx, Row& gy) {
    const Row t1 = (y - m1) / (s1 * s1), t2 = (y - m2) / (s2 * s2);
    Row p1;
    log_add_exp(-0.5 * (y - m1) * t1, -0.5 * (y - m2) * t2, lp, p1);
    gy = -(p1 * t1 + (1 - p1) * t2);
    gx = p1 * t1 * dm1 + (1 - p1) * t2 * dm2;
  }

  Wave kind_;
};

}  // namespace

// [SECTION] Factories
// Views are the paper's [−4, 4]². References: U1's ring (sd 0.4) is cut at 7 sd; the waves
// |m(z1)| ≤ 4 are cut 7 sd beyond their extremes, the soft box at |z1| = 7 (e^{−44}).

std::unique_ptr<Problem> make_two_moons(const ParamValues&) {
  return std::make_unique<RingWithCaps>("two-moons", 0.2, 0.3, Box{-4, 4, -4, 4}, Box{-5, 5, -5, 5});
}

std::unique_ptr<Problem> make_u1(const ParamValues&) {
  return std::make_unique<RingWithCaps>("U1", 0.4, 0.6, Box{-4, 4, -4, 4}, Box{-5, 5, -5, 5});
}

std::unique_ptr<Problem> make_u2(const ParamValues&) {
  return std::make_unique<WaveEnergy>("U2", Wave::U2, Box{-7, 7, -4.5, 4.5});
}

std::unique_ptr<Problem> make_u3(const ParamValues&) {
  return std::make_unique<WaveEnergy>("U3", Wave::U3, Box{-7, 7, -7, 4.5});
}

std::unique_ptr<Problem> make_u4(const ParamValues&) {
  return std::make_unique<WaveEnergy>("U4", Wave::U4, Box{-7, 7, -7, 4.5});
}

}  // namespace vi::detail
