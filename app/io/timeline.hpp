// app/io/timeline.hpp — the recording of the current run, for scrubbing back and replaying.
//
// The UI thread hands every new snapshot it receives to record(); the timeline keeps a thinned
// set of them (at most `capacity`, spread over the whole run: when full, the spacing between kept
// steps doubles and about every other frame goes, as in vi::History). Scrubbing chooses which
// snapshot the views draw; the engine keeps its own state (nothing here sends a command).
//
// Memory: a snapshot carries its whole history (up to 4096 points, 256 KB) and φ trace (up to
// 512 KB); a frame keeps neither (timeline_frame), and shown() rebuilds them for the frame on
// display from the live snapshot, cut at the frame's step. A kept frame is then ~20–80 KB (q's
// contours, the 600 display draws, the last PSIS draws): 600 frames ≲ 50 MB (measured figures
// in the README, "Export and the timeline"). The target's grid and contours are shared.
//
// GL-free and ImGui-free: the tests drive it headless (tests/app/io/test_timeline.cpp).
#pragma once

#include "vi/engine/snapshot.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace vilab {

class Timeline {
 public:
  static constexpr int kDefaultCapacity = 600;
  explicit Timeline(int capacity = kDefaultCapacity);

  // Records `snap` if it is new: a later step at least min_gap() after the last kept one (the
  // same step replaces the last frame: a fresher picture of it, e.g. the exact metrics or a drag).
  // A snapshot of a new run (its step went back, or its scene cannot continue the recorded one:
  // reset, Apply that restarts, new comparison fits) clears the recording first and returns true.
  bool record(const std::shared_ptr<const vi::Snapshot>& snap);
  void clear();  // forgets every frame, goes live

  std::size_t size() const { return frames_.size(); }
  int capacity() const { return capacity_; }
  int64_t min_gap() const { return gap_; }  // steps between kept frames (doubles at each thinning)
  const vi::Snapshot& frame(std::size_t i) const { return *frames_[i]; }
  int64_t first_step() const;  // 0 when empty
  int64_t last_step() const;

  // [SECTION] Scrubbing: the views show a recorded frame instead of the live snapshot.
  bool live() const { return live_; }
  void go_live();
  // Shows the last frame at or before `step` (the first frame when `step` is before it). No-op
  // while empty.
  void scrub_to_step(int64_t step);
  // Moves `frames` frames from the one shown (from live: −1 is the frame before the latest,
  // so the first press shows a change). Clamped to the recording; stays scrubbed at the end.
  void scrub_by(int frames);
  int64_t scrub_step() const { return scrub_step_; }
  long shown_index() const;  // the frame shown, −1 when live

  // [SECTION] Replay: the scrubbed position moves forward at `steps_per_s`.
  void replay(double steps_per_s);  // from the frame shown (from live or the end: from the first)
  void stop_replay() { replaying_ = false; }
  bool replaying() const { return replaying_; }
  double replay_speed() const { return speed_; }
  void set_replay_speed(double steps_per_s);
  // Advances the replay by `seconds` of wall time; stops at the last frame (staying scrubbed).
  void advance(double seconds);

  // What the views draw: `live` itself when live, else the frame shown with the histories of
  // `live` (its own and its comparison fits') cut at the frame's step. Rebuilt only when the
  // frame shown changes.
  std::shared_ptr<const vi::Snapshot> shown(const std::shared_ptr<const vi::Snapshot>& live);

 private:
  void thin();
  int capacity_;
  int64_t gap_ = 1;
  std::vector<std::shared_ptr<const vi::Snapshot>> frames_;
  uint64_t last_serial_ = 0;
  bool live_ = true;
  int64_t scrub_step_ = 0;
  bool replaying_ = false;
  double replay_pos_ = 0;
  double speed_ = 200;
  std::shared_ptr<const vi::Snapshot> cache_frame_, cache_shown_;
};

// A copy of `s` to keep in the timeline: without its history, φ trace and k̂ history (recursively
// for its comparison fits); everything else as it was, the target shared.
std::shared_ptr<const vi::Snapshot> timeline_frame(const vi::Snapshot& s);

// The heap bytes a snapshot holds (its own, not the shared target), for the memory figures.
std::size_t snapshot_bytes(const vi::Snapshot& s);

}  // namespace vilab
