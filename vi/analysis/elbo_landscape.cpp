// vi/analysis/elbo_landscape.cpp — the ELBO over a 2D slice of φ; optimizer paths over it.
//
// [SECTION] One value (quadrature on q's mass box, or fixed draws)
// [SECTION] The slice
// [SECTION] Optimizer paths
#include "vi/analysis/elbo_landscape.hpp"
#include "vi/models/models.hpp"

#include "vi/core/check.hpp"
#include "vi/families/family.hpp"
#include "vi/objectives/objective.hpp"
#include "vi/optim/optimizer.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/core/rng.hpp"
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"

#include <cmath>
#include <limits>

namespace vi {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// [SECTION] One value

// Everything one evaluation needs, owned: one per call, so calls on different threads share nothing.
struct Evaluator {
  std::unique_ptr<Problem> problem;
  std::unique_ptr<Family> family;
  bool quadrature = false;
  int cells = 128;
  Mat eps, z, points;  // fixed draws (monte-carlo) or the grid's points (quadrature)
  Vec logp, logq;

  Evaluator(const Scene& scene, const LandscapeSpec& spec) {
    const char* fn = "elbo_landscape";
    scene.validate();
    if (spec.quad_cells < 8) throw_invalid(fn, "quad_cells is " + std::to_string(spec.quad_cells) + ", but must be ≥ 8");
    if (spec.mc_samples < 16) throw_invalid(fn, "mc_samples is " + std::to_string(spec.mc_samples) + ", but must be ≥ 16");
    problem = make_problem(scene);
    family = make_family(scene.family, problem->dim(), scene.family_options);
    quadrature = problem->dim() == 2 && !spec.monte_carlo;
    cells = spec.quad_cells;
    if (quadrature) {
      points.resize(2, Eigen::Index(cells) * cells);
    } else {
      // Antithetic pairs (ε, −ε) from the metric stream, as Run's metric draws.
      Rng rng(scene.seed, kMetricStream);
      const int half = (spec.mc_samples + 1) / 2;
      Mat d(family->base_dim(), half);
      rng.fill_normal(d);
      eps.resize(family->base_dim(), 2 * half);
      eps.leftCols(half) = d;
      eps.rightCols(half) = -d;
      z.resize(problem->dim(), 2 * half);
    }
    const Eigen::Index m = quadrature ? points.cols() : eps.cols();
    logp.resize(m);
    logq.resize(m);
  }

  double operator()(const Vec& phi) {
    if (!family->valid(phi)) return kNaN;
    double v;
    if (quadrature) {
      // As Run::kl_q_p_on_q_grid: q's mass box grown 1.4× about its centre, midpoint rule.
      Box b = family->mass_box(phi);
      const double cx = 0.5 * (b.x0 + b.x1), cy = 0.5 * (b.y0 + b.y1), grow = 1.4;
      b = {cx - grow * 0.5 * b.width(), cx + grow * 0.5 * b.width(), cy - grow * 0.5 * b.height(),
           cy + grow * 0.5 * b.height()};
      const Grid2D g{b, cells, cells, {}};
      for (int jj = 0; jj < cells; ++jj)
        for (int ii = 0; ii < cells; ++ii) {
          points(0, Eigen::Index(jj) * cells + ii) = g.x(ii);
          points(1, Eigen::Index(jj) * cells + ii) = g.y(jj);
        }
      family->log_density(phi, points, logq);
      problem->eval(points, logp, nullptr);
      double mass = 0, sum = 0;
      for (Eigen::Index k = 0; k < points.cols(); ++k) {
        const double w = std::exp(logq(k));
        if (w == 0) continue;
        mass += w;
        sum += w * (logq(k) - logp(k));
      }
      v = -(sum / mass);
    } else {
      family->forward(phi, eps, z, logq);
      problem->eval(z, logp, nullptr);
      v = family->has_analytic_entropy() ? logp.mean() + family->entropy(phi) : (logp - logq).mean();
    }
    return std::isfinite(v) ? v : kNaN;
  }
};

void check_index(const char* fn, const char* name, int k, Eigen::Index n) {
  if (k < 0 || k >= n)
    throw_invalid(fn, std::string(name) + " is " + std::to_string(k) + ", but φ has " + std::to_string(n) + " entries");
}

}  // namespace

