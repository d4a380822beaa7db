// tests/app/cli/test_soak.cpp — `vilab bench --soak` (app/cli/soak.hpp), short.
#include "app/cli/cli.hpp"
#include "app/cli/soak.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>

TEST_CASE("soak: a short soak takes its steps, consumes snapshots and reports memory", "[soak]") {
  vilab::SoakOptions o;
  o.steps = 20000;
  const vilab::SoakReport r = vilab::run_soak(o);
  CHECK(r.steps == o.steps);
  CHECK(r.seconds > 0);
  CHECK(r.steps_per_s > 0);
  CHECK(r.snapshots_consumed >= 1);
  CHECK(r.frames >= r.snapshots_consumed);
  CHECK(r.history_points > 0);
  CHECK(r.history_points <= 4096);  // vi::History's capacity: it thins itself
  CHECK(r.rss_start_mib > 0);
  CHECK(r.rss_warm_mib >= r.rss_start_mib * 0.5);
  CHECK(r.rss_peak_mib >= r.rss_end_mib);
  CHECK(r.growth_mib == Approx(r.rss_end_mib - r.rss_warm_mib));
  REQUIRE(r.samples.size() >= 2);
  CHECK(r.samples.back().step == r.steps);
  for (size_t i = 1; i < r.samples.size(); ++i) CHECK(r.samples[i].t >= r.samples[i - 1].t);
}

TEST_CASE("soak: comparison fits are soaked too", "[soak]") {
  vilab::SoakOptions o;
  o.steps = 5000;
  o.compare = {"meanfield"};
  const vilab::SoakReport r = vilab::run_soak(o);
  CHECK(r.steps == o.steps);
  CHECK(r.snapshots_consumed >= 1);
  CHECK(std::isfinite(r.slope_mib_per_msteps));
}

TEST_CASE("soak: --soak-steps needs --soak, and --soak takes no workload flags", "[soak][cli]") {
  const auto check = [](std::vector<const char*> argv) {
    std::ostringstream out, err;
    const vilab::CliCheck c = vilab::check_cli(int(argv.size()), argv.data(), out, err);
    return std::make_pair(c.valid, err.str());
  };
  CHECK(check({"vilab", "bench", "--soak", "--soak-steps", "1000", "--json"}).first);
  const auto needs = check({"vilab", "bench", "--soak-steps", "1000"});
  CHECK_FALSE(needs.first);
  CHECK(needs.second.find("--soak") != std::string::npos);
  const auto excl = check({"vilab", "bench", "--soak", "--only", "W1"});
  CHECK_FALSE(excl.first);
  CHECK(excl.second.find("--only") != std::string::npos);
  CHECK_FALSE(check({"vilab", "bench", "--soak", "--soak-steps", "0"}).first);
  CHECK(check({"vilab", "bench", "--soak", "--soak-compare", "planar:K=4"}).first);
  const auto bad = check({"vilab", "bench", "--soak", "--soak-compare", "planar:K=0"});
  CHECK_FALSE(bad.first);
  CHECK(bad.second.find("planar:K=0") != std::string::npos);
}
