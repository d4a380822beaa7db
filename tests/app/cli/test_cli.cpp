// The command line: bad input exits non-zero with one line naming the flag and what is
// allowed; good input prints the promised JSON; the CLI's trace equals the engine's.
#include "tests/app/run_vilab.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

using Result = vilab_test::VilabResult;

// Runs `vilab ARGS`, capturing stdout and stderr separately.
Result vilab(const std::string& args) { return vilab_test::run_vilab(args); }

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
      {"grid paper-fig9", {"grid", "paper-fig9", "paper-fig3", "paper-fig3-gaussians"}},
      {"grid --seeds 0", {"--seeds"}},
      {"grid --threads many", {"--threads"}},
      {"grid --steps -5", {"--steps"}},
      {"grid --anneal -1", {"--anneal"}},
      {"grid paper-fig3 extra", {"extra"}},
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
  REQUIRE(j["workloads"].size() >= 4);
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

TEST_CASE("CLI: bad objective, estimator and gradvar values exit 2 with one line naming the flag", "[cli][objectives]") {
  struct Case {
    const char* args;
    std::vector<const char*> must_mention;
  };
  const std::vector<Case> cases{
      {"run --objective nope", {"--objective", "nope", "reverse-kl", "forward-kl", "renyi"}},
      {"run --estimator magic", {"--estimator", "magic", "reparam", "score", "stl"}},
      {"run --baseline mean --estimator score", {"--baseline", "mean", "leave-one-out"}},
      {"run --objective forward-kl --sampling mcmc", {"--sampling", "mcmc", "exact", "snis"}},
      {"run --objective renyi --alpha 7", {"--alpha", "7", "[0, 2]"}},
      {"run --objective renyi --alpha x", {"--alpha", "'x'"}},
      {"run --objective renyi:abc", {"--objective", "abc"}},
      {"run --objective renyi:0.5 --alpha 0.3", {"--alpha", "renyi:0.5"}},
      {"run --alpha 0.5", {"--alpha", "renyi"}},
      {"run --objective forward-kl --estimator score", {"--estimator", "forward-kl", "--sampling"}},
      {"run --baseline leave-one-out", {"--baseline", "score"}},
      {"run --sampling snis", {"--sampling", "forward-kl"}},
      {"run --objective forward-kl --anneal 100", {"--anneal", "forward-kl"}},
      {"run --family planar --estimator stl", {"planar", "stl", "reparam"}},
      {"run --family realnvp --objective forward-kl", {"realnvp", "forward-kl"}},
      {"run --estimator score --baseline leave-one-out --samples 1", {"leave-one-out", "S ≥ 2"}},
      {"gradvar --samples 1,x", {"--samples", "'x'"}},
      {"gradvar --samples 0,4", {"--samples", "65536"}},
      {"gradvar --estimator magic", {"--estimator", "magic", "score+loo"}},
      {"gradvar --objective forward-kl --estimator stl", {"--estimator", "stl", "exact", "snis"}},
  };
  for (const auto& c : cases) {
    const Result r = vilab(c.args);
    INFO("vilab " << c.args << "\n  exit " << r.code << "\n  stderr: " << r.err);
    CHECK(r.code == 2);
    CHECK(lines(r.err) == 1);
    for (const char* word : c.must_mention) CHECK_THAT(r.err, Catch::Contains(word));
  }
}

