// vi/models/vae.cpp — the VAE's model: split, networks, likelihoods, KL and the objective's gradient.
//
// [SECTION] Configuration
// [SECTION] Data
// [SECTION] The model
#include "vi/models/vae.hpp"

#include "vi/core/check.hpp"
#include "vi/models/datasets.hpp"
#include "vi/core/math.hpp"
#include "vi/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace vi {

// [SECTION] Configuration

const char* vae_likelihood_name(VaeLikelihood l) { return l == VaeLikelihood::Bernoulli ? "bernoulli" : "gaussian"; }

void check_vae_config(const VaeConfig& c) {
  constexpr const char* f = "vae";
  check_range(f, "hidden width", c.hidden, 2, 1024);
  check_range(f, "hidden layers", c.layers, 1, 3);
  check_member(f, "activation", c.activation, nn::activation_names());
  if (c.likelihood != VaeLikelihood::Bernoulli && c.likelihood != VaeLikelihood::Gaussian)
    throw_invalid(f, "likelihood must be bernoulli (0) or gaussian (1)");
  check_range(f, "sigma_x", c.sigma_x, 0.01, 10.0);
  check_range(f, "beta", c.beta, 0.0, 100.0);
  check_range(f, "held-out images", c.heldout, 1, 1000);
  check_range(f, "batch size", c.batch, 1, 1797 - c.heldout);
  check_range(f, "learning rate", c.lr, 1e-6, 1.0);
  check_range(f, "selected image", c.selected_image, 0, 1796);
  check_range(f, "gap images", c.gap_images, 1, c.heldout);
}

// [SECTION] Data

VaeData vae_data(int heldout) {
  check_range("vae_data", "held-out images", heldout, 1, 1000);
  const Dataset& d = dataset("digits");
  VaeData v;
  v.x = d.X.transpose() / 16.0;
  v.label = d.label;
  std::vector<int> order(size_t(d.n()));
  std::iota(order.begin(), order.end(), 0);
  Rng rng(20140101, kBatchStream);  // the split's own seed: the same held-out set for every run
  for (int i = d.n() - 1; i > 0; --i) std::swap(order[size_t(i)], order[size_t(rng.next_u64() % uint64_t(i + 1))]);
  v.is_heldout.assign(size_t(d.n()), 0);
  for (int i = 0; i < d.n(); ++i) {
    const int img = order[size_t(i)];
    if (i < heldout) {
      v.heldout.push_back(img);
      v.is_heldout[size_t(img)] = 1;
    } else {
      v.train.push_back(img);
    }
  }
  std::sort(v.heldout.begin(), v.heldout.end());
  std::sort(v.train.begin(), v.train.end());
  return v;
}

// [SECTION] The model

double vae_kl_latent(double mu, double logvar) { return 0.5 * (mu * mu + std::exp(logvar) - 1.0 - logvar); }

VaeModel::VaeModel(const VaeConfig& c) : likelihood_(c.likelihood), sigma_x_(c.sigma_x) {
  check_vae_config(c);
  const nn::Activation act = nn::parse_activation(c.activation);
  std::vector<int> enc{kVaePixels}, dec{kVaeLatent};
  for (int l = 0; l < c.layers; ++l) {
    enc.push_back(c.hidden);
    dec.push_back(c.hidden);
  }
  enc.push_back(2 * kVaeLatent);
  dec.push_back(kVaePixels);
  encoder_ = nn::Mlp(enc, act, nn::Activation::Identity, 0);
  decoder_ = nn::Mlp(dec, act, nn::Activation::Identity, encoder_.param_count());
}

std::string VaeModel::describe() const {
  std::string s = "encoder ";
  s += encoder_.describe();
  s += ", decoder ";
  s += decoder_.describe();
  s += likelihood_ == VaeLikelihood::Bernoulli ? ", Bernoulli" : ", Gaussian";
  return s;
}

Vec VaeModel::init(uint64_t seed) const {
  Vec p = Vec::Zero(param_count());
  Rng rng(seed, kTrainStream);
  encoder_.init(p.data(), rng);
  decoder_.init(p.data(), rng);
  return p;
}

void VaeModel::encode(const Vec& params, const Mat& x, Mat& mu, Mat& logvar, Workspace& ws) const {
  const Mat& out = encoder_.forward(params.data(), x, ws.enc);
  mu = out.topRows(kVaeLatent);
  logvar = out.bottomRows(kVaeLatent);
}

