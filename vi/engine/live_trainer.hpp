// vi/engine/live_trainer.hpp — a background thread for a model with its own trainer (the VAE, the
// BNN): commands in, immutable snapshots out, as vi::Engine does for the Runs of a Scene.
//
// The Engine steps a Run (one q over a Problem); amortized VI and Bayesian neural networks have
// their own parameters, data and views, so they bring a Trainer and this class gives it the same
// contract: the UI sends commands (they enqueue and return) and reads snapshot() once a frame;
// it never touches the trainer. Exceptions never cross threads: a configuration the trainer
// refuses is reported in the next Frame's `error` and the previous trainer stays loaded.
//
// A Trainer provides:
//   using Config = …;    a plain value: everything a fit needs (data edits included)
//   using Snapshot = …;  an immutable view of the fit for the UI
//   explicit Trainer(const Config&);           throws std::invalid_argument on a bad config
//   void step();                                one optimizer step
//   bool apply(const Config&);                  takes a new config; returns true when it kept
//                                               the parameters (e.g. only data or β changed)
//                                               and false when it restarted; throws as the ctor
//   std::shared_ptr<const Snapshot> snapshot(); builds the view (may do work: the UI never waits)
//   bool diverged() const;                      true when a step produced a non-finite value
//                                               (the trainer keeps its last finite parameters)
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <variant>

namespace vi {

template <class Trainer>
class LiveTrainer {
 public:
  using Config = typename Trainer::Config;
  using ModelSnapshot = typename Trainer::Snapshot;

  // What the UI reads each frame.
  struct Frame {
    std::shared_ptr<const ModelSnapshot> model;  // never null
    bool playing = false;
    bool diverged = false;    // the trainer paused itself on a non-finite step
    std::string error;        // the last refused configuration's message ("" when none)
    int64_t steps = 0;        // steps since the last restart
    Config config;            // the configuration the snapshot belongs to
  };

  // Builds the trainer on the caller's thread (a bad config throws here) and starts paused.
  explicit LiveTrainer(const Config& config, double publish_hz = 30)
      : trainer_(std::make_unique<Trainer>(config)), config_(config), publish_period_(1.0 / publish_hz) {
    publish();
    thread_ = std::jthread([this](std::stop_token st) { worker(st); });
  }
  ~LiveTrainer() {
    thread_.request_stop();
    wake_.notify_all();
  }
  LiveTrainer(const LiveTrainer&) = delete;
  LiveTrainer& operator=(const LiveTrainer&) = delete;

  void play() { send(Play{}); }
  void pause() { send(Pause{}); }
  void toggle_play() { send(Toggle{}); }
  void step(int64_t n = 1) { send(Step{n}); }
  void reset() { send(Reset{}); }
  void apply(const Config& c) { send(Apply{c}); }

  std::shared_ptr<const Frame> frame() const {
    std::lock_guard lock(frame_mutex_);
    return frame_;
  }

  // Blocks until every command sent so far has been applied and a frame published after it
  // (tests, `vilab shot` and the CLI; the UI never waits). Steps requested by Step are done too.
  void sync() {
    std::unique_lock lock(mutex_);
    const uint64_t target = sent_;
    synced_.wait(lock, [&] { return applied_ >= target && pending_steps_ == 0; });
  }

 private:
  struct Play {};
  struct Pause {};
  struct Toggle {};
  struct Step { int64_t n; };
  struct Reset {};
  struct Apply { Config config; };
  using Command = std::variant<Play, Pause, Toggle, Step, Reset, Apply>;