TEST_CASE("CLI: run --objective and --estimator report what was fitted, with both KLs and moment errors", "[cli][objectives]") {
  // Forward KL on the bimodal target reaches the moment-matching floor; the JSON says how.
  const Result f = vilab("run --target bimodal --objective forward-kl --samples 256 --lr 0.01 --steps 2000 --json");
  INFO(f.err);
  REQUIRE(f.code == 0);
  const auto j = nlohmann::json::parse(f.out);
  CHECK(j["objective"] == "forward-kl");
  CHECK(j["sampling"] == "exact");
  CHECK(j["estimator"].is_null());
  CHECK(j["alpha"].is_null());
  for (const char* key : {"kl_q_p", "kl_p_q", "mean_error", "cov_error", "objective_estimate"})
    CHECK(std::isfinite(j[key].get<double>()));
  CHECK(j["p_moments_exact"] == true);
  REQUIRE(j["forward_kl_optimum"].is_object());
  const double floor = j["forward_kl_optimum"]["kl_p_q"].get<double>();
  CHECK(j["kl_p_q"].get<double>() - floor < 0.01);
  CHECK(j["mean_error"].get<double>() < 0.1);
  // The CLI's trace is the library's.
  vi::Scene s;
  s.target = "bimodal";
  s.objective = "forward-kl";
  s.samples = 256;
  s.lr = 0.01;
  vi::Run run(s, nullptr, false);
  run.step(2000);
  CHECK(j["params_hash"].get<uint64_t>() == vi::params_hash(run.params()));

  const Result r = vilab("run --objective renyi:0 --estimator stl --steps 200 --json");
  REQUIRE(r.code == 0);
  const auto k = nlohmann::json::parse(r.out);
  CHECK(k["objective"] == "renyi");
  CHECK(k["alpha"] == 0.0);
  CHECK(k["estimator"] == "stl");
  CHECK_THAT(k["objective_label"].get<std::string>(), Catch::Contains("IWAE"));
  CHECK(k["elbo_estimate"].is_null());  // NaN: the step estimated the Rényi bound, not the ELBO

  const Result g = vilab("run --estimator score --baseline leave-one-out --objective forward-kl --steps 10");
  CHECK(g.code == 2);  // forward-kl takes no estimator
  const Result sc = vilab("run --estimator score --baseline leave-one-out --steps 200 --json");
  REQUIRE(sc.code == 0);
  const auto l = nlohmann::json::parse(sc.out);
  CHECK(l["estimator"] == "score");
  CHECK(l["baseline"] == "leave-one-out");
  CHECK(std::isfinite(l["kl_q_p"].get<double>()));
  // Text output names the objective and the estimator.
  const Result t = vilab("run --objective renyi --alpha 0.5 --steps 10");
  CHECK_THAT(t.out, Catch::Contains("Rényi α = 0.5") && Catch::Contains("moment error"));
}

TEST_CASE("CLI: gradvar prints the variance table, and JSON with --json", "[cli][objectives]") {
  const Result r = vilab("gradvar --estimator all --samples 1,4,16 --replicates 200 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["rows"].size() == 4);
  CHECK(j["samples"] == std::vector<int>{1, 4, 16});
  std::vector<std::string> names;
  for (const auto& row : j["rows"]) {
    names.push_back(row["estimator"]);
    CHECK(row["cells"].size() == 3);
  }
  CHECK(names == std::vector<std::string>{"reparam", "score", "score+loo", "stl"});
  CHECK(j["rows"][2]["cells"][0].contains("error"));  // leave-one-out needs S ≥ 2
  for (int s = 0; s < 3; ++s)
    CHECK(j["rows"][1]["cells"][s]["trace_cov"].get<double>() > j["rows"][0]["cells"][s]["trace_cov"].get<double>());
  CHECK_THAT(j["reading"].get<std::string>(), Catch::Contains("score"));

  const Result subset = vilab("gradvar --estimator reparam,stl --samples 8 --replicates 100");
  REQUIRE(subset.code == 0);
  CHECK_THAT(subset.out, Catch::Contains("tr Cov") && Catch::Contains("S = 8") && Catch::Contains("stl"));
  CHECK_THAT(subset.out, !Catch::Contains("score"));

  const Result fwd = vilab("gradvar --objective forward-kl --target bimodal --samples 4,64 --replicates 200 --json");
  REQUIRE(fwd.code == 0);
  const auto k = nlohmann::json::parse(fwd.out);
  REQUIRE(k["rows"].size() == 2);
  CHECK(k["rows"][0]["estimator"] == "exact");
  CHECK(k["rows"][1]["estimator"] == "snis");
  CHECK(k["exact_gradient"].size() == 5);
  const auto& snis = k["rows"][1]["cells"][1];
  CHECK(snis["ess_mean"].get<double>() < 64);
  CHECK(snis["bias_norm"].get<double>() > 0);
}

TEST_CASE("CLI: list names the objectives, estimators, baselines and samplings", "[cli][objectives]") {
  const Result r = vilab("list");
  REQUIRE(r.code == 0);
  for (const char* w : {"reverse-kl", "forward-kl", "renyi", "reparam", "score", "stl", "leave-one-out", "snis"})
    CHECK_THAT(r.out, Catch::Contains(w));
}

TEST_CASE("CLI: grid with a bad preset says which presets exist and exits 2", "[cli][grid]") {
  const Result r = vilab("grid paper-fig9 --steps 1");
  CHECK(r.code == 2);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::Contains("unknown preset") && Catch::Contains("paper-fig3-anneal"));
}

