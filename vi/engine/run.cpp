// vi/engine/run.cpp — one fit.
//
// [SECTION] Display draws, target data (problem + quadrature references, shared between runs)
// [SECTION] Construction
// [SECTION] Stepping and divergence
// [SECTION] Metrics
#include "vi/engine/run.hpp"

#include "vi/core/check.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/models/minibatch.hpp"
#include "vi/models/models.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace vi {

namespace {
constexpr int kDisplaySamples = 600;
constexpr int kQuadCells = 128;  // cells per axis of the grid on q's mass box (KL(q‖p))
}  // namespace

DisplayDraws display_draws(const Scene& scene, int base_rows) {
  Rng rng(scene.seed, kDisplayStream);
  DisplayDraws d{Mat(base_rows, kDisplaySamples), Vec(kDisplaySamples)};
  rng.fill_normal(d.eps);
  for (auto& u : d.u) u = rng.uniform();
  return d;
}

// [SECTION] Target data

std::shared_ptr<const TargetData> make_target_data(const Scene& scene) {
  auto data = std::make_shared<TargetData>();
  data->problem = make_problem(scene);
  // Quadrature references exist for 2D problems; a model of higher dimension brings its own
  // exact answers (log Z, moments) or has none.
  if (data->problem->dim() == 2) data->reference = compute_reference(*data->problem, scene.grid);
  if (auto exact = data->problem->exact_log_z()) {
    data->log_z = *exact;
    data->log_z_exact = true;
  } else {
    data->log_z = data->reference.log_z;
  }
  if (auto exact = data->problem->exact_moments()) {
    data->p_moments = *exact;
    data->p_moments_exact = true;
  } else {
    data->p_moments = data->reference.moments;
  }
  if (data->problem->dim() == 2) data->p_sampler = GridSampler(data->reference.log_p);
  return data;
}

// [SECTION] Construction

namespace {
// The convergence rule a scene asks for. Called before the scene is validated, so out-of-range
// values are clamped here and refused by Scene::validate just after.
ConvergenceOptions convergence_options(const Scene& s) {
  ConvergenceOptions o;
  o.eval_every = std::max(1, s.converge_every);
  o.window = std::max(1, s.converge_window);
  o.tol_rel_obj = s.converge_tol > 0 && std::isfinite(s.converge_tol) ? s.converge_tol : 0.01;
  o.statistic = s.converge_statistic == "mean"     ? ConvergenceOptions::Statistic::mean
                : s.converge_statistic == "median" ? ConvergenceOptions::Statistic::median
                                                   : ConvergenceOptions::Statistic::either;
  o.auto_stop = s.auto_stop;
  o.scale_floor = 1.0;  // see ConvergenceOptions::scale_floor: most 2D targets are normalized
  return o;
}

constexpr int kDiagnosticDraws = 4096;   // draws of q per k̂ evaluation (as `vilab run` reports)
constexpr int kResampledDraws = 600;     // PSIS-resampled draws kept for the density view
constexpr size_t kDiagnosticCapacity = 1024;
}  // namespace

Run::Run(const Scene& scene, std::shared_ptr<const TargetData> target, bool record)
    : scene_(scene), target_(std::move(target)), history_(4096, scene.metrics_every > 0 ? scene.metrics_every : 1),
      rule_(convergence_options(scene)), record_(record) {
  scene_.validate();
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  if (!target_) target_ = make_target_data(scene_);
  const int d = target_->problem->dim();
  family_ = make_family(scene_.family, d, scene_.family_options);
  optimizer_ = make_optimizer(scene_.optimizer);
  Vec mean = Vec::Zero(d);
  mean(0) = scene_.init_mean_x;
  if (d > 1) mean(1) = scene_.init_mean_y;
  phi_ = family_->initial_params(mean, scene_.init_log_sd);
  grad_.resize(phi_.size());
  prev_phi_.resize(phi_.size());
  param_history_ = ParamTrace(int(phi_.size()), scene.metrics_every > 0 ? scene.metrics_every : 1);
  optimizer_->reset(phi_.size());
  spec_ = objective_spec(scene_);
  check_objective_supported(*family_, spec_, d, scene_.samples);
  rng_.reseed(scene_.seed, kTrainStream);
  const int e = family_->base_dim();
  ws_.resize(d, scene_.samples);

  Rng metric_rng(scene_.seed, kMetricStream);
  const int half = (scene_.metric_samples + 1) / 2;
  metric_eps_.resize(e, 2 * half);
  Mat draws(e, half);
  metric_rng.fill_normal(draws);
  metric_eps_.leftCols(half) = draws;
  metric_eps_.rightCols(half) = -draws;
  metric_z_.resize(d, 2 * half);
  metric_logp_.resize(2 * half);
  metric_logq_.resize(2 * half);

  DisplayDraws display = display_draws(scene_, e);
  display_eps_ = std::move(display.eps);
  display_u_ = std::move(display.u);
  metric_a_.resize(2 * half);

  if (d == 2) {
    grid_points_ = target_->reference.log_p.points();
    grid_logq_.resize(grid_points_.cols());
  }
  configure_minibatch();
  if (record_) record_history();
}

