// vi/families/flow.hpp — normalizing flows: a learnable diagonal Gaussian base z₀ = μ + σ ⊙ ε
// pushed through K invertible layers, z = f_K ∘ … ∘ f_1 (z₀), with
//   log q(z) = log N(ε; 0, I) − Σ log σ − Σ_k log|det ∂f_k/∂x|.
//
// FlowFamily is the one mechanism the planar, radial and RealNVP families share: the layout of
// φ, the base, the layer loops (forward, reverse pass, inverse), the tape the reverse pass reads,
// and the fixed draws behind moments() and mass_box(). A flow says only what one layer does.
//
// Inside the layers, points are the ROWS of an n × D matrix (the Family interface's D × S
// transposed once on the way in and out): each coordinate is then a contiguous column of n
// values, so every per-layer operation (wᵀx over the samples, x += û h, distances to a centre,
// a conditioner's input) is a vectorized pass over contiguous memory (for the planar flow at
// D = 2 it cut the reverse pass by 40 %).
//
// [SECTION] Shared numerics (softplus, log-det accumulation; tanh is in vi/core/vector_math.hpp)
// [SECTION] FlowFamily
// [SECTION] Factories
#pragma once

#include "vi/families/family.hpp"
#include "vi/core/rng.hpp"
#include "vi/core/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

namespace vi {

using MatRef = Eigen::Ref<Mat>;
using VecRef = Eigen::Ref<Vec>;
using CVecRef = Eigen::Ref<const Vec>;

// [SECTION] Shared numerics

// softplus x = log(1 + eˣ) > 0 (stable for both signs), and its inverse for y > 0.
inline double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::abs(x))); }
inline double softplus_inv(double y) { return y + std::log(-std::expm1(-y)); }

// Σ_k log det_k per point, with one log per run of layers instead of one per layer (a log
// costs as much as a layer's tanh). Each layer's det values are known to lie in [lo, hi], so the
// running product is kept only while its bounds stay inside [1e-150, 1e150]: no over- or
// underflow can happen, and log Π = Σ log to a few ulps.
class LogDetSum {
 public:
  // ld receives the sum (added to what it holds); prod is scratch of the same length.
  LogDetSum(VecRef ld, VecRef prod) : ld_(ld), prod_(prod) {}

  // Multiplies in one layer's determinants (an array expression of ld's length), all in [lo, hi].
  template <class Expr>
  void multiply(const Expr& det, double lo, double hi) {
    if (open_ && lo_ * lo >= kMin && hi_ * hi <= kMax) {
      prod_.array() *= det;
      lo_ *= lo;
      hi_ *= hi;
    } else {
      flush();
      prod_.array() = det;
      lo_ = lo;
      hi_ = hi;
      open_ = true;
    }
  }
  // Adds a layer's log-determinants directly (RealNVP's Σ s needs no log).
  template <class Expr>
  void add_log(const Expr& log_det) {
    ld_.array() += log_det;
  }
  // Must be called once the last layer has been multiplied in.
  void flush() {
    if (open_) ld_.array() += prod_.array().log();
    open_ = false;
  }

 private:
  static constexpr double kMin = 1e-150, kMax = 1e150;
  VecRef ld_, prod_;
  double lo_ = 1, hi_ = 1;
  bool open_ = false;
};

// [SECTION] FlowFamily

// φ = [μ (D), log σ (D), θ_1, …, θ_K]: the base first (as in the mean-field family), then each
// layer's parameters. Not thread-safe: the scratch and the tape are shared by const calls (a Run
// owns its family and uses it from one thread).
class FlowFamily : public Family {
 public:
  int num_params() const override { return offsets_.back(); }
  std::vector<std::string> param_names() const override;
  // A deterministic function of the sizes, mean and log_sd: the base gets (mean, log_sd); each
  // layer starts near the identity, with small random weights from a fixed seed.
  Vec initial_params(const Vec& mean, double log_sd) const override;
  void forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const override;
  void backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const override;
  void log_density(const Vec& phi, const Mat& z, Vec& log_q) const override;
  bool cheap_density() const override { return false; }  // an inversion through K layers per point
  // Monte Carlo on kDraws fixed antithetic base draws.
  Moments moments(const Vec& phi) const override;
  // The bounding box of the same fixed draws pushed through q, padded by 25 % of its width on
  // each side (a Gaussian's 4096 draws span about ±3.5 sd, so this is about ±5 sd).
  Box mass_box(const Vec& phi) const override;
  bool valid(const Vec& phi) const override;
  int num_layers() const override { return layers_; }
  void base_transform(const Vec& phi, const Mat& eps, Mat& z0) const override;
  void push_layers(const Vec& phi, int first, int last, Mat& x, Vec& log_det) const override;

  // The inverse of push_layers: moves points y from the output of layer last−1 back to the input
  // of layer `first` (layers last−1 … first, inverted), adding each layer's log|det ∂f/∂x| at the
  // preimage to log_det. log_density is pull_layers(0, K) followed by the base's density.
  void pull_layers(const Vec& phi, int first, int last, Mat& y, Vec& log_det) const;

  // Where layer k's parameters θ_k start in φ, and how many there are.
  int layer_offset(int k) const { return offsets_[size_t(k)]; }
  int layer_size(int k) const { return offsets_[size_t(k) + 1] - offsets_[size_t(k)]; }

