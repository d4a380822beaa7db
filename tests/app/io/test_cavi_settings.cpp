// cavi_run_json: the promised keys, the exact references beside the fit, and errors that name
// what is wrong.
#include "app/io/cavi_run.hpp"

#include "vi/models/cavi_normal_gamma.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <sys/wait.h>

TEST_CASE("cavi_run_json for normal-gamma carries the exact references and a converged q", "[cavi]") {
  vi::CaviOptions o;
  o.seed = 3;
  const nlohmann::json j = vilab::cavi_run_json("normal-gamma", o);
  for (const char* key : {"model", "iterations", "converged", "elbo", "elbo_trace", "log_evidence", "exact_mean", "exact_sd",
                          "q_mean", "q_sd"})
    CHECK(j.contains(key));
  CHECK(j["model"] == "normal-gamma");
  CHECK(j["converged"].get<bool>());
  const int it = j["iterations"].get<int>();
  CHECK(it > 1);
  CHECK(it < 100);
  CHECK(j["elbo_trace"].size() == size_t(it) + 1);
  CHECK(j["elbo"].get<double>() < j["log_evidence"].get<double>());
  // q's mean of τ is the exact posterior mean at the fixed point; its sd of μ is smaller.
  CHECK(j["q_mean"][1].get<double>() == Approx(j["exact_mean"][1].get<double>()).epsilon(1e-8));
  CHECK(j["q_sd"][0].get<double>() < j["exact_sd"][0].get<double>());
  // The same numbers as the engine's.
  const vi::NormalGammaExact e = vi::ng_exact(vi::ng_generate(o.n, o.mu_true, o.tau_true, o.seed), {o.mu0, o.lambda0, o.a0, o.b0});
  CHECK(j["log_evidence"].get<double>() == e.log_evidence);
}

TEST_CASE("cavi_run_json for gmm gives K component means near the true ones", "[cavi]") {
  vi::CaviOptions o;
  o.seed = 2;  // well-separated means (other seeds can start two components on one cluster: a local optimum)
  o.trace = false;
  const nlohmann::json j = vilab::cavi_run_json("gmm", o);
  CHECK(j["model"] == "gmm");
  CHECK(!j.contains("elbo_trace"));
  CHECK(j["converged"].get<bool>());
  REQUIRE(j["q_mean"].size() == 3);
  REQUIRE(j["true_means"].size() == 3);
  CHECK(j["q_mean"][0].size() == 2);
  CHECK(j["q_sd"].size() == 3);
  CHECK(j["assignment_accuracy"].get<double>() > 0.8);
}

TEST_CASE("cavi_run_json names an unknown model and bad settings", "[cavi]") {
  vi::CaviOptions o;
  CHECK_THROWS_WITH(vilab::cavi_run_json("lda", o), Catch::Contains("lda") && Catch::Contains("normal-gamma"));
  o.max_iterations = 0;
  CHECK_THROWS_WITH(vilab::cavi_run_json("gmm", o), Catch::Contains("max_iterations"));
  o.max_iterations = 10;
  o.dim = 3;
  CHECK_THROWS_WITH(vilab::cavi_run_json("gmm", o), Catch::Contains("dim"));
  o.dim = 2;
  o.b0 = -1;
  CHECK_THROWS_AS(vilab::cavi_run_json("normal-gamma", o), std::invalid_argument);
}

TEST_CASE("vilab shot and gui refuse an unknown --cavi model, naming the flag", "[cavi][cli]") {
  for (const char* sub : {"shot --out /tmp/vilab-cavi-never.png", "gui"}) {
    const std::string cmd = std::string(VILAB_EXE) + " " + sub + " --cavi lda 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p);
    std::string out;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = pclose(p);
    INFO(sub << ": " << out);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
    CHECK(out.find("--cavi") != std::string::npos);
    CHECK(out.find("lda") != std::string::npos);
  }
}