// Minibatching starts (its batch stream from the seed's start) when the scene asks for |B| < N,
// carries on when only |B| changes, and stops when |B| is 0 or N.
void Run::configure_minibatch() {
  const int n = target_->problem->data_size();
  if (scene_.batch <= 0 || scene_.batch >= n) {
    minibatch_.reset();
  } else if (minibatch_) {
    if (minibatch_->batch_size() != scene_.batch) minibatch_->set_batch_size(scene_.batch);
  } else {
    minibatch_ = std::make_unique<MinibatchProblem>(*target_->problem, scene_.batch, scene_.seed);
  }
}

std::span<const int> Run::last_batch() const { return minibatch_ ? minibatch_->batch() : std::span<const int>(); }

void Run::check_update(const Scene& next) const {
  if (!scene_.can_continue_into(next))
    throw_invalid("Run::update_scene", "the new scene changes more than Scene::can_continue_into allows");
  next.validate();
  check_objective_supported(*family_, objective_spec(next), family_->dim(), next.samples);
}

void Run::update_scene(const Scene& next) {
  check_update(next);
  const ConvergenceOptions rule = convergence_options(next);
  if (convergence_options(scene_).eval_every != rule.eval_every || scene_.converge_window != next.converge_window ||
      scene_.converge_tol != next.converge_tol || scene_.converge_statistic != next.converge_statistic ||
      scene_.auto_stop != next.auto_stop)
    rule_ = ConvergenceRule(rule);  // a new rule starts with an empty window
  scene_ = next;
  spec_ = objective_spec(next);
  ws_.resize(family_->dim(), scene_.samples);  // the draws are resized by the next step
  configure_minibatch();
}

void Run::set_params(const Vec& phi) {
  if (phi.size() != phi_.size())
    throw_invalid("Run::set_params", "φ has " + std::to_string(phi.size()) + " entries, the family " +
                                         family_->name() + " has " + std::to_string(phi_.size()));
  Vec next = phi;
  family_->project(next);
  if (!family_->valid(next)) throw_invalid("Run::set_params", "φ does not define a valid q (non-finite or degenerate)");
  phi_ = std::move(next);
  optimizer_->reset(phi_.size());  // Adam's moments and momentum belong to the old φ
  rule_.reset();                   // so does the convergence rule's window of ELBO changes
  stop_pending_ = false;
  status_ = RunStatus::Ok;
  message_.clear();
  failure_ = {};
  prev_phi_valid_ = false;  // the φ before the drag is not this fit's previous step
}

// [SECTION] Stepping and divergence

void Run::fail(const std::string& what) {
  status_ = RunStatus::Diverged;
  if (failure_.cause == FailureCause::None) failure_.cause = FailureCause::Parameters;
  if (failure_.step == 0) failure_.step = step_ + 1;
  failure_.kept_step = step_;
  message_ = what + " at step " + std::to_string(failure_.step) + "; kept the last finite φ (step " +
             std::to_string(step_) + "). Lower the learning rate and resume, or reset.";
}

namespace {

// "(−0.31, 0.52)": a point for a message, the first few coordinates of a long one.
std::string point_text(const Vec& z) {
  std::string s = "(";
  const Eigen::Index n = std::min<Eigen::Index>(z.size(), 4);
  for (Eigen::Index i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", z(i));
    std::string t = buf;
    if (t[0] == '-') t = "\u2212" + t.substr(1);
    s += (i ? ", " : "") + t;
  }
  if (z.size() > n) s += ", \u2026";
  return s + ")";
}

std::string value_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+\u221E" : "\u2212\u221E";
  return to_text(v);
}

