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
// and may provide its own commands (the VAE's "compute the gap now"), sent with send():
//   using Command = …;                          a plain value
//   void handle(const Command&);                on the worker thread, between steps; a frame is
//                                               published right after it
//
// The thread, the queue, sync() and the frame's hand-over are vi::CommandWorker's
// (vi/engine/command_worker.hpp), shared with vi::Engine.
#pragma once

#include "vi/engine/command_worker.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <stop_token>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace vi {

// A trainer's own commands: Trainer::Command when it has one, none otherwise.
template <class Trainer>
struct TrainerCommandOf {
  using type = std::monostate;
};
template <class Trainer>
  requires requires { typename Trainer::Command; }
struct TrainerCommandOf<Trainer> {
  using type = typename Trainer::Command;
};

template <class Trainer>
class LiveTrainer {
 public:
  using Config = typename Trainer::Config;
  using ModelSnapshot = typename Trainer::Snapshot;
  using TrainerCommand = typename TrainerCommandOf<Trainer>::type;
  static constexpr bool kHasOwnCommands = !std::is_same_v<TrainerCommand, std::monostate>;

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
    publish();  // the first frame, before the thread starts (it completes the start for sync())
    worker_.start([this](std::stop_token st) { loop(st); });
  }
  ~LiveTrainer() { worker_.stop(); }
  LiveTrainer(const LiveTrainer&) = delete;
  LiveTrainer& operator=(const LiveTrainer&) = delete;

  void play() { worker_.send(Play{}); }
  void pause() { worker_.send(Pause{}); }
  void toggle_play() { worker_.send(Toggle{}); }
  void step(int64_t n = 1) { worker_.send(Step{n}); }
  void reset() { worker_.send(Reset{}); }
  void apply(const Config& c) { worker_.send(Apply{c}); }
  // One of the trainer's own commands, handled on the worker thread in order with the others.
  void send(TrainerCommand c)
    requires kHasOwnCommands
  {
    worker_.send(Own{std::move(c)});
  }

  std::shared_ptr<const Frame> frame() const { return worker_.latest(); }

  // Blocks until every command sent so far has been applied and a frame published after it
  // (tests, `vilab shot` and the CLI; the UI never waits). Steps requested by Step are done too.
  void sync() { worker_.sync(); }

 private:
  struct Play {};
  struct Pause {};
  struct Toggle {};
  struct Step { int64_t n; };
  struct Reset {};
  struct Apply { Config config; };
  struct Own { TrainerCommand command; };
  using Command = std::variant<Play, Pause, Toggle, Step, Reset, Apply, Own>;

  // One pass: sleep at rest until a command comes; take every queued command (a Step adds to the
  // pending steps: commands sent after it are applied before those steps are taken); step for up
  // to one publish period (stopping early for a command); publish.
  void loop(std::stop_token stop) {
    using clock = std::chrono::steady_clock;
    auto last_publish = clock::now();
    while (!stop.stop_requested()) {
      if (!playing_ && !pending_.any()) worker_.wait_for_command(stop);
      if (stop.stop_requested()) break;
      const std::deque<Command> commands = worker_.take_all();
      for (const auto& c : commands)
        if (execute(c)) worker_.done();
      const bool stepped = step_for(std::chrono::duration<double>(publish_period_), stop);
      if (diverged_ || !pending_.any()) worker_.done(pending_.finish());
      const bool due = clock::now() - last_publish >= std::chrono::duration<double>(publish_period_);
      const bool at_rest = !playing_ && !pending_.any();
      if (!commands.empty() || due || (stepped && at_rest) || worker_.owes_sync()) {
        publish();
        last_publish = clock::now();
      }
    }
  }

  // Steps while playing or owed steps, for at most `period`; returns whether it stepped.
  bool step_for(std::chrono::duration<double> period, std::stop_token stop) {
    const auto until = std::chrono::steady_clock::now() + period;
    bool stepped = false;
    while ((playing_ || pending_.any()) && !diverged_ && std::chrono::steady_clock::now() < until) {
      trainer_->step();
      ++steps_;
      stepped = true;
      if (pending_.any()) --pending_.steps;
      if (trainer_->diverged()) {
        diverged_ = true;
        playing_ = false;
      }
      if (worker_.has_command() || stop.stop_requested()) break;
    }
    return stepped;
  }

  // Applies one command on the worker thread; returns whether it is done (a Step is done once
  // its steps have run).
  bool execute(const Command& c) {
    if (std::holds_alternative<Play>(c)) {
      playing_ = true;
      diverged_ = false;
    } else if (std::holds_alternative<Pause>(c)) {
      playing_ = false;
    } else if (std::holds_alternative<Toggle>(c)) {
      playing_ = !playing_;
      if (playing_) diverged_ = false;
    } else if (auto* s = std::get_if<Step>(&c)) {
      pending_.add(std::max<int64_t>(0, s->n));
      diverged_ = false;  // the trainer kept its last finite parameters: try again from them
      return false;
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
    } else if (auto* o = std::get_if<Own>(&c)) {
      if constexpr (kHasOwnCommands) trainer_->handle(o->command);
    }
    return true;
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
    worker_.publish(std::move(f));
  }

  // Worker-owned (the UI never reads these directly: they travel in Frames).
  std::unique_ptr<Trainer> trainer_;
  Config config_;
  bool playing_ = false, diverged_ = false;
  int64_t steps_ = 0;
  PendingSteps pending_;
  std::string error_;
  std::shared_ptr<const ModelSnapshot> last_model_;
  double publish_period_;

  CommandWorker<Command, Frame> worker_;  // last member: stopped first, before the trainer goes
};

}  // namespace vi
