// app/cli/soak.hpp — `vilab bench --soak`: a long run of the engine with a UI-like reader, watching
// the process's resident memory.
//
// The engine plays the default scene as fast as it can for `steps` steps; a second thread stands in
// for the UI: about 60 times a second it takes engine.snapshot() and reads what a frame draws (the
// history, q's contours, the samples, the target's grid and contours). Resident memory
// (/proc/self/statm) is sampled every second. A leak anywhere on the publish/consume path — the
// history, the snapshots, their comparison vectors, the command queue — shows as growth after the
// warm-up (the first 10 % of the steps).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace vilab {

struct SoakOptions {
  int64_t steps = 1000000;  // engine steps (--soak-steps)
  double frame_hz = 60;     // the reader's frames per second
  // Comparison fits beside the default scene's (specs as GuiOptions::compare, e.g. "planar:K=4"),
  // so that the comparison snapshots are soaked too. Empty: none.
  std::vector<std::string> compare;
  bool json = false;
};

struct SoakSample {
  double t = 0;       // seconds since start
  int64_t step = 0;   // engine steps taken
  double rss_mib = 0; // resident set size
};

struct SoakReport {
  int64_t steps = 0;               // steps the engine took
  double seconds = 0;              // wall time of the run
  double steps_per_s = 0;
  int64_t snapshots_consumed = 0;  // distinct snapshots (serials) the reader took
  int64_t frames = 0;              // reader frames (some see the same snapshot twice)
  int64_t history_points = 0;      // the last snapshot's history length (bounded by vi::History)
  double rss_start_mib = 0;        // before the engine starts
  double rss_warm_mib = 0;         // the first sample at or after 10 % of the steps
  double rss_end_mib = 0;          // after the last step, the engine still alive
  double rss_peak_mib = 0;         // the largest sample after the warm-up
  double growth_mib = 0;           // end − warm
  double growth_percent = 0;       // 100 · growth / warm
  double slope_mib_per_msteps = 0; // least-squares slope of RSS over the samples after the warm-up,
                                   // in MiB per 10⁶ steps: a leak shows here even when the end
                                   // point happens to fall in an allocator trim
  std::vector<SoakSample> samples; // one a second (and the warm-up and end points)
};

// Runs the soak (blocks for its length). Throws std::runtime_error if /proc/self/statm cannot be
// read (not Linux).
SoakReport run_soak(const SoakOptions& options);

// The CLI's `vilab bench --soak`: runs it and prints the report (text, or JSON with every sample).
int run_soak_command(const SoakOptions& options);

// `vilab bench --soak`'s flags, added to bench's after its own: --soak (which excludes bench's
// workload flags), --soak-steps and --soak-compare (both need --soak).
struct SoakFlags {
  bool on = false;  // --soak given
  SoakOptions options;
};
void add_soak_flags(CLI::App& bench, SoakFlags& flags);
// The comparison specs checked before anything runs (throws std::invalid_argument naming the flag).
void check_soak_flags(const SoakFlags& flags);

}  // namespace vilab
