// vi/analysis/step_through.cpp — one optimizer step, one sample at a time (see the header).
#include "vi/analysis/step_through.hpp"

#include "vi/core/check.hpp"
#include "vi/families/gaussian.hpp"

#include <cmath>
#include <stdexcept>

namespace vi {

namespace {
OptimizerStateCopy copy_state(const Optimizer& opt) {
  OptimizerStateCopy out;
  for (const auto& [name, v] : opt.state()) out.emplace_back(name, *v);
  return out;
}
}  // namespace

StepThrough::StepThrough(Run& run) : run_(&run) {
  const char* fn = "StepThrough";
  const ObjectiveSpec& run_spec = run.objective();
  // Only the ELBO's pathwise estimator decomposes into per-sample terms averaged with 1/S.
  if (run_spec.kind != ObjectiveKind::ReverseKL)
    throw_invalid(fn, "objective: step-through supports the reverse-KL ELBO only (objective 'reverse-kl')");
  if (run_spec.estimator != Estimator::Reparam)
    throw_invalid(fn, "estimator: step-through supports reparameterization gradients only (estimator 'reparam')");
  if (run.family().stratified())
    throw_invalid(fn, "family: step-through does not support stratified families (a mixture's draw weights depend on φ)");
  if (run.status() != RunStatus::Ok) throw_invalid(fn, "run: the run has diverged; reset it first");

  const Scene& scene = run.scene();
  const Problem& problem = run.problem();
  family_ = make_family(scene.family, problem.dim(), scene.family_options);
  const Family& fam = *family_;
  names_ = fam.param_names();
  step_ = run.steps();

  // The spec exactly as Run::step sets it (β as of this step), and its draws from a copy of the
  // training stream.
  ObjectiveSpec spec = run_spec;
  spec.beta = scene.beta(step_);
  beta_ = spec.beta;
  analytic_ = spec.analytic_entropy && fam.has_analytic_entropy();
  Rng rng = run.training_rng();
  Draws draws;
  fill_draws(spec, fam, scene.samples, rng, draws);
  eps_ = draws.eps;

  phi_before_ = run.params();
  batch_grad_.resize(phi_before_.size());
  const ObjectiveContext ctx{problem, fam, &run.target_data()->p_sampler, run.target_data()->log_z};
  batch_value_ = objective_value_and_grad(ctx, spec, phi_before_, draws, ws_, batch_grad_);
  finite_ = std::isfinite(batch_value_) && batch_grad_.allFinite();
  if (analytic_) {
    entropy_grad_ = Vec::Zero(phi_before_.size());
    fam.add_entropy_grad(phi_before_, entropy_grad_);
  }

  // The update, on a copy of the optimizer (same state: its ascend gives what the run's will).
  const std::unique_ptr<Optimizer> opt = run.optimizer().clone();
  opt_before_ = copy_state(*opt);
  phi_after_ = phi_before_;
  if (finite_) {
    opt->ascend(phi_after_, batch_grad_, scene.lr);
    fam.project(phi_after_);
  }
  opt_after_ = copy_state(*opt);
  update_ = phi_after_ - phi_before_;
  moments_before_ = fam.moments(phi_before_);
  moments_after_ = fam.valid(phi_after_) ? fam.moments(phi_after_) : moments_before_;
  samples_.reserve(size_t(eps_.cols()));
}

const StepSample& StepThrough::next() {
  if (complete()) throw std::out_of_range("StepThrough::next: every sample has been revealed");
  const Family& fam = *family_;
  const Problem& problem = run_->problem();
  const Vec& phi = phi_before_;
  const int s = revealed(), d = fam.dim();
  const Eigen::Index n = phi.size();
  StepSample out;
  out.index = s;
  out.eps = eps_.col(s);
  out.z = ws_.z.col(s);
  out.log_p = ws_.logp(s);
  out.log_q = ws_.log_q(s);
  out.term = analytic_ ? beta_ * out.log_p + fam.entropy(phi) : beta_ * out.log_p - out.log_q;

  const Mat e = eps_.col(s);
  Mat z1(d, 1), gz(d, 1);
  Vec lq1(1), lp1(1);
  fam.forward(phi, e, z1, lq1);  // (a flow's backward reuses the tape this records)
  problem.eval(z1, lp1, &gz);
  out.grad_log_p = gz.col(0);
  if (fam.has_log_density_grad()) {
    Mat gq(d, 1);
    Vec c = Vec::Zero(1), scratch = Vec::Zero(n);
    fam.log_density_grad(phi, z1, c, scratch, &gq);
    out.grad_log_q = Vec(gq.col(0));
  }

  // The target's path: cotangent β ∇log p~ on z, none on log q.
  out.grad_target = Vec::Zero(n);
  fam.backward(phi, e, beta_ * gz, Vec::Zero(1), out.grad_target);
  if (analytic_) {
    out.grad_q = entropy_grad_;
  } else {
    out.grad_q = Vec::Zero(n);
    fam.forward(phi, e, z1, lq1);
    fam.backward(phi, e, Mat::Zero(d, 1), Vec::Constant(1, -1.0), out.grad_q);
  }
  out.grad = out.grad_target + out.grad_q;

  if (fam.num_layers() > 0) {
    Mat x;
    fam.base_transform(phi, e, x);
    out.layers.push_back(x.col(0));
    Vec ld = Vec::Zero(1);
    for (int k = 0; k < fam.num_layers(); ++k) {
      fam.push_layers(phi, k, k + 1, x, ld);
      out.layers.push_back(x.col(0));
    }
  }

  const Vec g = beta_ * out.grad_log_p;
  if (const auto* full = dynamic_cast<const FullRankGaussian*>(&fam)) {
    (void)full;
    out.dterm_dmu = g;
    out.dterm_dL = (g * out.eps.transpose()).triangularView<Eigen::Lower>();
  } else if (dynamic_cast<const MeanFieldGaussian*>(&fam)) {
    out.dterm_dmu = g;
    out.dterm_dL = g.cwiseProduct(out.eps).asDiagonal();
  }
  samples_.push_back(std::move(out));
  return samples_.back();
}

void StepThrough::reveal_all() {
  while (!complete()) next();
}

Vec StepThrough::averaged_gradient() const {
  Vec g = Vec::Zero(phi_before_.size());
  if (samples_.empty()) return g;
  for (const auto& s : samples_) g += s.grad;
  return g / double(samples_.size());
}

bool StepThrough::finish() {
  if (finished_) throw std::logic_error("StepThrough::finish: the step has already been taken");
  if (run_->steps() != step_ || run_->params() != phi_before_)
    throw std::logic_error("StepThrough::finish: the run has moved since this step-through was made");
  finished_ = true;
  run_->step();
  const Vec& now = run_->params();
  return now.size() == phi_after_.size() && params_hash(now) == params_hash(phi_after_) && now == phi_after_;
}

}  // namespace vi