const Mat& VaeModel::decode_raw(const Vec& params, const Mat& z, Workspace& ws) const {
  return decoder_.forward(params.data(), z, ws.dec);
}

Mat VaeModel::decode_image(const Vec& params, const Mat& z, Workspace& ws) const {
  const Mat& raw = decode_raw(params, z, ws);
  if (likelihood_ == VaeLikelihood::Bernoulli) return raw.unaryExpr([](double l) { return sigmoid(l); });
  return raw.cwiseMax(0.0).cwiseMin(1.0);
}

void VaeModel::log_likelihood(const Mat& raw, const Mat& x, Vec& ll, Mat* d_raw, const Vec* col_scale) const {
  const Eigen::Index B = raw.cols();
  ll.resize(B);
  if (d_raw) d_raw->resize(raw.rows(), B);
  if (likelihood_ == VaeLikelihood::Bernoulli) {
    // x log σ(l) + (1 − x) log σ(−l) = x l + log σ(−l); its derivative in l is x − σ(l).
    for (Eigen::Index b = 0; b < B; ++b) {
      double s = 0;
      const double w = col_scale ? (*col_scale)(b) : 1.0;
      for (Eigen::Index d = 0; d < raw.rows(); ++d) {
        const double l = raw(d, b);
        s += x(d, b) * l + log_sigmoid(-l);
        if (d_raw) (*d_raw)(d, b) = w * (x(d, b) - sigmoid(l));
      }
      ll(b) = s;
    }
  } else {
    const double inv_var = 1.0 / (sigma_x_ * sigma_x_);
    const double norm = double(raw.rows()) * (std::log(sigma_x_) + 0.5 * kLog2Pi);
    for (Eigen::Index b = 0; b < B; ++b) {
      double s = 0;
      const double w = col_scale ? (*col_scale)(b) : 1.0;
      for (Eigen::Index d = 0; d < raw.rows(); ++d) {
        const double r = x(d, b) - raw(d, b);
        s += r * r;
        if (d_raw) (*d_raw)(d, b) = w * r * inv_var;
      }
      ll(b) = -0.5 * inv_var * s - norm;
    }
  }
}

double VaeModel::objective(const Vec& params, const Mat& x, const Mat& eps, double beta, Vec* grad, VaeTerms* terms,
                           Workspace& ws) const {
  const Eigen::Index B = x.cols();
  encode(params, x, ws.mu, ws.logvar, ws);
  ws.sd = (0.5 * ws.logvar.array()).exp().matrix();
  ws.z = ws.mu + ws.sd.cwiseProduct(eps);
  const Mat& raw = decode_raw(params, ws.z, ws);
  Vec ll;
  const Vec scale = Vec::Constant(B, 1.0 / double(B));
  log_likelihood(raw, x, ll, grad ? &ws.d_dec : nullptr, &scale);

  VaeTerms t;
  t.count = int(B);
  t.recon = ll.sum();
  for (Eigen::Index b = 0; b < B; ++b)
    for (int k = 0; k < kVaeLatent; ++k) {
      const double kl = vae_kl_latent(ws.mu(k, b), ws.logvar(k, b));
      t.kl_latent[size_t(k)] += kl;
      t.kl += kl;
    }
  if (terms) *terms = t;
  const double value = (t.recon - beta * t.kl) / double(B);
  if (!grad) return value;

  grad->setZero(param_count());
  decoder_.backward(params.data(), ws.z, ws.dec, ws.d_dec, grad->data(), &ws.dz);
  // Through z = μ + σ ε (the reparameterization) and the closed-form KL:
  // ∂/∂μ = ∂z − (β/B) μ;  ∂/∂log σ² = ∂z ⊙ ε ⊙ σ/2 − (β/B) (σ² − 1)/2.
  const double c = beta / double(B);
  ws.d_enc.resize(2 * kVaeLatent, B);
  ws.d_enc.topRows(kVaeLatent) = ws.dz - c * ws.mu;
  ws.d_enc.bottomRows(kVaeLatent) =
      (ws.dz.array() * eps.array() * 0.5 * ws.sd.array() - 0.5 * c * (ws.sd.array().square() - 1.0)).matrix();
  encoder_.backward(params.data(), x, ws.enc, ws.d_enc, grad->data(), nullptr);
  return value;
}

}  // namespace vi
