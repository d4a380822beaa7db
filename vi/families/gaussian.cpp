// vi/families/gaussian.cpp — mean-field and full-rank Gaussian families.
//
// [SECTION] Shared: log N(ε; 0, I) along the path
// [SECTION] Mean-field
// [SECTION] Full-rank
// [SECTION] Registry entries
#include "vi/families/gaussian.hpp"

#include "vi/core/math.hpp"

#include <Eigen/Cholesky>

#include <cmath>

namespace vi {

// [SECTION] Shared

namespace {
// Entropy of a D-dimensional Gaussian with log|det Σ^{1/2}| = log_det_sqrt.
double gaussian_entropy(int d, double log_det_sqrt) { return 0.5 * d * (1.0 + kLog2Pi) + log_det_sqrt; }

// log N(ε; 0, I) for each column, minus log_det: the log density along the path z = μ + Aε.
void path_log_q(const Mat& eps, double log_det, Vec& log_q) {
  const double c = -0.5 * double(eps.rows()) * kLog2Pi - log_det;
  if (eps.rows() == 2) {
    // The 2D targets: seen as fixed 2-row columns, each column is one SIMD register.
    const Eigen::Map<const Eigen::Matrix<double, 2, Eigen::Dynamic>> e(eps.data(), 2, eps.cols());
    log_q.transpose().array() = c - 0.5 * e.colwise().squaredNorm().array();
    return;
  }
  // Row by row: with few rows, a dynamic column-wise reduction spends its time on loop overhead.
  log_q.setConstant(c);
  for (Eigen::Index i = 0; i < eps.rows(); ++i) log_q.array() -= 0.5 * eps.row(i).transpose().array().square();
}
}  // namespace

// [SECTION] Mean-field

std::vector<std::string> MeanFieldGaussian::param_names() const {
  std::vector<std::string> n;
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("μ", {i + 1}));
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("log σ", {i + 1}));
  return n;
}

Vec MeanFieldGaussian::initial_params(const Vec& mean, double log_sd) const {
  Vec phi(num_params());
  phi.head(dim()) = mean;
  phi.tail(dim()).setConstant(log_sd);
  return phi;
}

void MeanFieldGaussian::forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const {
  const int d = dim();
  // Row by row, with σ_i = exp(log σ_i) computed once per row (inside a product expression it
  // would be evaluated for every entry).
  if (d == 2) {
    // The 2D targets: fixed 2-row columns, one SIMD register each.
    using Cols2 = Eigen::Matrix<double, 2, Eigen::Dynamic>;
    const Eigen::Map<const Cols2> e(eps.data(), 2, eps.cols());
    Eigen::Map<Cols2> zz(z.data(), 2, z.cols());
    const Eigen::Array2d sigma(std::exp(phi(2)), std::exp(phi(3)));
    zz.array() = (e.array().colwise() * sigma).colwise() + phi.head<2>().array();
  } else {
    for (int i = 0; i < d; ++i) z.row(i) = (std::exp(phi(d + i)) * eps.row(i)).array() + phi(i);
  }
  path_log_q(eps, phi.tail(d).sum(), log_q);
}

void MeanFieldGaussian::backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq,
                                 Vec& g_phi) const {
  const int d = dim();
  // z = μ + σ ⊙ ε:   ∂/∂μ = Σ_s g_z,   ∂/∂log σ = σ ⊙ Σ_s g_z ⊙ ε.
  // log_q = log N(ε) − Σ log σ:   ∂/∂log σ_i = −Σ_s g_lq(s).
  g_phi.head(d) += g_z.rowwise().sum();
  g_phi.tail(d).array() += phi.tail(d).array().exp() * (g_z.array() * eps.array()).rowwise().sum();
  g_phi.tail(d).array() -= g_lq.sum();
}

void MeanFieldGaussian::log_density(const Vec& phi, const Mat& z, Vec& log_q) const {
  const int d = dim();
  const auto mu = phi.head(d);
  inv_sigma_ = (-phi.tail(d).array()).exp();  // into scratch: no allocation per call
  // Column by column: no D × S temporary.
  const double c = -0.5 * d * kLog2Pi - phi.tail(d).sum();
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    log_q(s) = c - 0.5 * ((z.col(s) - mu).array() * inv_sigma_).square().sum();
}

void MeanFieldGaussian::log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const {
  // With w = (z − μ)/σ: ∂log q/∂μ = w/σ, ∂log q/∂log σ = w² − 1, ∇_z log q = −w/σ.
  const int d = dim();
  // 1/σ into scratch: broadcast by colwise(), an exp() expression would be evaluated into a
  // heap temporary on every call.
  inv_sigma_ = (-phi.tail(d).array()).exp();
  const auto& inv_sigma = inv_sigma_;
  w_ = z;
  w_.colwise() -= phi.head(d);
  w_.array().colwise() *= inv_sigma;
  if (grad_z) {
    *grad_z = -w_;
    grad_z->array().colwise() *= inv_sigma;
  }
  wc_.noalias() = w_ * c;  // products into scratch: `g += A * x` would allocate a temporary
  g_phi.head(d).array() += inv_sigma * wc_.array();
  w_ = w_.array().square();  // (w is not needed after this)
  wc_.noalias() = w_ * c;
  g_phi.tail(d).array() += wc_.array() - c.sum();
}

double MeanFieldGaussian::entropy(const Vec& phi) const { return gaussian_entropy(dim(), phi.tail(dim()).sum()); }

void MeanFieldGaussian::add_entropy_grad(const Vec& /*phi*/, Vec& g) const { g.tail(dim()).array() += 1.0; }

