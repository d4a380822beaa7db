// app/ui/windows/forward_kl_reference.cpp — see forward_kl_reference.hpp.
#include "app/ui/windows/forward_kl_reference.hpp"

#include "vi/families/family.hpp"
#include "vi/objectives/moment_matching.hpp"
#include "vi/analysis/reference.hpp"

#include <Eigen/Cholesky>

#include <cmath>
#include <exception>
#include <limits>
#include <numbers>

namespace vilab {

namespace {
constexpr size_t kMaxEntries = 6;  // four fits, and a target or two back
}

std::vector<vi::Contour> gaussian_contours(const vi::Moments& q, const std::vector<double>& masses, int points) {
  std::vector<vi::Contour> out;
  if (q.mean.size() != 2 || q.cov.rows() != 2 || q.cov.cols() != 2 || points < 3) return out;
  const Eigen::LLT<vi::Mat> llt(q.cov);
  if (llt.info() != Eigen::Success) return out;
  const vi::Mat L = llt.matrixL();
  const double log_norm = -std::log(2 * std::numbers::pi) - std::log(L(0, 0) * L(1, 1));
  for (double mass : masses) {
    if (!(mass > 0 && mass < 1)) continue;
    // The radius in whitened space whose disc holds `mass`: r² ~ χ²₂, P(r² ≤ c) = 1 − e^(−c/2).
    const double r = std::sqrt(-2 * std::log1p(-mass));
    vi::Contour c;
    c.mass = mass;
    c.level = log_norm - 0.5 * r * r;
    vi::Polyline pl;
    pl.closed = true;
    pl.xy.reserve(size_t(2 * points));
    for (int k = 0; k < points; ++k) {
      const double t = 2 * std::numbers::pi * k / points;
      const vi::Vec z = q.mean + L * (vi::Vec(2) << r * std::cos(t), r * std::sin(t)).finished();
      pl.xy.push_back(float(z(0)));
      pl.xy.push_back(float(z(1)));
    }
    c.lines.push_back(std::move(pl));
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<ForwardKlReference> forward_kl_reference(const vi::Scene& scene, const vi::TargetData& target) {
  if (scene.objective != "forward-kl" || !target.problem || target.problem->dim() != 2) return std::nullopt;
  try {
    const auto family = vi::make_family(scene.family, 2, scene.family_options);
    const auto opt = vi::forward_kl_optimum(*family, target.p_moments);
    if (!opt) return std::nullopt;
    ForwardKlReference r;
    r.moments = opt->moments;
    r.contours = gaussian_contours(opt->moments, vi::default_contour_masses());
    const vi::Mat pts = target.reference.log_p.points();
    vi::Vec log_q(pts.cols());
    family->log_density(opt->phi, pts, log_q);
    r.kl_p_q = vi::kl_p_q_on_grid(target.reference, log_q);
    return r;
  } catch (const std::exception&) {
    // Bad sizes or a p without a positive-definite covariance: no reference to draw.
    return std::nullopt;
  }
}

std::shared_ptr<const ForwardKlReference> ForwardKlReferences::get(const vi::Snapshot& fit) {
  if (fit.scene.objective != "forward-kl" || !fit.target || !fit.target->data) return nullptr;
  const auto& data = fit.target->data;
  for (const Entry& e : entries_)
    if (e.target == data && e.family == fit.scene.family && e.options == fit.scene.family_options) return e.reference;
  Entry e{data, fit.scene.family, fit.scene.family_options, nullptr};
  if (auto r = forward_kl_reference(fit.scene, *data)) e.reference = std::make_shared<const ForwardKlReference>(std::move(*r));
  if (entries_.size() >= kMaxEntries) entries_.erase(entries_.begin());
  entries_.push_back(e);
  return e.reference;
}

}  // namespace vilab
