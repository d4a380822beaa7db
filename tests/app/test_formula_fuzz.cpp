// tests/app/test_formula_fuzz.cpp — the formula parser fuzzed in bounded time (tags [fuzz][formula]).
//
// Generated formulas (tests/fuzz/formula_generator.hpp) go through the fuzz subject "formula"
// (tests/fuzz/fuzz_subjects.hpp): built on the box [-4, 4]² and, when accepted, evaluated with
// its gradient. A crash or sanitizer report kills the test; an exception escaping the subject, or
// an input taking longer than a second, is reported with the input. Same environment variables
// as the CLI's fuzz test (tests/app/test_cli_fuzz.cpp), read for this subject too:
//   VILAB_FUZZ_INPUTS (default 100000), VILAB_FUZZ_SECONDS (default 50),
//   VILAB_FUZZ_MIN_INPUTS (default: all in an optimized build, 2000 otherwise), VILAB_FUZZ_SEED.
#include "tests/fuzz/formula_generator.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"
#include "vi/target_formula.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

bool builds(const std::string& f) {
  try {
    vi::FormulaTarget t(f, {-4, 4, -4, 4});
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

}  // namespace

TEST_CASE("fuzz: every formula of the corpus builds", "[fuzz][formula]") {
  for (const auto& f : vilab::fuzz::FormulaGenerator::corpus()) {
    INFO(f);
    CHECK(builds(f));
  }
}

TEST_CASE("fuzz: the formula generator reaches both the accept and the reject paths", "[fuzz][formula]") {
  vilab::fuzz::FormulaGenerator gen(7);
  int valid = 0, rejected = 0;
  for (int i = 0; i < 2000; ++i) (builds(gen.next()) ? valid : rejected) += 1;
  INFO("valid " << valid << ", rejected " << rejected);
  CHECK(valid > 100);
  CHECK(rejected > 100);
}

TEST_CASE("fuzz: generated formulas never crash the formula parser", "[fuzz][formula]") {
  const int64_t inputs = env_int("VILAB_FUZZ_INPUTS", 100000);
  const double seconds = double(env_int("VILAB_FUZZ_SECONDS", 50));
#ifdef NDEBUG
  const int64_t min_default = inputs;
#else
  const int64_t min_default = std::min<int64_t>(inputs, 2000);
#endif
  const int64_t min_inputs = env_int("VILAB_FUZZ_MIN_INPUTS", min_default);
  const vilab::fuzz::Subject& formula = vilab::fuzz::subject("formula");
  vilab::fuzz::FormulaGenerator gen(uint64_t(env_int("VILAB_FUZZ_SEED", 1)));

  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  int64_t ran = 0, findings = 0;
  double slowest = 0;
  std::string slowest_input, first_finding;
  while (ran < inputs && Clock::now() < deadline) {
    const std::string bytes = gen.next();
    const auto s0 = Clock::now();
    try {
      formula.run(bytes);
    } catch (const std::exception& e) {
      if (findings++ == 0) first_finding = vilab::fuzz::describe(bytes) + ": " + e.what();
    } catch (...) {
      if (findings++ == 0) first_finding = vilab::fuzz::describe(bytes) + ": a non-standard exception";
    }
    const double dt = std::chrono::duration<double>(Clock::now() - s0).count();
    if (dt > slowest) {
      slowest = dt;
      slowest_input = vilab::fuzz::describe(bytes).substr(0, 200);
    }
    ++ran;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("fuzz formula: %lld inputs in %.1f s (%.0f/s), %lld findings, slowest %.1f ms: %s\n", (long long)ran,
              elapsed, double(ran) / elapsed, (long long)findings, 1e3 * slowest, slowest_input.c_str());
  INFO("first finding: " << first_finding);
  CHECK(findings == 0);
  INFO("slowest input: " << slowest_input);
  CHECK(slowest < 1.0);
  CHECK(ran >= min_inputs);
}