Moments MeanFieldGaussian::moments(const Vec& phi) const {
  const int d = dim();
  return {phi.head(d), (2.0 * phi.tail(d).array()).exp().matrix().asDiagonal()};
}

// [SECTION] Full-rank

FullRankGaussian::FullRankGaussian(int dim) : Family(dim), L_(Mat::Zero(dim, dim)), gL_(dim, dim) {}

std::vector<std::string> FullRankGaussian::param_names() const {
  std::vector<std::string> n;
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("μ", {i + 1}));
  for (int i = 0; i < dim(); ++i)
    for (int j = 0; j <= i; ++j) n.push_back(indexed_name(i == j ? "log L" : "L", {i + 1, j + 1}));
  return n;
}

Vec FullRankGaussian::initial_params(const Vec& mean, double log_sd) const {
  Vec phi = Vec::Zero(num_params());
  phi.head(dim()) = mean;
  int k = dim();
  for (int i = 0; i < dim(); ++i)
    for (int j = 0; j <= i; ++j, ++k)
      if (i == j) phi(k) = log_sd;
  return phi;
}

void FullRankGaussian::unpack(const Vec& phi) const {
  int k = dim();
  for (int i = 0; i < dim(); ++i)
    for (int j = 0; j <= i; ++j, ++k) L_(i, j) = (i == j) ? std::exp(phi(k)) : phi(k);
}

Mat FullRankGaussian::cholesky(const Vec& phi) const {
  unpack(phi);
  return L_;
}

double FullRankGaussian::entropy(const Vec& phi) const {
  double log_det = 0;
  int k = dim();
  for (int i = 0; i < dim(); ++i) {
    k += i;  // skip the off-diagonal entries of row i
    log_det += phi(k);
    ++k;
  }
  return gaussian_entropy(dim(), log_det);
}

void FullRankGaussian::add_entropy_grad(const Vec& /*phi*/, Vec& g) const {
  int k = dim();
  for (int i = 0; i < dim(); ++i) {
    k += i;
    g(k) += 1.0;
    ++k;
  }
}

void FullRankGaussian::forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const {
  unpack(phi);
  z.noalias() = L_.triangularView<Eigen::Lower>() * eps;
  z.colwise() += phi.head(dim());
  path_log_q(eps, L_.diagonal().array().log().sum(), log_q);
}

void FullRankGaussian::backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq,
                                Vec& g_phi) const {
  const int d = dim();
  unpack(phi);
  // z = μ + L ε:  ∂/∂μ = Σ_s g_z,  ∂/∂L = Σ_s g_z εᵀ (lower triangle);
  // the diagonal is parameterized as log L_ii, so ∂/∂log L_ii = L_ii ∂/∂L_ii − Σ_s g_lq(s).
  g_phi.head(d) += g_z.rowwise().sum();
  gL_.noalias() = g_z * eps.transpose();
  const double sum_glq = g_lq.sum();
  int k = d;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j, ++k) g_phi(k) += (i == j) ? gL_(i, i) * L_(i, i) - sum_glq : gL_(i, j);
}

void FullRankGaussian::log_density(const Vec& phi, const Mat& z, Vec& log_q) const {
  const int d = dim();
  unpack(phi);
  const double c = -0.5 * d * kLog2Pi - L_.diagonal().array().log().sum();
  W_ = z;
  W_.colwise() -= phi.head(d);
  L_.triangularView<Eigen::Lower>().solveInPlace(W_);  // W = L⁻¹(z − μ), all columns at once
  log_q.noalias() = (-0.5 * W_.colwise().squaredNorm()).transpose();
  log_q.array() += c;
}

void FullRankGaussian::log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const {
  // With w = L⁻¹(z − μ) and v = L⁻ᵀ w = Σ⁻¹(z − μ): ∂log q/∂μ = v, ∂log q/∂L = v wᵀ (lower
  // triangle) − diag(1/L_ii), and ∇_z log q = −v.
  const int d = dim();
  unpack(phi);
  W_ = z;
  W_.colwise() -= phi.head(d);
  L_.triangularView<Eigen::Lower>().solveInPlace(W_);  // W = L⁻¹ R
  V_ = W_;
  L_.triangularView<Eigen::Lower>().transpose().solveInPlace(V_);  // V = L⁻ᵀ W
  vc_.noalias() = V_ * c;  // into scratch: `g += A * x` would allocate a temporary
  g_phi.head(d) += vc_;
  VC_ = V_ * c.asDiagonal();
  gL_.noalias() = VC_ * W_.transpose();
  const double sum_c = c.sum();
  int k = d;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j <= i; ++j, ++k) g_phi(k) += (i == j) ? gL_(i, i) * L_(i, i) - sum_c : gL_(i, j);
  if (grad_z) *grad_z = -V_;
}

Moments FullRankGaussian::moments(const Vec& phi) const {
  unpack(phi);
  return {phi.head(dim()), L_ * L_.transpose()};
}

// [SECTION] Registry entries

FamilyInfo meanfield_family_info() {
  return {"meanfield", "mean-field Gaussian N(μ, diag σ²): independent axes, cannot tilt",
          [](int d, const FamilyOptions&) -> std::unique_ptr<Family> { return std::make_unique<MeanFieldGaussian>(d); },
          {},
          {},
          {.score = true, .analytic_entropy = true, .gaussian = true}};
}

FamilyInfo fullrank_family_info() {
  return {"fullrank", "full-rank Gaussian N(μ, LLᵀ): any ellipse, Cholesky-parameterized",
          [](int d, const FamilyOptions&) -> std::unique_ptr<Family> { return std::make_unique<FullRankGaussian>(d); },
          {},
          {},
          {.score = true, .analytic_entropy = true, .gaussian = true}};
}

}  // namespace vi