TEST_CASE("CLI: grid paper-fig3 --json has a row per energy and planar K = 2, 8, 32 beside the Gaussians", "[cli][grid]") {
  const Result r = vilab("grid paper-fig3 --steps 10 --seeds 1 --anneal 0 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["preset"] == "paper-fig3");
  CHECK(j["steps"] == 10);
  CHECK(j["anneal"] == 0);
  REQUIRE(j["rows"].size() == 4);
  const int depths[] = {2, 8, 32};
  for (size_t i = 0; i < 4; ++i) {
    const auto& row = j["rows"][i];
    const char* energies[] = {"U1", "U2", "U3", "U4"};
    CHECK(row["target"] == energies[i]);
    CHECK(row["label"] == energies[i]);
    REQUIRE(row["columns"].size() == 3);
    for (size_t c = 0; c < 3; ++c) {
      const auto& col = row["columns"][c];
      CHECK(col["plain"]["family"] == "planar");
      CHECK(col["plain"]["K"] == depths[c]);
      CHECK(col["plain"]["anneal"] == 0);
      CHECK_FALSE(col.contains("annealed"));  // --anneal 0: no annealed columns
      REQUIRE(col["plain"]["kl_q_p"].size() == 1);
      CHECK(std::isfinite(col["plain"]["kl_q_p"][0].get<double>()));
    }
    CHECK(row["meanfield"]["family"] == "meanfield");
    CHECK(row["fullrank"]["family"] == "fullrank");
  }
}

TEST_CASE("CLI: grid shows plain and annealed side by side, mean ± sd over seeds, and the best Gaussians", "[cli][grid]") {
  const Result r = vilab("grid paper-fig3-gaussians --steps 100 --seeds 3 --threads 2 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["anneal"] == 2000);  // the default T for a preset without annealing
  CHECK(j["seeds"] == 3);
  for (const auto& row : j["rows"]) {
    REQUIRE(row["columns"].size() == 2);
    for (const auto& col : row["columns"]) {
      CHECK(col["annealed"]["anneal"] == 2000);
      CHECK(col["plain"]["anneal"] == 0);
      for (const char* which : {"plain", "annealed"}) {
        const auto& cell = col[which];
        REQUIRE(cell["kl_q_p"].size() == 3);
        CHECK(cell["seeds"] == std::vector<int>{1, 2, 3});
        const std::vector<double> kl = cell["kl_q_p"];
        const double mean = (kl[0] + kl[1] + kl[2]) / 3;
        CHECK(cell["mean"].get<double>() == Approx(mean));
        CHECK(cell["best"].get<double>() == std::min({kl[0], kl[1], kl[2]}));
        CHECK(cell["sd"].get<double>() >= 0);
      }
      // After 100 of T = 2000 steps β is 0.06: the annealed fit has not yet met the target.
      CHECK(col["annealed"]["mean"].get<double>() > col["plain"]["mean"].get<double>());
    }
    // The best Gaussian: the lowest over its starts, the first of which (the origin) is the
    // preset's own mean-field column.
    const auto& mf = row["meanfield"];
    REQUIRE(mf["starts"].size() == 5);
    CHECK(mf["starts"][0]["init_mean"] == std::vector<double>{0, 0});
    CHECK(mf["starts"][0]["kl_q_p"] == row["columns"][0]["plain"]["kl_q_p"]);
    double lowest = 1e300;
    for (const auto& start : mf["starts"]) lowest = std::min(lowest, start["best"].get<double>());
    CHECK(mf["best"].get<double>() == lowest);
    CHECK(mf["best"].get<double>() <= row["columns"][0]["plain"]["best"].get<double>());
  }
  // The thread count changes no number.
  const Result one = vilab("grid paper-fig3-gaussians --steps 100 --seeds 3 --threads 1 --json");
  REQUIRE(one.code == 0);
  auto j1 = nlohmann::json::parse(one.out);
  for (auto* x : {&j1, &j}) {
    x->erase("seconds");
    x->erase("threads");
  }
  CHECK(j1 == j);

  // The text table: one line per target, both columns of each family, the Gaussians' best.
  const Result text = vilab("grid paper-fig3-gaussians --steps 100 --seeds 2");
  REQUIRE(text.code == 0);
  for (const char* word : {"U1", "U2", "U3", "U4", "plain", "annealed", "mean-field", "full-rank", "best", "\u00B1"})
    CHECK_THAT(text.out, Catch::Contains(word));
  CHECK(text.err.empty());
}

TEST_CASE("CLI: --iw K sets the Rényi bound's importance samples, and is refused where it means nothing", "[cli][objectives]") {
  const Result ok = vilab("run --target gaussian --objective renyi:0 --iw 16 --steps 20 --json");
  REQUIRE(ok.code == 0);
  CHECK_THAT(ok.out, Catch::Contains("\"samples\": 16"));
  CHECK_THAT(ok.out, Catch::Contains("K = 16"));
  const Result elbo = vilab("run --objective reverse-kl --iw 16 --steps 1");
  CHECK(elbo.code == 2);
  CHECK_THAT(elbo.err, Catch::Contains("--iw") && Catch::Contains("renyi"));
  const Result clash = vilab("run --objective renyi --iw 16 --samples 8 --steps 1");
  CHECK(clash.code == 2);
  CHECK_THAT(clash.err, Catch::Contains("--samples 8") && Catch::Contains("--iw 16"));
}

TEST_CASE("CLI: grad-variance is gradvar under the issue's name, with --repeats for R", "[cli][objectives]") {
  const Result r = vilab("grad-variance --target gaussian --family fullrank --samples 4,16 --repeats 50 --json");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"replicates\": 50"));
  CHECK_THAT(r.out, Catch::Contains("trace"));
}

