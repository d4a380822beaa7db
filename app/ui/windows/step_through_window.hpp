// app/ui/windows/step_through_window.hpp — "Inside one step": the next optimizer step, one Monte Carlo
// sample at a time (vi/analysis/step_through.hpp), and the ELBO landscape window (vi/analysis/elbo_landscape.hpp).
//
// Threading: the UI never touches the engine's Run. The step-through window builds its own
// replica: a Run made from the snapshot's scene (sharing its read-only target data) and stepped
// snap.step times on a vi::BackgroundJob reproduces the engine's state bit for bit (runs are
// deterministic), and the StepThrough is made on that replica. "Next step" sends engine.step(1);
// the replica finish()es its own step and, when the engine's next snapshot arrives, the two φ are
// compared bit for bit. The landscape and the optimizer paths are computed on a worker from
// copies of the scene and φ; a newer request retires the stale job (stopped through its token).
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "vi/analysis/elbo_landscape.hpp"
#include "vi/engine/background_job.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/snapshot.hpp"
#include "vi/analysis/step_through.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vilab {

// The replica and its step-through (made on a worker, then owned by the UI thread).
struct StepReplica {
  vi::Scene scene;
  int64_t step = 0;
  std::unique_ptr<vi::Run> run;
  std::unique_ptr<vi::StepThrough> st;
  std::string error;  // why there is no step-through (e.g. an unsupported objective)
};

struct StepThroughState {
  bool may_block = false;  // shot mode: prepare on the UI thread's wait, so the PNG shows it
  int reveal_target = 0;   // reveal this many samples as soon as the replica is ready (shots)
  vi::BackgroundJob<std::shared_ptr<StepReplica>> job;
  vi::Scene job_scene;
  int64_t job_step = -1;
  std::shared_ptr<StepReplica> replica;
  // "Next step": waiting for the engine's snapshot at this step, to compare its φ with ours.
  int64_t await_step = -1;
  vi::Vec expected_phi;
  bool finish_ok = false;
  std::optional<bool> same_phi;  // the last comparison
  // Auto-advance.
  bool autoplay = false;
  float per_second = 4;
  double last_reveal = 0;
  // Linked views: the sample under the pointer (−1 none), the brush in ε-space.
  int hover = -1;
  bool brushing = false, has_brush = false;
  double bx0 = 0, by0 = 0, bx1 = 0, by1 = 0;
  DensityPanel zpanel;
  DensityLayers layers;
};

void draw_step_through_window(StepThroughState& st, bool* open, vi::Engine& engine, const vi::Snapshot& snap);
void release_step_through_window(StepThroughState& st);

struct StepThroughReport {
  bool drawn = false;
  int revealed = 0, samples = 0;
  PixelRect eps_panel, z_panel;
  unsigned int eps_colour = 0;     // the drawn ε points' colour (ImU32)
  unsigned int current_colour = 0; // the current sample's highlight
};
StepThroughReport last_step_through_window();

// Its entry in the registry of tool windows (app/ui/windows/tool_window.hpp): [panels] step_through
// (with step_reveal), --step-through K.
ToolWindowEntry step_through_tool_window();

// [SECTION] The ELBO landscape window

struct LandscapeResult {
  vi::Landscape land;
  std::vector<std::string> optimizers;
  std::vector<vi::Mat> paths;
  vi::Vec phi;
  std::string error;
};

struct LandscapeState {
  bool may_block = false;
  int i = -1, j = -1;       // −1: defaults (μ1 and the first log-scale entry)
  float half_range = 1.5f;  // range around the current value
  int n = 48;
  int path_steps = 300;
  bool use[3] = {true, true, true};  // sgd, momentum, adam
  std::string family_key;
  std::string requested_key;  // what the running or last job computes
  std::shared_ptr<const LandscapeResult> result;
  vi::BackgroundJob<LandscapeResult> job;  // last: it stops before the rest goes
};

void draw_landscape_window(LandscapeState& st, bool* open, const vi::Snapshot& snap);
void release_landscape_window(LandscapeState& st);

struct LandscapeReport {
  bool drawn = false;
  PixelRect heatmap;
  std::vector<std::string> paths;
  std::vector<unsigned int> colours;
};
LandscapeReport last_landscape_window();

// Its entry in the registry of tool windows: [panels] landscape, --landscape.
ToolWindowEntry landscape_tool_window();

}  // namespace vilab
