// vi/families/lowrank.cpp — the low-rank-plus-diagonal Gaussian.
//
// Backward pass. With r_s = z_s − μ and a_s = Σ⁻¹ r_s, log q_s = c − ½ log|Σ| − ½ r_sᵀ a_s.
// At fixed z, ∂log q_s/∂Σ = ½(a_s a_sᵀ − Σ⁻¹) and ∂log q_s/∂z_s = −a_s. The cotangent reaching z
// is h_s = g_z,s − g_lq,s a_s; it flows to μ (the explicit μ-term +g_lq,s a_s cancels the path's
// −g_lq,s a_s, leaving Σ_s g_z,s), to log d_i through d_i ε₁, and to B through ε₂. The Σ-gradient
// G = ½ Σ_s g_lq,s (a_s a_sᵀ − Σ⁻¹) flows to log d_i as 2 d_i² G_ii and to B as 2 G B.
#include "vi/families/lowrank.hpp"

#include "vi/core/check.hpp"
#include "vi/core/math.hpp"

#include <cmath>

namespace vi {

namespace {

// The rank r. Above D it adds nothing (in 2D, r = 1 already reaches every covariance), but the
// family is exact for any r, so r may exceed D; the slider stops at D.
const FamilyParam& rank_param() {
  static const FamilyParam p{
      .spec = {"rank", 1, 1, 64,
       "The rank r of B in \u03A3 = diag(d\u00B2) + BB\u1D40: the number of correlated directions q adds to "
       "independent axes, at O(D\u00B7r) cost instead of O(D\u00B2). In 2D, r = 1 already reaches every "
       "covariance; r = 2 is over-parameterized.",
       true},
      .label = "rank r",
      .field = &FamilyOptions::rank,
      .slider_stops_at_dim = true};
  return p;
}

}  // namespace

FamilyInfo lowrank_family_info() {
  return {"lowrank", "low-rank Gaussian N(μ, diag d² + BBᵀ): the r strongest correlations at O(D·r) cost",
          [](int d, const FamilyOptions& o) -> std::unique_ptr<Family> { return std::make_unique<LowRankGaussian>(d, o.rank); },
          {rank_param()},
          {},
          {.score = true, .analytic_entropy = true, .gaussian = true}};
}

LowRankGaussian::LowRankGaussian(int dim, int rank) : Family(dim), rank_(rank) {
  check_family_param("lowrank", rank_param(), rank);
  sigma_.resize(dim, dim);
  sigma_inv_.resize(dim, dim);
  g_sigma_.resize(dim, dim);
}

std::vector<std::string> LowRankGaussian::param_names() const {
  std::vector<std::string> n;
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("μ", {i + 1}));
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("log d", {i + 1}));
  for (int k = 0; k < rank_; ++k)
    for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("B", {i + 1, k + 1}, ","));
  return n;
}

Vec LowRankGaussian::initial_params(const Vec& mean, double log_sd) const {
  Vec phi = Vec::Zero(num_params());
  phi.head(dim()) = mean;
  phi.segment(dim(), dim()).setConstant(log_sd);
  // B starts small and not exactly 0: at B = 0 every column of B gets the same expected
  // gradient, and a deterministic nudge breaks that symmetry without favouring a direction much.
  for (int k = 0; k < rank_; ++k)
    for (int i = 0; i < dim(); ++i) phi(2 * dim() + k * dim() + i) = 0.01 * std::exp(log_sd) * ((i + k) % 2 ? 1 : -1);
  return phi;
}

double LowRankGaussian::factor(const Vec& phi) const {
  const int d = dim();
  const Eigen::Map<const Mat> B(phi.data() + 2 * d, d, rank_);
  sigma_.noalias() = B * B.transpose();
  sigma_.diagonal().array() += (2.0 * phi.segment(d, d).array()).exp();
  llt_.compute(sigma_);
  return 2.0 * llt_.matrixLLT().diagonal().array().log().sum();
}

void LowRankGaussian::density(const Vec& phi, const Mat& z, Vec& log_q) const {
  const int d = dim();
  const double log_det = factor(phi);
  a_ = z;
  a_.colwise() -= phi.head(d);
  llt_.matrixL().solveInPlace(a_);  // a = L⁻¹ r: its squared norm is rᵀ Σ⁻¹ r
  log_q.noalias() = (-0.5 * a_.colwise().squaredNorm()).transpose();
  log_q.array() += -0.5 * (d * kLog2Pi + log_det);
  llt_.matrixU().solveInPlace(a_);  // a = Σ⁻¹ r
}

