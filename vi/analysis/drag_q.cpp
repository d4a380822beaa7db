// vi/analysis/drag_q.cpp — see vi/analysis/drag_q.hpp.
#include "vi/analysis/drag_q.hpp"

#include "vi/core/check.hpp"

#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>

namespace vi {

namespace {

bool is_meanfield(const Family& f) { return f.name() == "meanfield"; }
bool is_fullrank(const Family& f) { return f.name() == "fullrank"; }
bool is_lowrank(const Family& f) { return f.name() == "lowrank"; }

double clamp_sd(double s) {
  if (!(s >= kDragMinSd)) return kDragMinSd;  // NaN too
  return std::min(s, kDragMaxSd);
}

// A valid φ to start from: φ itself when the family accepts it, else q = N(0, I).
Vec sane(const Family& f, const Vec& phi) {
  if (phi.size() == f.num_params() && f.valid(phi)) return phi;
  return f.initial_params(Vec::Zero(f.dim()), 0.0);
}

}  // namespace

double ellipse_radius(double mass) { return std::sqrt(-2.0 * std::log1p(-mass)); }

DragSupport drag_support(const Family& f) {
  DragSupport s;
  if (f.dim() != 2) {
    s.why = "Dragging q works on 2D targets only.";
  } else if (is_meanfield(f) || is_fullrank(f)) {
    s.mean = s.covariance = true;
  } else if (is_lowrank(f)) {
    s.mean = true;
    s.why = "Low-rank q: drag the mean only (a covariance diag(d\u00B2) + BB\u1D40 cannot take every shape "
            "a handle could ask for).";
  } else {
    s.why = "Dragging q is for the Gaussian families (mean-field, full-rank, low-rank): a flow's or a "
            "mixture's mean and shape are not single parameters.";
  }
  return s;
}

DragHandles drag_handles(const Family& f, const Vec& phi_in) {
  DragHandles h;
  if (f.dim() != 2) return h;
  const Vec phi = sane(f, phi_in);
  const Moments m = f.moments(phi);
  const double r = ellipse_radius(kDragEllipseMass);
  h.mean[0] = m.mean(0), h.mean[1] = m.mean(1);
  if (is_meanfield(f)) {
    h.axis1[0] = m.mean(0) + r * std::sqrt(m.cov(0, 0)), h.axis1[1] = m.mean(1);
    h.axis2[0] = m.mean(0), h.axis2[1] = m.mean(1) + r * std::sqrt(m.cov(1, 1));
    return h;
  }
  const Eigen::SelfAdjointEigenSolver<Mat> es(m.cov);
  for (int k = 0; k < 2; ++k) {
    const int i = 1 - k;  // eigenvalues ascend: the longer axis first
    Eigen::Vector2d v = es.eigenvectors().col(i);
    if (v(0) < 0 || (v(0) == 0 && v(1) < 0)) v = -v;  // one end, chosen the same way every time
    const double len = r * std::sqrt(std::max(es.eigenvalues()(i), 0.0));
    double* out = k == 0 ? h.axis1 : h.axis2;
    out[0] = m.mean(0) + len * v(0), out[1] = m.mean(1) + len * v(1);
  }
  return h;
}

Vec params_from_moments(const Family& f, const Moments& m) {
  const int d = f.dim();
  if (m.mean.size() != d || m.cov.rows() != d || m.cov.cols() != d)
    throw_invalid("params_from_moments", "the moments' sizes do not match the family's dimension");
  Vec phi(f.num_params());
  phi.head(d) = m.mean;
  if (is_meanfield(f)) {
    for (int i = 0; i < d; ++i) {
      if (!(m.cov(i, i) > 0)) throw_invalid("params_from_moments", "a variance is not positive");
      phi(d + i) = 0.5 * std::log(m.cov(i, i));
    }
    return phi;
  }
  if (is_fullrank(f)) {
    const Eigen::LLT<Mat> llt(m.cov);
    if (llt.info() != Eigen::Success) throw_invalid("params_from_moments", "the covariance is not positive definite");
    const Mat L = llt.matrixL();
    int k = d;
    for (int i = 0; i < d; ++i)
      for (int j = 0; j <= i; ++j, ++k) phi(k) = i == j ? std::log(L(i, i)) : L(i, j);
    return phi;
  }
  throw_invalid("params_from_moments", "family " + f.name() + " is not mean-field or full-rank");
}

Vec drag_params(const Family& f, const Vec& phi_in, DragHandle handle, double x, double y) {
  Vec phi = sane(f, phi_in);
  const DragSupport support = drag_support(f);
  if (!std::isfinite(x) || !std::isfinite(y)) return phi;
  if (handle == DragHandle::Mean) {
    if (!support.mean) return phi;
    // Every Gaussian family stores μ first.
    phi(0) = std::clamp(x, -kDragMaxAbsMean, kDragMaxAbsMean);
    phi(1) = std::clamp(y, -kDragMaxAbsMean, kDragMaxAbsMean);
    return phi;
  }
  if (!support.covariance) return phi;
  const double r = ellipse_radius(kDragEllipseMass);
  const Moments m = f.moments(phi);
  const double dx = x - m.mean(0), dy = y - m.mean(1);
  if (is_meanfield(f)) {
    // φ = [μ, log σ]: the handle sets its own σ, clamped.
    const int i = handle == DragHandle::Axis1 ? 0 : 1;
    const double dist = std::abs(i == 0 ? dx : dy);
    phi(2 + i) = std::log(clamp_sd(dist / r));
    phi(2 + (1 - i)) = std::log(clamp_sd(std::exp(phi(2 + (1 - i)))));
    return phi;
  }
  // Full-rank: the direction u of the handle becomes a principal axis with sd s; the sd across it
  // (uᵀ⊥ Σ u⊥, the current spread perpendicular to u) is kept. Both handles map the same way.
  const double len = std::hypot(dx, dy);
  Eigen::Vector2d u;
  if (len > 0 && std::isfinite(len)) {
    u = {dx / len, dy / len};
  } else if (len > 0) {  // overflowed: the direction is still that of (dx, dy)
    const double big = std::max(std::abs(dx), std::abs(dy));
    u = {dx / big, dy / big};
    u.normalize();
  } else {  // on the centre: keep the dragged axis' current direction
    const DragHandles h = drag_handles(f, phi);
    const double* a = handle == DragHandle::Axis1 ? h.axis1 : h.axis2;
    u = {a[0] - m.mean(0), a[1] - m.mean(1)};
    if (!(u.norm() > 0)) u = {1, 0};
    u.normalize();
  }
  const Eigen::Vector2d p{-u(1), u(0)};
  double s = clamp_sd(len / r);
  double t = clamp_sd(std::sqrt(std::max(p.dot(m.cov * p), 0.0)));
  // Keep the axis ratio bounded: the dragged axis gives way to the kept one's length.
  s = std::clamp(s, t / kDragMaxRatio, t * kDragMaxRatio);
  // Σ = s² uuᵀ + t² ppᵀ, its Cholesky factor in closed form (stable whatever s/t are):
  // L₁₁ = √Σ₁₁, L₂₁ = Σ₂₁/L₁₁, L₂₂ = det(Σ)^{1/2}/L₁₁ = s t / L₁₁.
  const double s11 = s * s * u(0) * u(0) + t * t * p(0) * p(0);
  const double s21 = (s * s - t * t) * u(0) * u(1);
  const double l11 = std::sqrt(s11);
  phi(2) = std::log(l11);
  phi(3) = s21 / l11;
  phi(4) = std::log(s * t / l11);
  return phi;
}

}  // namespace vi
