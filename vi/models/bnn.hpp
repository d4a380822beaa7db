// vi/models/bnn.hpp — a Bayesian neural network for 1D regression fitted by Bayes by backprop
// (Blundell, Cornebise, Kavukcuoglu & Wierstra 2015), with a MAP network beside it.
//
// Model: y_n = f_w(x_n) + N(0, σ_y²), f_w a 1→H→1 network (tanh or relu hidden units, linear
// output), prior w ~ N(0, σ_p² I) over every weight and bias. Posterior approximation: mean-field
// q(w) = Π N(μᵢ, softplus(ρᵢ)²), φ = (μ, ρ) (2P numbers for P weights). Objective:
//     ELBO(φ) = Σ_n E_q log N(y_n | f_w(x_n), σ_y²) − KL(q ‖ N(0, σ_p² I)),
// the expectation by S reparameterized draws (plain: one w per draw shared by all N points;
// local: pre-activations drawn per point, vi/models/bayes_dense.hpp), the KL in closed form.
//
// The MAP network is the same architecture trained by Adam on log p(y | w) + log p(w): the point
// estimate a student compares the band with. Its curve agrees with the band's mean on the data
// and says nothing about its own uncertainty in the gap.
//
// Note on what to expect (Foong, Li, Hernández-Lobato & Turner 2019, "'In-between' uncertainty
// in Bayesian neural networks"): for one hidden layer and mean-field q, Var f between two inputs
// is bounded by about the sum of the variances at them (proved for ReLU), so the band in a gap
// between two clusters widens, but by a bounded factor; beyond the data it widens freely.
//
// [SECTION] Configuration and data
// [SECTION] The model: ELBO, KL, MAP objective, predictive
// [SECTION] The trainer (the vi::LiveTrainer Trainer concept)
#pragma once

#include "vi/engine/history.hpp"
#include "vi/models/nn.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/core/rng.hpp"
#include "vi/core/types.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace vi {

// [SECTION] Configuration and data

// The default data: N points in two clusters x ∈ [−4, −1.5] ∪ [1.5, 4] (a gap of width 3 around
// 0), y = sin(x)·… see bnn.cpp, plus N(0, noise²).
struct BnnDataSettings {
  int n = 40;            // points (half in each cluster)
  double noise = 0.1;    // sd of the noise added to the curve
  uint64_t seed = 1;     // the draw of x and of the noise
  bool operator==(const BnnDataSettings&) const = default;
};
DataPoints bnn_gap_data(const BnnDataSettings& s);  // throws on n < 1 or noise < 0
DataPoints bnn_default_data();                      // bnn_gap_data with the defaults above

struct BnnConfig {
  // Hidden units H. 20, not more: every unit the data do not need still pays its KL, and at 50
  // the fit after 5000 steps had ELBO −242 (KL 240) against −98 (KL 116) at 20, with a band 2.2×
  // (not 3.5×) wider in the gap than on the data (`vilab run --model bnn --set width=…`).
  int width = 20;
  nn::Activation activation = nn::Activation::Tanh;  // hidden activation (tanh or relu)
  double sigma_y = 0.1;                            // observation noise sd (fixed, not learnt)
  double prior_sd = 1.0;                           // σ_p of the N(0, σ_p² I) weight prior
  int samples = 1;                                 // S weight draws per step
  bool local_reparam = true;                       // local reparameterization (else one w per draw)
  double lr = 0.01;                                // Adam step size (VI and MAP fits alike)
  double init_sd = 0.01;                           // softplus(ρ) at the start, every weight
  uint64_t seed = 1;                               // initial μ (= the MAP start) and training draws
  DataPoints data = bnn_default_data();            // (x, y) pairs; the app edits them
  bool operator==(const BnnConfig&) const = default;
};

// Throws std::invalid_argument naming the bad field ("bnn: width H is 0, but must be > 0").
void check_bnn_config(const BnnConfig& c);

// [SECTION] The model: ELBO, KL, MAP objective, predictive

struct BnnTerms {
  double elbo = 0, expected_log_lik = 0, kl = 0;
};

// The noise of one ELBO estimate: plain = `weights` (P × S); local = `pre[s][l]` (layer l's
// out × N per draw s). Fixed noise makes the estimate a smooth function of φ (the FD tests).
struct BnnNoise {
  Mat weights;
  std::vector<std::vector<Mat>> pre;
  bool local() const { return !pre.empty(); }
  int samples() const { return local() ? int(pre.size()) : int(weights.cols()); }
};

// The widest interval between two consecutive data x values: the "gap" the views shade.
struct BnnGap {
  double lo = 0, hi = 0;
  bool found = false;  // false with fewer than two distinct x
};
BnnGap widest_gap(const DataPoints& data);

class BnnModel {
 public:
  explicit BnnModel(const BnnConfig& c);  // checks c
  // Takes new data, σ_y and σ_p (the architecture stays); checks them.
  void set_data(const BnnConfig& c);

  const nn::Mlp& net() const { return net_; }
  int weight_count() const { return net_.param_count(); }  // P; φ has 2P entries
  const Mat& x() const { return x_; }                       // 1 × N
  const Mat& y() const { return y_; }
  double sigma_y() const { return sigma_y_; }
  double prior_sd() const { return prior_sd_; }