void LowRankGaussian::forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const {
  const int d = dim();
  const Eigen::Map<const Mat> B(phi.data() + 2 * d, d, rank_);
  z.noalias() = B * eps.bottomRows(rank_);
  z.noalias() += (phi.segment(d, d).array().exp().matrix().asDiagonal() * eps.topRows(d));
  z.colwise() += phi.head(d);
  density(phi, z, log_q);
}

void LowRankGaussian::backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const {
  const int d = dim();
  const Eigen::Map<const Mat> B(phi.data() + 2 * d, d, rank_);
  // Recompute z and a = Σ⁻¹(z − μ) for these ε (forward's scratch may hold other draws).
  h_.noalias() = B * eps.bottomRows(rank_);
  h_.noalias() += phi.segment(d, d).array().exp().matrix().asDiagonal() * eps.topRows(d);
  h_.colwise() += phi.head(d);
  factor(phi);
  a_ = h_;
  a_.colwise() -= phi.head(d);
  llt_.solveInPlace(a_);  // a = Σ⁻¹ r
  sigma_inv_.setIdentity();
  llt_.solveInPlace(sigma_inv_);

  // G = ½ (A diag(g_lq) Aᵀ − (Σ g_lq) Σ⁻¹)
  h_ = a_ * g_lq.asDiagonal();
  g_sigma_.noalias() = 0.5 * h_ * a_.transpose();
  g_sigma_ -= 0.5 * g_lq.sum() * sigma_inv_;
  // h = g_z − A diag(g_lq): the cotangent at z.
  h_ = g_z - h_;

  g_phi.head(d) += g_z.rowwise().sum();
  const auto dd = phi.segment(d, d).array().exp();
  g_phi.segment(d, d).array() += dd * (h_.array() * eps.topRows(d).array()).rowwise().sum() +
                                 2.0 * dd.square() * g_sigma_.diagonal().array();
  Eigen::Map<Mat> gB(g_phi.data() + 2 * d, d, rank_);
  gB.noalias() += h_ * eps.bottomRows(rank_).transpose();
  gB.noalias() += 2.0 * g_sigma_ * B;
}

void LowRankGaussian::log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const {
  // At fixed z: ∂/∂μ = Σ_s c_s a_s, the Σ-gradient G = ½ Σ_s c_s (a_s a_sᵀ − Σ⁻¹) as in backward,
  // and ∇_z log q = −a.
  const int d = dim();
  factor(phi);
  a_ = z;
  a_.colwise() -= phi.head(d);
  llt_.solveInPlace(a_);
  sigma_inv_.setIdentity();
  llt_.solveInPlace(sigma_inv_);
  h_ = a_ * c.asDiagonal();
  g_sigma_.noalias() = 0.5 * h_ * a_.transpose();
  g_sigma_ -= 0.5 * c.sum() * sigma_inv_;
  ac_.noalias() = a_ * c;  // into scratch: `g += A * x` would allocate a temporary
  g_phi.head(d) += ac_;
  g_phi.segment(d, d).array() += 2.0 * (2.0 * phi.segment(d, d).array()).exp() * g_sigma_.diagonal().array();
  const Eigen::Map<const Mat> B(phi.data() + 2 * d, d, rank_);
  Eigen::Map<Mat> gB(g_phi.data() + 2 * d, d, rank_);
  gB.noalias() += 2.0 * g_sigma_ * B;
  if (grad_z) *grad_z = -a_;
}

void LowRankGaussian::log_density(const Vec& phi, const Mat& z, Vec& log_q) const { density(phi, z, log_q); }

double LowRankGaussian::entropy(const Vec& phi) const { return 0.5 * (dim() * (1.0 + kLog2Pi) + factor(phi)); }

void LowRankGaussian::add_entropy_grad(const Vec& phi, Vec& g) const {
  // ∂H/∂Σ = ½ Σ⁻¹.
  const int d = dim();
  factor(phi);
  sigma_inv_.setIdentity();
  llt_.solveInPlace(sigma_inv_);
  const Eigen::Map<const Mat> B(phi.data() + 2 * d, d, rank_);
  g.segment(d, d).array() += (2.0 * phi.segment(d, d).array()).exp() * sigma_inv_.diagonal().array();
  Eigen::Map<Mat> gB(g.data() + 2 * d, d, rank_);
  gB.noalias() += sigma_inv_ * B;
}

Moments LowRankGaussian::moments(const Vec& phi) const {
  factor(phi);
  return {phi.head(dim()), sigma_};
}

}  // namespace vi