// Within reach of the target: inside its box widened tenfold about the centre (2D), or within
// ±1e6 (models). A blown-up q's draws lie far beyond, where any density overflows (the funnel's
// e^{−z₁} at z₁ = −800): that is the step's fault, not the target's.
bool within_reach(const Problem& problem, const Eigen::Ref<const Vec>& z) {
  if (!z.allFinite()) return false;
  const Box b = problem.reference_box();
  if (z.size() == 2 && b.width() > 0 && b.height() > 0) {
    const double cx = 0.5 * (b.x0 + b.x1), cy = 0.5 * (b.y0 + b.y1);
    return std::abs(z(0) - cx) <= 5 * b.width() && std::abs(z(1) - cy) <= 5 * b.height();
  }
  return z.cwiseAbs().maxCoeff() <= 1e6;
}

}  // namespace

bool Run::find_target_fault(const Problem& problem, RunFailure& f) const {
  const Mat& z = ws_.z;
  if (z.cols() == 0 || z.rows() != problem.dim()) return false;
  Vec lp(z.cols());
  Mat g(z.rows(), z.cols());
  problem.eval(z, lp, &g);
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    if (!std::isfinite(lp(s)) && within_reach(*target_->problem, z.col(s))) {
      f.cause = FailureCause::TargetValue;
      f.z = z.col(s);
      f.log_p = lp(s);
      return true;
    }
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    if (!g.col(s).allFinite() && within_reach(*target_->problem, z.col(s))) {
      f.cause = FailureCause::TargetGradient;
      f.z = z.col(s);
      f.log_p = lp(s);
      return true;
    }
  return false;
}

void Run::fail_estimate(const Problem& problem, double value) {
  const char* what = spec_.kind == ObjectiveKind::ReverseKL   ? "ELBO"
                     : spec_.kind == ObjectiveKind::ForwardKL ? "forward-KL"
                                                              : "Rényi bound";
  failure_ = {};
  failure_.step = step_ + 1;
  if (find_target_fault(problem, failure_)) {
    // φ is not to blame: keep it, and say where the target is undefined.
    const bool from_q = !(spec_.kind == ObjectiveKind::ForwardKL && spec_.sampling == PSampling::Exact);
    const std::string where = "at z = " + point_text(failure_.z) + (from_q ? ", where q puts mass" : ", a draw of p");
    status_ = RunStatus::Diverged;
    failure_.kept_step = step_;
    if (failure_.cause == FailureCause::TargetValue) {
      const Problem::NonFinite x = target_->problem->explain_non_finite(
          std::span<const double>(failure_.z.data(), size_t(failure_.z.size())));
      message_ = "log p\u0303(z) is " + (x.value.empty() ? value_text(failure_.log_p) : x.value) + " " + where + ": " +
                 (x.why.empty() ? "the target has no density there" : x.why) +
                 ". The " + what + " is undefined while q reaches there, whatever the learning rate. q has mass "
                 "everywhere: make log p\u0303 finite everywhere (e.g. a steep but finite wall outside the "
                 "support), or move q inside and use a family that stays there.";
    } else {
      message_ = "the gradient of log p\u0303 is not finite " + where + " (log p\u0303 = " +
                 value_text(failure_.log_p) + "): the target is not differentiable there, whatever the learning rate.";
    }
    message_ += " Stopped at step " + std::to_string(failure_.step) + "; q is as it was (step " +
                std::to_string(step_) + ").";
    return;
  }
  if (!std::isfinite(value)) {
    failure_.cause = FailureCause::Objective;
    // The estimate at φ is not finite although the target is fine where it should be: the last
    // update blew φ up (q of infinite scale, or draws beyond any density's range). Keep the φ
    // before it, whose estimate was finite, and forget what was recorded at the broken φ.
    if (prev_phi_valid_ && step_ > 0) {
      phi_ = prev_phi_;
      --step_;
      // q may have been growing for a while: when even that φ's ELBO (on the fixed metric
      // draws) is not finite, go back to the newest recorded φ whose ELBO is.
      const auto elbo_finite = [this] { return std::isfinite(metrics(false, false).elbo); };
      if (!elbo_finite()) {
        const Vec last = phi_;
        const int64_t last_step = step_;
        bool found = false;
        for (long i = long(param_history_.size()) - 1; i >= 0 && !found; --i) {
          if (param_history_.step(size_t(i)) >= last_step) continue;
          const std::span<const double> v = param_history_.phi(size_t(i));
          phi_ = Eigen::Map<const Vec>(v.data(), Eigen::Index(v.size()));
          step_ = param_history_.step(size_t(i));
          found = family_->valid(phi_) && elbo_finite();
        }
        if (!found) phi_ = last, step_ = last_step;
      }
      history_.truncate_after(step_);
      param_history_.truncate_after(step_);
      std::erase_if(diag_history_, [this](const DiagnosticPoint& p) { return p.step > step_; });
      prev_phi_valid_ = false;
    }
    return fail(std::string("non-finite ") + what + " estimate (" + value_text(value) + ")");
  }
  failure_.cause = FailureCause::Gradient;
  fail(std::string("non-finite ") + what + " gradient");
}

