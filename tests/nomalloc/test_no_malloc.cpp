// A step allocates nothing after warm-up: vi/ is compiled here with EIGEN_RUNTIME_NO_MALLOC, so
// any Eigen heap allocation while allocation is forbidden aborts with an assertion.
#include "vi/engine/run.hpp"
#include "vi/targets/targets.hpp"
#include "vi/families/family.hpp"
#include "vi/models/models.hpp"

#include <catch2/catch.hpp>

using namespace vi;

TEST_CASE("Run::step allocates nothing after warm-up, for every target and family", "[nomalloc]") {
  for (const auto& target : target_names())
    for (const auto& family : family_names()) {
      Scene s;
      s.target = target;
      s.family = family;
      s.samples = 100;  // not a multiple of the targets' chunk size
      s.grid = 32;
      s.lr = 1e-3;
      Run run(s, nullptr, /*record_history=*/false);
      run.step(2);  // warm-up
      INFO(target << " / " << family);
      Eigen::internal::set_is_malloc_allowed(false);
      run.step(20);
      Eigen::internal::set_is_malloc_allowed(true);
      CHECK(run.steps() == 22);
    }
}

TEST_CASE("Run::step allocates nothing after warm-up on the models, with and without minibatches", "[nomalloc]") {
  for (const auto& model : model_names())
    for (const char* family : {"meanfield", "fullrank", "planar"})
      for (int batch : {0, 7}) {
        Scene s;
        s.target = model;
        s.family = family;
        s.samples = 100;
        s.grid = 32;
        s.lr = 1e-3;
        s.batch = batch;
        s.lr_schedule = "decay";
        Run run(s, nullptr, /*record_history=*/false);
        run.step(2);  // warm-up
        INFO(model << " / " << family << " |B| = " << batch);
        Eigen::internal::set_is_malloc_allowed(false);
        run.step(20);
        Eigen::internal::set_is_malloc_allowed(true);
        CHECK(run.steps() == 22);
      }
}

TEST_CASE("Run::step allocates nothing after warm-up, for every objective and estimator", "[nomalloc]") {
  // Every combination the families support (the flows take reverse KL and Rényi with reparam),
  // with S changing once so that a resize is part of the warm-up too.
  struct Combo {
    const char *objective, *estimator, *baseline, *sampling;
  };
  const Combo combos[] = {
      {"reverse-kl", "reparam", "none", "exact"},   {"reverse-kl", "stl", "none", "exact"},
      {"reverse-kl", "score", "none", "exact"},     {"reverse-kl", "score", "leave-one-out", "exact"},
      {"renyi", "reparam", "none", "exact"},        {"renyi", "stl", "none", "exact"},
      {"renyi", "score", "leave-one-out", "exact"}, {"renyi", "score", "none", "exact"},
      {"forward-kl", "reparam", "none", "exact"},   {"forward-kl", "reparam", "none", "snis"},
  };
  for (const auto& family : family_names())
    for (const auto& c : combos)
      for (double alpha : {0.0, 0.7}) {
        Scene s;
        s.target = "bimodal";
        s.family = family;
        s.objective = c.objective;
        s.estimator = c.estimator;
        s.baseline = c.baseline;
        s.sampling = c.sampling;
        s.alpha = alpha;
        s.analytic_entropy = alpha == 0.0;  // both entropy forms of the reverse-KL estimators
        s.samples = 100;
        s.grid = 32;
        s.lr = 1e-3;
        s.family_options.K = 2;
        try {
          s.validate();
        } catch (const std::invalid_argument&) {
          continue;  // a combination the family does not serve
        }
        Run run(s, nullptr, /*record_history=*/false);
        run.step(2);  // warm-up
        INFO(family << " / " << c.objective << " / " << c.estimator << " / " << c.baseline << " / " << c.sampling
                    << " α = " << alpha);
        Eigen::internal::set_is_malloc_allowed(false);
        run.step(10);
        Eigen::internal::set_is_malloc_allowed(true);
        CHECK(run.steps() == 12);
        CHECK(run.status() == RunStatus::Ok);
      }
}
