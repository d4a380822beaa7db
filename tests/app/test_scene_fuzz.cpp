// tests/app/test_scene_fuzz.cpp — the scene-file reader fuzzed in bounded time (tags [fuzz][scene]).
//
// Scene files from tests/fuzz/scene_generator.hpp (valid files mutated at line, key, value and
// byte level) go through the "scene" fuzz subject: parse_scene_file must accept the text or reject
// it with a SceneFileError naming the file. A crash or sanitizer report kills the test; any other
// exception, or an input taking a second, is reported with the input. The same environment
// variables as the CLI's fuzz test set the numbers (VILAB_FUZZ_INPUTS, _SECONDS, _MIN_INPUTS,
// _SEED).
#include "app/scene_file.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"
#include "tests/fuzz/scene_generator.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int64_t env_int(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

}  // namespace

TEST_CASE("fuzz: every scene corpus file parses", "[fuzz][scene]") {
  for (const std::string& text : vilab::fuzz::SceneGenerator::corpus()) {
    INFO(text);
    CHECK_NOTHROW(vilab::parse_scene_file(text, "corpus.toml"));
  }
}

TEST_CASE("fuzz: generated scene files never crash the scene-file reader", "[fuzz][scene]") {
  const int64_t inputs = env_int("VILAB_FUZZ_INPUTS", 100000);
  const double seconds = double(env_int("VILAB_FUZZ_SECONDS", 50));
#ifdef NDEBUG
  const int64_t min_default = inputs;
#else
  const int64_t min_default = std::min<int64_t>(inputs, 2000);
#endif
  const int64_t min_inputs = env_int("VILAB_FUZZ_MIN_INPUTS", min_default);
  const vilab::fuzz::Subject& scene = vilab::fuzz::subject("scene");
  vilab::fuzz::SceneGenerator gen(uint64_t(env_int("VILAB_FUZZ_SEED", 1)));

  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  int64_t ran = 0, findings = 0, accepted = 0;
  double slowest = 0;
  std::string first_finding;
  while (ran < inputs && Clock::now() < deadline) {
    const std::string text = gen.next();
    const auto s0 = Clock::now();
    try {
      scene.run(text);
      try {  // counted apart, to show the generator reaches both paths
        (void)vilab::parse_scene_file(text, "fuzz.toml");
        ++accepted;
      } catch (const vilab::SceneFileError&) {
      }
    } catch (const std::exception& e) {
      if (findings++ == 0) first_finding = text + "\n→ " + e.what();
    }
    slowest = std::max(slowest, std::chrono::duration<double>(Clock::now() - s0).count());
    ++ran;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("fuzz scene: %lld inputs in %.1f s (%.0f/s), %lld accepted, %lld findings, slowest %.1f ms\n", (long long)ran,
              elapsed, double(ran) / elapsed, (long long)accepted, (long long)findings, 1e3 * slowest);
  INFO("first finding: " << first_finding);
  CHECK(findings == 0);
  CHECK(slowest < 1.0);
  CHECK(ran >= min_inputs);
  CHECK(accepted > ran / 50);       // the generator stays near valid files …
  CHECK(accepted < ran - ran / 5);  // … and still breaks most of them
}