TEST_CASE("CLI: run --model blr-wine reports the exact references beside the fit", "[cli][models]") {
  const Result r = vilab("run --model blr-wine --family fullrank --samples 32 --lr 0.05 --init-log-sd -1 "
                         "--lr-schedule decay --decay-kappa 1 --decay-tau 20 --steps 20000 --json");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["model"] == "blr-wine");
  CHECK(j["log_evidence_exact"] == true);
  CHECK(j["log_evidence"].get<double>() == Approx(-210.334).margin(1e-3));
  REQUIRE(j["exact_mean"].size() == 13);
  REQUIRE(j["exact_sd"].size() == 13);
  REQUIRE(j["sd_ratio"].size() == 13);
  CHECK(j["coordinate_names"][1] == "malic acid");
  for (const auto& ratio : j["sd_ratio"]) CHECK(std::abs(ratio.get<double>() - 1) < 0.1);
  CHECK(j["elbo_gap"].get<double>() < 0.05);
  CHECK(j["elbo_gap"].get<double>() == Approx(j["kl_q_p"].get<double>()).margin(1e-9));
}

TEST_CASE("CLI: run --model normal-gamma and gmm run CAVI and report iterations and the evidence", "[cli][models]") {
  const Result ng = vilab("run --model normal-gamma --json");
  REQUIRE(ng.code == 0);
  const auto j = nlohmann::json::parse(ng.out);
  CHECK(j["converged"] == true);
  CHECK(j["iterations"].get<int>() < 50);
  CHECK(j["elbo"].get<double>() < j["log_evidence"].get<double>());
  CHECK(j["exact_mean"].size() == 2);
  const Result g = vilab("run --model gmm --seed 2 --set K=3 --json");
  REQUIRE(g.code == 0);
  CHECK(nlohmann::json::parse(g.out)["assignment_accuracy"].get<double>() > 0.95);
}

