// vi/models/bnn.cpp — the Bayesian neural network and its trainer (see vi/models/bnn.hpp).
//
// [SECTION] Configuration and data
// [SECTION] ELBO and KL
// [SECTION] MAP objective and predictions
// [SECTION] Predictive, gap and gradient spread
// [SECTION] Trainer
#include "vi/models/bnn.hpp"

#include "vi/models/bayes_dense.hpp"
#include "vi/core/check.hpp"
#include "vi/core/math.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace vi {

namespace {
constexpr const char* kFn = "bnn";
constexpr int kMaxWidth = 1000, kMaxSamples = 1000;

// The curve the default data follow.
double gap_curve(double x) { return std::sin(x) + 0.1 * x * x - 0.8; }
}  // namespace

// [SECTION] Configuration and data

DataPoints bnn_gap_data(const BnnDataSettings& s) {
  check_positive("bnn data", "n", s.n);
  if (!(s.noise >= 0) || !std::isfinite(s.noise)) throw_invalid("bnn data", "noise is " + to_text(s.noise) + ", but must be finite and >= 0");
  Rng rng(s.seed, kTrainStream);
  DataPoints d(size_t(s.n));
  for (int i = 0; i < s.n; ++i) {
    // Alternate clusters so that any n keeps both sides filled.
    const double u = rng.uniform();
    const double x = i % 2 == 0 ? -4.0 + 2.5 * u : 1.5 + 2.5 * u;
    d[size_t(i)] = {x, gap_curve(x) + s.noise * rng.normal()};
  }
  std::sort(d.begin(), d.end(), [](const DataPoint& a, const DataPoint& b) { return a.x < b.x; });
  return d;
}

DataPoints bnn_default_data() { return bnn_gap_data(BnnDataSettings{}); }

void check_bnn_config(const BnnConfig& c) {
  check_range(kFn, "width H", c.width, 1, kMaxWidth);
  if (c.activation != nn::Activation::Tanh && c.activation != nn::Activation::Relu)
    throw_invalid(kFn, std::string("activation must be tanh or relu, not ") + nn::activation_name(c.activation));
  check_positive(kFn, "noise sd sigma_y", c.sigma_y);
  check_finite(kFn, "noise sd sigma_y", c.sigma_y);
  check_positive(kFn, "prior sd", c.prior_sd);
  check_finite(kFn, "prior sd", c.prior_sd);
  check_range(kFn, "samples S", c.samples, 1, kMaxSamples);
  check_positive(kFn, "learning rate", c.lr);
  check_finite(kFn, "learning rate", c.lr);
  check_positive(kFn, "initial scale", c.init_sd);
  check_finite(kFn, "initial scale", c.init_sd);
  if (c.data.empty()) throw_invalid(kFn, "the data are empty, but at least 1 point is needed");
  for (size_t i = 0; i < c.data.size(); ++i)
    if (!std::isfinite(c.data[i].x) || !std::isfinite(c.data[i].y)) {
      std::string what = "data point ";
      what += std::to_string(i);
      what += " is (" + to_text(c.data[i].x) + ", " + to_text(c.data[i].y) + "), but must be finite";
      throw_invalid(kFn, what);
    }
}

BnnModel::BnnModel(const BnnConfig& c)
    : net_((check_bnn_config(c), std::vector<int>{1, c.width, 1}), c.activation, nn::Activation::Identity) {
  set_data(c);
}

void BnnModel::set_data(const BnnConfig& c) {
  check_bnn_config(c);
  const Eigen::Index n = Eigen::Index(c.data.size());
  x_.resize(1, n);
  y_.resize(1, n);
  for (Eigen::Index i = 0; i < n; ++i) x_(0, i) = c.data[size_t(i)].x, y_(0, i) = c.data[size_t(i)].y;
  sigma_y_ = c.sigma_y;
  prior_sd_ = c.prior_sd;
}

Vec BnnModel::initial_phi(Rng& rng, double init_sd) const {
  const int p = weight_count();
  Vec phi(2 * p);
  net_.init(phi.data(), rng);
  phi.tail(p).setConstant(nn::softplus_scale_inverse(init_sd));
  return phi;
}

BnnNoise BnnModel::draw_noise(Rng& rng, int samples, bool local) const {
  BnnNoise noise;
  if (!local) {
    noise.weights.resize(weight_count(), samples);
    rng.fill_normal(noise.weights);
    return noise;
  }
  noise.pre.resize(size_t(samples));
  for (auto& per_layer : noise.pre)
    for (const auto& layer : net_.layers()) {
      per_layer.emplace_back(layer.out, x_.cols());
      rng.fill_normal(per_layer.back());
    }
  return noise;
}

