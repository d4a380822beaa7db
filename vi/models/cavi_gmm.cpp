// vi/models/cavi_gmm.cpp — see cavi_gmm.hpp.
//
// Index
// [SECTION] Data and the initial q
// [SECTION] ELBO
// [SECTION] CAVI
// [SECTION] Gradient fit
#include "vi/models/cavi_gmm.hpp"

#include "vi/core/check.hpp"
#include "vi/core/math.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vi {

namespace {

constexpr int kMaxK = 8;

void check_shapes(const char* fn, const GmmData& d, const GmmQ& q) {
  const Eigen::Index D = d.x.rows(), N = d.x.cols(), K = d.K;
  if (q.m.rows() != D || q.m.cols() != K || q.s2.size() != K || q.phi.rows() != N || q.phi.cols() != K)
    throw_invalid(fn, "q's shapes do not match the data (" + to_text(D) + " × " + to_text(N) + " points, K = " + to_text(K) + ")");
}

// E[log N(x_i | μ_k, I)] under q(μ_k) = N(m_k, s_k² I): −D/2 log 2π − ½(‖x_i − m_k‖² + D s_k²).
double expected_loglik(const GmmData& d, const GmmQ& q, Eigen::Index i, Eigen::Index k) {
  const double D = double(d.x.rows());
  return -0.5 * D * kLog2Pi - 0.5 * ((d.x.col(i) - q.m.col(k)).squaredNorm() + D * q.s2(k));
}

}  // namespace

// [SECTION] Data and the initial q

GmmData gmm_generate(const GmmSettings& s) {
  check_range("gmm_generate", "K", s.K, 1, kMaxK);
  check_range("gmm_generate", "dim", s.dim, 1, 2);
  check_range("gmm_generate", "N", s.N, s.K, 100000);
  check_positive("gmm_generate", "sigma", s.sigma);
  Rng rng(s.seed);
  GmmData d;
  d.K = s.K;
  d.sigma = s.sigma;
  d.true_means.resize(s.dim, s.K);
  for (Eigen::Index k = 0; k < s.K; ++k)
    for (Eigen::Index j = 0; j < s.dim; ++j) d.true_means(j, k) = s.sigma * rng.normal();
  d.x.resize(s.dim, s.N);
  d.labels.resize(size_t(s.N));
  for (Eigen::Index i = 0; i < s.N; ++i) {
    const int c = std::min(int(rng.uniform() * s.K), s.K - 1);
    d.labels[size_t(i)] = c;
    for (Eigen::Index j = 0; j < s.dim; ++j) d.x(j, i) = d.true_means(j, c) + rng.normal();
  }
  return d;
}

GmmQ gmm_initial_q(const GmmData& data, uint64_t seed) {
  const Eigen::Index N = data.x.cols(), K = data.K;
  if (N < K) throw_invalid("gmm_initial_q", "data has " + to_text(N) + " points, but needs at least K = " + to_text(K));
  Rng rng(seed, 1);
  // K distinct points by a partial Fisher–Yates shuffle.
  std::vector<Eigen::Index> idx(static_cast<size_t>(N));
  std::iota(idx.begin(), idx.end(), Eigen::Index(0));
  GmmQ q;
  q.m.resize(data.x.rows(), K);
  for (Eigen::Index k = 0; k < K; ++k) {
    const Eigen::Index j = k + std::min(Eigen::Index(rng.uniform() * double(N - k)), N - k - 1);
    std::swap(idx[size_t(k)], idx[size_t(j)]);
    q.m.col(k) = data.x.col(idx[size_t(k)]);
  }
  q.s2 = Vec::Ones(K);
  q.phi = Mat::Constant(N, K, 1.0 / double(K));
  return q;
}

// [SECTION] ELBO

double gmm_elbo(const GmmData& data, const GmmQ& q) {
  check_shapes("gmm_elbo", data, q);
  const Eigen::Index N = data.x.cols(), K = data.K;
  const double D = double(data.x.rows()), s2p = data.sigma * data.sigma;
  double elbo = 0;
  for (Eigen::Index k = 0; k < K; ++k) {
    // E[log N(μ_k | 0, σ² I)] and the entropy of q(μ_k) = N(m_k, s_k² I).
    elbo += -0.5 * D * (kLog2Pi + std::log(s2p)) - 0.5 * (q.m.col(k).squaredNorm() + D * q.s2(k)) / s2p;
    elbo += 0.5 * D * (1 + kLog2Pi + std::log(q.s2(k)));
  }
  for (Eigen::Index i = 0; i < N; ++i) {
    elbo -= std::log(double(K));  // E[log p(c_i)] with uniform mixing
    for (Eigen::Index k = 0; k < K; ++k) {
      const double p = q.phi(i, k);
      if (p > 0) elbo += p * (expected_loglik(data, q, i, k) - std::log(p));  // 0 log 0 = 0
    }
  }
  return elbo;
}