void Run::step() {
  if (status_ != RunStatus::Ok) return;
  spec_.beta = scene_.beta(step_);
  fill_draws(spec_, *family_, scene_.samples, rng_, draws_);
  if (minibatch_) minibatch_->draw();
  const Problem& problem = minibatch_ ? static_cast<const Problem&>(*minibatch_) : *target_->problem;
  const ObjectiveContext ctx{problem, *family_, &target_->p_sampler, target_->log_z};
  const double value = objective_value_and_grad(ctx, spec_, phi_, draws_, ws_, grad_);
  if (!std::isfinite(value) || !grad_.allFinite()) return fail_estimate(problem, value);
  if (scene_.grad_clip > 0) {
    // Clip the norm, not each coordinate: the direction of ascent is kept, only its length is
    // bounded (Pascanu, Mikolov & Bengio 2013). Adam is nearly scale-free per coordinate, so
    // clipping matters most for SGD and momentum, and for Adam's first steps.
    last_grad_norm_ = grad_.norm();
    if (last_grad_norm_ > scene_.grad_clip) {
      grad_ *= scene_.grad_clip / last_grad_norm_;
      ++clipped_;
    }
  }
  prev_phi_ = phi_;
  optimizer_->ascend(phi_, grad_, scene_.lr_at(step_));
  family_->project(phi_);
  if (!family_->valid(phi_)) {
    phi_ = prev_phi_;
    failure_ = {};
    failure_.cause = FailureCause::Parameters;
    return fail("non-finite variational parameters after the update");
  }
  prev_phi_valid_ = true;
  ++step_;
  last_value_ = value;
  if (record_ || watch_convergence_) watch();
}

double Run::last_objective_estimate() const {
  return step_ > 0 ? last_value_ : std::numeric_limits<double>::quiet_NaN();
}

void Run::record_history() { add_history(metrics(/*full=*/false)); }

void Run::add_history(const Metrics& m) {
  history_.add({step_, m.elbo_estimate, m.elbo, m.kl_q_p, m.kl_p_q, m.objective_estimate, m.e_log_p, m.entropy});
  param_history_.add(step_, std::span<const double>(phi_.data(), size_t(phi_.size())));
}

void Run::watch() {
  const bool hist = record_ && history_.due(step_);
  const bool conv = scene_.converge_every > 0 && step_ % scene_.converge_every == 0;
  const bool khat = record_ && scene_.khat_every > 0 && step_ % scene_.khat_every == 0;
  if (!hist && !conv && !khat) return;
  // One evaluation serves all three; the rule alone needs no quadrature.
  const Metrics m = metrics(/*full=*/false, /*grids=*/hist || khat);
  if (hist) add_history(m);
  // The rule always reads the Monte Carlo ELBO of the fixed metric draws (log Z − the MC KL), so
  // its series is one estimator's whether or not a quadrature ran at the same step.
  if (conv && rule_.observe(step_, m.log_z - m.kl_q_p_mc).stop) stop_pending_ = true;
  if (khat) diagnose(m.kl_q_p);
}

void Run::diagnose(double kl_q_p) {
  auto d = std::make_shared<FitDiagnostics>(diagnose_fit(*this, kDiagnosticDraws, kResampledDraws));
  d->psis.log_weights.resize(0);  // 32 KB every snapshot would copy; the views need k̂, ESS, draws
  if (diag_count_++ % diag_stride_ == 0) {
    if (diag_history_.size() >= kDiagnosticCapacity) {
      // Keep every other point and record half as often: bounded, and spread over the whole run.
      size_t w = 0;
      for (size_t i = 0; i < diag_history_.size(); i += 2) diag_history_[w++] = diag_history_[i];
      diag_history_.resize(w);
      diag_stride_ *= 2;
    }
    diag_history_.push_back({step_, d->psis.khat, d->psis.ess, d->draws, kl_q_p});
  }
  last_diag_ = std::move(d);
}