// [SECTION] ELBO and KL

double BnnModel::kl(const Vec& phi, Vec* grad_minus) const {
  // KL(N(μ, σ²) ‖ N(0, σ_p²)) = log(σ_p/σ) + (σ² + μ²)/(2σ_p²) − 1/2, summed over the weights.
  const int p = weight_count();
  const double vp = prior_sd_ * prior_sd_;
  double kl = 0;
  for (int i = 0; i < p; ++i) {
    const double mu = phi(i), rho = phi(p + i), s = nn::softplus_scale(rho);
    // log σ without underflow for very negative ρ (σ ≈ e^ρ there).
    const double log_s = rho < -30 ? rho : std::log(s);
    kl += std::log(prior_sd_) - log_s + (s * s + mu * mu) / (2 * vp) - 0.5;
    if (grad_minus) {
      (*grad_minus)(i) -= mu / vp;
      (*grad_minus)(p + i) -= (-1.0 / s + s / vp) * sigmoid(rho);
    }
  }
  return kl;
}

BnnTerms BnnModel::elbo(const Vec& phi, const BnnNoise& noise, Vec* grad) const {
  const int p = weight_count();
  const int S = noise.samples();
  const Eigen::Index n = x_.cols();
  const double* mu = phi.data();
  const double* rho = phi.data() + p;
  if (grad) grad->setZero(2 * p);
  const double inv_var = 1.0 / (sigma_y_ * sigma_y_);
  const double log_norm = -0.5 * kLog2Pi - std::log(sigma_y_);
  double ell = 0;
  Mat d_out;
  if (!noise.local()) {
    Vec w(p), dw(p);
    nn::Tape tape;
    for (int s = 0; s < S; ++s) {
      const double* eps = noise.weights.col(s).data();
      nn::sample_weights(mu, rho, eps, w.data(), p);
      const Mat& f = net_.forward(w.data(), x_, tape);
      const Mat r = y_ - f;
      ell += double(n) * log_norm - 0.5 * inv_var * r.squaredNorm();
      if (grad) {
        d_out = r * (inv_var / S);
        dw.setZero();
        net_.backward(w.data(), x_, tape, d_out, dw.data());
        nn::sample_weights_backward(rho, eps, dw.data(), grad->data(), grad->data() + p, p);
      }
    }
  } else {
    const auto& layers = net_.layers();
    std::vector<nn::LocalReparamTape> tapes(layers.size());
    Mat da, dx;
    for (int s = 0; s < S; ++s) {
      const std::vector<Mat>& eps = noise.pre[size_t(s)];
      const Mat* input = &x_;
      for (size_t l = 0; l < layers.size(); ++l) {
        nn::local_reparam_forward(layers[l], mu, rho, *input, eps[l], tapes[l]);
        input = &tapes[l].a;
      }
      const Mat r = y_ - tapes.back().a;
      ell += double(n) * log_norm - 0.5 * inv_var * r.squaredNorm();
      if (grad) {
        da = r * (inv_var / S);
        for (size_t l = layers.size(); l-- > 0;) {
          const Mat& in = l == 0 ? x_ : tapes[l - 1].a;
          nn::local_reparam_backward(layers[l], mu, rho, in, eps[l], tapes[l], da, grad->data(), grad->data() + p,
                                     l == 0 ? nullptr : &dx);
          if (l > 0) da = dx;
        }
      }
    }
  }
  BnnTerms t;
  t.expected_log_lik = ell / S;
  t.kl = kl(phi, grad);
  t.elbo = t.expected_log_lik - t.kl;
  return t;
}

// [SECTION] MAP objective and predictions

Mat BnnModel::predict(const Vec& w, const Mat& x) const {
  nn::Tape tape;
  return net_.forward(w.data(), x, tape);
}

double BnnModel::log_lik(const Vec& w) const {
  const Mat r = y_ - predict(w, x_);
  return double(x_.cols()) * (-0.5 * kLog2Pi - std::log(sigma_y_)) - 0.5 * r.squaredNorm() / (sigma_y_ * sigma_y_);
}