// [SECTION] CAVI

void gmm_update_assignments(const GmmData& data, GmmQ& q) {
  check_shapes("gmm_update_assignments", data, q);
  const Eigen::Index N = data.x.cols(), K = data.K;
  const double D = double(data.x.rows());
  // φ_ik ∝ exp(E[μ_k]ᵀx_i − ½E[‖μ_k‖²]) (Blei et al. eq. 21), normalized in log space.
  Vec logit(K);
  for (Eigen::Index i = 0; i < N; ++i) {
    for (Eigen::Index k = 0; k < K; ++k)
      logit(k) = data.x.col(i).dot(q.m.col(k)) - 0.5 * (q.m.col(k).squaredNorm() + D * q.s2(k));
    const double mx = logit.maxCoeff();
    const double lse = mx + std::log((logit.array() - mx).exp().sum());
    q.phi.row(i) = (logit.array() - lse).exp().matrix().transpose();
  }
}

void gmm_update_means(const GmmData& data, GmmQ& q) {
  check_shapes("gmm_update_means", data, q);
  const double prec0 = 1 / (data.sigma * data.sigma);
  for (Eigen::Index k = 0; k < data.K; ++k) {
    // Blei et al. eq. 23: m_k = Σφ_ik x_i / (1/σ² + Σφ_ik), s_k² = 1 / (1/σ² + Σφ_ik).
    const double prec = prec0 + q.phi.col(k).sum();
    q.m.col(k) = data.x * q.phi.col(k) / prec;
    q.s2(k) = 1 / prec;
  }
}

void gmm_step(const GmmData& data, GmmQ& q) {
  gmm_update_assignments(data, q);
  gmm_update_means(data, q);
}

GmmCaviResult gmm_cavi(const GmmData& data, GmmQ& q, int max_iterations, double tol) {
  check_positive("gmm_cavi", "tol", tol);
  GmmCaviResult r;
  r.elbo.push_back(gmm_elbo(data, q));
  while (r.iterations < max_iterations) {
    const GmmQ before = q;
    gmm_step(data, q);
    ++r.iterations;
    r.elbo.push_back(gmm_elbo(data, q));
    const double e1 = r.elbo.back(), e0 = r.elbo[r.elbo.size() - 2];
    const double d_elbo = std::abs(e1 - e0) / std::max(std::abs(e0), 1e-300);
    const double d_par = std::max({(q.m - before.m).cwiseAbs().maxCoeff() / std::max(1.0, before.m.cwiseAbs().maxCoeff()),
                                   ((q.s2 - before.s2).array() / before.s2.array()).abs().maxCoeff(),
                                   (q.phi - before.phi).cwiseAbs().maxCoeff()});
    if (d_elbo < tol && d_par < tol) {
      r.converged = true;
      break;
    }
  }
  return r;
}

// [SECTION] Gradient fit

Vec gmm_pack(const GmmQ& q) {
  const Eigen::Index D = q.m.rows(), K = q.m.cols(), N = q.phi.rows();
  Vec u(D * K + K + N * K);
  u.head(D * K) = q.m.reshaped();
  u.segment(D * K, K) = q.s2.array().log().matrix();
  Eigen::Index o = D * K + K;
  for (Eigen::Index i = 0; i < N; ++i)
    for (Eigen::Index k = 0; k < K; ++k) u(o++) = std::log(std::max(q.phi(i, k), 1e-300));
  return u;
}

GmmQ gmm_unpack(const Vec& u, int dim, int K, int N) {
  if (u.size() != Eigen::Index(dim) * K + K + Eigen::Index(N) * K)
    throw_invalid("gmm_unpack", "u has " + to_text(u.size()) + " entries, but dim, K and N need " +
                                    to_text(Eigen::Index(dim) * K + K + Eigen::Index(N) * K));
  GmmQ q;
  q.m = u.head(Eigen::Index(dim) * K).reshaped(dim, K);
  q.s2 = u.segment(Eigen::Index(dim) * K, K).array().exp().matrix();
  q.phi.resize(N, K);
  Eigen::Index o = Eigen::Index(dim) * K + K;
  for (Eigen::Index i = 0; i < N; ++i, o += K) {
    const auto eta = u.segment(o, K).array();
    const double mx = eta.maxCoeff();
    const double lse = mx + std::log((eta - mx).exp().sum());
    q.phi.row(i) = (eta - lse).exp().matrix().transpose();
  }
  return q;
}

