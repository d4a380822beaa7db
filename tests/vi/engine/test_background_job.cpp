// tests/vi/engine/test_background_job.cpp — the one background-job type: start, poll, wait, stop, retire.
#include "vi/engine/background_job.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace {

using namespace std::chrono_literals;

// Spins until asked to stop (or a long deadline), then says whether it was asked.
bool run_until_stopped(std::stop_token stop) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  return stop.stop_requested();
}

}  // namespace

TEST_CASE("background job: a result is polled without blocking, then taken once", "[background_job]") {
  vi::BackgroundJob<int> job;
  CHECK_FALSE(job.busy());
  CHECK_FALSE(job.poll());
  job.start([] { return 42; });
  CHECK(job.busy());
  std::optional<int> r;
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!r && std::chrono::steady_clock::now() < deadline) {
    r = job.poll();
    std::this_thread::sleep_for(1ms);
  }
  REQUIRE(r);
  CHECK(*r == 42);
  CHECK_FALSE(job.busy());
  CHECK_FALSE(job.poll());
}

TEST_CASE("background job: wait blocks for the result, and the work sees its stop token", "[background_job]") {
  vi::BackgroundJob<bool> job;
  job.start(run_until_stopped);
  CHECK_FALSE(job.ready());
  job.request_stop();
  CHECK(job.wait());  // it was asked to stop, and its result still arrived
  CHECK_FALSE(job.busy());
}

TEST_CASE("background job: starting again retires the running job without waiting, and its result is dropped", "[background_job]") {
  vi::BackgroundJob<int> job;
  auto gate = std::make_shared<std::atomic<bool>>(false);
  job.start([gate](std::stop_token stop) {
    while (!stop.stop_requested()) std::this_thread::sleep_for(1ms);
    while (!gate->load()) std::this_thread::sleep_for(1ms);  // still running after the stop request
    return 1;
  });
  const auto t0 = std::chrono::steady_clock::now();
  job.start([] { return 2; });
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);  // did not wait for the first
  CHECK(job.retiring() == 1);
  CHECK(job.wait() == 2);
  gate->store(true);
  job.retire();  // nothing running: a no-op
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (job.retiring() > 0 && std::chrono::steady_clock::now() < deadline) {
    job.poll();
    std::this_thread::sleep_for(1ms);
  }
  CHECK(job.retiring() == 0);
}

TEST_CASE("background job: retire leaves nothing busy, and the destructor stops and waits for every job", "[background_job]") {
  auto finished = std::make_shared<std::atomic<int>>(0);
  {
    vi::BackgroundJob<bool> job;
    job.start([finished](std::stop_token stop) {
      const bool r = run_until_stopped(stop);
      ++*finished;
      return r;
    });
    job.retire();
    CHECK_FALSE(job.busy());
    job.start([finished](std::stop_token stop) {
      const bool r = run_until_stopped(stop);
      ++*finished;
      return r;
    });
  }
  CHECK(finished->load() == 2);
}

TEST_CASE("background job: what the work throws comes out of poll or wait", "[background_job]") {
  vi::BackgroundJob<int> job;
  job.start([]() -> int { throw std::runtime_error("no"); });
  CHECK_THROWS_WITH(job.wait(), "no");
  vi::BackgroundJob<int> moved_into(std::move(job));
  CHECK_FALSE(moved_into.busy());
}