double BnnModel::log_joint(const Vec& w, Vec* grad) const {
  const int p = weight_count();
  const double vp = prior_sd_ * prior_sd_;
  nn::Tape tape;
  const Mat r = y_ - net_.forward(w.data(), x_, tape);
  const double ll = double(x_.cols()) * (-0.5 * kLog2Pi - std::log(sigma_y_)) - 0.5 * r.squaredNorm() / (sigma_y_ * sigma_y_);
  const double lp = double(p) * (-0.5 * kLog2Pi - std::log(prior_sd_)) - 0.5 * w.squaredNorm() / vp;
  if (grad) {
    grad->setZero(p);
    const Mat d_out = r / (sigma_y_ * sigma_y_);
    net_.backward(w.data(), x_, tape, d_out, grad->data());
    *grad -= w / vp;
  }
  return ll + lp;
}

// [SECTION] Predictive, gap and gradient spread

BnnPredictive bnn_predictive(const BnnModel& m, const Vec& phi, const Vec& grid, const Mat& eps, int n_functions) {
  const int p = m.weight_count();
  const Eigen::Index g = grid.size(), draws = eps.cols();
  const Mat x = grid.transpose();
  BnnPredictive out;
  out.grid = grid;
  Vec sum = Vec::Zero(g), sum2 = Vec::Zero(g), w(p);
  out.functions.resize(std::min<Eigen::Index>(n_functions, draws), g);
  nn::Tape tape;
  for (Eigen::Index s = 0; s < draws; ++s) {
    nn::sample_weights(phi.data(), phi.data() + p, eps.col(s).data(), w.data(), p);
    const Mat& f = m.net().forward(w.data(), x, tape);
    sum += f.row(0).transpose();
    sum2 += f.row(0).transpose().cwiseAbs2();
    if (s < out.functions.rows()) out.functions.row(s) = f.row(0);
  }
  out.mean = sum / double(draws);
  // The sample variance with the n − 1 denominator, clamped at 0 against round-off.
  const double denom = std::max<double>(1, double(draws - 1));
  out.sd_f = ((sum2 - double(draws) * out.mean.cwiseAbs2()) / denom).cwiseMax(0.0).cwiseSqrt();
  out.sd_total = (out.sd_f.cwiseAbs2().array() + m.sigma_y() * m.sigma_y()).sqrt().matrix();
  return out;
}

BnnGap widest_gap(const DataPoints& data) {
  std::vector<double> xs;
  for (const auto& d : data) xs.push_back(d.x);
  std::sort(xs.begin(), xs.end());
  BnnGap gap;
  for (size_t i = 1; i < xs.size(); ++i)
    if (xs[i] - xs[i - 1] > gap.hi - gap.lo) gap = {xs[i - 1], xs[i], true};
  return gap;
}

BnnGapSd bnn_gap_sd(const DataPoints& data, const Vec& grid, const Vec& sd_f) {
  const BnnGap gap = widest_gap(data);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& d : data) lo = std::min(lo, d.x), hi = std::max(hi, d.x);
  const double near = 0.02 * std::max(hi - lo, 1e-9);
  const double q = 0.25 * (gap.hi - gap.lo);
  double s_gap = 0, s_data = 0;
  int n_gap = 0, n_data = 0;
  for (Eigen::Index i = 0; i < grid.size(); ++i) {
    const double x = grid(i);
    if (gap.found && x >= gap.lo + q && x <= gap.hi - q) s_gap += sd_f(i), ++n_gap;
    bool close = false;
    for (const auto& d : data) close = close || std::abs(d.x - x) <= near;
    if (close) s_data += sd_f(i), ++n_data;
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  return {n_gap ? s_gap / n_gap : nan, n_data ? s_data / n_data : nan};
}

BnnGradSpread bnn_gradient_spread(const BnnModel& m, const Vec& phi, int samples, bool local, int replicates, Rng& rng) {
  const Eigen::Index d = phi.size();
  Vec sum = Vec::Zero(d), sum2 = Vec::Zero(d), g(d);
  for (int r = 0; r < replicates; ++r) {
    m.elbo(phi, m.draw_noise(rng, samples, local), &g);
    sum += g;
    sum2 += g.cwiseAbs2();
  }
  BnnGradSpread out;
  out.mean = sum / replicates;
  out.variance = ((sum2 - replicates * out.mean.cwiseAbs2()) / std::max(1, replicates - 1)).cwiseMax(0.0);
  return out;
}

// [SECTION] Trainer

BnnTrainer::BnnTrainer(const BnnConfig& c) : config_(c), model_(c) { restart(); }