double landscape_elbo(const Scene& scene, const Vec& phi, const LandscapeSpec& spec) {
  Evaluator eval(scene, spec);
  if (phi.size() != eval.family->num_params())
    throw_invalid("landscape_elbo", "φ has the wrong size for the scene's family");
  return eval(phi);
}

// [SECTION] The slice

Landscape elbo_landscape(const Scene& scene, const Vec& phi, const LandscapeSpec& spec, std::stop_token stop) {
  const char* fn = "elbo_landscape";
  Evaluator eval(scene, spec);
  const Eigen::Index np = eval.family->num_params();
  if (phi.size() != np) throw_invalid(fn, "φ has the wrong size for the scene's family");
  check_index(fn, "i", spec.i, np);
  check_index(fn, "j", spec.j, np);
  if (spec.i == spec.j) throw_invalid(fn, "i and j must differ");
  if (spec.n < 2) throw_invalid(fn, "n is " + std::to_string(spec.n) + ", but must be ≥ 2");
  if (!(spec.i_hi > spec.i_lo) || !(spec.j_hi > spec.j_lo)) throw_invalid(fn, "each range must have hi > lo");

  Landscape out;
  out.spec = spec;
  out.method = eval.quadrature ? "quadrature" : "monte-carlo";
  out.xs = Vec::LinSpaced(spec.n, spec.i_lo, spec.i_hi);
  out.ys = Vec::LinSpaced(spec.n, spec.j_lo, spec.j_hi);
  out.value = Mat::Constant(spec.n, spec.n, kNaN);
  out.best = -std::numeric_limits<double>::infinity();
  Vec p = phi;
  for (int b = 0; b < spec.n; ++b) {
    if (stop.stop_requested()) {
      out.complete = false;
      break;
    }
    for (int a = 0; a < spec.n; ++a) {
      p(spec.i) = out.xs(a);
      p(spec.j) = out.ys(b);
      const double v = eval(p);
      out.value(a, b) = v;
      if (v > out.best) {
        out.best = v;
        out.best_a = a;
        out.best_b = b;
      }
    }
  }
  if (out.best_a < 0) out.best = kNaN;
  return out;
}

// [SECTION] Optimizer paths

Mat optimizer_path(const Scene& scene, const Vec& phi0, int i, int j, int steps, const std::string& optimizer,
                   std::stop_token stop) {
  const char* fn = "optimizer_path";
  if (steps < 0) throw_invalid(fn, "steps is " + std::to_string(steps) + ", but must be ≥ 0");
  // A Run on this scene with the chosen optimizer, moved to phi0 (set_params gives it a fresh
  // optimizer state; its training stream starts at the seed): the path is exactly the fit a
  // Run started there would take. No history, so only the step loop runs.
  Scene s = scene;
  s.optimizer = optimizer;
  Run run(s, nullptr, /*record_history=*/false);  // validates the scene and the objective
  const Eigen::Index np = run.params().size();
  if (phi0.size() != np) throw_invalid(fn, "φ0 has the wrong size for the scene's family");
  check_index(fn, "i", i, np);
  check_index(fn, "j", j, np);
  run.set_params(phi0);
  Mat path(2, steps + 1);
  path(0, 0) = run.params()(i);
  path(1, 0) = run.params()(j);
  int done = 0;
  for (int t = 0; t < steps && !stop.stop_requested(); ++t) {
    run.step();
    if (run.status() != RunStatus::Ok) break;  // a diverged step keeps the last finite φ
    ++done;
    path(0, done) = run.params()(i);
    path(1, done) = run.params()(j);
  }
  return Mat(path.leftCols(done + 1));
}

}  // namespace vi
