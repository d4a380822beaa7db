// vi/models/vae_gap.cpp — the amortization and approximation gaps of one image (see the header).
//
// [SECTION] ELBO by quadrature
// [SECTION] log p(x) and the posterior on a grid
// [SECTION] The gaps
#include "vi/models/vae_gap.hpp"

#include "vi/core/check.hpp"
#include "vi/core/gauss_hermite.hpp"
#include "vi/core/math.hpp"
#include "vi/optim/optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

namespace {

// [SECTION] ELBO by quadrature

// The tensor Gauss–Hermite rule for N(0, I₂): nodes as columns of eps, weights summing to 1.
struct TensorRule {
  Mat eps;
  Vec w;
};

TensorRule tensor_rule(int n) {
  const GaussHermite g = gauss_hermite(n);
  TensorRule r{Mat(kVaeLatent, n * n), Vec(n * n)};
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const int c = j * n + i;
      r.eps(0, c) = g.nodes(i);
      r.eps(1, c) = g.nodes(j);
      r.w(c) = g.weights(i) * g.weights(j);
    }
  return r;
}

struct QuadScratch {
  VaeModel::Workspace ws;
  Mat z, x_rep, d_raw, dz;
  Vec ll, d_params;
};

double kl_standard(const LatentGaussian& q) {
  double kl = 0;
  for (int k = 0; k < kVaeLatent; ++k) kl += vae_kl_latent(q.mean[size_t(k)], 2 * std::log(q.sd[size_t(k)]));
  return kl;
}

double quad_elbo(const VaeModel& model, const Vec& params, const Mat& x, const LatentGaussian& q, const TensorRule& rule,
                 std::array<double, 4>* grad, QuadScratch& s) {
  const Eigen::Index K = rule.w.size();
  s.z.resize(kVaeLatent, K);
  for (int k = 0; k < kVaeLatent; ++k)
    s.z.row(k) = (q.mean[size_t(k)] + q.sd[size_t(k)] * rule.eps.row(k).array()).matrix();
  if (s.x_rep.cols() != K) s.x_rep = x.replicate(1, K);
  const Mat& raw = model.decode_raw(params, s.z, s.ws);
  model.log_likelihood(raw, s.x_rep, s.ll, grad ? &s.d_raw : nullptr, &rule.w);
  const double value = rule.w.dot(s.ll) - kl_standard(q);
  if (grad) {
    s.d_params.setZero(model.param_count());
    model.decoder().backward(params.data(), s.z, s.ws.dec, s.d_raw, s.d_params.data(), &s.dz);
    for (int k = 0; k < kVaeLatent; ++k) {
      const double m = q.mean[size_t(k)], sd = q.sd[size_t(k)];
      // ∂/∂m = E[∂ log p/∂z] − m;  ∂/∂log s = E[∂ log p/∂z · ε] s − (s² − 1).
      (*grad)[size_t(k)] = s.dz.row(k).sum() - m;
      (*grad)[size_t(kVaeLatent + k)] = (s.dz.row(k).array() * rule.eps.row(k).array()).sum() * sd - (sd * sd - 1.0);
    }
  }
  return value;
}

// [SECTION] log p(x) and the posterior on a grid

// log p(x|z) + log N(z; 0, I) at the cell centres of an n × n grid over box.
Grid2D log_joint_grid(const VaeModel& model, const Vec& params, const Mat& x, const Box& box, int n, QuadScratch& s) {
  Grid2D g;
  g.box = box;
  g.nx = g.ny = n;
  const Mat z = g.points();
  const Mat x_rep = x.replicate(1, z.cols());
  const Mat& raw = model.decode_raw(params, z, s.ws);
  Vec ll;
  model.log_likelihood(raw, x_rep, ll);
  g.values.resize(size_t(z.cols()));
  for (Eigen::Index c = 0; c < z.cols(); ++c) g.values[size_t(c)] = ll(c) - 0.5 * z.col(c).squaredNorm() - kLog2Pi;
  return g;
}

// log Σ exp(values) · dx · dy: the midpoint rule for log ∫ exp.
double log_integral(const Grid2D& g) {
  double m = -std::numeric_limits<double>::infinity();
  for (double v : g.values) m = std::max(m, v);
  double s = 0;
  for (double v : g.values) s += std::exp(v - m);
  return m + std::log(s) + std::log(g.dx() * g.dy());
}

double edge_fraction(const Grid2D& g, double log_total) {
  double e = 0;
  const double cell = std::log(g.dx() * g.dy());
  for (int j = 0; j < g.ny; ++j)
    for (int i = 0; i < g.nx; ++i)
      if (i == 0 || j == 0 || i == g.nx - 1 || j == g.ny - 1) e += std::exp(g.at(i, j) + cell - log_total);
  return e;
}

}  // namespace

