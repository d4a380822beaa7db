// vi/models/bayes_dense.cpp — mean-field Gaussian dense layers (see vi/models/bayes_dense.hpp).
#include "vi/models/bayes_dense.hpp"

#include "vi/core/math.hpp"

#include <cmath>

namespace vi::nn {

double softplus_scale(double rho) { return rho > 0 ? rho + std::log1p(std::exp(-rho)) : std::log1p(std::exp(rho)); }

// ρ = log(e^σ − 1) = σ + log(1 − e^−σ), written so that neither small nor large σ loses digits.
double softplus_scale_inverse(double sigma) { return sigma + std::log(-std::expm1(-sigma)); }

void sample_weights(const double* mu, const double* rho, const double* eps, double* w, int n) {
  for (int i = 0; i < n; ++i) w[i] = mu[i] + softplus_scale(rho[i]) * eps[i];
}

void sample_weights_backward(const double* rho, const double* eps, const double* dw, double* d_mu, double* d_rho, int n) {
  for (int i = 0; i < n; ++i) {
    d_mu[i] += dw[i];
    d_rho[i] += dw[i] * eps[i] * sigmoid(rho[i]);
  }
}

void local_reparam_forward(const DenseLayer& layer, const double* mu, const double* rho, const Mat& x, const Mat& eps,
                           LocalReparamTape& t) {
  const auto mu_w = layer.weight(mu);
  const auto mu_b = layer.bias(mu);
  const Mat sigma2_w = layer.weight(rho).unaryExpr([](double r) { const double s = softplus_scale(r); return s * s; });
  const Vec sigma2_b = layer.bias(rho).unaryExpr([](double r) { const double s = softplus_scale(r); return s * s; });
  t.mean.resize(layer.out, x.cols());
  t.mean.noalias() = mu_w * x;
  t.mean.colwise() += mu_b;
  t.sd.resize(layer.out, x.cols());
  t.sd.noalias() = sigma2_w * x.cwiseAbs2();
  t.sd.colwise() += sigma2_b;
  t.sd = t.sd.cwiseSqrt();  // V > 0 always: σ_b² = softplus(ρ_b)² > 0
  t.z = t.mean + t.sd.cwiseProduct(eps);
  activate(layer.act, t.z, t.a);
}

void local_reparam_backward(const DenseLayer& layer, const double* mu, const double* rho, const Mat& x, const Mat& eps,
                            LocalReparamTape& t, const Mat& da, double* d_mu, double* d_rho, Mat* dx) {
  activation_backward(layer.act, t.z, t.a, da, t.dz);  // ∂L/∂z = ∂L/∂M
  // ∂L/∂V = ∂L/∂z ⊙ ε / (2√V)
  t.dv = (t.dz.array() * eps.array() / (2.0 * t.sd.array())).matrix();
  layer.weight(d_mu).noalias() += t.dz * x.transpose();
  layer.bias(d_mu) += t.dz.rowwise().sum();
  // ∂L/∂σ² = dV (x²)ᵀ for W and dV 1 for b; ∂σ²/∂ρ = 2 softplus(ρ) sigmoid(ρ).
  const Mat d_sigma2_w = t.dv * x.cwiseAbs2().transpose();
  const Vec d_sigma2_b = t.dv.rowwise().sum();
  auto rho_w = layer.weight(rho);
  auto rho_b = layer.bias(rho);
  auto d_rho_w = layer.weight(d_rho);
  auto d_rho_b = layer.bias(d_rho);
  for (Eigen::Index j = 0; j < rho_w.cols(); ++j)
    for (Eigen::Index i = 0; i < rho_w.rows(); ++i)
      d_rho_w(i, j) += d_sigma2_w(i, j) * 2 * softplus_scale(rho_w(i, j)) * sigmoid(rho_w(i, j));
  for (Eigen::Index i = 0; i < rho_b.size(); ++i) d_rho_b(i) += d_sigma2_b(i) * 2 * softplus_scale(rho_b(i)) * sigmoid(rho_b(i));
  if (dx) {
    // x enters M linearly and V through x²: dx = μ_Wᵀ dz + 2 x ⊙ (σ_W²ᵀ dV).
    const Mat sigma2_w = rho_w.unaryExpr([](double r) { const double s = softplus_scale(r); return s * s; });
    dx->resize(layer.in, x.cols());
    dx->noalias() = layer.weight(mu).transpose() * t.dz;
    dx->array() += 2.0 * x.array() * (sigma2_w.transpose() * t.dv).array();
  }
}

}  // namespace vi::nn