  void send(Command c) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(c));
      ++sent_;
    }
    wake_.notify_all();
  }

  // Worker-thread state changes; called with mutex_ NOT held.
  void execute(Command& c) {
    if (std::holds_alternative<Play>(c)) {
      playing_ = true;
      diverged_ = false;
    } else if (std::holds_alternative<Pause>(c)) {
      playing_ = false;
    } else if (std::holds_alternative<Toggle>(c)) {
      playing_ = !playing_;
      if (playing_) diverged_ = false;
    } else if (auto* s = std::get_if<Step>(&c)) {
      std::lock_guard lock(mutex_);
      pending_steps_ += std::max<int64_t>(0, s->n);
      diverged_ = false;  // the trainer kept its last finite parameters: try again from them
    } else if (std::holds_alternative<Reset>(c)) {
      rebuild(config_);
    } else if (auto* a = std::get_if<Apply>(&c)) {
      try {
        if (!trainer_->apply(a->config)) steps_ = 0;
        config_ = a->config;
        error_.clear();
        diverged_ = false;
      } catch (const std::exception& e) {
        error_ = e.what();
      }
    }
  }

  void rebuild(const Config& c) {
    try {
      trainer_ = std::make_unique<Trainer>(c);
      config_ = c;
      steps_ = 0;
      error_.clear();
      diverged_ = false;
    } catch (const std::exception& e) {
      error_ = e.what();
    }
  }

  void publish() {
    auto f = std::make_shared<Frame>();
    try {
      f->model = trainer_->snapshot();
    } catch (const std::exception& e) {
      error_ = e.what();
      f->model = last_model_ ? last_model_ : std::make_shared<const ModelSnapshot>();
    }
    last_model_ = f->model;
    f->playing = playing_;
    f->diverged = diverged_;
    f->error = error_;
    f->steps = steps_;
    f->config = config_;
    std::lock_guard lock(frame_mutex_);
    frame_ = std::move(f);
  }

  void worker(std::stop_token stop) {
    using clock = std::chrono::steady_clock;
    auto last_publish = clock::now();
    while (!stop.stop_requested()) {
      std::deque<Command> commands;
      uint64_t taken = 0;
      int64_t pending = 0;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, stop, [&] { return !queue_.empty() || playing_ || pending_steps_ > 0; });
        if (stop.stop_requested()) break;
        commands.swap(queue_);
        taken = sent_;
        pending = pending_steps_;
      }
      for (auto& c : commands) execute(c);
      if (!commands.empty()) {
        std::lock_guard lock(mutex_);
        pending = pending_steps_;
      }
      // Step for up to one publish period, then publish (commands are read between batches).
      const auto until = clock::now() + std::chrono::duration<double>(publish_period_);
      bool stepped = false;
      while ((playing_ || pending > 0) && !diverged_ && clock::now() < until) {
        trainer_->step();
        ++steps_;
        stepped = true;
        if (pending > 0) --pending;
        if (trainer_->diverged()) {
          diverged_ = true;
          playing_ = false;
        }
        std::lock_guard lock(mutex_);
        if (!queue_.empty() || stop.stop_requested()) break;
      }
      {
        std::lock_guard lock(mutex_);
        if (diverged_) pending = 0;
        pending_steps_ = pending;
      }
      const bool due = clock::now() - last_publish >= std::chrono::duration<double>(publish_period_);
      const bool at_rest = !playing_ && pending == 0;
      if (!commands.empty() || due || (stepped && at_rest)) {
        publish();
        last_publish = clock::now();
      }
      {
        std::lock_guard lock(mutex_);
        if (!commands.empty()) applied_ = std::max(applied_, taken);
        if (at_rest && queue_.empty()) applied_ = std::max(applied_, sent_);
      }
      synced_.notify_all();
    }
  }

  // Worker-owned (the UI never reads these directly: they travel in Frames).
  std::unique_ptr<Trainer> trainer_;
  Config config_;
  bool playing_ = false, diverged_ = false;
  int64_t steps_ = 0;
  std::string error_;
  std::shared_ptr<const ModelSnapshot> last_model_;
  double publish_period_;

  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable_any synced_;
  std::deque<Command> queue_;
  uint64_t sent_ = 0, applied_ = 0;  // guarded by mutex_
  int64_t pending_steps_ = 0;        // guarded by mutex_

  mutable std::mutex frame_mutex_;
  std::shared_ptr<const Frame> frame_;  // guarded by frame_mutex_
  std::jthread thread_;                 // last: starts after everything above exists, joins first
};

}  // namespace vi
