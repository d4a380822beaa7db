// tests/app/cli/test_cli_fuzz.cpp — the CLI parser fuzzed in bounded time (tag [fuzz]).
//
// Generated command lines (tests/fuzz/cli_generator.hpp) go through every fuzz subject that takes
// an argv (tests/fuzz/fuzz_subjects.hpp; today the CLI's check_cli, which parses and checks but
// runs nothing). A crash or sanitizer report kills the test; an exception escaping the subject, or
// an input taking longer than a second, is reported with the input.
//
// The numbers are environment variables, so a slow build can run fewer (the CTest presets set them):
//   VILAB_FUZZ_INPUTS      inputs to generate (default 100000)
//   VILAB_FUZZ_SECONDS     time box: stop generating after this many seconds (default 50)
//   VILAB_FUZZ_MIN_INPUTS  inputs that must have run by then (default: all of VILAB_FUZZ_INPUTS in an
//                          optimized build, 2000 in a Debug or sanitizer build)
//   VILAB_FUZZ_SEED        the generator's seed (default 1)
#include "tests/fuzz/cli_generator.hpp"
#include "tests/fuzz/fuzz_run.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

TEST_CASE("fuzz: every corpus line is a valid command line", "[fuzz][cli]") {
  for (const auto& args : vilab::fuzz::CliGenerator::corpus()) {
    std::vector<const char*> argv{"vilab"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const vilab::CliCheck c = vilab::check_cli(int(argv.size()), argv.data(), out, err);
    INFO(vilab::fuzz::describe(vilab::fuzz::join_args(args)) << ": " << err.str());
    CHECK((c.valid || (args.front() == "--version" && c.exit_code == 0)));
  }
}

TEST_CASE("fuzz: each subcommand's help lists its own flags", "[fuzz][cli]") {
  // The parser adds only the flags of the subcommand argv names (app/cli/cli.cpp, CommandLine): a
  // subcommand it failed to recognize would show a help without flags.
  for (const auto& sub : vilab::cli_grammar()) {
    if (sub.name.empty()) continue;
    std::ostringstream out, err;
    const char* argv[] = {"vilab", sub.name.c_str(), "--help"};
    const vilab::CliCheck c = vilab::check_cli(3, argv, out, err);
    CHECK_FALSE(c.valid);
    CHECK(c.exit_code == 0);
    for (const auto& f : sub.flags) {
      INFO(sub.name << " " << f.name);
      CHECK(out.str().find(f.name) != std::string::npos);
    }
  }
}

TEST_CASE("fuzz: check_cli rejects with a message and runs nothing", "[fuzz][cli]") {
  std::ostringstream out, err;
  const char* bad[] = {"vilab", "run", "--lr", "nan"};
  const vilab::CliCheck c = vilab::check_cli(4, bad, out, err);
  CHECK_FALSE(c.valid);
  CHECK(c.exit_code != 0);
  CHECK(err.str().find("--lr") != std::string::npos);
  // A run of 10¹² steps would take hours: check_cli must return at once, having run nothing.
  std::ostringstream out2, err2;
  const char* huge[] = {"vilab", "run", "--steps", "1000000000000"};
  const auto t0 = std::chrono::steady_clock::now();
  const vilab::CliCheck h = vilab::check_cli(4, huge, out2, err2);
  CHECK(h.valid);
  CHECK(h.command == "run");
  CHECK(out2.str().empty());
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
}

TEST_CASE("fuzz: --init-mean with a bad number is a message, not a crash", "[fuzz][cli]") {
  // A crash before check_cli existed (`vilab run --init-mean abc 1` aborted with exit 134): the
  // option's callback called std::stod, whose exception escaped the parser. Inputs like these are
  // what the generator makes; this test pins the fix.
  for (const char* v : {"abc", "1e999", ""}) {
    std::ostringstream out, err;
    const char* argv[] = {"vilab", "run", "--init-mean", v, "1"};
    const vilab::CliCheck c = vilab::check_cli(5, argv, out, err);
    INFO(v << ": " << err.str());
    CHECK_FALSE(c.valid);
    CHECK(c.exit_code == 2);
    CHECK(err.str().find("--init-mean") != std::string::npos);
  }
}

TEST_CASE("fuzz: generated command lines never crash the CLI parser", "[fuzz][cli]") {
  const vilab::fuzz::FuzzBudget budget = vilab::fuzz::fuzz_budget_from_env();
  vilab::fuzz::CliGenerator gen(budget.seed);
  const vilab::fuzz::FuzzResult r =
      vilab::fuzz::run_fuzz(vilab::fuzz::subject("cli"), [&] { return vilab::fuzz::join_args(gen.next()); }, budget);
  vilab::fuzz::print_fuzz_result("cli", r);
  INFO("first finding: " << r.first_finding);
  CHECK(r.findings == 0);
  INFO("slowest input: " << r.slowest_input);
  CHECK(r.slowest < 1.0);  // a hang-like input (no input should take a second to parse)
  CHECK(r.ran >= budget.min_inputs);
}

TEST_CASE("fuzz: the generator reaches both the accept and the reject paths", "[fuzz][cli]") {
  // A generator that only made garbage (or only valid lines) would test little.
  vilab::fuzz::CliGenerator gen(7);
  int valid = 0, rejected = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto args = gen.next();
    std::vector<const char*> argv{"vilab"};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const vilab::CliCheck c = vilab::check_cli(int(argv.size()), argv.data(), out, err);
    (c.valid ? valid : rejected) += 1;
  }
  INFO("valid " << valid << ", rejected " << rejected);
  CHECK(valid > 100);
  CHECK(rejected > 100);
}
