// The mechanism Engine and LiveTrainer share (vi/engine/command_worker.hpp): sync() waits for the
// start and for every command sent to be done and published; take_through() leaves the commands
// behind a barrier queued; a publish that does not settle keeps sync() waiting. And the token
// bucket of vi/engine/speed_limit.hpp.
#include "vi/engine/command_worker.hpp"
#include "vi/engine/speed_limit.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

using namespace vi;
using namespace std::chrono_literals;

namespace {
// A worker that adds every command to a sum and publishes it; a negative command is a barrier
// (the commands behind it wait for the next pass).
struct Summer {
  CommandWorker<int, long> worker;
  std::atomic<int> passes{0};

  void start() {
    worker.start([this](std::stop_token st) {
      long sum = 0;
      worker.publish(std::make_shared<long>(sum));
      while (!st.stop_requested()) {
        worker.wait_for_command(st);
        for (int c : worker.take_through([](int c) { return c < 0; })) {
          sum += c;
          worker.done();
        }
        worker.publish(std::make_shared<long>(sum));
        ++passes;
      }
    });
  }
};
}  // namespace

TEST_CASE("CommandWorker: the start and every command sent are done and published when sync returns", "[engine][threads]") {
  Summer s;
  s.start();
  s.worker.sync();
  REQUIRE(s.worker.latest());
  CHECK(*s.worker.latest() == 0);

  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t)
    senders.emplace_back([&] {
      for (int i = 1; i <= 100; ++i) s.worker.send(i);
    });
  for (auto& t : senders) t.join();
  s.worker.sync();
  CHECK(*s.worker.latest() == 4 * 5050);

  // A barrier: the command behind it is taken in a later pass, and sync() still sees both.
  const int before = s.passes.load();
  s.worker.send(-1);
  s.worker.send(7);
  s.worker.sync();
  CHECK(*s.worker.latest() == 4 * 5050 + 6);
  CHECK(s.passes.load() >= before + 1);
  s.worker.stop();
  s.worker.sync();  // released once the worker has stopped
}

TEST_CASE("CommandWorker: a publish that does not settle keeps sync waiting for the one that does", "[engine][threads]") {
  CommandWorker<int, int> w;
  std::atomic<bool> exact_out{false}, owed_after_light{false}, owed_after_exact{true};
  w.start([&](std::stop_token st) {
    w.publish(std::make_shared<int>(0));
    w.wait_for_command(st);
    w.take_all();
    w.done();
    w.publish(std::make_shared<int>(1), /*settles=*/false);  // a light snapshot: its exact one is owed
    owed_after_light = w.owes_sync();  // (Catch's assertions belong to the test's thread)
    std::this_thread::sleep_for(50ms);
    exact_out = true;
    w.publish(std::make_shared<int>(2));
    owed_after_exact = w.owes_sync();
    while (!st.stop_requested()) w.wait_for_command(st);
  });
  w.sync();
  w.send(1);
  w.sync();
  CHECK(exact_out.load());
  CHECK(*w.latest() == 2);
  w.stop();
  CHECK(owed_after_light.load());
  CHECK_FALSE(owed_after_exact.load());
}

TEST_CASE("SpeedLimit: a token bucket that fills while playing and holds at most 50 ms", "[engine]") {
  using Clock = SpeedLimit::Clock;
  SpeedLimit unlimited;
  CHECK(unlimited.allows_step());
  CHECK_FALSE(unlimited.must_wait());

  SpeedLimit l(100);
  const auto t0 = Clock::now();
  l.restart(t0);
  CHECK(l.must_wait());
  CHECK(l.until_next_step().count() == Approx(0.01));
  l.refill(t0 + 25ms, true);  // 2.5 steps earned
  CHECK(l.allows_step());
  l.take_step();
  l.take_step();
  CHECK(l.must_wait());
  l.refill(t0 + 10s, false);  // paused: nothing earned
  CHECK(l.must_wait());
  l.refill(t0 + 20s, true);  // a long wait earns 50 ms' worth (5 steps), no more
  int steps = 0;
  while (l.allows_step()) l.take_step(), ++steps;
  CHECK(steps == 5);
  l.set(-3);  // no limit
  CHECK(l.speed() == 0);
  CHECK(l.allows_step());
}