// [SECTION] Metrics

Metrics Run::metrics(bool full, bool grids) const {
  Metrics m;
  m.step = step_;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  m.objective_estimate = step_ > 0 ? last_value_ : nan;
  m.elbo_estimate = spec_.kind == ObjectiveKind::ReverseKL ? m.objective_estimate : nan;
  m.snis_ess = step_ > 0 && spec_.kind == ObjectiveKind::ForwardKL && spec_.sampling == PSampling::Snis ? ws_.ess : nan;
  m.log_z = target_->log_z;
  m.log_z_exact = target_->log_z_exact;
  m.log_z_error = m.log_z_exact ? 0.0 : target_->reference.log_z_error;

  const Problem& p = *target_->problem;
  family_->forward(phi_, metric_eps_, metric_z_, metric_logq_);
  p.eval(metric_z_, metric_logp_, nullptr);
  const bool analytic = family_->has_analytic_entropy();
  const double h = analytic ? family_->entropy(phi_) : 0.0;
  double t_mean = 0, var_mean = 0;  // the ELBO estimate and its squared standard error
  double e_log_p = 0, h_q = 0;      // its terms: E_q[log p~] and H[q]
  if (family_->stratified()) {
    // Stratified draws (a mixture): Σ_s a_s t_s with the family's weights. The standard error
    // uses the overall mean rather than each stratum's, which can only overstate it.
    family_->sample_weights(phi_, metric_a_);
    const Vec t = metric_logp_ - metric_logq_;
    t_mean = metric_a_.dot(t);
    var_mean = (metric_a_.array().square() * (t.array() - t_mean).square()).sum();
    e_log_p = metric_a_.dot(metric_logp_);
    h_q = -metric_a_.dot(metric_logq_);
  } else {
    // ELBO = E[a] with a = log p~ − log q. When H[q] is known in closed form, b = −log q − H
    // has mean exactly 0 and serves as a control variate: E[a − c·b] = E[a] for any c, and the
    // c that minimizes the variance is Cov(a, b)/Var(b). c = 1 is the "analytic entropy" form
    // E[log p~] + H; c = 0 the plain form, whose variance vanishes as q → p. The optimal c is
    // never worse than either (its estimation from the same draws adds an O(1/M) bias).
    const Eigen::Index half = metric_logp_.size() / 2;
    // Antithetic pairs (ε, −ε) are averaged first: the pair means are the independent draws.
    auto pair_mean = [&](const Vec& v) { return Vec(0.5 * (v.head(half) + v.tail(half))); };
    const Vec a = pair_mean(metric_logp_ - metric_logq_);
    const Vec b = analytic ? Vec(pair_mean(-metric_logq_).array() - h) : Vec(Vec::Zero(half));
    const double n = double(half);
    const double a_mean = a.mean(), b_mean = b.mean();
    const double var_b = (b.array() - b_mean).square().sum();
    const double c = var_b > 0 ? ((a.array() - a_mean) * (b.array() - b_mean)).sum() / var_b : 0.0;
    const Vec t = a - c * b;
    t_mean = t.mean();
    var_mean = (t.array() - t_mean).square().sum() / (n - 1) / n;
    // The terms of t = a − c·b: E[log p~], and H estimated as (1 − c)·mean(−log q) + c·H.
    e_log_p = pair_mean(metric_logp_).mean();
    h_q = (1 - c) * pair_mean(-metric_logq_).mean() + c * h;
  }
  t_mean = e_log_p + h_q;  // the same value up to rounding: the ELBO is exactly its two terms
  m.elbo = t_mean;
  m.e_log_p = e_log_p;
  m.entropy = h_q;
  m.kl_q_p_mc = m.log_z - m.elbo;  // KL(q‖p) = log Z − ELBO
  m.kl_q_p_se = std::sqrt(var_mean);
  m.kl_q_p = m.kl_q_p_mc;
  m.kl_q_p_error = m.kl_q_p_se;
  if (p.dim() == 2 && grids && (full || family_->cheap_density())) {
    family_->log_density(phi_, grid_points_, grid_logq_);
    m.kl_p_q = kl_p_q_on_grid(target_->reference, grid_logq_);
    // In 2D, quadrature on a grid fitted to q beats any affordable number of draws.
    // (The fine grid last: its log q and log p~ stay in the scratch buffers for the ELBO's terms.)
    const double coarse = kl_q_p_on_q_grid(kQuadCells / 2), fine = kl_q_p_on_q_grid(kQuadCells);
    if (std::isfinite(fine)) {
      m.kl_q_p = fine;
      m.kl_q_p_error = std::abs(fine - coarse) + (m.log_z_exact ? 0.0 : m.log_z_error);
      // The ELBO's terms by the same quadrature: E_q[log p~] and H[q] = −E_q[log q], so that
      // ELBO = E_q[log p~] + H[q] = log Z − KL(q‖p) (up to rounding).
      double mass = 0, g_log_p = 0, g_h = 0;
      for (Eigen::Index k = 0; k < qgrid_logq_.size(); ++k) {
        const double w = std::exp(qgrid_logq_(k));
        if (w == 0) continue;
        mass += w;
        g_log_p += w * qgrid_logp_(k);
        g_h -= w * qgrid_logq_(k);
      }
      m.e_log_p = g_log_p / mass;
      m.entropy = g_h / mass;
      m.elbo = m.e_log_p + m.entropy;
    }
  } else {
    m.kl_p_q = nan;
  }
  if (p.gaussian_posterior() && family_->gaussian()) {
    // A Gaussian q against an exact Gaussian posterior (conjugate models): both KLs in closed
    // form, and the ELBO exactly log Z − KL(q‖p), its terms with the closed-form entropy.
    const Moments q = family_->moments(phi_);
    m.kl_q_p = gaussian_kl(q, target_->p_moments);
    m.kl_q_p_error = 0;
    m.kl_p_q = gaussian_kl(target_->p_moments, q);
    m.elbo = m.log_z - m.kl_q_p;
    m.entropy = family_->entropy(phi_);
    m.e_log_p = m.elbo - m.entropy;
  }
  m.p_moments_exact = target_->p_moments_exact;
  if (grids && (full || family_->cheap_density())) {
    const Moments q = family_->moments(phi_);
    m.mean_error = (q.mean - target_->p_moments.mean).norm();
    m.cov_error = (q.cov - target_->p_moments.cov).norm();  // Frobenius
  } else {
    m.mean_error = m.cov_error = nan;
  }
  return m;
}