TEST_CASE("CLI: bad model flags are refused with a message naming them", "[cli][models]") {
  const Result both = vilab("run --model blr-wine --target banana");
  CHECK(both.code == 2);
  CHECK_THAT(both.err, Catch::Contains("not both"));
  const Result nodata = vilab("run --target banana --batch 10");
  CHECK(nodata.code == 2);
  CHECK_THAT(nodata.err, Catch::Contains("no data to subsample"));
  const Result big = vilab("run --model blr-wine --batch 500");
  CHECK(big.code == 2);
  CHECK_THAT(big.err, Catch::Contains("batch"));
  const Result whole = vilab("run --model logreg --set feature=1.5");
  CHECK(whole.code == 2);
  CHECK_THAT(whole.err, Catch::Contains("whole number"));
  const Result unknown = vilab("run --model nope");
  CHECK(unknown.code != 0);
  const Result cavi = vilab("run --model gmm --set K=0");
  CHECK(cavi.code == 2);
}

TEST_CASE("CLI: run --json reports PSIS k̂ and the ESS of the final q", "[cli][diagnostics]") {
  const Result good = vilab("run --target correlated --family fullrank --steps 2000 --json");
  REQUIRE(good.code == 0);
  const auto g = nlohmann::json::parse(good.out);
  CHECK(g["khat"].get<double>() < 0.5);
  CHECK(g["khat_class"] == "good");
  CHECK(g["ess"].get<double>() > 0.9 * g["diagnostic_draws"].get<double>());
  const Result bad = vilab("run --target correlated --set rho=0.95 --family meanfield --steps 2000 --json");
  REQUIRE(bad.code == 0);
  const auto b = nlohmann::json::parse(bad.out);
  CHECK(b["khat"].get<double>() > 0.7);
  CHECK(b["khat_class"] == "bad");
}

TEST_CASE("vilab run reports the convergence rule's verdict, auto-stops on it and clips gradients", "[cli][diagnostics]") {
  const Result full = vilab("run --target banana --family fullrank --steps 3000 --json");
  REQUIRE(full.code == 0);
  const auto f = nlohmann::json::parse(full.out);
  CHECK(f["convergence"]["converged"] == true);
  CHECK(f["convergence"]["changes"] == 29);
  CHECK(f["convergence"]["auto_stopped"] == false);
  CHECK(f["convergence"]["mean_rel"].get<double>() < 0.01);
  CHECK(f["steps"] == 3000);

  const Result stop = vilab("run --target banana --family fullrank --steps 20000 --auto-stop --json");
  REQUIRE(stop.code == 0);
  const auto s = nlohmann::json::parse(stop.out);
  CHECK(s["convergence"]["auto_stopped"] == true);
  CHECK(s["steps"].get<int>() < 20000);
  CHECK(s["steps"].get<int>() % 100 == 0);
  // The auto-stopped run is the same fit as one told to take exactly that many steps.
  const Result same = vilab("run --target banana --family fullrank --json --steps " + std::to_string(s["steps"].get<int>()));
  CHECK(nlohmann::json::parse(same.out)["params_hash"] == s["params_hash"]);

  const Result tight = vilab("run --target banana --family fullrank --steps 3000 --converge-tol 1e-9 --converge-statistic mean --json");
  CHECK(nlohmann::json::parse(tight.out)["convergence"]["converged"] == false);

  const Result clip = vilab("run --target banana --family meanfield --optimizer sgd --lr 1000 --grad-clip 0.001 --steps 200 --json");
  REQUIRE(clip.code == 0);
  const auto c = nlohmann::json::parse(clip.out);
  CHECK(c["status"] == "ok");
  CHECK(c["clipped_steps"].get<int>() > 0);
  const Result unclipped = vilab("run --target banana --family meanfield --optimizer sgd --lr 1000 --steps 200 --json");
  CHECK(nlohmann::json::parse(unclipped.out)["status"] == "diverged");

  const Result bad = vilab("run --grad-clip -1");
  CHECK(bad.code != 0);
  CHECK_THAT(bad.err, Catch::Contains("--grad-clip"));
  const Result bad_stat = vilab("run --converge-statistic mode");
  CHECK(bad_stat.code != 0);
  CHECK_THAT(bad_stat.err, Catch::Contains("--converge-statistic"));
}

