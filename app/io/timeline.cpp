// app/io/timeline.cpp — see timeline.hpp.
#include "app/io/timeline.hpp"

#include <algorithm>
#include <cmath>

namespace vilab {

// [SECTION] Frames

std::shared_ptr<const vi::Snapshot> timeline_frame(const vi::Snapshot& s) {
  auto f = std::make_shared<vi::Snapshot>();
  f->serial = s.serial;
  f->scene = s.scene;
  f->state = s.state;
  f->message = s.message;
  f->failure = s.failure;
  f->fit_id = s.fit_id;
  f->step = s.step;
  f->steps_per_s = s.steps_per_s;
  f->speed_limit = s.speed_limit;
  f->phi = s.phi;
  f->param_names = s.param_names;
  f->q = s.q;
  f->metrics = s.metrics;
  f->metrics_exact = s.metrics_exact;
  f->target = s.target;
  f->q_contours = s.q_contours;
  f->samples = s.samples;
  f->convergence = s.convergence;
  f->last_diagnostics = s.last_diagnostics;
  f->clipped_steps = s.clipped_steps;
  for (const auto& c : s.comparison) f->comparison.push_back(timeline_frame(*c));
  return f;
}

std::size_t snapshot_bytes(const vi::Snapshot& s) {
  std::size_t b = sizeof(vi::Snapshot);
  b += s.history.capacity() * sizeof(vi::HistoryPoint);
  b += s.param_history.size() * (sizeof(int64_t) + sizeof(double) * std::size_t(s.param_history.dim()));
  b += std::size_t(s.phi.size() + s.q.mean.size() + s.q.cov.size() + s.samples.size()) * sizeof(double);
  for (const auto& n : s.param_names) b += n.capacity();
  for (const auto& c : s.q_contours)
    for (const auto& l : c.lines) b += sizeof(l) + l.xy.capacity() * sizeof(float);
  b += s.diagnostics.capacity() * sizeof(vi::DiagnosticPoint);
  if (s.last_diagnostics)  // shared by the snapshots between two diagnoses: an upper bound
    b += sizeof(vi::FitDiagnostics) + std::size_t(s.last_diagnostics->resampled.size()) * sizeof(double);
  for (const auto& c : s.comparison) b += snapshot_bytes(*c);
  return b;
}

// [SECTION] Recording

Timeline::Timeline(int capacity) : capacity_(std::max(capacity, 4)) {}

void Timeline::clear() {
  frames_.clear();
  gap_ = 1;
  go_live();
  cache_frame_.reset();
  cache_shown_.reset();
}

int64_t Timeline::first_step() const { return frames_.empty() ? 0 : frames_.front()->step; }
int64_t Timeline::last_step() const { return frames_.empty() ? 0 : frames_.back()->step; }

bool Timeline::record(const std::shared_ptr<const vi::Snapshot>& snap) {
  if (!snap || (snap->serial == last_serial_ && !frames_.empty())) return false;
  last_serial_ = snap->serial;
  bool cleared = false;
  if (!frames_.empty()) {
    const vi::Snapshot& last = *frames_.back();
    // The same fit may go back a step: a diverged fit keeps the φ before the step that blew it up
    // (vi::Run::step). Otherwise a step going back means a new fit (also told by its id).
    const bool same_fit_back = snap->step < last.step && snap->fit_id != 0 && snap->fit_id == last.fit_id;
    const bool new_run = snap->fit_id != last.fit_id || (snap->step < last.step && !same_fit_back) ||
                         (!(snap->scene == last.scene) && !last.scene.can_continue_into(snap->scene)) ||
                         snap->comparison.size() != last.comparison.size();
    if (new_run) {
      clear();
      cleared = true;
    } else if (same_fit_back) {
      while (!frames_.empty() && frames_.back()->step > snap->step) frames_.pop_back();
    }
  }
  if (!frames_.empty() && snap->step == frames_.back()->step) {
    frames_.back() = timeline_frame(*snap);
  } else if (frames_.empty() || snap->step >= frames_.back()->step + gap_) {
    frames_.push_back(timeline_frame(*snap));
    if (int(frames_.size()) > capacity_) thin();
  }
  return cleared;
}

// Doubles the spacing of kept frames and drops the frames closer than that to the one kept before
// them (the first and the latest stay), until at most half the capacity is left: by step, not by
// index, so frames recorded at uneven steps (the engine publishes at 60 Hz whatever its speed)
// end up evenly spread.
void Timeline::thin() {
  while (frames_.size() > std::size_t(capacity_) / 2 + 1) {
    gap_ *= 2;
    const auto latest = frames_.back();
    std::size_t w = 1;
    for (std::size_t i = 1; i + 1 < frames_.size(); ++i)
      if (frames_[i]->step >= frames_[w - 1]->step + gap_) frames_[w++] = frames_[i];
    frames_.resize(w);
    frames_.push_back(latest);
  }
}

// [SECTION] Scrubbing and replay

void Timeline::go_live() {
  live_ = true;
  replaying_ = false;
}

long Timeline::shown_index() const {
  if (live_ || frames_.empty()) return -1;
  const auto it = std::upper_bound(frames_.begin(), frames_.end(), scrub_step_,
                                   [](int64_t s, const std::shared_ptr<const vi::Snapshot>& f) { return s < f->step; });
  return it == frames_.begin() ? 0 : long(it - frames_.begin()) - 1;
}

void Timeline::scrub_to_step(int64_t step) {
  if (frames_.empty()) return;
  live_ = false;
  scrub_step_ = std::clamp(step, first_step(), last_step());
}

void Timeline::scrub_by(int n) {
  if (frames_.empty() || n == 0) return;
  if (live_ && n > 0) return;
  const long from = live_ ? long(frames_.size()) - 1 : shown_index();
  const long to = std::clamp(from + n, 0L, long(frames_.size()) - 1);
  live_ = false;
  replaying_ = false;
  scrub_step_ = frames_[std::size_t(to)]->step;
}

void Timeline::set_replay_speed(double steps_per_s) { speed_ = std::clamp(steps_per_s, 1.0, 1e7); }

void Timeline::replay(double steps_per_s) {
  if (frames_.empty()) return;
  set_replay_speed(steps_per_s);
  if (live_ || shown_index() == long(frames_.size()) - 1) scrub_step_ = first_step();
  live_ = false;
  replaying_ = true;
  replay_pos_ = double(scrub_step_);
}

void Timeline::advance(double seconds) {
  if (!replaying_ || live_ || frames_.empty()) return;
  replay_pos_ += speed_ * std::max(seconds, 0.0);
  if (replay_pos_ >= double(last_step())) {
    replay_pos_ = double(last_step());
    replaying_ = false;
  }
  scrub_step_ = int64_t(std::floor(replay_pos_));
}

// [SECTION] What the views draw

namespace {

// `frame` with the histories of `live` up to the frame's step.
std::shared_ptr<vi::Snapshot> with_history(const vi::Snapshot& frame, const vi::Snapshot& live) {
  auto s = std::make_shared<vi::Snapshot>(frame);
  s->comparison.clear();
  const int64_t step = frame.step;
  for (const auto& p : live.history)
    if (p.step <= step) s->history.push_back(p);
  for (const auto& d : live.diagnostics)
    if (d.step <= step) s->diagnostics.push_back(d);
  s->param_history = live.param_history;
  s->param_history.truncate_after(step);
  for (std::size_t i = 0; i < frame.comparison.size(); ++i) {
    const vi::Snapshot* lc = i < live.comparison.size() ? live.comparison[i].get() : nullptr;
    s->comparison.push_back(lc ? with_history(*frame.comparison[i], *lc) : frame.comparison[i]);
  }
  return s;
}

}  // namespace

std::shared_ptr<const vi::Snapshot> Timeline::shown(const std::shared_ptr<const vi::Snapshot>& live) {
  const long i = shown_index();
  if (i < 0 || !live) return live;
  const auto& frame = frames_[std::size_t(i)];
  if (frame != cache_frame_) {
    cache_frame_ = frame;
    cache_shown_ = with_history(*frame, *live);
  }
  return cache_shown_;
}

}  // namespace vilab
