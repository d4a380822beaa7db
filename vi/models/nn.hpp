// vi/models/nn.hpp — dense layers and multilayer perceptrons: forward and backward passes over a batch.
//
// The one network code of vilab's models (the VAE's encoder and decoder, the BNN's layers, any
// later model). A batch travels as the columns of a matrix, as samples do everywhere in vi/:
// x is in × B, a layer's output out × B. Parameters live in a caller's flat array (so one
// optimizer state covers an encoder and a decoder side by side); each layer knows its offsets.
//
// Layout of one layer in the array: W (out × in, column-major), then b (out).
//
// Every pass is tested per layer against central finite differences (tests/vi/models/test_nn.cpp).
// RealNVP's conditioner (vi/families/flow_realnvp.cpp) predates this file and keeps its own fused,
// row-major, chunked MLP: it is the flows' hot loop and its speed is a benchmark.
//
// [SECTION] Activations
// [SECTION] One dense layer
// [SECTION] Multilayer perceptron
#pragma once

#include "vi/core/rng.hpp"
#include "vi/core/types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vi::nn {

// [SECTION] Activations

enum class Activation { Identity, Tanh, Relu, Softplus, Sigmoid };

const char* activation_name(Activation a);                // "identity", "tanh", …
Activation parse_activation(std::string_view name);       // throws std::invalid_argument
const std::vector<std::string>& activation_names();

// a = f(z), elementwise (a and z may be the same matrix).
void activate(Activation f, const Mat& z, Mat& a);
// dz = da ⊙ f'(z), from z and a = f(z) (whichever is cheaper for f).
void activation_backward(Activation f, const Mat& z, const Mat& a, const Mat& da, Mat& dz);

// [SECTION] One dense layer

struct DenseLayer {
  int in = 0, out = 0;
  Activation act = Activation::Identity;
  int offset = 0;  // where W starts in the parameter array; b follows it

  int param_count() const { return out * in + out; }
  Eigen::Map<const Mat> weight(const double* params) const { return {params + offset, out, in}; }
  Eigen::Map<const Vec> bias(const double* params) const { return {params + offset + out * in, out}; }
  Eigen::Map<Mat> weight(double* params) const { return {params + offset, out, in}; }
  Eigen::Map<Vec> bias(double* params) const { return {params + offset + out * in, out}; }
};

// z = W x + b 1ᵀ and a = f(z). z and a are resized to out × B if needed.
void dense_forward(const DenseLayer& layer, const double* params, const Mat& x, Mat& z, Mat& a);

// Given da = ∂L/∂a: dz = da ⊙ f'(z); adds dz xᵀ to ∂L/∂W and dz 1 to ∂L/∂b in d_params (same
// layout as params); when dx is non-null, dx = Wᵀ dz. dz is scratch the caller keeps.
void dense_backward(const DenseLayer& layer, const double* params, const Mat& x, const Mat& z, const Mat& a,
                    const Mat& da, Mat& dz, double* d_params, Mat* dx);

// [SECTION] Multilayer perceptron

// What a forward pass keeps for the backward pass (and the scratch the backward pass needs).
// Sized on first use for a batch size; reused without allocating while B stays the same.
struct Tape {
  std::vector<Mat> z, a;   // per layer: pre-activation and output
  std::vector<Mat> dz, da; // backward scratch per layer
};

class Mlp {
 public:
  Mlp() = default;
  // sizes = {in, hidden…, out}: tanh/relu/… on the hidden layers, `output` on the last one.
  // `offset` places the network in a larger parameter array. Throws std::invalid_argument on a
  // size below 1 or fewer than two sizes.
  Mlp(std::vector<int> sizes, Activation hidden, Activation output, int offset = 0);

  int in() const { return layers_.front().in; }
  int out() const { return layers_.back().out; }
  int offset() const { return offset_; }
  int param_count() const { return param_count_; }
  const std::vector<DenseLayer>& layers() const { return layers_; }
  std::string describe() const;  // "64→128→4 (tanh, identity)"

  // Glorot-uniform weights (scaled for the activation) and zero biases, into params[offset…].
  void init(double* params, Rng& rng) const;

  // The output (out × B) of the network at x (in × B); it lives in the tape.
  const Mat& forward(const double* params, const Mat& x, Tape& tape) const;

  // Back-propagates d_out = ∂L/∂output through the pass the tape recorded (same params and x):
  // adds ∂L/∂params into d_params (full array, offsets as in params) and, when dx is non-null,
  // sets dx = ∂L/∂x.
  void backward(const double* params, const Mat& x, Tape& tape, const Mat& d_out, double* d_params,
                Mat* dx = nullptr) const;

 private:
  std::vector<DenseLayer> layers_;
  int offset_ = 0, param_count_ = 0;
};

}  // namespace vi::nn
