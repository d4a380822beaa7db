// vi/targets/curved.cpp — targets whose shape is a curved or scaled Gaussian: `banana`, `donut`,
// `funnel` (Neal) and `squiggle`.
#include "vi/core/math.hpp"
#include "vi/targets/base.hpp"
#include "vi/targets/factories.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace vi::detail {
namespace {

// Rounds a half-width up to a multiple of 0.5 so that the view's axes show round numbers.
double round_up_half(double v) { return std::ceil(2 * v) / 2; }

// [SECTION] banana: z1 ~ N(0, 2²), z2 | z1 ~ N(b (z1² − 4), 1)
class Banana final : public Target2D {
 public:
  explicit Banana(double b)
      : Target2D("banana",
                 // ±2.5 sd in z1; the ridge z2 = b (z1² − 4) over that range, ± 3.
                 {-5, 5, -4 * b - 3, 21 * b + 3},
                 // ±6 sd in z1 (cut-off mass 2e-9); the ridge over that range ± 6.
                 {-12, 12, -4 * b - 6, 140 * b + 6}),
        b_(b) {}

  std::optional<double> exact_log_z() const override { return 0.0; }
  std::optional<Moments> exact_moments() const override {
    // E z2 = b (E z1² − 4) = 0; Var z2 = E Var(z2|z1) + Var E(z2|z1) = 1 + b² Var z1² = 1 + 32 b²
    // (Var z1² = 2 · 4² for z1 ~ N(0, 4)); Cov = b E[z1 (z1² − 4)] = 0 since z1 is symmetric.
    Moments m{Vec::Zero(2), Mat::Zero(2, 2)};
    m.cov(0, 0) = 4;
    m.cov(1, 1) = 1 + 32 * b_ * b_;
    return m;
  }

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    const Row r = y - b_ * (x.square() - 4);  // residual of z2 about the ridge
    lp = kLogNorm - x.square() / 8 - 0.5 * r.square();
    gx = -x / 4 + 2 * b_ * x * r;
    gy = -r;
  }

 private:
  static constexpr double kLogNorm = -kLog2Pi - 0.69314718055994530942;  // −log(2π · 2)
  double b_;
};

// [SECTION] donut: log p~ = −(‖z‖ − r0)² / w
class Donut final : public Target2D {
 public:
  Donut(double r0, double w) : Target2D("donut", view_for(r0, w), reference_for(r0, w)), r0_(r0), w_(w) {}

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    Row r, ux, uy;
    radius(x, y, r, ux, uy);  // ux = uy = 0 at the origin: no division by ‖z‖ = 0
    const Row d = r - r0_;
    lp = -d.square() / w_;
    gx = (-2 / w_) * d * ux;
    gy = (-2 / w_) * d * uy;
  }

 private:
  // The ring's radial sd is sqrt(w/2).
  static Box view_for(double r0, double w) {
    const double h = round_up_half(std::max(4.0, r0 + 4 * std::sqrt(w / 2)));
    return {-h, h, -h, h};
  }
  static Box reference_for(double r0, double w) {
    const double h = std::max(view_for(r0, w).x1, r0 + 8 * std::sqrt(w / 2));  // cut-off < e^-32
    return {-h, h, -h, h};
  }
  double r0_, w_;
};

// [SECTION] funnel (Neal): v = z2 ~ N(0, σ_v²), x = z1 | v ~ N(0, e^v)
class Funnel final : public Target2D {
 public:
  explicit Funnel(double sigma)
      : Target2D("funnel", view_for(sigma), reference_for(sigma), note_for(sigma)),
        sigma_(sigma),
        log_norm_(-kLog2Pi - std::log(sigma)) {}

  std::optional<double> exact_log_z() const override { return 0.0; }
  std::optional<Moments> exact_moments() const override {
    // Var x = E Var(x|v) = E e^v = e^{σ²/2} (log-normal mean); x and v are uncorrelated.
    Moments m{Vec::Zero(2), Mat::Zero(2, 2)};
    m.cov(0, 0) = std::exp(sigma_ * sigma_ / 2);
    m.cov(1, 1) = sigma_ * sigma_;
    return m;
  }

 protected:
  void kernel(const Row& x, const Row& v, Row& lp, Row& gx, Row& gv) const override {
    // |x| e^{−v} as exp(log|x| − v): e^{−v} alone overflows for v < −709 and then 0 · ∞ = NaN at
    // x = 0; this form is 0 at x = 0 and overflows only where log p~ really is below −1e308.
    const Row e = (x.abs().log() - v).exp();
    const Row q = x.abs() * e;  // x² e^{−v}
    lp = log_norm_ - v.square() / (2 * sigma_ * sigma_) - 0.5 * v - 0.5 * q;
    gx = -x.sign() * e;
    gv = -v / (sigma_ * sigma_) - 0.5 + 0.5 * q;
  }

 public:
  std::optional<double> reference_box_mass() const override { return mass_in_box(sigma_); }