double gmm_elbo_grad(const GmmData& data, const Vec& u, Vec& grad) {
  const Eigen::Index D = data.x.rows(), N = data.x.cols(), K = data.K;
  const GmmQ q = gmm_unpack(u, int(D), int(K), int(N));
  const double s2p = data.sigma * data.sigma;
  grad.setZero(u.size());
  // The prior and entropy terms of q(μ_k).
  for (Eigen::Index k = 0; k < K; ++k) {
    grad.segment(k * D, D) = -q.m.col(k) / s2p;
    grad(D * K + k) = q.s2(k) * (-0.5 * double(D) / s2p + 0.5 * double(D) / q.s2(k));
  }
  double elbo = 0;
  for (Eigen::Index k = 0; k < K; ++k)
    elbo += -0.5 * double(D) * (kLog2Pi + std::log(s2p)) - 0.5 * (q.m.col(k).squaredNorm() + double(D) * q.s2(k)) / s2p +
            0.5 * double(D) * (1 + kLog2Pi + std::log(q.s2(k)));
  Vec g(K), logphi(K);
  Eigen::Index o = D * K + K;
  for (Eigen::Index i = 0; i < N; ++i, o += K) {
    elbo -= std::log(double(K));
    // log φ_i from the logits directly: finite even where φ_ik underflows to 0.
    const auto eta = u.segment(o, K).array();
    const double mx = eta.maxCoeff();
    logphi = (eta - (mx + std::log((eta - mx).exp().sum()))).matrix();
    for (Eigen::Index k = 0; k < K; ++k) {
      const double p = q.phi(i, k);
      g(k) = expected_loglik(data, q, i, k) - logphi(k);
      elbo += p * g(k);
      // ∂/∂m_k and ∂/∂log s_k² of φ_ik E[log N(x_i | μ_k, I)].
      grad.segment(k * D, D) += p * (data.x.col(i) - q.m.col(k));
      grad(D * K + k) -= 0.5 * double(D) * p * q.s2(k);
    }
    // Through the softmax: ∂/∂η_ij Σ_k φ_ik g_ik = φ_ij (g_ij − Σ_k φ_ik g_ik) (the −1 from
    // ∂(−φ log φ)/∂φ sums to zero against Σ_k ∂φ_ik/∂η_ij = 0).
    const double gbar = q.phi.row(i).dot(g);
    for (Eigen::Index k = 0; k < K; ++k) grad(o + k) = q.phi(i, k) * (g(k) - gbar);
  }
  return elbo;
}

double gmm_gradient_fit(const GmmData& data, GmmQ& q, int steps, double lr0, double lr1) {
  check_shapes("gmm_gradient_fit", data, q);
  check_positive("gmm_gradient_fit", "steps", steps);
  const int D = int(data.x.rows()), K = data.K, N = int(data.x.cols());
  Vec u = gmm_pack(q), g(u.size());
  auto adam = make_optimizer("adam");
  adam->reset(u.size());
  const double decay = std::log(lr1 / lr0) / std::max(steps - 1, 1);
  for (int t = 0; t < steps; ++t) {
    gmm_elbo_grad(data, u, g);
    adam->ascend(u, g, lr0 * std::exp(decay * t));
  }
  q = gmm_unpack(u, D, K, N);
  return gmm_elbo(data, q);
}

std::vector<int> gmm_match_components(const Mat& means, const Mat& reference) {
  if (means.rows() != reference.rows() || means.cols() != reference.cols())
    throw_invalid("gmm_match_components", "means and reference differ in shape");
  const int K = int(means.cols());
  std::vector<int> perm(static_cast<size_t>(K)), best;
  std::iota(perm.begin(), perm.end(), 0);
  double best_cost = std::numeric_limits<double>::infinity();
  do {  // K ≤ 8: at most 40320 permutations
    double cost = 0;
    for (int k = 0; k < K; ++k) cost += (means.col(k) - reference.col(perm[size_t(k)])).squaredNorm();
    if (cost < best_cost) best_cost = cost, best = perm;
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

}  // namespace vi
