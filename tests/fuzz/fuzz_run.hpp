// tests/fuzz/fuzz_run.hpp — the bounded-time fuzz loop the Catch tests share (one per subject).
//
// Feeds a subject inputs from a generator until the input count or the time box runs out,
// timing each input and keeping the first finding (an exception escaping the subject). The
// numbers come from the environment, so a slow build can run fewer (the CTest presets set them):
//   VILAB_FUZZ_INPUTS      inputs to generate (default 100000)
//   VILAB_FUZZ_SECONDS     time box: stop generating after this many seconds (default 50)
//   VILAB_FUZZ_MIN_INPUTS  inputs that must have run by then (default: all of VILAB_FUZZ_INPUTS in an
//                          optimized build, 2000 in a Debug or sanitizer build)
//   VILAB_FUZZ_SEED        the generator's seed (default 1)
#pragma once

#include "tests/fuzz/fuzz_subjects.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace vilab::fuzz {

struct FuzzBudget {
  int64_t inputs = 100000;
  double seconds = 50;
  int64_t min_inputs = 100000;
  uint64_t seed = 1;
};
// The budget the environment sets (see above).
FuzzBudget fuzz_budget_from_env();

struct FuzzResult {
  int64_t ran = 0, findings = 0;
  double elapsed = 0, slowest = 0;  // seconds
  std::string slowest_input, first_finding;
};

// Runs `subject` on `next()` until the budget is spent. `accepted` (optional) is called with
// each input the subject returned from normally. `describe_input` turns an input into text for
// the messages (default: describe()).
FuzzResult run_fuzz(const Subject& subject, const std::function<std::string()>& next, const FuzzBudget& budget,
                    const std::function<void(const std::string&)>& accepted = {},
                    const std::function<std::string(const std::string&)>& describe_input = {});

// One line: "fuzz NAME: N inputs in T s (R/s), F findings, slowest S ms: INPUT".
void print_fuzz_result(const char* name, const FuzzResult& r);

}  // namespace vilab::fuzz
