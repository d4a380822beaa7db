// app/io/run_summary.hpp — the run summary JSON: what `vilab run --json` prints, and what the app's
// Export → Run summary JSON… writes, built by one function from the same inputs.
//
// The CLI has a Run; the app has a Snapshot. Their common inputs are the fit's scene, target and
// φ (a Run rebuilt from the snapshot supplies the family, the problem and the diagnostics' random
// stream, which depend on nothing else), and the state only the fit's own history knows (step,
// status, metrics, the convergence verdict, clipped steps), taken from where it lives.
#pragma once

#include "vi/analysis/fit_diagnostics.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <string>

namespace vilab {

nlohmann::json vector_json(const vi::Vec& v);
nlohmann::json matrix_json(const vi::Mat& m);  // an array of rows

struct RunSummaryInput {
  const vi::Run* run = nullptr;  // family, problem, target data and φ (its step count is not read)
  vi::Metrics metrics;           // at the summarized step (Run::metrics(full = true) or the snapshot's)
  int64_t steps = 0;
  bool ok = true;        // false: diverged (or an engine error), `message` says why
  std::string message;
  vi::ConvergenceVerdict convergence;
  int64_t clipped_steps = 0;
  // Wall-clock seconds of the steps (the CLI times its loop); NaN = not timed (the app): then
  // "seconds" is null and "steps_per_s" is `steps_per_s` (the engine's measured speed).
  double seconds = std::numeric_limits<double>::quiet_NaN();
  double steps_per_s = 0;
  bool auto_stopped = false;  // the convergence rule ended the run (--auto-stop)
};

// The summary object (the keys are listed in the README's "Command line" section). Also returns
// the final PSIS diagnosis (4096 draws) in `diag` when given, for the CLI's table.
nlohmann::json run_summary_json(const RunSummaryInput& in, vi::FitDiagnostics* diag = nullptr);

// The same from a snapshot of the engine: a Run is rebuilt on the snapshot's scene and target at
// its φ. Exact metrics are recomputed when the snapshot's are not (a flow's light snapshot).
// Throws std::invalid_argument when the snapshot has no target (not expected from the engine).
nlohmann::json run_summary_json(const vi::Snapshot& snap);

}  // namespace vilab
