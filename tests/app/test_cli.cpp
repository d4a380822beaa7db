// The command line: bad input exits non-zero with one line naming the flag and what is
// allowed; good input prints the promised JSON; the CLI's trace equals the engine's.
#include "vi/run.hpp"
#include "vi/targets.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

// Runs `vilab ARGS`, capturing stdout and stderr separately.
Result vilab(const std::string& args) {
  char err_template[] = "/tmp/vilab-cli-stderr-XXXXXX";
  const int fd = mkstemp(err_template);
  REQUIRE(fd >= 0);
  close(fd);
  const std::string err_file = err_template;
  const std::string cmd = std::string(VILAB_EXE) + " " + args + " 2>" + err_file;
  Result r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* f = std::fopen(err_file.c_str(), "r")) {
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.err.append(buf.data(), n);
    std::fclose(f);
  }
  std::remove(err_file.c_str());
  return r;
}

int lines(const std::string& s) {
  int k = 0;
  for (char c : s) k += c == '\n';
  return k;
}

}  // namespace

TEST_CASE("CLI: bad flags and values exit non-zero with one line naming the flag", "[cli]") {
  struct Case {
    const char* args;
    std::vector<const char*> must_mention;
  };
  const std::vector<Case> cases{
      {"run --target nope", {"--target", "nope", "banana", "U4"}},
      {"run --family flowz", {"--family", "flowz", "meanfield", "fullrank"}},
      {"run --optimizer rmsprop", {"--optimizer", "adam"}},
      {"run --lr -1", {"--lr"}},
      {"run --lr abc", {"--lr"}},
      {"run --samples 0", {"--samples", "65536"}},
      {"run --steps lots", {"--steps"}},
      {"run --target correlated --set rho=2", {"--set", "rho", "2", "0.99"}},
      {"run --target correlated --set bogus=1", {"--set", "bogus", "rho"}},
      {"run --set rho", {"--set", "name=value"}},
      {"run --target correlated --set rho=abc", {"--set", "abc"}},
      {"run --no-such-flag", {"--no-such-flag"}},
      {"frobnicate", {"frobnicate"}},
      {"shot --steps 10", {"--out"}},
  };
  for (const auto& c : cases) {
    const Result r = vilab(c.args);
    INFO("vilab " << c.args << "\n  exit " << r.code << "\n  stderr: " << r.err);
    CHECK(r.code != 0);
    CHECK(lines(r.err) == 1);
    for (const char* word : c.must_mention) CHECK_THAT(r.err, Catch::Contains(word));
  }
}

TEST_CASE("CLI: run --json prints the promised keys", "[cli]") {
  const Result r = vilab("run --target correlated --set rho=0.95 --family fullrank --steps 300 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"target", "family", "steps", "seconds", "steps_per_s", "elbo", "kl_q_p", "kl_p_q", "log_z",
                          "mean", "cov"})
    CHECK(j.contains(key));
  CHECK(j["target"] == "correlated");
  CHECK(j["target_params"]["rho"] == 0.95);
  CHECK(j["steps"] == 300);
  CHECK(j["mean"].size() == 2);
  CHECK(j["cov"].size() == 2);
  CHECK(j["log_z_exact"] == true);
  CHECK(j["kl_q_p"].get<double>() >= 0);
  CHECK(j["steps_per_s"].get<double>() > 0);
}

TEST_CASE("CLI: the same scene and seed give the same φ as the engine library", "[cli][determinism]") {
  const Result r = vilab("run --target banana --family fullrank --samples 32 --seed 42 --steps 500 --json");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  vi::Scene s;
  s.target = "banana";
  s.family = "fullrank";
  s.samples = 32;
  s.seed = 42;
  vi::Run run(s);
  run.step(500);
  CHECK(j["params_hash"].get<uint64_t>() == vi::params_hash(run.params()));
}

TEST_CASE("CLI: a learning rate that blows up reports divergence, exit 3", "[cli]") {
  const Result r = vilab("run --optimizer sgd --lr 1e6 --steps 100 --json");
  CHECK(r.code == 3);
  CHECK_THAT(r.err, Catch::Contains("diverged") && Catch::Contains("non-finite"));
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["status"] == "diverged");
}

TEST_CASE("CLI: list names every target, family and optimizer, and --help works", "[cli]") {
  const Result r = vilab("list");
  REQUIRE(r.code == 0);
  for (const auto& t : vi::target_names()) CHECK_THAT(r.out, Catch::Contains(t));
  CHECK_THAT(r.out, Catch::Contains("meanfield") && Catch::Contains("adam"));
  CHECK(vilab("--help").code == 0);
  CHECK(vilab("run --help").code == 0);
  CHECK(vilab("list --json").code == 0);
}

TEST_CASE("CLI: bench runs the three workloads and reports medians", "[cli][bench]") {
  // A smoke test of the command; the speed figures themselves are measured with `vilab bench`,
  // never asserted in a test.
  const Result r = vilab("bench --steps 20 --repeats 3 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["workloads"].size() == 3);
  for (const auto& w : j["workloads"]) {
    CHECK(w["steps_per_s"].size() == 3);
    CHECK(w["steps_per_s_median"].get<double>() > 0);
    CHECK(std::isfinite(w["kl_q_p_median"].get<double>()));
  }
  CHECK(j["workloads"][0]["id"] == "W1");
  const Result bad = vilab("bench --only W9");
  CHECK(bad.code != 0);
  CHECK_THAT(bad.err, Catch::Contains("--only"));
}
