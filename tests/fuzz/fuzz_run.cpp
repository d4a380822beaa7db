// tests/fuzz/fuzz_run.cpp — see fuzz_run.hpp.
#include "tests/fuzz/fuzz_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace vilab::fuzz {

namespace {

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

}  // namespace

FuzzBudget fuzz_budget_from_env() {
  FuzzBudget b;
  b.inputs = env_int("VILAB_FUZZ_INPUTS", 100000);
  b.seconds = double(env_int("VILAB_FUZZ_SECONDS", 50));
#ifdef NDEBUG
  const int64_t min_default = b.inputs;
#else
  const int64_t min_default = std::min<int64_t>(b.inputs, 2000);
#endif
  b.min_inputs = env_int("VILAB_FUZZ_MIN_INPUTS", min_default);
  b.seed = uint64_t(env_int("VILAB_FUZZ_SEED", 1));
  return b;
}

FuzzResult run_fuzz(const Subject& subject, const std::function<std::string()>& next, const FuzzBudget& budget,
                    const std::function<void(const std::string&)>& accepted,
                    const std::function<std::string(const std::string&)>& describe_input) {
  using Clock = std::chrono::steady_clock;
  const auto show = [&](const std::string& bytes) { return describe_input ? describe_input(bytes) : describe(bytes); };
  FuzzResult r;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(budget.seconds));
  while (r.ran < budget.inputs && Clock::now() < deadline) {
    const std::string bytes = next();
    const auto s0 = Clock::now();
    bool ok = false;
    try {
      subject.run(bytes);
      ok = true;
    } catch (const std::exception& e) {
      if (r.findings++ == 0) r.first_finding = show(bytes) + ": " + e.what();
    } catch (...) {
      if (r.findings++ == 0) r.first_finding = show(bytes) + ": a non-standard exception";
    }
    const double dt = std::chrono::duration<double>(Clock::now() - s0).count();
    if (dt > r.slowest) {
      r.slowest = dt;
      r.slowest_input = show(bytes).substr(0, 200);
    }
    if (ok && accepted) accepted(bytes);
    ++r.ran;
  }
  r.elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  return r;
}

void print_fuzz_result(const char* name, const FuzzResult& r) {
  std::printf("fuzz %s: %lld inputs in %.1f s (%.0f/s), %lld findings, slowest %.1f ms: %s\n", name, (long long)r.ran,
              r.elapsed, double(r.ran) / r.elapsed, (long long)r.findings, 1e3 * r.slowest, r.slowest_input.c_str());
}

}  // namespace vilab::fuzz
