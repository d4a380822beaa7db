// app/io/export_csv.hpp — the traces CSV: one row per recorded step of a fit, written by
// `vilab run --csv` (every step, or every --csv-every N) and by the app's Export → Traces CSV…
// (the engine's recorded history).
//
// Columns (also in the file's '#' comment lines; CmdStan's CSV uses the same convention, read it
// with pandas.read_csv(path, comment='#')):
//   step                optimizer steps taken
//   elbo_estimate       the training step's own Monte Carlo ELBO (noisy; reverse KL only)
//   objective_estimate  the step's estimate of what it maximizes (ELBO, −KL(p‖q) or Rényi bound)
//   elbo, kl_q_p, kl_p_q, e_log_p, entropy
//                       at the metrics cadence (Scene::metrics_every): the smooth ELBO and its
//                       two terms on the fixed metric draws, KL(q‖p), KL(p‖q) (2D targets, by
//                       quadrature; empty where unknown: a flow's)
//   one column per parameter, named by Family::param_names(): φ after the step
// An empty cell means "not computed at this step" (or NaN); ±inf is written as inf / -inf.
#pragma once

#include "vi/engine/history.hpp"
#include "vi/engine/scene.hpp"
#include "vi/engine/snapshot.hpp"

#include <cstdint>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace vilab {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct TraceRow {
  int64_t step = 0;
  double elbo_estimate = kNoValue;
  double objective_estimate = kNoValue;
  bool has_metrics = false;  // the metric columns below are filled at this step
  double elbo = kNoValue, kl_q_p = kNoValue, kl_p_q = kNoValue, e_log_p = kNoValue, entropy = kNoValue;
  std::span<const double> phi;  // empty: φ was not recorded at this step (the app's thinned trace)
};

// The metric columns of a history point.
TraceRow trace_row(const vi::HistoryPoint& p);

// The comment lines and the header row. `source` says who wrote it ("vilab run", "vilab app").
void write_traces_header(std::ostream& out, const vi::Scene& scene, const std::vector<std::string>& param_names,
                         const std::string& source);
// One row; `n_params` cells of φ (empty cells when row.phi is empty).
void write_traces_row(std::ostream& out, const TraceRow& row, size_t n_params);

// The whole CSV of a snapshot's recorded history (the primary fit): a row per history point,
// with φ where the param trace has it (Snapshot::param_history), and a last row of the
// snapshot's own step (its metrics and φ) when that is between history points.
void write_snapshot_traces(std::ostream& out, const vi::Snapshot& snap);

// A CSV cell: quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& text);

}  // namespace vilab
