// tests/app/ui/test_formula_fuzz.cpp — the formula parser fuzzed in bounded time (tags [fuzz][formula]).
//
// Generated formulas (tests/fuzz/formula_generator.hpp) go through the fuzz subject "formula"
// (tests/fuzz/fuzz_subjects.hpp): built on the box [-4, 4]² and, when accepted, evaluated with
// its gradient. A crash or sanitizer report kills the test; an exception escaping the subject, or
// an input taking longer than a second, is reported with the input. Same environment variables
// as the CLI's fuzz test (tests/app/cli/test_cli_fuzz.cpp), read for this subject too:
//   VILAB_FUZZ_INPUTS (default 100000), VILAB_FUZZ_SECONDS (default 50),
//   VILAB_FUZZ_MIN_INPUTS (default: all in an optimized build, 2000 otherwise), VILAB_FUZZ_SEED.
#include "tests/fuzz/formula_generator.hpp"
#include "tests/fuzz/fuzz_run.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"
#include "vi/targets/formula.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace {

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
  const vilab::fuzz::FuzzBudget budget = vilab::fuzz::fuzz_budget_from_env();
  vilab::fuzz::FormulaGenerator gen(budget.seed);
  const vilab::fuzz::FuzzResult r = vilab::fuzz::run_fuzz(vilab::fuzz::subject("formula"), [&] { return gen.next(); }, budget);
  vilab::fuzz::print_fuzz_result("formula", r);
  INFO("first finding: " << r.first_finding);
  CHECK(r.findings == 0);
  INFO("slowest input: " << r.slowest_input);
  CHECK(r.slowest < 1.0);
  CHECK(r.ran >= budget.min_inputs);
}
