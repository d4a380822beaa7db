// app/ui/windows/gradvar_probe.hpp — gradient variance at a fit's current φ, measured off the UI thread.
//
// The estimator window asks for vi::gradient_variance (every estimator of the fit's objective ×
// S ∈ {1, 4, 16, 64}, R replicates each) at the φ of a snapshot. The request holds copies of the
// snapshot's scene and φ and a shared pointer to its (immutable) target data, so the worker never
// touches the engine. The work runs on a vi::BackgroundJob one S at a time, polling its stop
// token in between: a newer request or cancel() retires a running job (it stops within one S,
// off the UI thread) and its result is never shown. No ImGui here: tested headless.
#pragma once

#include "vi/objectives/gradvar.hpp"
#include "vi/engine/background_job.hpp"
#include "vi/engine/run.hpp"
#include "vi/engine/scene.hpp"

#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>

namespace vilab {

struct GradVarRequest {
  vi::Scene scene;                               // the fit's scene (a copy)
  std::shared_ptr<const vi::TargetData> target;  // its target's data (shared, read-only)
  vi::Vec phi;                                   // the φ to measure at (a copy)
  int64_t step = 0;                              // the fit's step at that φ
  uint64_t fit_id = 0;                           // the fit's vi::Run::id (Snapshot::fit_id)
  vi::GradVarOptions options;                    // variants (empty = all), S values, R, seed
};

struct GradVarMeasurement {
  vi::Scene scene;        // what was measured: the request's scene, fit, step and options
  int64_t step = 0;
  uint64_t fit_id = 0;
  vi::GradVarOptions options;
  vi::GradVarTable table;  // as one vi::gradient_variance call over every S would give, with its reading
  double seconds = 0;      // how long it took
  std::string error;       // non-empty when it failed ("cancelled" when dropped)
};

// The measurement itself: pure, any thread. `stop` is polled between S values.
GradVarMeasurement measure_gradient_variance(const GradVarRequest& request, std::stop_token stop = {});

// The fields of a scene that gradient_variance depends on, the others set to defaults: two
// scenes with the same key give the same table at the same φ. (The estimator, baseline and
// sampling are not in it: every variant is measured; nor are the learning rate, S or the seed.)
vi::Scene gradvar_key(const vi::Scene& scene);

// Owns the worker jobs. UI thread only.
class GradVarProbe {
 public:
  GradVarProbe() = default;
  GradVarProbe(const GradVarProbe&) = delete;
  GradVarProbe& operator=(const GradVarProbe&) = delete;
  // The destructor stops every job and waits for it (each stops within one S).

  // Starts measuring `request`; a job still running is cancelled and its result dropped.
  void start(GradVarRequest request);
  // Cancels the running job (its result is dropped); the last result stays.
  void cancel();
  // Takes a finished job's result, if any; returns true when a new result arrived.
  bool poll();
  // Blocks until the running job is done and takes its result (shot mode and tests).
  void wait();

  // The newest finished measurement (null before the first).
  std::shared_ptr<const GradVarMeasurement> latest() const { return latest_; }
  bool busy() const { return job_.busy(); }
  // What the running job measures (meaningful while busy()).
  const vi::Scene& running_scene() const { return running_scene_; }
  int64_t running_step() const { return running_step_; }
  uint64_t running_fit_id() const { return running_fit_id_; }

 private:
  vi::Scene running_scene_;
  int64_t running_step_ = 0;
  uint64_t running_fit_id_ = 0;
  std::shared_ptr<const GradVarMeasurement> latest_;
  vi::BackgroundJob<GradVarMeasurement> job_;  // last: it stops before what it reports on goes
};

}  // namespace vilab
