// vi/engine/speed_limit.hpp — a steps-per-second limit as a token bucket, for a worker that steps
// a fit while it plays (vi::Engine).
//
// The bucket fills at `speed` tokens a second while playing and holds at most 50 ms of them (at
// least one), so a fit that was held up (a slow snapshot, a loaded machine) catches up a little
// but never bursts. A step takes a token; with no limit (speed 0) every step is allowed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>

namespace vi {

class SpeedLimit {
 public:
  using Clock = std::chrono::steady_clock;

  // The first limit is taken as given (Engine's constructor argument; its callers pass 0 or a
  // validated speed), later ones through set().
  explicit SpeedLimit(double steps_per_s = 0) : speed_(steps_per_s) {}

  // A new limit (0, negative or non-finite: none); the bucket starts empty.
  void set(double steps_per_s) {
    speed_ = valid(steps_per_s);
    budget_ = 0;
  }
  double speed() const { return speed_; }

  // Play starts the clock afresh: time spent paused earns nothing.
  void restart(Clock::time_point now) { last_tick_ = now; }
  // Adds what the time since the last tick earned (only while `playing`), and starts a new tick.
  void refill(Clock::time_point now, bool playing) {
    if (playing && speed_ > 0)
      budget_ = std::min(budget_ + speed_ * std::chrono::duration<double>(now - last_tick_).count(),
                         std::max(1.0, speed_ * 0.05));
    last_tick_ = now;
  }

  bool allows_step() const { return speed_ == 0 || budget_ >= 1; }
  void take_step() { budget_ -= 1; }
  // Whether the next step must wait, and for how long (meaningful only when it must).
  bool must_wait() const { return speed_ > 0 && budget_ < 1; }
  std::chrono::duration<double> until_next_step() const { return std::chrono::duration<double>((1 - budget_) / speed_); }

 private:
  static double valid(double s) { return std::isfinite(s) && s > 0 ? s : 0; }

  double speed_ = 0;   // steps/s; 0 = as fast as possible
  double budget_ = 0;  // steps allowed now
  Clock::time_point last_tick_ = Clock::now();
};

}  // namespace vi