TEST_CASE("CLI: run --model vae trains headless and reports the ELBO, its terms and the amortization gap", "[cli][vae]") {
  const Result r = vilab("run --model vae --steps 2 --set hidden=32 --set gap_images=3 --json");
  INFO(r.err);
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* k : {"epochs", "train_elbo", "heldout_elbo", "train_recon", "train_kl", "heldout_recon", "heldout_kl",
                        "kl_per_latent", "amortization_gap_mean", "amortization_gap_sd", "approximation_gap_mean",
                        "epochs_per_s", "seconds", "history"}) {
    INFO(k);
    CHECK(j.contains(k));
  }
  CHECK(j["epochs"] == 2);
  CHECK(j["history"].size() == 3);
  CHECK(j["kl_per_latent"].size() == 2);
  CHECK(j["amortization_gaps"].size() == 3);
  CHECK(j["train_elbo"].get<double>() == Approx(j["train_recon"].get<double>() - j["train_kl"].get<double>()));
  CHECK(j["amortization_gap_mean"].get<double>() >= -1e-3);
  const Result list = vilab("list");
  CHECK_THAT(list.out, Catch::Contains("vae"));
  const Result human = vilab("run --model vae --steps 1 --set hidden=16 --set gap_images=1");
  REQUIRE(human.code == 0);
  CHECK_THAT(human.out, Catch::Contains("amortization gap"));
}

TEST_CASE("CLI: bad VAE settings are refused with one line naming them", "[cli][vae]") {
  const Result beta = vilab("run --model vae --set beta=-1");
  CHECK(beta.code == 2);
  CHECK_THAT(beta.err, Catch::Contains("beta"));
  const Result lik = vilab("run --model vae --set likelihood=2");
  CHECK(lik.code == 2);
  CHECK_THAT(lik.err, Catch::Contains("likelihood"));
  const Result unknown = vilab("run --model vae --set width=3");
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("width"));
  const Result bench = vilab("bench --only W4 --steps 400 --repeats 1 --json");
  REQUIRE(bench.code == 0);
  const auto b = nlohmann::json::parse(bench.out);
  REQUIRE(b["workloads"].size() == 1);
  CHECK(b["workloads"][0]["unit"] == "epochs/s");
  CHECK(b["workloads"][0]["kl_q_p_median"].get<double>() < 0);  // the held-out ELBO
}

