// vi/models/nn.cpp — dense layers and MLPs (see vi/models/nn.hpp).
//
// [SECTION] Activations
// [SECTION] One dense layer
// [SECTION] Multilayer perceptron
#include "vi/models/nn.hpp"

#include "vi/core/math.hpp"
#include "vi/core/vector_math.hpp"

#include <cmath>
#include <stdexcept>

namespace vi::nn {

// [SECTION] Activations

namespace {
struct ActivationInfo {
  Activation f;
  const char* name;
};
constexpr ActivationInfo kActivations[] = {{Activation::Identity, "identity"},
                                           {Activation::Tanh, "tanh"},
                                           {Activation::Relu, "relu"},
                                           {Activation::Softplus, "softplus"},
                                           {Activation::Sigmoid, "sigmoid"}};

// log(1 + e^z) without overflow for large z or loss of precision for very negative z.
double softplus(double z) { return z > 0 ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z)); }
}  // namespace

const char* activation_name(Activation a) {
  for (const auto& info : kActivations)
    if (info.f == a) return info.name;
  return "?";
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& info : kActivations) v.emplace_back(info.name);
    return v;
  }();
  return names;
}

Activation parse_activation(std::string_view name) {
  for (const auto& info : kActivations)
    if (name == info.name) return info.f;
  std::string msg = "unknown activation '";
  msg.append(name).append("' (one of identity, tanh, relu, softplus, sigmoid)");
  throw std::invalid_argument(msg);
}

void activate(Activation f, const Mat& z, Mat& a) {
  if (&a != &z) a = z;  // resizes only when the shape changed
  switch (f) {
    case Activation::Identity: break;
    case Activation::Tanh: tanh_in_place(a); break;
    case Activation::Relu: a = a.cwiseMax(0.0); break;
    case Activation::Softplus: a = a.unaryExpr([](double v) { return softplus(v); }); break;
    case Activation::Sigmoid: a = a.unaryExpr([](double v) { return sigmoid(v); }); break;
  }
}

void activation_backward(Activation f, const Mat& z, const Mat& a, const Mat& da, Mat& dz) {
  switch (f) {
    case Activation::Identity: dz = da; break;
    case Activation::Tanh: dz = (da.array() * (1.0 - a.array().square())).matrix(); break;
    case Activation::Relu: dz = (da.array() * (z.array() > 0).cast<double>()).matrix(); break;
    case Activation::Softplus: dz = (da.array() * z.array().unaryExpr([](double v) { return sigmoid(v); })).matrix(); break;
    case Activation::Sigmoid: dz = (da.array() * a.array() * (1.0 - a.array())).matrix(); break;
  }
}

// [SECTION] One dense layer

void dense_forward(const DenseLayer& layer, const double* params, const Mat& x, Mat& z, Mat& a) {
  z.resize(layer.out, x.cols());
  z.noalias() = layer.weight(params) * x;
  z.colwise() += layer.bias(params);
  activate(layer.act, z, a);
}

void dense_backward(const DenseLayer& layer, const double* params, const Mat& x, const Mat& z, const Mat& a,
                    const Mat& da, Mat& dz, double* d_params, Mat* dx) {
  activation_backward(layer.act, z, a, da, dz);
  layer.weight(d_params).noalias() += dz * x.transpose();
  layer.bias(d_params) += dz.rowwise().sum();
  if (dx) {
    dx->resize(layer.in, x.cols());
    dx->noalias() = layer.weight(params).transpose() * dz;
  }
}

// [SECTION] Multilayer perceptron

Mlp::Mlp(std::vector<int> sizes, Activation hidden, Activation output, int offset) : offset_(offset) {
  if (sizes.size() < 2) throw std::invalid_argument("Mlp: needs at least an input and an output size");
  for (int s : sizes)
    if (s < 1) throw std::invalid_argument("Mlp: every layer size must be at least 1, got " + std::to_string(s));
  int at = offset;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    DenseLayer layer;
    layer.in = sizes[l];
    layer.out = sizes[l + 1];
    layer.act = l + 2 == sizes.size() ? output : hidden;
    layer.offset = at;
    at += layer.param_count();
    layers_.push_back(layer);
  }
  param_count_ = at - offset;
}

std::string Mlp::describe() const {
  std::string s = std::to_string(in());
  for (const auto& l : layers_) s += "\u2192" + std::to_string(l.out);
  std::string acts = " (";
  acts += activation_name(layers_.front().act);
  acts += ", ";
  acts += activation_name(layers_.back().act);
  acts += ")";
  return s + acts;
}

void Mlp::init(double* params, Rng& rng) const {
  for (const auto& l : layers_) {
    // Glorot & Bengio (2010): U(±√(6/(in+out))) keeps activations' variance through tanh layers;
    // ReLU layers get He's √2 gain so half-dead units do not shrink the signal.
    double limit = std::sqrt(6.0 / double(l.in + l.out));
    if (l.act == Activation::Relu) limit *= std::sqrt(2.0);
    auto w = l.weight(params);
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = limit * (2 * rng.uniform() - 1);
    l.bias(params).setZero();
  }
}

const Mat& Mlp::forward(const double* params, const Mat& x, Tape& tape) const {
  const size_t n = layers_.size();
  if (tape.z.size() != n) {
    tape.z.assign(n, Mat());
    tape.a.assign(n, Mat());
    tape.dz.assign(n, Mat());
    tape.da.assign(n, Mat());
  }
  const Mat* input = &x;
  for (size_t l = 0; l < n; ++l) {
    dense_forward(layers_[l], params, *input, tape.z[l], tape.a[l]);
    input = &tape.a[l];
  }
  return tape.a.back();
}

void Mlp::backward(const double* params, const Mat& x, Tape& tape, const Mat& d_out, double* d_params, Mat* dx) const {
  const size_t n = layers_.size();
  const Mat* da = &d_out;
  for (size_t l = n; l-- > 0;) {
    const Mat& input = l == 0 ? x : tape.a[l - 1];
    Mat* d_input = l == 0 ? dx : &tape.da[l - 1];
    dense_backward(layers_[l], params, input, tape.z[l], tape.a[l], *da, tape.dz[l], d_params, d_input);
    da = d_input;
  }
}

}  // namespace vi::nn
