// vi/models/vae.hpp — a variational autoencoder (Kingma & Welling 2014) on the 8×8 digits, with a 2D
// latent space so that q(z|x), the decoded manifold and the exact posterior can all be drawn.
//
// The model: z ~ N(0, I₂); x | z ~ Bernoulli(σ(decoder(z))) per pixel, or N(decoder(z), σ_x² I).
// The encoder maps x to q(z|x) = N(μ(x), diag exp(log σ²(x))). The ELBO of one image is
//   ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z))   (reconstruction − KL),
// its first term by one reparameterized draw z = μ + σ ⊙ ε, its KL in closed form per latent:
//   KL_k = ½ (μ_k² + σ_k² − 1 − log σ_k²).
// A β-VAE (Higgins et al. 2017) trains on reconstruction − β·KL; that objective is a bound only at
// β = 1, so every ELBO reported here is the β = 1 one.
//
// Pixels are scaled to [0, 1] (the digits' 0–16 over 16). For the Bernoulli likelihood they are
// the targets of the cross-entropy, as in most VAE papers on grey-level images: a "log p(x|z)"
// that is a proper density only for binary x, and the usual number to compare with them.
//
// Networks and gradients go through vi/models/nn.hpp; this file adds the latent layer, the likelihoods
// and the KL, and the fixed train/held-out split. The trainer is vi/models/vae_trainer.hpp, the
// amortization gap vi/models/vae_gap.hpp.
//
// [SECTION] Configuration
// [SECTION] Data
// [SECTION] The model
#pragma once

#include "vi/models/nn.hpp"
#include "vi/core/types.hpp"

#include <array>
#include <string>
#include <vector>

namespace vi {

// [SECTION] Configuration

inline constexpr int kVaeLatent = 2;   // the latent dimension (fixed: everything is drawn in 2D)
inline constexpr int kVaePixels = 64;  // 8 × 8

enum class VaeLikelihood { Bernoulli = 0, Gaussian = 1 };
const char* vae_likelihood_name(VaeLikelihood l);  // "bernoulli", "gaussian"

struct VaeConfig {
  int hidden = 128;                  // width of each hidden layer, encoder and decoder alike
  int layers = 1;                    // hidden layers in each network (1–3)
  std::string activation = "tanh";   // the hidden layers' activation (vi::nn names)
  VaeLikelihood likelihood = VaeLikelihood::Bernoulli;
  double sigma_x = 0.2;              // the Gaussian likelihood's fixed pixel σ (pixels in [0, 1])
  double beta = 1;                   // β of a β-VAE (1 = the ELBO)
  int batch = 64;                    // minibatch size (an epoch drops the last partial batch)
  double lr = 1e-3;                  // Adam's learning rate
  uint64_t seed = 1;                 // initial weights, minibatch order, the draws
  int heldout = 300;                 // held-out images of the 1797 (a fixed split, independent of seed)
  // What the trainer's gaps are of; changing them (or β, lr, batch) keeps the weights. A gap is
  // asked for by a trainer command (VaeTrainer::Command), or by selecting another image.
  int selected_image = 0;            // the image whose amortization gap is computed (index into the 1797)
  int gap_images = 20;               // held-out images in the held-out average gap
  bool operator==(const VaeConfig&) const = default;
};

// Throws std::invalid_argument naming the field on a bad value.
void check_vae_config(const VaeConfig& c);

// [SECTION] Data

// The digits as columns of x (64 × 1797, pixels / 16), their labels, and the fixed split.
struct VaeData {
  Mat x;
  Eigen::VectorXi label;
  std::vector<int> train, heldout;  // image indices; disjoint, together all images
  std::vector<char> is_heldout;     // per image
  int n() const { return int(x.cols()); }
};

// The digits with `heldout` images held out by a fixed seeded permutation (the same split for
// every training seed, so runs with different seeds are compared on the same images).
VaeData vae_data(int heldout);

// [SECTION] The model

// Per-image terms summed over a batch.
struct VaeTerms {
  double recon = 0;                    // Σ log p(x|z) at the draws
  double kl = 0;                       // Σ KL(q(z|x) ‖ p(z))
  std::array<double, kVaeLatent> kl_latent{};  // the same per latent
  int count = 0;                       // images summed
};

class VaeModel {
 public:
  explicit VaeModel(const VaeConfig& c);  // checks c

  int param_count() const { return encoder_.param_count() + decoder_.param_count(); }
  const nn::Mlp& encoder() const { return encoder_; }  // 64 → … → [μ (2); log σ² (2)]
  const nn::Mlp& decoder() const { return decoder_; }  // 2 → … → 64 logits (Bernoulli) or means
  VaeLikelihood likelihood() const { return likelihood_; }
  double sigma_x() const { return sigma_x_; }
  std::string describe() const;  // "encoder 64→128→4, decoder 2→128→64 (tanh), Bernoulli"

  Vec init(uint64_t seed) const;  // Glorot weights, zero biases

  // Scratch a caller keeps between calls (sized on first use for a batch size).
  struct Workspace {
    nn::Tape enc, dec;
    Mat mu, logvar, sd, z, d_dec, dz, d_enc;
  };

  // q(z|x) for the columns of x: μ and log σ² (2 × B each).
  void encode(const Vec& params, const Mat& x, Mat& mu, Mat& logvar, Workspace& ws) const;
  // The decoder's raw output at z (2 × B): logits or means (64 × B); lives in ws.dec.
  const Mat& decode_raw(const Vec& params, const Mat& z, Workspace& ws) const;
  // What an image looks like at z: σ(logits) or the means clamped to [0, 1] (64 × B).
  Mat decode_image(const Vec& params, const Mat& z, Workspace& ws) const;

  // log p(x_b | z_b) per column from the decoder's raw output; when d_raw is non-null it gets
  // ∂ log p / ∂ raw, each column scaled by col_scale(b) (the caller's weight of that image).
  void log_likelihood(const Mat& raw, const Mat& x, Vec& ll, Mat* d_raw = nullptr,
                      const Vec* col_scale = nullptr) const;

  // The β-objective averaged over the batch, (1/B) Σ_b [log p(x_b|z_b) − β KL_b] with
  // z_b = μ_b + σ_b ε_b (ε is 2 × B), and, when grad is non-null, its gradient in the parameters
  // (grad is overwritten; sized param_count). `terms` gets the sums (β = 1 split) when non-null.
  double objective(const Vec& params, const Mat& x, const Mat& eps, double beta, Vec* grad, VaeTerms* terms,
                   Workspace& ws) const;

 private:
  nn::Mlp encoder_, decoder_;
  VaeLikelihood likelihood_;
  double sigma_x_;
};

// KL(N(μ, σ²) ‖ N(0, 1)) of one latent from μ and log σ².
double vae_kl_latent(double mu, double logvar);

}  // namespace vi
