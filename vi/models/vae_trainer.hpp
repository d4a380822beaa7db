// vi/models/vae_trainer.hpp — trains the VAE of vi/models/vae.hpp by reparameterized minibatch gradients and
// Adam; the Trainer of a vi::LiveTrainer (the app's window) and of the headless CLI and tests.
//
// step() is one minibatch; an epoch is one pass over the shuffled training images (the last
// partial batch is dropped; the shuffle changes every epoch, so every image is seen). After every
// epoch the trainer evaluates the ELBO and its terms on ALL training and held-out images with a
// fixed ε per image (drawn once from the seed's metric stream), so the curves move only when the
// weights do, not with the draws.
//
// snapshot() holds what the window draws: the encoded means of every image, a decoded manifold,
// reconstructions, the per-epoch history, and the amortization gap (vi/models/vae_gap.hpp) of the
// selected image. The gap is computed there, on the worker, when it is asked for: a new
// selected_image in the config, or a Command (sent through vi::LiveTrainer::send): the UI asks
// when the user pauses or clicks, never each frame.
//
// [SECTION] Snapshot
// [SECTION] Trainer
#pragma once

#include "vi/optim/optimizer.hpp"
#include "vi/core/rng.hpp"
#include "vi/models/vae.hpp"
#include "vi/models/vae_gap.hpp"

#include <array>
#include <memory>
#include <optional>
#include <vector>

namespace vi {

// [SECTION] Snapshot

// The ELBO and its terms, averaged per image, on the training and the held-out images.
struct VaeEpochStats {
  int epoch = 0;  // 0 = before training
  double train_elbo = 0, train_recon = 0, train_kl = 0;
  double heldout_elbo = 0, heldout_recon = 0, heldout_kl = 0;
  std::array<double, kVaeLatent> kl_per_latent{};  // training images' KL per latent
  double train_objective = 0;                      // recon − β·KL (what was climbed)
};

// The held-out average of the amortization gap over the first `images` held-out images.
struct VaeGapSummary {
  int images = 0;
  int64_t step = 0;
  double mean = 0, sd = 0;              // amortization gap (nats)
  double approximation_mean = 0;        // log p(x) − ELBO(q*) (nats)
  double elbo_encoder_mean = 0, elbo_optimal_mean = 0, log_px_mean = 0;
  std::vector<double> gaps;             // per image
};

struct VaeSnapshot {
  VaeConfig config;
  std::string describe;                 // the networks, e.g. "encoder 64→128→4 (tanh, identity), …"
  int64_t step = 0;
  int epoch = 0, steps_per_epoch = 1;
  double epochs_per_s = 0;              // training speed over the last epochs (wall clock)
  bool diverged = false;
  // The latent space: every image's encoded mean (2 × N), its label and split.
  Mat means;
  Eigen::VectorXi labels;
  std::vector<char> is_heldout;
  // The decoded manifold: images (64 × n²) at z on an n × n lattice over [−extent, extent]²;
  // column j·n + i is z = (z₁ at i, z₂ at j), i and j from −extent upward.
  int manifold_n = 0;
  double manifold_extent = 3;
  Mat manifold;
  // Reconstructions: the images (one held-out image per digit 0–9, then the selected one), and
  // their decodings at the encoder's mean.
  std::vector<int> recon_images;
  Mat recon_original, recon_decoded;
  std::vector<VaeEpochStats> history;   // one per epoch, history[0] before training
  // The selected image's q(z|x) from the encoder at this step (every snapshot: the latent plot's
  // ellipse follows training, while `gap` is computed only on request).
  std::optional<LatentGaussian> selected_q;
  std::optional<VaeGap> gap;            // the selected image's (may be from an earlier step)
  std::optional<VaeGapSummary> heldout_gap;
};

// [SECTION] Trainer

class VaeTrainer {
 public:
  using Config = VaeConfig;
  using Snapshot = VaeSnapshot;
  // The trainer's own commands (vi::LiveTrainer::send): gaps computed by the next snapshot, at
  // the weights it shows.
  enum class Command {
    SelectedGap,  // the selected image's gap, again (at the current step)
    HeldoutGap,   // the held-out average over config.gap_images images
  };

  explicit VaeTrainer(const VaeConfig& config);  // throws std::invalid_argument on a bad config

  void step();                                    // one minibatch Adam step
  bool apply(const VaeConfig& config);            // keeps the weights unless the model changed
  void handle(Command c);                         // asks the next snapshot for a gap
  std::shared_ptr<const VaeSnapshot> snapshot();  // the view (computes a requested gap first)
  bool diverged() const { return diverged_; }

  // Headless use (CLI, bench, tests).
  void train_epochs(int epochs);
  int steps_per_epoch() const { return steps_per_epoch_; }
  int epoch() const { return epoch_; }
  int64_t steps() const { return steps_; }
  const std::vector<VaeEpochStats>& history() const { return history_; }
  VaeEpochStats evaluate();                       // at the current weights, fixed ε
  VaeGap gap(int image, const VaeGapOptions& options = {});
  VaeGapSummary heldout_gap(int images, const VaeGapOptions& options = {});
  const VaeModel& model() const { return model_; }
  const Vec& params() const { return params_; }
  const VaeData& data() const { return data_; }
  const VaeConfig& config() const { return config_; }

 private:
  void start_epoch();
  void end_epoch();
  // ELBO terms over images `idx` with the fixed ε (batched).
  VaeTerms evaluate_on(const std::vector<int>& idx);

  VaeConfig config_;
  VaeModel model_;
  VaeData data_;
  Vec params_, grad_;
  std::unique_ptr<Optimizer> adam_;
  Rng batch_rng_, train_rng_;
  Mat eval_eps_;                  // 2 × N: the fixed ε per image
  std::vector<int> order_;        // this epoch's shuffled training images
  int steps_per_epoch_ = 1, batch_in_epoch_ = 0, epoch_ = 0;
  int64_t steps_ = 0;
  bool diverged_ = false;
  VaeModel::Workspace ws_, eval_ws_;
  Mat batch_x_, batch_eps_;
  std::vector<VaeEpochStats> history_;
  std::vector<double> epoch_seconds_;  // wall time of each finished epoch (steps only)
  double epoch_clock_ = 0;             // seconds spent in step() this epoch
  // Requests for the next snapshot, and the image the last gap was computed for (a snapshot
  // computes each request at most once).
  int gap_key_image_ = -1;
  bool gap_requested_ = false, heldout_gap_requested_ = false;
  std::optional<VaeGap> gap_;
  std::optional<VaeGapSummary> heldout_gap_;
};

}  // namespace vi
