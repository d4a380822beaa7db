// vi/families/mixture.cpp — the mixture of Gaussians and its stratified estimator.
//
// [SECTION] Registry entry: options and capabilities
// [SECTION] Construction and parameters
// [SECTION] Densities: log q = logsumexp_k (log π_k + log q_k)
// [SECTION] Stratified draws: forward, weights, backward
// [SECTION] Display draws, moments, mass box
#include "vi/families/mixture.hpp"

#include "vi/core/check.hpp"

#include <cmath>
#include <numbers>

namespace vi {

// [SECTION] Registry entry: options and capabilities

namespace {

const FamilyParam& components_param() {
  static const FamilyParam p{
      .spec = {"components", 3, 1, 16,
       "Gaussians in the mixture q(z) = \u03A3\u2096 \u03C0\u2096 N(z; \u03BC\u2096, \u03A3\u2096), with learnable weights "
       "\u03C0. More components can sit on more modes. Each step's S draws are stratified by "
       "component, so S must be at least K.",
       true},
      .label = "components K",
      .field = &FamilyOptions::components};
  return p;
}

const FamilyChoice& component_choice() {
  static const FamilyChoice c{"component", "component family", &FamilyOptions::component, {"fullrank", "meanfield"},
                              "The shape of each mixture component: full covariance (any tilted ellipse) or "
                              "diagonal (axis-aligned, fewer parameters)."};
  return c;
}

}  // namespace

FamilyInfo mixture_family_info() {
  return {"mixture", "mixture of K Gaussians with learnable weights: can sit on several modes at once",
          [](int d, const FamilyOptions& o) -> std::unique_ptr<Family> {
            return std::make_unique<MixtureFamily>(d, o.components, o.component);
          },
          {components_param()},
          {component_choice()},
          // No closed-form entropy (a mixture has none); draws stratified by component.
          {.score = true, .stratified = true}};
}

// [SECTION] Construction and parameters

MixtureFamily::MixtureFamily(int dim, int components, const std::string& component) : Family(dim), k_(components) {
  check_family_param("mixture", components_param(), components);
  check_family_choice("mixture", component_choice(), component);
  offsets_.push_back(k_);
  for (int k = 0; k < k_; ++k) {
    comp_.push_back(make_family(component, dim));
    offsets_.push_back(offsets_.back() + comp_.back()->num_params());
    thetas_.emplace_back(comp_.back()->num_params());
  }
}

std::vector<std::string> MixtureFamily::param_names() const {
  std::vector<std::string> n;
  for (int k = 0; k < k_; ++k) n.push_back(indexed_name("logit π", {k + 1}));
  for (int k = 0; k < k_; ++k)
    for (const auto& p : comp_[k]->param_names()) n.push_back(indexed_name("[", {k + 1}) + "] " + p);
  return n;
}

Vec MixtureFamily::initial_params(const Vec& mean, double log_sd) const {
  // Components start on a circle of radius σ₀ around the mean (equal weights): symmetric starts
  // would receive identical gradients and never separate.
  Vec phi = Vec::Zero(num_params());
  const double r = std::exp(log_sd);
  for (int k = 0; k < k_; ++k) {
    Vec m = mean;
    if (k_ > 1) {
      const double a = 2 * std::numbers::pi * k / k_ + 0.3;
      m(0) += r * std::cos(a);
      if (dim() > 1) m(1) += r * std::sin(a);
    }
    phi.segment(offsets_[k], offsets_[k + 1] - offsets_[k]) = comp_[k]->initial_params(m, log_sd);
  }
  return phi;
}

void MixtureFamily::weights(const Vec& phi, Vec& pi) const {
  const auto logits = phi.head(k_).array();
  pi = (logits - logits.maxCoeff()).exp().matrix();
  pi /= pi.sum();
}

Vec& MixtureFamily::grad_scratch(int k) const {
  if (blocks_.size() != size_t(k_)) blocks_.resize(size_t(k_));
  Vec& g = blocks_[size_t(k)].g;
  g.setZero(offsets_[k + 1] - offsets_[k]);  // a no-op resize after the first call
  return g;
}

MixtureFamily::Block& MixtureFamily::scratch(int k, Eigen::Index cols) const {
  if (blocks_.size() != size_t(k_)) blocks_.resize(size_t(k_));
  Block& b = blocks_[size_t(k)];
  if (b.eps.cols() != cols || b.eps.rows() != comp_[k]->base_dim()) {
    b.eps.resize(comp_[k]->base_dim(), cols);
    b.z.resize(dim(), cols);
    b.h.resize(dim(), cols);
    b.lq.resize(cols);
    b.zero = Vec::Zero(cols);
  }
  b.g.resize(offsets_[k + 1] - offsets_[k]);
  return b;
}

// [SECTION] Densities

void MixtureFamily::joint(const Vec& phi, const Mat& z, Vec& log_q) const {
  const Eigen::Index S = z.cols();
  lqk_.resize(k_, S);
  col_.resize(S);
  const auto logits = phi.head(k_).array();
  const double log_norm = logits.maxCoeff() + std::log((logits - logits.maxCoeff()).exp().sum());
  for (int k = 0; k < k_; ++k) {
    comp_[k]->log_density(theta(phi, k), z, col_);
    lqk_.row(k) = col_.transpose().array() + (phi(k) - log_norm);
  }
  // log-sum-exp down each column.
  for (Eigen::Index s = 0; s < S; ++s) {
    const double m = lqk_.col(s).maxCoeff();
    log_q(s) = m + std::log((lqk_.col(s).array() - m).exp().sum());
  }
}

void MixtureFamily::log_density(const Vec& phi, const Mat& z, Vec& log_q) const { joint(phi, z, log_q); }

void MixtureFamily::log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const {
  // With responsibilities r_ks = π_k q_k(z_s) / q(z_s):
  //   ∂log q/∂logit_k = r_ks − π_k,  ∂log q/∂θ_k = r_ks ∂log q_k/∂θ_k,  ∇_z log q = Σ_k r_ks ∇_z log q_k.
  const Eigen::Index S = z.cols();
  lq_.resize(S);
  joint(phi, z, lq_);
  lqk_.rowwise() -= lq_.transpose();
  lqk_ = lqk_.array().exp();  // now the responsibilities r (K × S)
  weights(phi, pi_);
  rc_.noalias() = lqk_ * c;  // into scratch: `g += A * x` would allocate a temporary
  g_phi.head(k_) += rc_;
  g_phi.head(k_) -= c.sum() * pi_;
  if (grad_z) grad_z->setZero(dim(), S);
  c_.resize(S);
  for (int k = 0; k < k_; ++k) {
    c_ = c.cwiseProduct(lqk_.row(k).transpose());
    Vec& g = grad_scratch(k);
    comp_[k]->log_density_grad(theta(phi, k), z, c_, g, grad_z ? &gzk_ : nullptr);
    g_phi.segment(offsets_[k], g.size()) += g;
    if (grad_z) grad_z->noalias() += gzk_ * lqk_.row(k).transpose().asDiagonal();
  }
}

// [SECTION] Stratified draws

std::pair<Eigen::Index, Eigen::Index> MixtureFamily::block(int k, Eigen::Index S) const {
  // As even as possible: the first S mod K components get one draw more.
  const Eigen::Index base = S / k_, extra = S % k_;
  const Eigen::Index begin = k * base + std::min<Eigen::Index>(k, extra);
  return {begin, begin + base + (k < extra ? 1 : 0)};
}

void MixtureFamily::forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const {
  const Eigen::Index S = eps.cols();
  if (S < k_) throw_invalid("mixture", "S = " + std::to_string(S) + " draws for K = " + std::to_string(k_) +
                                           " components: S must be at least K");
  for (int k = 0; k < k_; ++k) {
    const auto [b, e] = block(k, S);
    Block& blk = scratch(k, e - b);
    blk.eps = eps.middleCols(b, e - b);
    comp_[k]->forward(theta(phi, k), blk.eps, blk.z, blk.lq);
    z.middleCols(b, e - b) = blk.z;
  }
  joint(phi, z, log_q);
}

void MixtureFamily::sample_weights(const Vec& phi, Vec& a) const {
  weights(phi, pi_);
  for (int k = 0; k < k_; ++k) {
    const auto [b, e] = block(k, a.size());
    a.segment(b, e - b).setConstant(pi_(k) / double(e - b));
  }
}

void MixtureFamily::add_weight_grad(const Vec& phi, const Vec& g_a, Vec& g_phi) const {
  // a_s = π_k/S_k for s in block k; ∂π_k/∂logit_j = π_k(δ_kj − π_j).
  weights(phi, pi_);
  double total = 0;  // Σ_s g_a(s) a_s
  for (int k = 0; k < k_; ++k) {
    const auto [b, e] = block(k, g_a.size());
    const double gk = g_a.segment(b, e - b).sum() * pi_(k) / double(e - b);
    g_phi(k) += gk;
    total += gk;
  }
  g_phi.head(k_) -= total * pi_;
}

void MixtureFamily::backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const {
  // log q(z_s) depends on φ at fixed z (every component, and the logits) and through z_s (only
  // its own component's path). First the fixed-z part, which also gives ∇_z log q.
  const Eigen::Index S = eps.cols();
  z_.resize(dim(), S);  // the draws, recomputed: forward's scratch may hold other ones
  lq_.resize(S);
  forward(phi, eps, z_, lq_);
  log_density_grad(phi, z_, g_lq, g_phi, &h_);
  // The cotangent at z: g_z + g_lq ⊙ ∇_z log q, sent back along each component's path.
  h_.array().rowwise() *= g_lq.transpose().array();
  h_ += g_z;
  for (int k = 0; k < k_; ++k) {
    const auto [b, e] = block(k, S);
    Block& blk = scratch(k, e - b);
    blk.eps = eps.middleCols(b, e - b);
    blk.h = h_.middleCols(b, e - b);
    blk.g.setZero();
    comp_[k]->backward(theta(phi, k), blk.eps, blk.h, blk.zero, blk.g);
    g_phi.segment(offsets_[k], blk.g.size()) += blk.g;
  }
}

// [SECTION] Display draws, moments, mass box

void MixtureFamily::sample(const Vec& phi, const Mat& eps, const Vec& u, Mat& z) const {
  // Component by the inverse CDF of π at u_s, then that component's reparameterized draw.
  weights(phi, pi_);
  one_lq_.resize(1);
  one_z_.resize(dim(), 1);
  for (Eigen::Index s = 0; s < eps.cols(); ++s) {
    int k = 0;
    double acc = pi_(0);
    while (k + 1 < k_ && u(s) > acc) acc += pi_(++k);
    one_eps_ = eps.col(s);
    comp_[k]->forward(theta(phi, k), one_eps_, one_z_, one_lq_);
    z.col(s) = one_z_.col(0);
  }
}

Moments MixtureFamily::moments(const Vec& phi) const {
  weights(phi, pi_);
  const Vec& pi = pi_;
  Moments m{Vec::Zero(dim()), Mat::Zero(dim(), dim())};
  for (int k = 0; k < k_; ++k) {
    const Moments c = comp_[k]->moments(theta(phi, k));
    m.mean += pi(k) * c.mean;
    m.cov += pi(k) * (c.cov + c.mean * c.mean.transpose());
  }
  m.cov -= m.mean * m.mean.transpose();
  return m;
}

Box MixtureFamily::mass_box(const Vec& phi) const {
  // The union of the boxes of the components that hold any mass.
  weights(phi, pi_);
  const Vec& pi = pi_;
  Box b{1e300, -1e300, 1e300, -1e300};
  for (int k = 0; k < k_; ++k) {
    if (pi(k) < 1e-6) continue;
    const Box c = comp_[k]->mass_box(theta(phi, k));
    b = {std::min(b.x0, c.x0), std::max(b.x1, c.x1), std::min(b.y0, c.y0), std::max(b.y1, c.y1)};
  }
  return b;
}

}  // namespace vi
