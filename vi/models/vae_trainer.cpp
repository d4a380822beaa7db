// vi/models/vae_trainer.cpp — minibatch training, per-epoch evaluation and the snapshot (see the header).
//
// [SECTION] Construction and configuration
// [SECTION] Training
// [SECTION] Evaluation and gaps
// [SECTION] Snapshot
#include "vi/models/vae_trainer.hpp"

#include "vi/core/check.hpp"

#include <chrono>
#include <cmath>
#include <numeric>

namespace vi {

namespace {

constexpr int kManifoldN = 12;
constexpr double kManifoldExtent = 3.0;

// Whether two configurations describe the same model and data (so the weights carry over).
bool same_model(const VaeConfig& a, const VaeConfig& b) {
  return a.hidden == b.hidden && a.layers == b.layers && a.activation == b.activation && a.likelihood == b.likelihood &&
         a.sigma_x == b.sigma_x && a.seed == b.seed && a.heldout == b.heldout;
}

Mat gather(const Mat& m, const std::vector<int>& idx) {
  Mat out(m.rows(), Eigen::Index(idx.size()));
  for (size_t c = 0; c < idx.size(); ++c) out.col(Eigen::Index(c)) = m.col(idx[c]);
  return out;
}

}  // namespace

// [SECTION] Construction and configuration

VaeTrainer::VaeTrainer(const VaeConfig& config)
    : config_(config),
      model_(config),
      data_(vae_data(config.heldout)),
      adam_(make_optimizer("adam")),
      batch_rng_(config.seed, kBatchStream),
      train_rng_(config.seed, kTrainStream) {
  params_ = model_.init(config.seed);
  grad_ = Vec::Zero(params_.size());
  adam_->reset(params_.size());
  eval_eps_.resize(kVaeLatent, data_.n());
  Rng metric(config.seed, kMetricStream);
  metric.fill_normal(eval_eps_);
  // The image selected at construction is not served: a LiveTrainer builds the trainer on the
  // caller's (UI) thread, and a gap takes a moment. The next request is.
  gap_key_image_ = config.selected_image;
  VaeEpochStats s = evaluate();
  s.epoch = 0;
  history_.push_back(s);
  start_epoch();
}

bool VaeTrainer::apply(const VaeConfig& config) {
  check_vae_config(config);
  if (!same_model(config, config_)) {
    *this = VaeTrainer(config);
    return false;
  }
  config_ = config;  // β, lr, batch and the requests take effect from the next step / snapshot
  steps_per_epoch_ = std::max(1, int(data_.train.size()) / config_.batch);
  if ((batch_in_epoch_ + 1) * config_.batch > int(order_.size())) {
    end_epoch();
    start_epoch();
  }
  return true;
}

// [SECTION] Training

void VaeTrainer::start_epoch() {
  order_ = data_.train;
  for (size_t i = order_.size() - 1; i > 0; --i) std::swap(order_[i], order_[size_t(batch_rng_.next_u64() % (i + 1))]);
  batch_in_epoch_ = 0;
  steps_per_epoch_ = std::max(1, int(order_.size()) / config_.batch);
}

void VaeTrainer::end_epoch() {
  ++epoch_;
  VaeEpochStats s = evaluate();
  s.epoch = epoch_;
  history_.push_back(s);
}

void VaeTrainer::step() {
  const auto t0 = std::chrono::steady_clock::now();
  diverged_ = false;
  const int B = std::min(config_.batch, int(order_.size()));
  batch_x_.resize(kVaePixels, B);
  for (int b = 0; b < B; ++b) batch_x_.col(b) = data_.x.col(order_[size_t(batch_in_epoch_ * config_.batch + b)]);
  batch_eps_.resize(kVaeLatent, B);
  train_rng_.fill_normal(batch_eps_);
  const double value = model_.objective(params_, batch_x_, batch_eps_, config_.beta, &grad_, nullptr, ws_);
  if (!std::isfinite(value) || !grad_.allFinite()) {
    diverged_ = true;  // the weights stay the last finite ones
    return;
  }
  adam_->ascend(params_, grad_, config_.lr);
  ++steps_;
  ++batch_in_epoch_;
  if ((batch_in_epoch_ + 1) * config_.batch > int(order_.size())) {
    end_epoch();
    start_epoch();
    epoch_seconds_.push_back(epoch_clock_ + std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    epoch_clock_ = 0;
    return;
  }
  epoch_clock_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void VaeTrainer::train_epochs(int epochs) {
  const int target = epoch_ + std::max(0, epochs);
  while (epoch_ < target) {
    step();
    if (diverged_) return;
  }
}

// [SECTION] Evaluation and gaps

VaeTerms VaeTrainer::evaluate_on(const std::vector<int>& idx) {
  const Mat x = gather(data_.x, idx), eps = gather(eval_eps_, idx);
  VaeTerms t;
  model_.objective(params_, x, eps, 1.0, nullptr, &t, eval_ws_);
  return t;
}

VaeEpochStats VaeTrainer::evaluate() {
  VaeEpochStats s;
  s.epoch = epoch_;
  const VaeTerms tr = evaluate_on(data_.train), ho = evaluate_on(data_.heldout);
  const double nt = tr.count, nh = ho.count;
  s.train_recon = tr.recon / nt;
  s.train_kl = tr.kl / nt;
  s.train_elbo = s.train_recon - s.train_kl;
  s.heldout_recon = ho.recon / nh;
  s.heldout_kl = ho.kl / nh;
  s.heldout_elbo = s.heldout_recon - s.heldout_kl;
  for (int k = 0; k < kVaeLatent; ++k) s.kl_per_latent[size_t(k)] = tr.kl_latent[size_t(k)] / nt;
  s.train_objective = s.train_recon - config_.beta * s.train_kl;
  return s;
}

VaeGap VaeTrainer::gap(int image, const VaeGapOptions& options) {
  check_range("VaeTrainer::gap", "image", image, 0, data_.n() - 1);
  VaeGap g = vae_amortization_gap(model_, params_, data_.x.col(image), image, options);
  g.step = steps_;
  return g;
}

VaeGapSummary VaeTrainer::heldout_gap(int images, const VaeGapOptions& options) {
  check_range("VaeTrainer::heldout_gap", "images", images, 1, int(data_.heldout.size()));
  VaeGapOptions o = options;
  o.contours = false;
  VaeGapSummary s;
  s.images = images;
  s.step = steps_;
  for (int i = 0; i < images; ++i) {
    const VaeGap g = gap(data_.heldout[size_t(i)], o);
    s.gaps.push_back(g.amortization_gap);
    s.mean += g.amortization_gap;
    s.approximation_mean += g.approximation_gap;
    s.elbo_encoder_mean += g.elbo_encoder;
    s.elbo_optimal_mean += g.elbo_optimal;
    s.log_px_mean += g.log_px;
  }
  s.mean /= images;
  s.approximation_mean /= images;
  s.elbo_encoder_mean /= images;
  s.elbo_optimal_mean /= images;
  s.log_px_mean /= images;
  double ss = 0;
  for (double g : s.gaps) ss += (g - s.mean) * (g - s.mean);
  s.sd = images > 1 ? std::sqrt(ss / (images - 1)) : 0.0;
  return s;
}

// [SECTION] Snapshot

void VaeTrainer::handle(Command c) {
  switch (c) {
    case Command::SelectedGap: gap_requested_ = true; break;
    case Command::HeldoutGap: heldout_gap_requested_ = true; break;
  }
}

std::shared_ptr<const VaeSnapshot> VaeTrainer::snapshot() {
  if (config_.selected_image != gap_key_image_ || gap_requested_) {
    gap_key_image_ = config_.selected_image;
    gap_requested_ = false;
    gap_ = gap(config_.selected_image);
  }
  if (heldout_gap_requested_) {
    heldout_gap_requested_ = false;
    heldout_gap_ = heldout_gap(config_.gap_images);
  }

  auto s = std::make_shared<VaeSnapshot>();
  s->config = config_;
  s->describe = model_.describe();
  s->step = steps_;
  s->epoch = epoch_;
  s->steps_per_epoch = steps_per_epoch_;
  s->diverged = diverged_;
  if (!epoch_seconds_.empty()) {
    const size_t n = std::min<size_t>(epoch_seconds_.size(), 5);
    double t = 0;
    for (size_t i = epoch_seconds_.size() - n; i < epoch_seconds_.size(); ++i) t += epoch_seconds_[i];
    s->epochs_per_s = double(n) / t;
  }

  Mat logvar;
  model_.encode(params_, data_.x, s->means, logvar, eval_ws_);
  if (const int sel = config_.selected_image; sel >= 0 && sel < s->means.cols()) {
    LatentGaussian q;
    for (int k = 0; k < kVaeLatent; ++k) {
      q.mean[size_t(k)] = s->means(k, sel);
      q.sd[size_t(k)] = std::exp(0.5 * logvar(k, sel));
    }
    s->selected_q = q;
  }
  s->labels = data_.label;
  s->is_heldout = data_.is_heldout;

  s->manifold_n = kManifoldN;
  s->manifold_extent = kManifoldExtent;
  Mat z(kVaeLatent, kManifoldN * kManifoldN);
  for (int j = 0; j < kManifoldN; ++j)
    for (int i = 0; i < kManifoldN; ++i) {
      z(0, j * kManifoldN + i) = -kManifoldExtent + 2 * kManifoldExtent * i / (kManifoldN - 1);
      z(1, j * kManifoldN + i) = -kManifoldExtent + 2 * kManifoldExtent * j / (kManifoldN - 1);
    }
  s->manifold = model_.decode_image(params_, z, eval_ws_);

  for (int digit = 0; digit <= 9; ++digit)
    for (int img : data_.heldout)
      if (data_.label(img) == digit) {
        s->recon_images.push_back(img);
        break;
      }
  s->recon_images.push_back(config_.selected_image);
  s->recon_original = gather(data_.x, s->recon_images);
  Mat mu, lv;
  model_.encode(params_, s->recon_original, mu, lv, eval_ws_);
  s->recon_decoded = model_.decode_image(params_, mu, eval_ws_);

  s->history = history_;
  s->gap = gap_;
  s->heldout_gap = heldout_gap_;
  return s;
}

}  // namespace vi