// KL(q‖p) = ∫ q (log q − log p~) + log Z by the midpoint rule on an n × n grid over q's mass
// box (normalized by the grid mass of q, i.e. for q restricted to the box: the box holds all
// but ~1e-6 of q).
double Run::kl_q_p_on_q_grid(int n) const {
  // The mass box (±5 sd) leaves ~1e-6 of q outside, where log q − log p~ is large: widen it
  // to ±7 sd (~1e-11 outside); 128 cells still resolve q at a tenth of a standard deviation.
  Box b = family_->mass_box(phi_);
  const double cx = 0.5 * (b.x0 + b.x1), cy = 0.5 * (b.y0 + b.y1), grow = 1.4;
  b = {cx - grow * 0.5 * b.width(), cx + grow * 0.5 * b.width(), cy - grow * 0.5 * b.height(),
       cy + grow * 0.5 * b.height()};
  Grid2D g{b, n, n, {}};
  const Eigen::Index cells = Eigen::Index(n) * n;
  qgrid_points_.resize(2, cells);  // no-ops after the first call with this n
  qgrid_logq_.resize(cells);
  qgrid_logp_.resize(cells);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      qgrid_points_(0, Eigen::Index(j) * n + i) = g.x(i);
      qgrid_points_(1, Eigen::Index(j) * n + i) = g.y(j);
    }
  family_->log_density(phi_, qgrid_points_, qgrid_logq_);
  target_->problem->eval(qgrid_points_, qgrid_logp_, nullptr);
  double mass = 0, sum = 0;
  for (Eigen::Index k = 0; k < cells; ++k) {
    const double w = std::exp(qgrid_logq_(k));
    if (w == 0) continue;
    mass += w;
    sum += w * (qgrid_logq_(k) - qgrid_logp_(k));
  }
  return sum / mass + target_->log_z;
}

Mat Run::display_samples() const {
  Mat z(family_->dim(), display_eps_.cols());
  family_->sample(phi_, display_eps_, display_u_, z);
  return z;
}

uint64_t params_hash(const Vec& phi) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a offset basis
  for (Eigen::Index i = 0; i < phi.size(); ++i) {
    unsigned char bytes[sizeof(double)];
    const double v = phi(i);
    std::memcpy(bytes, &v, sizeof v);
    for (unsigned char b : bytes) h = (h ^ b) * 1099511628211ull;
  }
  return h;
}

}  // namespace vi
