// vi/engine/background_job.hpp — one piece of work off the calling thread: start, poll, wait, stop, retire.
//
// The one way the app runs a computation off the UI thread (the gradient-variance probe, the
// layer scrubber, the step-through replica, the ELBO landscape, the grid's engines starting and
// a grid session going away). The owner starts a job with a function of a std::stop_token, polls
// for its result once a frame (never blocking), and either takes the result, asks the job to stop
// (its result still arrives, and the owner may drop it), or retires it: a retired job is asked to
// stop and its result is dropped, but the owner does not wait for it — it finishes on its own
// thread while the owner starts the next one, and is collected by a later call. Only wait() and
// the destructor block: the destructor asks every job to stop and waits for all of them, so no
// job outlives the data its owner gave it.
//
// Owner's thread only (the work itself runs on its own thread). No GUI here: tested headless.
#pragma once

#include <chrono>
#include <future>
#include <optional>
#include <stop_token>
#include <type_traits>
#include <utility>
#include <vector>

namespace vi {

template <class T>
class BackgroundJob {
  static_assert(!std::is_void_v<T>, "a job has a result (a job run for its effect can return bool)");

 public:
  BackgroundJob() = default;
  BackgroundJob(BackgroundJob&&) noexcept = default;
  // Assigning over a job would block on its future: retire() it, then start() again.
  BackgroundJob& operator=(BackgroundJob&&) = delete;
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;
  ~BackgroundJob() { stop_and_wait(); }

  // Runs work(stop_token) — or work() — on a thread of its own and returns at once. A job still
  // running is retired first (asked to stop, its result dropped).
  template <class F>
  void start(F work) {
    retire();
    stop_ = std::stop_source();
    if constexpr (std::is_invocable_v<F&, std::stop_token>) {
      job_ = std::async(std::launch::async, [w = std::move(work), token = stop_.get_token()]() mutable -> T { return w(token); });
    } else {
      job_ = std::async(std::launch::async, [w = std::move(work)]() mutable -> T { return w(); });
    }
  }

  // A job was started and its result not taken yet.
  bool busy() const { return job_.valid(); }
  // … and it has finished: poll() or wait() returns at once.
  bool ready() const { return busy() && job_.wait_for(std::chrono::seconds(0)) == std::future_status::ready; }

  // Takes the result when the job has finished (rethrowing what the work threw); never blocks.
  // Also lets go of retired jobs that have finished.
  std::optional<T> poll() {
    collect_retired();
    if (!ready()) return std::nullopt;
    return job_.get();
  }

  // Blocks until the job finishes and takes its result (shot mode and tests). Requires busy().
  T wait() {
    collect_retired();
    return job_.get();
  }

  // Asks the running job to stop early; its (partial or "cancelled") result still arrives.
  void request_stop() { stop_.request_stop(); }
  bool stop_requested() const { return stop_.stop_requested(); }

  // Lets the running job go without waiting for it: it is asked to stop, its result is dropped,
  // and it finishes on its own thread (collected by a later start, poll, retire or the destructor).
  void retire() {
    collect_retired();
    if (!job_.valid()) return;
    stop_.request_stop();
    retired_.push_back(std::move(job_));
    job_ = {};
  }
  // Retired jobs not yet finished.
  size_t retiring() const { return retired_.size(); }

  // Asks every job to stop and waits for all of them (before what they read goes away).
  void stop_and_wait() {
    stop_.request_stop();
    if (job_.valid()) job_.wait();
    job_ = {};
    retired_.clear();  // each future's destructor waits for its job
  }

 private:
  void collect_retired() {
    std::erase_if(retired_, [](const std::future<T>& f) { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
  }

  std::future<T> job_;
  std::stop_source stop_;
  std::vector<std::future<T>> retired_;
};

}  // namespace vi
