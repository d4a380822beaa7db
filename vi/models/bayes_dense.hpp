// vi/models/bayes_dense.hpp — a dense layer whose weights and biases are mean-field Gaussian,
// q(W, b) = Π N(μᵢ, softplus(ρᵢ)²): the two ways to draw its output that Bayes by backprop uses.
//
// μ and ρ live in two flat arrays laid out exactly as vi::nn's parameters (W out × in column-major,
// then b, at DenseLayer::offset), so a network's Mlp gives the offsets of its μ and of its ρ, and
// the plain path can run a sampled weight vector through Mlp::forward/backward unchanged.
//
// - Plain reparameterization (Blundell et al. 2015): one weight draw w = μ + softplus(ρ) ⊙ ε is
//   shared by the whole batch; sample_weights / sample_weights_backward do the chain rule to μ, ρ.
// - Local reparameterization (Kingma, Salimans & Welling 2015): for a fixed input the layer's
//   pre-activation is Gaussian, so it is drawn directly, one ε per unit AND per batch column:
//       z = M + √V ⊙ ε,  M = μ_W x + μ_b 1ᵀ,  V = σ_W² (x ⊙ x) + σ_b² 1ᵀ.
//   The marginal of each column is the same as under the plain path (the estimator is unbiased),
//   but the columns' noise is independent, so a minibatch average of N terms has ~1/N of the
//   variance the shared draw leaves in it. General to any dense layer, hence here and not in the
//   BNN: vi/models/nn.hpp is the deterministic network code and stays so.
//
// Both passes are checked against central finite differences (tests/vi/models/test_bnn.cpp).
#pragma once

#include "vi/models/nn.hpp"
#include "vi/core/types.hpp"

namespace vi::nn {

// σ = softplus(ρ) = log(1 + e^ρ): positive for every ρ, ≈ e^ρ for small σ, ≈ ρ for large. Its
// derivative is sigmoid(ρ) (vi/core/math.hpp).
double softplus_scale(double rho);
// ρ with softplus(ρ) = σ (σ > 0), for initializing a scale.
double softplus_scale_inverse(double sigma);

// w = μ + softplus(ρ) ⊙ ε over n entries.
void sample_weights(const double* mu, const double* rho, const double* eps, double* w, int n);
// Given dw = ∂L/∂w: adds dw to ∂L/∂μ and dw ⊙ ε ⊙ sigmoid(ρ) to ∂L/∂ρ.
void sample_weights_backward(const double* rho, const double* eps, const double* dw, double* d_mu, double* d_rho, int n);

// What the local-reparameterization forward pass keeps for the backward pass (out × B each).
struct LocalReparamTape {
  Mat mean, sd;  // M and √V
  Mat z, a;      // z = M + √V ⊙ ε and a = f(z)
  Mat dz, dv;    // backward scratch
};

// Draws the layer's pre-activation for input x (in × B) with noise eps (out × B) and applies
// the activation; μ and ρ are the flat arrays the layer's offset indexes.
void local_reparam_forward(const DenseLayer& layer, const double* mu, const double* rho, const Mat& x, const Mat& eps,
                           LocalReparamTape& tape);

// Given da = ∂L/∂a for the pass the tape recorded (same μ, ρ, x, eps): adds ∂L/∂μ and ∂L/∂ρ
// into d_mu and d_rho (layouts as μ, ρ) and, when dx is non-null, sets dx = ∂L/∂x (it flows
// through both M and V).
void local_reparam_backward(const DenseLayer& layer, const double* mu, const double* rho, const Mat& x, const Mat& eps,
                            LocalReparamTape& tape, const Mat& da, double* d_mu, double* d_rho, Mat* dx);

}  // namespace vi::nn
