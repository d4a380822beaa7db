// tests/app/io/test_scene_fuzz.cpp — the scene-file reader fuzzed in bounded time (tags [fuzz][scene]).
//
// Scene files from tests/fuzz/scene_generator.hpp (valid files mutated at line, key, value and
// byte level) go through the "scene" fuzz subject: parse_scene_file must accept the text or reject
// it with a SceneFileError naming the file. A crash or sanitizer report kills the test; any other
// exception, or an input taking a second, is reported with the input. The same environment
// variables as the CLI's fuzz test set the numbers (VILAB_FUZZ_INPUTS, _SECONDS, _MIN_INPUTS,
// _SEED).
#include "app/io/scene_file.hpp"
#include "tests/fuzz/fuzz_run.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"
#include "tests/fuzz/scene_generator.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

TEST_CASE("fuzz: every scene corpus file parses", "[fuzz][scene]") {
  for (const std::string& text : vilab::fuzz::SceneGenerator::corpus()) {
    INFO(text);
    CHECK_NOTHROW(vilab::parse_scene_file(text, "corpus.toml"));
  }
}

TEST_CASE("fuzz: generated scene files never crash the scene-file reader", "[fuzz][scene]") {
  const vilab::fuzz::FuzzBudget budget = vilab::fuzz::fuzz_budget_from_env();
  vilab::fuzz::SceneGenerator gen(budget.seed);
  int64_t accepted = 0;  // counted apart, to show the generator reaches both paths
  const auto count_accepted = [&](const std::string& text) {
    try {
      (void)vilab::parse_scene_file(text, "fuzz.toml");
      ++accepted;
    } catch (const vilab::SceneFileError&) {
    }
  };
  const vilab::fuzz::FuzzResult r =
      vilab::fuzz::run_fuzz(vilab::fuzz::subject("scene"), [&] { return gen.next(); }, budget, count_accepted,
                            [](const std::string& text) { return text; });
  vilab::fuzz::print_fuzz_result("scene", r);
  std::printf("fuzz scene: %lld of the inputs accepted\n", (long long)accepted);
  INFO("first finding: " << r.first_finding);
  CHECK(r.findings == 0);
  CHECK(r.slowest < 1.0);
  CHECK(r.ran >= budget.min_inputs);
  CHECK(accepted > r.ran / 50);       // the generator stays near valid files …
  CHECK(accepted < r.ran - r.ran / 5);  // … and still breaks most of them
}
