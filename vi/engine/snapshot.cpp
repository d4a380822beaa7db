// vi/engine/snapshot.cpp — building immutable snapshots of a run (on the engine thread).
#include "vi/engine/snapshot.hpp"

namespace vi {

const char* to_string(EngineState s) {
  switch (s) {
    case EngineState::Paused: return "paused";
    case EngineState::Playing: return "playing";
    case EngineState::Diverged: return "diverged";
    case EngineState::Error: return "error";
  }
  return "?";
}

std::vector<const Snapshot*> fits_of(const Snapshot& snap) {
  std::vector<const Snapshot*> fits{&snap};
  for (const auto& c : snap.comparison) fits.push_back(c.get());
  return fits;
}

std::shared_ptr<const TargetView> make_target_view(std::shared_ptr<const TargetData> data, const Box& view, int n) {
  auto tv = std::make_shared<TargetView>();
  tv->view = view;
  if (data->problem->dim() == 2) {  // a model of higher dimension has no picture of p
    tv->log_p = evaluate_on_grid(*data->problem, view, n);
    // Masses are relative to p's total mass (log Z), not to the part of it inside the view.
    tv->contours = mass_contours(tv->log_p, default_contour_masses(), data->log_z);
  }
  tv->note = data->problem->note();
  tv->data = std::move(data);
  return tv;
}

std::shared_ptr<Snapshot> make_snapshot(const Run& run, std::shared_ptr<const TargetView> target, bool full_metrics,
                                        int q_grid) {
  auto s = std::make_shared<Snapshot>();
  s->scene = run.scene();
  s->step = run.steps();
  s->fit_id = run.id();
  s->failure = run.failure();
  s->phi = run.params();
  s->param_names = run.family().param_names();
  s->q = run.family().moments(run.params());
  s->metrics = run.metrics(full_metrics);
  s->metrics_exact = full_metrics || run.family().cheap_density();
  s->history = run.history().points();
  s->param_history = run.param_history();
  s->convergence = run.convergence();
  s->diagnostics = run.diagnostic_history();
  s->last_diagnostics = run.last_diagnostics();
  s->clipped_steps = run.clipped_steps();
  s->samples = run.display_samples();
  if (run.problem().dim() == 2) {
    // q's exact density on a grid fitted to q itself, so narrow and wide q's are traced alike.
    Grid2D g{run.family().mass_box(run.params()), q_grid, q_grid, {}};
    const Mat pts = g.points();
    Vec lq(pts.cols());
    run.family().log_density(run.params(), pts, lq);
    g.values.assign(lq.data(), lq.data() + lq.size());
    s->q_contours = mass_contours(g, default_contour_masses(), 0.0);
  }
  s->target = std::move(target);
  return s;
}

}  // namespace vi
