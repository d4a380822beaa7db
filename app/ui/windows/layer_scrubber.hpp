// app/ui/windows/layer_scrubber.hpp — what a normalizing flow does, layer by layer (the numbers only).
//
// For layer k = 0 … K of a flow's fit: the display base draws pushed through the first k layers
// (at k = K exactly q's samples), a coordinate grid of the base space z₀ pushed the same way,
// and layer k's log|det J_k| on a grid over its input region. Computed from the snapshot's
// scene and φ with a Family of its own (vi::make_family): it never touches the engine. The
// LayerScrubber recomputes only when (snapshot serial, k) changes, on the UI thread when that
// is known to be quick (< 3 ms: planar and radial) and on a vi::BackgroundJob otherwise (RealNVP);
// the frame never waits for it and draws the last finished result.
#pragma once

#include "vi/families/family.hpp"
#include "vi/analysis/reference.hpp"
#include "vi/engine/background_job.hpp"
#include "vi/engine/snapshot.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <stop_token>
#include <string>

namespace vilab {

struct ScrubKey {
  uint64_t serial = 0;  // the snapshot's serial
  int k = -1;           // layers applied (0 = the base Gaussian z₀)
  bool operator==(const ScrubKey&) const = default;
};

struct ScrubResult {
  static constexpr int kGridLines = 21;   // lines of z₀ per direction, over the base's ±3σ box
  static constexpr int kLinePoints = 121; // points per line
  static constexpr int kMapCells = 96;    // cells per axis of the log|det J_k| grid

  ScrubKey key;
  std::string family;         // the fit this is for (a result of another family is not drawn)
  vi::FamilyOptions options;
  int layers = 0;             // K
  vi::Mat cloud;              // 2 × M: the display base draws after k layers
  // 2 × (2·kGridLines·kLinePoints): the z₀ grid after k layers, line after line — first the
  // kGridLines lines of constant ε₂ (horizontal in z₀), then those of constant ε₁.
  vi::Mat grid;
  vi::Grid2D log_det;         // log|det J_k| over layer k's input region (k ≥ 1; empty at k = 0)
  double log_det_scale = 0;   // the colour scale's half-range (98th percentile of |log det|)
  // At k = K: max |cloud − the snapshot's samples| (0 when they are the same points); −1 below K.
  double sample_mismatch = -1;
  double seconds = 0;         // how long the computation took
  std::string error;          // non-empty when it failed (then only `key` is meaningful)
};

// The computation itself: pure, any thread. `samples` are the snapshot's display samples (for
// the k = K check). The log|det J_k| map covers layer k's input region and `cover` (when given:
// the target's box, which the view shows, so that no part of the frame is left without colour).
// `stop` is polled between blocks; a stopped computation's result has error = "cancelled".
ScrubResult compute_scrub(const vi::Scene& scene, const vi::Vec& phi, const vi::Mat& samples, ScrubKey key,
                          const vi::Box* cover = nullptr, std::stop_token stop = {});

// Owns the worker job. UI thread only; no ImGui or GL inside.
class LayerScrubber {
 public:
  LayerScrubber() = default;
  LayerScrubber(const LayerScrubber&) = delete;
  LayerScrubber& operator=(const LayerScrubber&) = delete;
  // The destructor stops a running job and waits for it (it stops within one block).

  // Asks for layer k of `snap`'s fit; returns the newest finished result (possibly of an older
  // snapshot or another k; null before the first). With `may_block` (shot mode) the result for
  // exactly (snap, k) is computed before returning.
  std::shared_ptr<const ScrubResult> update(const vi::Snapshot& snap, int k, bool may_block);

  // Seconds the last finished computation took (−1 before the first).
  double last_seconds() const { return last_seconds_; }
  bool busy() const { return job_.busy(); }

 private:
  void collect(bool wait);

  // Below this, recomputing on the UI thread costs less than a frame's slack.
  static constexpr double kInlineSeconds = 0.003;
  // Slow results of a playing fit are refreshed at most every max(this, 2 × their cost).
  static constexpr double kMinInterval = 0.1;

  std::shared_ptr<const ScrubResult> done_;
  ScrubKey job_key_;
  double last_seconds_ = -1;
  std::chrono::steady_clock::time_point last_launch_;
  vi::BackgroundJob<ScrubResult> job_;
};

}  // namespace vilab