  static constexpr int kDraws = 4096;  // fixed base draws for moments() and mass_box()
  static constexpr int kChunk = 256;   // points per block in the untaped passes (cache-sized)
  // The most memory the reverse pass's tape may take by default. A batch whose tape would need
  // more (a wide RealNVP at large S) is recorded and reversed block by block instead of all at
  // once. set_tape_bytes changes the limit (the tests use it to force the blockwise path).
  static constexpr Eigen::Index kTapeBytes = Eigen::Index(64) << 20;
  void set_tape_bytes(Eigen::Index bytes) { tape_bytes_ = bytes; }

 protected:
  FlowFamily(int dim, int layers);
  // Called once by the derived constructor: the number of parameters of each layer.
  void set_layer_sizes(const std::vector<int>& sizes);

  // [SECTION] What a layer provides. θ points at layer k's parameters in φ (or at their
  // gradient). ROWS of x (n × D) are points; n is at most kChunk unless record is set.
  //
  // x ← f_k(x) in place, and log|det ∂f_k/∂x| into acc. With record, x holds n ≤ tape_rows()
  // points and the layer keeps in the first n rows of its tape what layer_backward needs (its
  // input is already on the shared tape: layer_input(k, n)).
  virtual void layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const = 0;
  // The reverse pass through layer k for the n = g.rows() recorded points: g (n × D) holds
  // ∂L/∂(output) and becomes ∂L/∂(input); ∂L/∂θ_k is added to g_theta, where
  // L = Σ_s g_s·y_s + g_ld(s)·log det_s.
  virtual void layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const = 0;
  // y ← f_k⁻¹(y) in place, and log|det ∂f_k/∂x| at the preimage into acc.
  virtual void layer_inverse(const double* theta, int k, MatRef y, LogDetSum& acc) const = 0;
  // false when θ_k does not define an invertible layer.
  virtual bool layer_valid(const double* theta, int k) const = 0;
  // Appends the names of θ_k; `tag` is "[k+1]".
  virtual void layer_names(int k, const std::string& tag, std::vector<std::string>& out) const = 0;
  // Writes θ_k for a base at (mean, sd); rng is the family's fixed-seed initialization stream.
  virtual void layer_init(int k, const Vec& mean, double sd, Rng& rng, double* theta) const = 0;
  // Sizes the layer's own tape and full-batch scratch for up to `rows` points.
  virtual void resize_tape(Eigen::Index rows) const = 0;
  // How many doubles per point resize_tape allocates (over all layers): bounds the tape's size.
  virtual Eigen::Index tape_doubles_per_point() const = 0;

  Eigen::Index tape_rows() const { return tape_rows_; }
  // The recorded input of layer k for the first n points (n × D).
  auto layer_input(int k, Eigen::Index n) const { return tape_x_.block(0, Eigen::Index(k) * dim(), n, dim()); }

 private:
  void ensure_tape(Eigen::Index rows) const;
  // The most points whose tape fits in kTapeBytes.
  Eigen::Index max_tape_rows() const;
  // Runs the layers over x (n × D base points on entry, n ≤ tape_rows()), recording the tape.
  void record(const Vec& phi, MatRef x, VecRef ld) const;
  // The reverse pass over the n recorded points of draws eps (D × n): g_x_ and g_ld_ hold the
  // output gradients in their first n rows on entry.
  void reverse(const Vec& phi, const Eigen::Ref<const Mat>& eps, CVecRef g_lq, Vec& g_phi) const;
  // Layers [first, last) on the columns of z (D × n) in blocks of kChunk, adding log-dets to ld.
  void push_blocks(const Vec& phi, int first, int last, Mat& z, VecRef ld) const;
  // Their inverses, last−1 down to first, on a block x (n × D, n ≤ kChunk).
  void pull_block(const Vec& phi, int first, int last, MatRef x, VecRef ld) const;
  // The fixed draws pushed through q_φ (cached for the last φ).
  const Mat& pushed_draws(const Vec& phi) const;

  int layers_;
  Eigen::Index tape_bytes_ = kTapeBytes;
  std::vector<int> offsets_;  // offsets_[k] = start of θ_k; offsets_[K] = num_params
  Mat draws_eps_;             // kDraws fixed antithetic base draws

  // The tape of the last recorded batch and the (φ, ε) it belongs to: backward() reuses the pass
  // forward() just made when both match (the ELBO step's case), else records its own.
  mutable Eigen::Index tape_rows_ = 0;
  mutable bool tape_valid_ = false;
  mutable Mat tape_x_;  // S × (K·D): the input of each layer
  mutable Vec key_phi_;
  mutable Mat key_eps_;
  // Scratch: points in rows (max(rows, kChunk) × D), the reverse pass's gradient (rows × D),
  // the base draws pushed in the reverse pass's own recording (D × rows), per-point sums.
  mutable Mat xs_, g_x_, work_z_;
  mutable Vec work_ld_, g_ld_, prod_, block_ld_;
  mutable Vec draws_key_;
  mutable Mat draws_z_;
  mutable Vec draws_ld_;
  mutable bool draws_valid_ = false;
};

// [SECTION] Registry entries (vi/families/family.cpp lists them; each flow's file defines its own)

// The number of layers K, the option every flow reads: its range and default, defined once here;
// each flow names it and explains it in its own words.
FamilyParam flow_layers_param(std::string label, std::string help);
// What every flow can serve: no ∇φ log q at fixed points (log q needs a numerical inversion), no
// closed-form entropy, and a log q too dear for the history's grids.
constexpr FamilyCapabilities kFlowCapabilities{.score = false, .analytic_entropy = false, .cheap_density = false, .layered = true};

FamilyInfo planar_family_info();
FamilyInfo radial_family_info();
FamilyInfo realnvp_family_info();

}  // namespace vi