// [SECTION] The gaps

double vae_quadrature_elbo(const VaeModel& model, const Vec& params, const Mat& x, const LatentGaussian& q, int nodes,
                           std::array<double, 4>* grad) {
  QuadScratch s;
  return quad_elbo(model, params, x, q, tensor_rule(nodes), grad, s);
}

VaeGap vae_amortization_gap(const VaeModel& model, const Vec& params, const Mat& x, int image,
                            const VaeGapOptions& o) {
  constexpr const char* f = "vae_amortization_gap";
  if (x.rows() != kVaePixels || x.cols() != 1) throw_invalid(f, "x must be one 64-pixel image (64 × 1)");
  check_range(f, "opt_nodes", o.opt_nodes, 2, 64);
  check_range(f, "eval_nodes", o.eval_nodes, 2, 64);
  check_range(f, "iterations", o.iterations, 0, 100000);
  check_range(f, "grid", o.grid, 0, 400);
  VaeGap r;
  r.image = image;
  QuadScratch s;
  Mat mu, logvar;
  model.encode(params, x, mu, logvar, s.ws);
  for (int k = 0; k < kVaeLatent; ++k) {
    r.encoder.mean[size_t(k)] = mu(k, 0);
    r.encoder.sd[size_t(k)] = std::exp(0.5 * logvar(k, 0));
  }

  // q*: Adam on (m, log s) from the encoder's q, the rate decayed geometrically 100× so the last
  // steps settle instead of circling the optimum; the best iterate by the same rule is kept, so
  // q* is never worse than the start under the optimization rule.
  const TensorRule opt_rule = tensor_rule(o.opt_nodes);
  auto to_q = [](const Vec& phi) {
    LatentGaussian q;
    for (int k = 0; k < kVaeLatent; ++k) {
      q.mean[size_t(k)] = phi(k);
      q.sd[size_t(k)] = std::exp(phi(kVaeLatent + k));
    }
    return q;
  };
  Vec phi(2 * kVaeLatent), g(2 * kVaeLatent);
  for (int k = 0; k < kVaeLatent; ++k) {
    phi(k) = r.encoder.mean[size_t(k)];
    phi(kVaeLatent + k) = std::log(r.encoder.sd[size_t(k)]);
  }
  auto adam = make_optimizer("adam");
  adam->reset(phi.size());
  Vec best = phi;
  double best_value = -std::numeric_limits<double>::infinity();
  std::array<double, 4> grad{};
  for (int it = 0; it <= o.iterations; ++it) {
    const double v = quad_elbo(model, params, x, to_q(phi), opt_rule, it < o.iterations ? &grad : nullptr, s);
    if (!std::isfinite(v)) break;
    if (v > best_value) {
      best_value = v;
      best = phi;
    }
    if (it == o.iterations) break;
    for (int k = 0; k < 4; ++k) g(k) = grad[size_t(k)];
    const double frac = o.iterations > 1 ? double(it) / double(o.iterations - 1) : 0.0;
    adam->ascend(phi, g, o.lr * std::pow(0.01, frac));
    r.iterations = it + 1;
  }
  r.optimal = to_q(best);

  const TensorRule eval_rule = tensor_rule(o.eval_nodes);
  r.elbo_encoder = quad_elbo(model, params, x, r.encoder, eval_rule, nullptr, s);
  r.elbo_optimal = quad_elbo(model, params, x, r.optimal, eval_rule, nullptr, s);
  r.amortization_gap = r.elbo_optimal - r.elbo_encoder;

  if (o.grid >= 4) {
    Box box{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
            std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    auto cover = [&](const LatentGaussian& q, double k) {
      box.x0 = std::min(box.x0, q.mean[0] - k * q.sd[0]);
      box.x1 = std::max(box.x1, q.mean[0] + k * q.sd[0]);
      box.y0 = std::min(box.y0, q.mean[1] - k * q.sd[1]);
      box.y1 = std::max(box.y1, q.mean[1] + k * q.sd[1]);
    };
    cover(r.encoder, 5);
    cover(r.optimal, 8);
    r.log_joint = log_joint_grid(model, params, x, box, o.grid, s);
    r.log_px = log_integral(r.log_joint);
    r.log_px_error = std::abs(r.log_px - log_integral(log_joint_grid(model, params, x, box, o.grid / 2, s)));
    r.edge_mass = edge_fraction(r.log_joint, r.log_px);
    r.approximation_gap = r.log_px - r.elbo_optimal;
    r.has_log_px = std::isfinite(r.log_px);
    if (o.contours && r.has_log_px) r.posterior = mass_contours(r.log_joint, default_contour_masses(), r.log_px);
  }
  return r;
}

}  // namespace vi