 private:
  // View: v within ±2.5 σ, x within 3 sd of x | v at v = σ.
  static Box view_for(double s) {
    const double hx = round_up_half(3 * std::exp(s / 2)), hv = round_up_half(2.5 * s);
    return {-hx, hx, -hv, hv};
  }
  // Reference: v within ±4 σ, x within 5 sd of x | v at v = σ. No box holds the whole funnel on
  // a grid of a few hundred cells (the neck is thinner than a cell, the mouth wider than the box);
  // this one keeps ≳ 97% of the mass for every σ_v in [0.5, 4] (98% at σ_v = 3).
  static Box reference_for(double s) {
    const double hx = 5 * std::exp(s / 2), hv = 4 * s;
    return {-hx, hx, -hv, hv};
  }
  // P(box) = ∫ N(v; 0, σ²) erf(X e^{−v/2} / √2) dv over [−V, V], by the midpoint rule (smooth
  // 1D integrand: 4000 nodes are accurate to far below the 0.1% the note prints).
  static double mass_in_box(double s) {
    const Box b = reference_for(s);
    const int n = 4000;
    const double h = (b.y1 - b.y0) / n;
    double sum = 0;
    for (int i = 0; i < n; ++i) {
      const double v = b.y0 + (i + 0.5) * h;
      sum += std::exp(-0.5 * v * v / (s * s)) * std::erf(b.x1 * std::exp(-v / 2) / std::sqrt(2.0));
    }
    return sum * h / (s * std::sqrt(2 * std::numbers::pi));
  }
  static std::string note_for(double s) {
    const Box b = reference_for(s);
    char buf[1024];  // the note is ≈ 450 bytes of UTF-8 at any σ_v
    std::snprintf(buf, sizeof buf,
                  "The neck narrows and the mouth widens without bound, so grid references "
                  "(log Z, moments, KL) are truncated to the reference box z1 in [%.1f, %.1f], "
                  "z2 in [%.1f, %.1f], which holds %.1f%% of the mass, and lose accuracy where "
                  "the neck is thinner than a grid cell. The exact log Z and moments are those of "
                  "the whole funnel.",
                  b.x0, b.x1, b.y0, b.y1, 100 * mass_in_box(s));
    return buf;
  }

  double sigma_, log_norm_;
};

// [SECTION] squiggle: (z1, z2 + sin 5 z1) ~ N(0, Σ), Σ = [[2, 0.25], [0.25, 0.5]]
class Squiggle final : public Target2D {
 public:
  Squiggle() : Target2D("squiggle", {-4.5, 4.5, -3.5, 3.5}, {-8.5, 8.5, -5.5, 5.5}) {}

  // The shear (z1, z2) -> (z1, z2 + sin 5 z1) has unit Jacobian, so p is normalized.
  std::optional<double> exact_log_z() const override { return 0.0; }
  std::optional<Moments> exact_moments() const override {
    // With u = z1 ~ N(0, 2), w = z2 + sin 5u, z2 = w − sin 5u, E[w | u] = u / 8, and for
    // u ~ N(0, σ²): E[u sin au] = a σ² e^{−a²σ²/2}, E[cos au] = e^{−a²σ²/2}. Hence
    // Cov(z1, z2) = 1/4 − 10 e^{−25}, Var z2 = 1/2 − 2 · (1/8) · 10 e^{−25} + (1 − e^{−100}) / 2.
    // The mean is 0: z2 is an odd function of (u, w) under (u, w) -> (−u, −w).
    const double e25 = std::exp(-25.0);
    Moments m{Vec::Zero(2), Mat::Zero(2, 2)};
    m.cov(0, 0) = 2;
    m.cov(0, 1) = m.cov(1, 0) = 0.25 - 10 * e25;
    m.cov(1, 1) = 1 - 2.5 * e25 - 0.5 * std::exp(-100.0);
    return m;
  }

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    // Σ⁻¹ = [[0.5, −0.25], [−0.25, 2]] / det Σ, det Σ = 0.9375.
    const Row w = y + (5 * x).sin();
    const Row gu = -(0.5 * x - 0.25 * w) / kDet;  // ∂/∂u of −½ (u, w) Σ⁻¹ (u, w)ᵀ
    gy = -(2 * w - 0.25 * x) / kDet;              // ∂/∂w, and ∂w/∂z2 = 1
    lp = kLogNorm + 0.5 * (x * gu + w * gy);
    gx = gu + 5 * (5 * x).cos() * gy;  // ∂w/∂z1 = 5 cos 5 z1
  }

 private:
  static constexpr double kDet = 0.9375;
  static inline const double kLogNorm = -kLog2Pi - 0.5 * std::log(kDet);
};

}  // namespace

// [SECTION] Factories

std::unique_ptr<Problem> make_banana(const ParamValues& p) { return std::make_unique<Banana>(p.at("b")); }

std::unique_ptr<Problem> make_donut(const ParamValues& p) {
  return std::make_unique<Donut>(p.at("r0"), p.at("w"));
}

std::unique_ptr<Problem> make_funnel(const ParamValues& p) {
  return std::make_unique<Funnel>(p.at("sigma_v"));
}

std::unique_ptr<Problem> make_squiggle(const ParamValues&) { return std::make_unique<Squiggle>(); }

}  // namespace vi::detail