TEST_CASE("CLI: run --model bnn trains headless and reports the ELBO, its terms and the band's sd", "[cli][bnn]") {
  const Result r = vilab("run --model bnn --steps 200 --set width=20 --json");
  REQUIRE(r.code == 0);
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key : {"steps", "elbo", "expected_log_lik", "kl", "map_log_joint", "map_train_rmse", "predictive_sd_in_gap",
                          "predictive_sd_on_data", "steps_per_s", "seconds", "grad_var_mu_plain", "grad_var_mu_local"}) {
    INFO(key);
    CHECK(j.contains(key));
  }
  CHECK(j["steps"].get<int>() == 200);
  CHECK(j["architecture"].get<std::string>().find("1\u219220\u21921") == 0);
  CHECK(j["elbo"].get<double>() == Approx(j["expected_log_lik"].get<double>() - j["kl"].get<double>()));
  CHECK(j["kl"].get<double>() > 0);
  const Result human = vilab("run --model bnn --steps 20");
  CHECK(human.code == 0);
  CHECK_THAT(human.out, Catch::Contains("ELBO"));
  const Result listed = vilab("list");
  CHECK_THAT(listed.out, Catch::Contains("bnn"));
}

TEST_CASE("CLI: bad --set values of the bnn are refused with a message", "[cli][bnn]") {
  const Result zero = vilab("run --model bnn --set width=0");
  CHECK(zero.code == 2);
  CHECK_THAT(zero.err, Catch::Contains("width"));
  const Result sigma = vilab("run --model bnn --set sigma_y=-1");
  CHECK(sigma.code == 2);
  CHECK_THAT(sigma.err, Catch::Contains("sigma_y"));
  const Result unknown = vilab("run --model bnn --set depth=3");
  CHECK(unknown.code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("depth"));
}

TEST_CASE("run --scene: the CLI, a saved scene and the engine thread give the same φ bit for bit", "[cli][scenefile][determinism]") {
  const std::string path = (std::filesystem::temp_directory_path() / ("vilab-cli-scene-" + std::to_string(getpid()) + ".toml")).string();
  // The flags' fit, saved as a scene file by the CLI itself, then run from the file.
  const Result flags = vilab("run --target banana --family planar --K 4 --seed 11 --lr 0.02 --steps 300 --json --save-scene " + path);
  REQUIRE(flags.code == 0);
  const Result file = vilab("run --scene " + path + " --steps 300 --json");
  INFO(file.err);
  REQUIRE(file.code == 0);
  const auto a = nlohmann::json::parse(flags.out), b = nlohmann::json::parse(file.out);
  CHECK(a["params_hash"] == b["params_hash"]);
  CHECK(a["params"] == b["params"]);
  // The engine thread (as the app runs it) on the same fit.
  vi::Scene scene;
  scene.target = "banana";
  scene.family = "planar";
  scene.family_options.K = 4;
  scene.seed = 11;
  scene.lr = 0.02;
  vi::Engine engine(scene);
  engine.step(300);
  engine.sync();
  const auto snap = engine.snapshot();
  CHECK(snap->step == 300);
  CHECK(vi::params_hash(snap->phi) == b["params_hash"].get<uint64_t>());
  std::filesystem::remove(path);
}

TEST_CASE("run --scene refuses fit flags beside it and names a broken file's line", "[cli][scenefile]") {
  const std::string path = (std::filesystem::temp_directory_path() / ("vilab-cli-bad-" + std::to_string(getpid()) + ".toml")).string();
  std::ofstream(path) << "vilab_scene = 1\n[fit]\nfamily = \"planar\"\nfamily_options = { K = 0 }\n";
  const Result bad = vilab("run --scene " + path);
  CHECK(bad.code == 2);
  CHECK(lines(bad.err) == 1);
  CHECK_THAT(bad.err, Catch::Contains(path + ":4") && Catch::Contains("fit.family_options.K") && Catch::Contains("1 … 64"));
  const Result both = vilab("run --scene " + path + " --lr 0.1");
  CHECK(both.code != 0);
  CHECK_THAT(both.err, Catch::Contains("--lr") && Catch::Contains("--scene"));
  const Result missing = vilab("gui --scene /nonexistent.toml");
  CHECK(missing.code == 2);
  CHECK_THAT(missing.err, Catch::Contains("/nonexistent.toml") && Catch::Contains("cannot be read"));
  std::filesystem::remove(path);
}
