// vi/families/mixture.hpp — a mixture of K Gaussians with learnable weights.
#pragma once

#include "vi/families/family.hpp"

#include <memory>
#include <vector>

namespace vi {

// q(z) = Σ_k π_k q_k(z), π = softmax(logits), each q_k a full-rank or mean-field Gaussian.
// φ = [logits (K), θ_1, …, θ_K] with θ_k the component's own parameters.
//
// The estimator. Sampling a component index is not differentiable, so the draws are stratified
// instead: S_k = S/K draws from each component by reparameterization, weighted by π_k / S_k.
//   ELBO ≈ Σ_k π_k (1/S_k) Σ_{s ∈ k} [log p~(z_s) − log q(z_s)]
// is unbiased for the ELBO, and its gradient is unbiased for the ELBO's gradient: the weights
// are differentiated exactly (in π), the draws by the reparameterization path (in θ_k), and
// log q(z_s) through every component (Roeder, Grant, Miller, Duvenaud & Wu 2017; Morningstar
// et al. 2021 call it the stratified ELBO).
class MixtureFamily final : public Family {
 public:
  // `component` is "fullrank" or "meanfield".
  MixtureFamily(int dim, int components, const std::string& component);
  std::string name() const override { return "mixture"; }
  int components() const { return k_; }
  int num_params() const override { return offsets_.back(); }
  std::vector<std::string> param_names() const override;
  Vec initial_params(const Vec& mean, double log_sd) const override;
  void forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const override;
  void backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const override;
  void log_density(const Vec& phi, const Mat& z, Vec& log_q) const override;
  bool has_log_density_grad() const override { return true; }
  void log_density_grad(const Vec& phi, const Mat& z, const Vec& c, Vec& g_phi, Mat* grad_z) const override;
  bool stratified() const override { return true; }
  void sample_weights(const Vec& phi, Vec& a) const override;
  void add_weight_grad(const Vec& phi, const Vec& g_a, Vec& g_phi) const override;
  void sample(const Vec& phi, const Mat& eps, const Vec& u, Mat& z) const override;
  Moments moments(const Vec& phi) const override;
  Box mass_box(const Vec& phi) const override;

  // The mixture weights π = softmax(logits), into pi (no allocation once sized).
  void weights(const Vec& phi, Vec& pi) const;
  Vec weights(const Vec& phi) const {
    Vec pi(k_);
    weights(phi, pi);
    return pi;
  }

 private:
  // Column range [begin, end) of the draws of component k among S columns.
  std::pair<Eigen::Index, Eigen::Index> block(int k, Eigen::Index S) const;
  // θ_k copied into per-component scratch (the component families take a whole vector).
  const Vec& theta(const Vec& phi, int k) const {
    Vec& t = thetas_[size_t(k)];
    t = phi.segment(offsets_[k], offsets_[k + 1] - offsets_[k]);
    return t;
  }
  // log π_k + log q_k(z) for every component (rows) and column of z, into lqk_; log q into log_q.
  void joint(const Vec& phi, const Mat& z, Vec& log_q) const;

  int k_;
  std::vector<std::unique_ptr<Family>> comp_;
  std::vector<int> offsets_;  // θ_k = φ[offsets_[k], offsets_[k+1]); offsets_[0] = K
  // Scratch, reused across calls. Per-component blocks keep their own buffers: blocks can differ
  // in size by one column, and one shared buffer would reallocate at every switch.
  struct Block {
    Mat eps, z, h;
    Vec lq, zero, g;
  };
  Block& scratch(int k, Eigen::Index cols) const;
  Vec& grad_scratch(int k) const;  // component k's gradient buffer, zeroed
  mutable std::vector<Block> blocks_;
  mutable std::vector<Vec> thetas_;
  mutable Mat lqk_, gzk_, z_, h_;
  mutable Vec col_, c_, lq_, pi_, rc_, one_lq_;
  mutable Mat one_eps_, one_z_;
};

// Its registry entry: the options components and component (vi/families/family.cpp lists it).
FamilyInfo mixture_family_info();

}  // namespace vi