void BnnTrainer::restart() {
  rng_.reseed(config_.seed, kTrainStream);
  phi_ = model_.initial_phi(rng_, config_.init_sd);
  // The MAP network starts from the same weights as q's means: the two fits differ only by
  // what they optimize.
  map_ = phi_.head(model_.weight_count());
  opt_ = make_optimizer("adam");
  opt_->reset(phi_.size());
  map_opt_ = make_optimizer("adam");
  map_opt_->reset(map_.size());
  Rng display(config_.seed, kDisplayStream);
  fixed_eps_.resize(model_.weight_count(), kDraws);
  display.fill_normal(fixed_eps_);
  history_.clear();
  window_elbo_ = window_ell_ = 0;
  window_n_ = 0;
  steps_ = 0;
  diverged_ = false;
}

bool BnnTrainer::apply(const BnnConfig& c) {
  check_bnn_config(c);
  const bool keep = c.width == config_.width && c.activation == config_.activation && c.init_sd == config_.init_sd &&
                    c.seed == config_.seed;
  if (keep) {
    model_.set_data(c);
    config_ = c;
    diverged_ = false;
    return true;
  }
  model_ = BnnModel(c);
  config_ = c;
  restart();
  return false;
}

void BnnTrainer::step() {
  const BnnNoise noise = model_.draw_noise(rng_, config_.samples, config_.local_reparam);
  const BnnTerms t = model_.elbo(phi_, noise, &grad_);
  model_.log_joint(map_, &map_grad_);
  if (!std::isfinite(t.elbo) || !grad_.allFinite() || !map_grad_.allFinite()) {
    diverged_ = true;  // keep the last finite parameters
    return;
  }
  phi_backup_ = phi_;
  map_backup_ = map_;
  opt_->ascend(phi_, grad_, config_.lr);
  map_opt_->ascend(map_, map_grad_, config_.lr);
  if (!phi_.allFinite() || !map_.allFinite()) {
    phi_ = phi_backup_;
    map_ = map_backup_;
    diverged_ = true;
    return;
  }
  ++steps_;
  window_elbo_ += t.elbo;
  window_ell_ += t.expected_log_lik;
  ++window_n_;
  if (history_.due(steps_)) {
    HistoryPoint h;
    h.step = steps_;
    h.elbo_estimate = t.elbo;
    h.elbo = window_elbo_ / window_n_;
    h.e_log_p = window_ell_ / window_n_;
    h.kl_q_p = t.kl;  // exact: the KL has no Monte Carlo noise
    history_.add(h);
    window_elbo_ = window_ell_ = 0;
    window_n_ = 0;
  }
}

BnnTerms BnnTrainer::metric_terms() const {
  BnnNoise noise;
  noise.weights = fixed_eps_;
  return model_.elbo(phi_, noise, nullptr);
}

Vec BnnTrainer::grid() const {
  double lo = config_.data.front().x, hi = lo;
  for (const auto& d : config_.data) lo = std::min(lo, d.x), hi = std::max(hi, d.x);
  const double widen = 0.3 * std::max(hi - lo, 1.0);
  return Vec::LinSpaced(kGrid, lo - widen, hi + widen);
}

BnnPredictive BnnTrainer::predictive() const { return bnn_predictive(model_, phi_, grid(), fixed_eps_, kFunctions); }

std::shared_ptr<const BnnSnapshot> BnnTrainer::snapshot() {
  auto s = std::make_shared<BnnSnapshot>();
  s->data = config_.data;
  s->architecture = model_.net().describe();
  BnnPredictive p = predictive();
  s->grid = p.grid;
  s->mean = p.mean;
  s->sd_f = p.sd_f;
  s->sd_total = p.sd_total;
  s->functions = std::move(p.functions);
  s->map = model_.predict(map_, s->grid.transpose()).row(0).transpose();
  s->gap = widest_gap(config_.data);
  s->gap_sd = bnn_gap_sd(config_.data, s->grid, s->sd_f);
  s->terms = metric_terms();
  s->history = history_.points();
  s->map_log_joint = model_.log_joint(map_, nullptr);
  const Mat fit = model_.predict(map_, model_.x());
  const double n = double(model_.x().cols());
  s->map_rmse = std::sqrt((model_.y() - fit).squaredNorm() / n);
  const double ybar = model_.y().mean();
  s->constant_rmse = std::sqrt((model_.y().array() - ybar).square().sum() / n);
  const int p_count = model_.weight_count();
  s->mean_scale = phi_.tail(p_count).unaryExpr([](double r) { return nn::softplus_scale(r); }).mean();
  s->steps = steps_;
  return s;
}

}  // namespace vi
