// vi/engine/command_worker.hpp — the one mechanism that runs a model off the UI thread: a worker
// thread, the queue of commands it takes, and the immutable snapshots it publishes.
//
// vi::Engine (the Runs of a Scene) and vi::LiveTrainer (a model with its own trainer: the VAE,
// the BNN) are both built on it; each keeps only its own commands, its state machine and its
// stepping policy. The contract it gives them:
//   - the owner's side (any thread; the UI's): send() enqueues and returns; latest() is the last
//     snapshot (one pointer copy under a mutex); sync() blocks until every command sent so far is
//     done and a snapshot published after it (tests, `vilab shot`: the UI never waits);
//   - the worker's side (the loop given to start()): wait_for_command(), take_*(), done() when a
//     command is fully applied (a Step only once its steps have run), publish();
//   - the start counts as one command, completed by the first settling publish (which the owner
//     may do on its own thread before start(), as LiveTrainer does), so a constructor that ends
//     with sync() returns with a snapshot to show.
// The snapshot pointer is swapped under a mutex held for one pointer copy: the design notes
// suggest std::atomic<std::shared_ptr> (as Tracy does), but libstdc++ 12 implements it with a
// lock bit ThreadSanitizer cannot see, and we want the threading tests TSan-clean. The snapshot
// replaced is freed after the lock: the UI never waits on a destructor.
//
// [SECTION] SnapshotChannel
// [SECTION] PendingSteps
// [SECTION] CommandWorker
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>

namespace vi {

// [SECTION] SnapshotChannel

// The latest immutable snapshot: written by the worker, read by anyone.
template <class T>
class SnapshotChannel {
 public:
  std::shared_ptr<const T> latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }
  void publish(std::shared_ptr<const T> next) {
    std::shared_ptr<const T> old;
    {
      std::lock_guard lock(mutex_);
      old = std::exchange(latest_, std::move(next));
    }
    old.reset();  // freed after the lock
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const T> latest_;  // guarded by mutex_
};

// [SECTION] PendingSteps

// Steps asked for by Step commands and not taken yet (worker-owned). A Step command is done when
// its steps are: finish() returns how many commands that completes.
struct PendingSteps {
  int64_t steps = 0;
  uint64_t commands = 0;  // Step commands whose steps have not all run yet

  void add(int64_t n) {
    steps += n;
    ++commands;
  }
  bool any() const { return steps > 0; }
  uint64_t finish() {
    steps = 0;
    return std::exchange(commands, 0);
  }
};

// [SECTION] CommandWorker

template <class Command, class Published>
class CommandWorker {
 public:
  CommandWorker() = default;
  ~CommandWorker() { stop(); }
  CommandWorker(const CommandWorker&) = delete;
  CommandWorker& operator=(const CommandWorker&) = delete;

  // Runs `loop` on the worker thread until it returns (it should return once its stop token is
  // stopped); then releases anyone still in sync(). Call once, when the loop's state exists.
  void start(std::function<void(std::stop_token)> loop) {
    thread_ = std::jthread([this, loop = std::move(loop)](std::stop_token st) {
      loop(st);
      {
        std::lock_guard lock(mutex_);
        settled_ = ~uint64_t(0);
      }
      synced_.notify_all();
    });
  }
  // Stops and joins the worker. The owner calls it first in its destructor, before the state
  // its loop uses goes.
  void stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }

  // --- The owner's side (any thread) ---

  void send(Command c) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(c));
      ++sent_;
    }
    wake_.notify_all();
  }

  // Blocks until every command sent so far is done and a snapshot published after it.
  void sync() {
    std::unique_lock lock(mutex_);
    const uint64_t target = sent_;
    synced_.wait(lock, [&] { return settled_ >= target; });
  }

  std::shared_ptr<const Published> latest() const { return channel_.latest(); }

  // --- The worker's side (the loop's thread only) ---

  // Sleeps until a command is queued or stop is requested (at most `timeout` in the second form).
  void wait_for_command(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, stop, [&] { return !queue_.empty(); });
  }
  template <class Rep, class Period>
  void wait_for_command(std::stop_token stop, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, stop, timeout, [&] { return !queue_.empty(); });
  }
  // Whether a command is waiting (a long stretch of steps may stop early to take it).
  bool has_command() const {
    std::lock_guard lock(mutex_);
    return !queue_.empty();
  }

  // Takes every queued command, in order.
  std::deque<Command> take_all() {
    std::deque<Command> out;
    std::lock_guard lock(mutex_);
    out.swap(queue_);
    return out;
  }
  // Takes queued commands in order, up to and including the first one `last` holds for (so that
  // the commands behind a Step wait for its steps).
  template <class Pred>
  std::deque<Command> take_through(Pred last) {
    std::deque<Command> out;
    std::lock_guard lock(mutex_);
    while (!queue_.empty()) {
      const bool stop_here = last(queue_.front());
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
      if (stop_here) break;
    }
    return out;
  }

  // `n` more commands are fully applied; sync() sees them at the next settling publish.
  void done(uint64_t n = 1) { done_ += n; }
  // Some command is done but no settling publish has followed it yet.
  bool owes_sync() const { return done_ != settled_done_; }

  // Makes `next` the latest snapshot. A settling publish (the usual kind) also completes every
  // command done so far for sync(); `settles = false` publishes a snapshot that sync() should not
  // stop at (the Engine's light snapshot, whose exact one follows).
  void publish(std::shared_ptr<const Published> next, bool settles = true) {
    channel_.publish(std::move(next));
    if (!settles) return;
    settled_done_ = done_;
    {
      std::lock_guard lock(mutex_);
      settled_ = done_;
    }
    synced_.notify_all();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::condition_variable_any synced_;
  std::deque<Command> queue_;  // guarded by mutex_
  uint64_t sent_ = 1;          // commands sent, counting the start (guarded by mutex_)
  uint64_t settled_ = 0;       // commands done and published (guarded by mutex_)
  uint64_t done_ = 1;          // worker-owned: commands done, counting the start
  uint64_t settled_done_ = 0;  // worker-owned: done_ at the last settling publish
  SnapshotChannel<Published> channel_;
  std::jthread thread_;  // last: starts after everything above exists
};

}  // namespace vi
