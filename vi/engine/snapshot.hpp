// vi/engine/snapshot.hpp — what the engine publishes: an immutable picture of one moment of a fit.
//
// The UI takes one snapshot per frame and only reads it. Everything heavy that depends on the
// target alone (the density grid, its contours, the references) is built once per target and
// shared by pointer between snapshots.
#pragma once

#include "vi/analysis/contours.hpp"
#include "vi/engine/history.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vi {

enum class EngineState { Paused, Playing, Diverged, Error };
const char* to_string(EngineState s);

// The target's part of a view: built once per target on the engine thread.
struct TargetView {
  std::shared_ptr<const TargetData> data;  // problem, references, log Z
  Box view;                                // the box to show
  Grid2D log_p;                            // log p~ on the view box (the heatmap)
  std::vector<Contour> contours;           // p's fixed-mass contours
  std::string note;                        // e.g. the soft box of U2–U4
};

struct Snapshot {
  uint64_t serial = 0;  // increases with every publish; the UI redraws when it changes
  Scene scene;          // the scene this fit runs (as the engine accepted it)
  EngineState state = EngineState::Paused;
  std::string message;  // why the engine is Diverged or in Error; empty otherwise
  RunFailure failure;   // why this fit is Diverged (Run::failure): the target's fault or the step's
  uint64_t fit_id = 0;  // Run::id of the fit: a reset or a new scene gives a new one
  int64_t step = 0;
  double steps_per_s = 0;   // measured over the last second
  double speed_limit = 0;   // requested steps/s (0 = as fast as possible)

  Vec phi;
  std::vector<std::string> param_names;
  Moments q;                             // mean and covariance of q
  Metrics metrics;
  // True when `metrics` are Run::metrics(full = true), or the family's cheap ones are the same;
  // false for a flow's light snapshot (SnapshotDetail::Light): Monte Carlo KL(q‖p), no KL(p‖q).
  bool metrics_exact = true;
  std::vector<HistoryPoint> history;
  ParamTrace param_history;  // φ at the history's steps (Run::param_history), for exports
  std::shared_ptr<const TargetView> target;
  std::vector<Contour> q_contours;  // q's fixed-mass contours (exact density on a grid)
  Mat samples;                      // 2 × M draws of q (fixed base draws pushed through q)

  // Trust (Run's watchers): the convergence rule's verdict, k̂/ESS/KL at the k̂ cadence, the
  // latest diagnosis (with PSIS-resampled draws; null before the first), gradient clipping.
  ConvergenceVerdict convergence;
  std::vector<DiagnosticPoint> diagnostics;
  std::shared_ptr<const FitDiagnostics> last_diagnostics;
  int64_t clipped_steps = 0;

  // The fits running beside this one (family comparison), each a complete snapshot of its own
  // with its own state: a diverged comparison fit pauses alone.
  std::vector<std::shared_ptr<const Snapshot>> comparison;
};

// The fits a snapshot shows: itself first, then its comparison fits.
std::vector<const Snapshot*> fits_of(const Snapshot& snap);

// Builds the target's view (heatmap grid on `view`, contours at the default masses).
std::shared_ptr<const TargetView> make_target_view(std::shared_ptr<const TargetData> data,
                                                   const Box& view, int n);

inline constexpr int kQContourGrid = 96;  // cells per axis of the grid q's contours are traced on

// Builds a snapshot of `run` (state and serial are filled in by the caller), with
// run.metrics(full_metrics) and q's contours traced on a q_grid × q_grid grid over q's mass box.
std::shared_ptr<Snapshot> make_snapshot(const Run& run, std::shared_ptr<const TargetView> target,
                                        bool full_metrics = true, int q_grid = kQContourGrid);

}  // namespace vi