  // μ by the network's Glorot init, ρ = softplus⁻¹(init_sd).
  Vec initial_phi(Rng& rng, double init_sd) const;
  BnnNoise draw_noise(Rng& rng, int samples, bool local) const;

  // The ELBO estimate on `noise` (expected log-lik averaged over its S draws, exact KL); when
  // grad is non-null it is set to ∂ELBO/∂φ (2P).
  BnnTerms elbo(const Vec& phi, const BnnNoise& noise, Vec* grad) const;
  // KL(q ‖ N(0, σ_p² I)) in closed form; adds −∂KL/∂φ to *grad when non-null.
  double kl(const Vec& phi, Vec* grad_minus) const;

  // log N(y | f_w(x), σ_y²) summed over the data.
  double log_lik(const Vec& w) const;
  // log p(y | w) + log p(w) and, when grad is non-null, its gradient (P): the MAP objective.
  double log_joint(const Vec& w, Vec* grad) const;
  // f_w at the points x (1 × G).
  Mat predict(const Vec& w, const Mat& x) const;

 private:
  nn::Mlp net_;
  Mat x_, y_;
  double sigma_y_ = 0.1, prior_sd_ = 1.0;
};

// What q predicts on a grid, from fixed base draws eps (P × M): the mean of f, its sd (the
// epistemic part), the sd with the noise added (√(sd_f² + σ_y²)), and the first `n_functions`
// drawn functions (rows).
struct BnnPredictive {
  Vec grid, mean, sd_f, sd_total;
  Mat functions;
};
BnnPredictive bnn_predictive(const BnnModel& m, const Vec& phi, const Vec& grid, const Mat& eps, int n_functions);

// The mean epistemic sd over the grid points in the middle half of the widest gap (in_gap) and
// over the grid points within 2 % of the data's range of a data point (on_data). NaN when a set
// is empty.
struct BnnGapSd {
  double in_gap = 0, on_data = 0;
};
BnnGapSd bnn_gap_sd(const DataPoints& data, const Vec& grid, const Vec& sd_f);

// Gradient estimator's spread at a fixed φ: the mean and the variance over `replicates` fresh
// draws of every component of ∂ELBO/∂φ (for the local-vs-plain comparison and its test).
struct BnnGradSpread {
  Vec mean, variance;
};
BnnGradSpread bnn_gradient_spread(const BnnModel& m, const Vec& phi, int samples, bool local, int replicates, Rng& rng);

// [SECTION] The trainer (the vi::LiveTrainer Trainer concept)

struct BnnSnapshot {
  DataPoints data;
  std::string architecture;                  // "1→20→1 (tanh, identity)"
  Vec grid, mean, sd_f, sd_total, map;       // on the grid (G points)
  Mat functions;                             // a few draws of f from q (rows), on the grid
  BnnGap gap;
  BnnGapSd gap_sd;
  BnnTerms terms;                            // ELBO, E log-lik, KL on the fixed draws
  std::vector<HistoryPoint> history;         // step, elbo_estimate = the step's own estimate,
                                             // elbo = its mean since the previous point,
                                             // e_log_p = E_q log-lik (same mean), kl_q_p = KL
  double map_log_joint = 0, map_rmse = 0, constant_rmse = 0;
  double mean_scale = 0;                     // mean softplus(ρ) over the weights
  int64_t steps = 0;
};

class BnnTrainer {
 public:
  using Config = BnnConfig;
  using Snapshot = BnnSnapshot;
  static constexpr int kGrid = 200;       // predictive grid points
  static constexpr int kDraws = 200;      // fixed draws of q for the band and the metric ELBO
  static constexpr int kFunctions = 8;    // drawn functions shown

  explicit BnnTrainer(const BnnConfig& c);
  void step();
  // Keeps φ, the MAP weights and Adam's state when only the data, σ_y, σ_p, S, lr or the local
  // flag changed (the fit follows edited data live); restarts otherwise. Throws on a bad config.
  bool apply(const BnnConfig& c);
  std::shared_ptr<const BnnSnapshot> snapshot();
  bool diverged() const { return diverged_; }

  const BnnModel& model() const { return model_; }
  const Vec& phi() const { return phi_; }
  const Vec& map_weights() const { return map_; }
  int64_t steps() const { return steps_; }
  // The ELBO and its terms on the fixed draws (smooth in φ, the same draws every call).
  BnnTerms metric_terms() const;
  // The predictive on the snapshot's grid (what the band shows).
  BnnPredictive predictive() const;
  Vec grid() const;

 private:
  void restart();

  BnnConfig config_;
  BnnModel model_;
  Vec phi_, map_, grad_, map_grad_, phi_backup_, map_backup_;
  std::unique_ptr<Optimizer> opt_, map_opt_;
  Rng rng_;
  Mat fixed_eps_;  // P × kDraws, from the display stream: the band does not flicker
  History history_{2048, 10};  // each point: the mean of the steps since the one before
  double window_elbo_ = 0, window_ell_ = 0;
  int window_n_ = 0;
  int64_t steps_ = 0;
  bool diverged_ = false;
};

}  // namespace vi
