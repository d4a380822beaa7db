// vi/targets/gaussians.cpp — the Gaussian targets: `gaussian`, `correlated`, and the isotropic
// Gaussian mixtures `mixture` and `bimodal`, which share one mixture evaluation.
#include "vi/core/check.hpp"
#include "vi/core/math.hpp"
#include "vi/targets/base.hpp"
#include "vi/targets/factories.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

namespace vi::detail {
namespace {

// [SECTION] N(0, [[1, ρ], [ρ, 1]]) — `gaussian` is the case ρ = 0.
class CorrelatedGaussian final : public Target2D {
 public:
  CorrelatedGaussian(std::string name, double rho)
      : Target2D(std::move(name), {-4, 4, -4, 4}, {-6, 6, -6, 6}),  // 6σ: cut-off mass < 1e-8
        rho_(rho),
        prec_(1.0 / (1.0 - rho * rho)),
        log_norm_(-kLog2Pi - 0.5 * std::log1p(-rho * rho)) {}

  std::optional<double> exact_log_z() const override { return 0.0; }
  std::optional<Moments> exact_moments() const override {
    Moments m{Vec::Zero(2), Mat::Identity(2, 2)};
    m.cov(0, 1) = m.cov(1, 0) = rho_;
    return m;
  }

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    // Σ⁻¹ = [[1, −ρ], [−ρ, 1]] / (1 − ρ²)
    gx = -prec_ * (x - rho_ * y);
    gy = -prec_ * (y - rho_ * x);
    lp = log_norm_ + 0.5 * (x * gx + y * gy);  // −½ zᵀΣ⁻¹z = ½ z·∇
  }

 private:
  double rho_, prec_, log_norm_;
};

// [SECTION] Σ_k π_k N(μ_k, v_k I) — the one mixture evaluation `mixture` and `bimodal` share.
struct IsoComponent {
  double mx, my;  // mean
  double var;     // variance of each coordinate
  double weight;  // unnormalized, ≥ 0
};

class IsoGaussianMixture final : public Target2D {
 public:
  static constexpr size_t kMaxComponents = 3;  // kernel scratch lives on the stack

  IsoGaussianMixture(std::string name, const std::vector<IsoComponent>& comps, std::string note)
      : Target2D(std::move(name), view_for(comps), reference_for(comps), std::move(note)) {
    double total = 0;
    for (const auto& c : comps) total += c.weight;
    // Zero-weight components are dropped: log 0 = −∞ would reach the log-sum-exp.
    for (const auto& c : comps)
      if (c.weight > 0)
        active_.push_back({c.mx, c.my, c.var, std::log(c.weight / total) - kLog2Pi - std::log(c.var)});
    if (active_.empty() || active_.size() > kMaxComponents)
      throw_invalid(Target2D::name(), "a mixture needs 1 to 3 components of positive weight");

    // Law of total covariance: Σ π_k (v_k I + μ_k μ_kᵀ) − m mᵀ.
    moments_ = {Vec::Zero(2), Mat::Zero(2, 2)};
    for (const auto& c : comps) {
      const double pi = c.weight / total;
      const Vec mu = Eigen::Vector2d(c.mx, c.my);
      moments_.mean += pi * mu;
      moments_.cov += pi * (c.var * Mat::Identity(2, 2) + mu * mu.transpose());
    }
    moments_.cov -= moments_.mean * moments_.mean.transpose();
  }

  std::optional<double> exact_log_z() const override { return 0.0; }
  std::optional<Moments> exact_moments() const override { return moments_; }

 protected:
  void kernel(const Row& x, const Row& y, Row& lp, Row& gx, Row& gy) const override {
    const size_t K = active_.size();
    std::array<Row, kMaxComponents> a;  // a_k = log π_k N(z; μ_k, v_k I)
    for (size_t k = 0; k < K; ++k) {
      const Active& c = active_[k];
      a[k] = c.log_norm - 0.5 * ((x - c.mx).square() + (y - c.my).square()) / c.var;
    }
    // log Σ e^{a_k} = m + log Σ e^{a_k − m}, m = max_k a_k: every exponent is ≤ 0.
    Row m = a[0];
    for (size_t k = 1; k < K; ++k) m = m.max(a[k]);
    Row sum = (a[0] - m).exp();
    for (size_t k = 1; k < K; ++k) sum += (a[k] - m).exp();
    lp = m + sum.log();
    // ∇ log p = Σ_k r_k ∇ a_k with responsibilities r_k = e^{a_k − log p} ∈ [0, 1].
    gx.setZero();
    gy.setZero();
    for (size_t k = 0; k < K; ++k) {
      const Active& c = active_[k];
      const Row r = (a[k] - lp).exp() / c.var;
      gx -= r * (x - c.mx);
      gy -= r * (y - c.my);
    }
  }

 private:
  struct Active {
    double mx, my, var, log_norm;  // log_norm = log π_k − log(2π v_k)
  };

  // Boxes come from every configured component, zero weight or not, so that moving a weight
  // slider through 0 does not make the view jump.
  static Box view_for(const std::vector<IsoComponent>& comps) {
    double half = 4;  // at least the app's default view
    for (const auto& c : comps)
      half = std::max(half, std::max(std::abs(c.mx), std::abs(c.my)) + 3 * std::sqrt(c.var));
    half = std::ceil(2 * half) / 2;  // round numbers on the axes
    return {-half, half, -half, half};
  }
  static Box reference_for(const std::vector<IsoComponent>& comps) {
    Box b = view_for(comps);
    for (const auto& c : comps) {
      const double reach = 7 * std::sqrt(c.var);  // 7σ: cut-off mass ~1e-12 per component
      b.x0 = std::min(b.x0, c.mx - reach);
      b.x1 = std::max(b.x1, c.mx + reach);
      b.y0 = std::min(b.y0, c.my - reach);
      b.y1 = std::max(b.y1, c.my + reach);
    }
    return b;
  }

  std::vector<Active> active_;
  Moments moments_;
};

}  // namespace

// [SECTION] Factories

std::unique_ptr<Problem> make_gaussian(const ParamValues&) {
  return std::make_unique<CorrelatedGaussian>("gaussian", 0.0);
}

std::unique_ptr<Problem> make_correlated(const ParamValues& p) {
  return std::make_unique<CorrelatedGaussian>("correlated", p.at("rho"));
}

std::unique_ptr<Problem> make_mixture(const ParamValues& p) {
  const double w1 = p.at("w1"), w2 = p.at("w2"), w3 = p.at("w3");
  check_positive("target mixture", "w1 + w2 + w3", w1 + w2 + w3);
  return std::make_unique<IsoGaussianMixture>(
      "mixture",
      std::vector<IsoComponent>{{-1.5, -1.5, 0.8, w1}, {1.5, 1.5, 0.8, w2}, {-2, 2, 0.5, w3}},
      "The weights w1, w2, w3 are normalized to sum to 1.");
}

std::unique_ptr<Problem> make_bimodal(const ParamValues& p) {
  const double w = p.at("w"), d = p.at("d"), s = p.at("s");
  return std::make_unique<IsoGaussianMixture>(
      "bimodal", std::vector<IsoComponent>{{-d / 2, 0, s * s, w}, {d / 2, 0, s * s, 1 - w}}, "");
}

}  // namespace vi::detail
