// "Inside one step": a StepThrough replays the next step of a Run sample by sample, its finish()
// is exactly Run::step, and its per-sample parts add up to the batch.
#include "vi/analysis/step_through.hpp"

#include "tests/vi/fd.hpp"
#include "vi/families/gaussian.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace vi;

namespace {

Scene scene_for(const std::string& family, int K = 4) {
  Scene s;
  s.target = "banana";
  s.family = family;
  s.family_options.K = K;
  s.samples = 16;
  s.seed = 11;
  s.metrics_every = 5;
  return s;
}

bool same_state(const Optimizer& a, const Optimizer& b) {
  const auto sa = a.state(), sb = b.state();
  if (sa.size() != sb.size()) return false;
  for (size_t k = 0; k < sa.size(); ++k)
    if (sa[k].second->size() != sb[k].second->size() || *sa[k].second != *sb[k].second) return false;
  return true;
}

bool same_state(const OptimizerStateCopy& a, const Optimizer& b) {
  const auto sb = b.state();
  if (a.size() != sb.size()) return false;
  for (size_t k = 0; k < a.size(); ++k)
    if (a[k].second.size() != sb[k].second->size() || a[k].second != *sb[k].second) return false;
  return true;
}

}  // namespace

TEST_CASE("Step-through then finish() gives bit for bit what Run::step gives", "[step_through]") {
  struct Case {
    std::string family, optimizer;
    bool analytic;
    int anneal;
    int samples = 16;
  };
  const Case cases[] = {{"meanfield", "adam", true, 0},  {"fullrank", "adam", true, 0},
                        {"planar", "adam", true, 0},     {"fullrank", "momentum", false, 0},
                        {"meanfield", "sgd", true, 40},  {"planar", "momentum", true, 0},
                        {"radial", "adam", true, 0},
                        // more draws than a flow's untaped block (256): the run's family reuses its
                        // tape from the second step on, the step-through's fresh copy does not
                        {"planar", "adam", true, 0, 300},   {"realnvp", "adam", true, 0, 600},
                        {"meanfield", "adam", true, 0, 600}};
  for (const Case& c : cases) {
    for (int warm : {0, 7}) {
      Scene s = scene_for(c.family);
      s.optimizer = c.optimizer;
      s.analytic_entropy = c.analytic;
      s.anneal = c.anneal;
      s.samples = c.samples;
      INFO(c.samples << " samples, " << c.family << " with " << c.optimizer << ", analytic entropy " << c.analytic << ", anneal " << c.anneal
                    << ", after " << warm << " steps");
      Run a(s), b(s);
      a.step(warm);
      b.step(warm);
      StepThrough st(a);
      st.reveal_all();
      // Nothing moved yet.
      CHECK(a.steps() == warm);
      CHECK(params_hash(a.params()) == params_hash(b.params()));
      CHECK(same_state(st.optimizer_before(), a.optimizer()));

      CHECK(st.finish());
      b.step();
      CHECK(a.steps() == warm + 1);
      CHECK(params_hash(a.params()) == params_hash(b.params()));
      CHECK(params_hash(st.phi_after()) == params_hash(b.params()));
      CHECK(same_state(a.optimizer(), b.optimizer()));
      CHECK(same_state(st.optimizer_after(), b.optimizer()));
      CHECK(st.update() == st.phi_after() - st.phi_before());
      // The run keeps going as if it had stepped normally.
      a.step(3);
      b.step(3);
      CHECK(params_hash(a.params()) == params_hash(b.params()));
      CHECK(a.history().points().size() == b.history().points().size());
    }
  }
}

TEST_CASE("A step-through that is not finished leaves the run undisturbed", "[step_through]") {
  for (const char* family : {"fullrank", "planar"}) {
    INFO(family);
    Scene s = scene_for(family);
    Run a(s), b(s);
    a.step(3);
    b.step(3);
    {
      StepThrough st(a);
      st.next();
      st.next();
    }
    a.step(5);
    b.step(5);
    CHECK(params_hash(a.params()) == params_hash(b.params()));
    CHECK(a.metrics().elbo == b.metrics().elbo);
  }
}

TEST_CASE("Per-sample contributions average to the batch gradient", "[step_through]") {
  for (const char* family : {"meanfield", "fullrank", "planar", "radial", "lowrank"}) {
    for (bool analytic : {true, false}) {
      INFO(family << ", analytic entropy " << analytic);
      Scene s = scene_for(family);
      s.analytic_entropy = analytic;
      Run run(s);
      run.step(4);
      StepThrough st(run);
      CHECK(st.revealed() == 0);
      CHECK(st.averaged_gradient().isZero());
      st.reveal_all();
      REQUIRE(st.revealed() == s.samples);
      const Vec avg = st.averaged_gradient();
      const Vec& batch = st.batch_gradient();
      INFO("average " << avg.transpose() << "\nbatch   " << batch.transpose());
      CHECK((avg - batch).norm() <= 1e-12 * batch.norm());
      double mean_term = 0;
      for (const auto& smp : st.revealed_samples()) {
        mean_term += smp.term / s.samples;
        CHECK((smp.grad - smp.grad_target - smp.grad_q).isZero());
        CHECK(smp.eps == st.eps().col(smp.index));
      }
      CHECK(mean_term == Approx(st.batch_value()).epsilon(1e-12));
      CHECK(st.param_names().size() == size_t(batch.size()));
    }
  }
}

TEST_CASE("A sample's gradient is the derivative of its own ELBO term", "[step_through]") {
  for (const char* family : {"meanfield", "fullrank", "planar"}) {
    for (bool analytic : {true, false}) {
      INFO(family << ", analytic entropy " << analytic);
      Scene s = scene_for(family);
      s.analytic_entropy = analytic;
      s.anneal = 20;  // β = 0.01 + 2/20 at step 2
      Run run(s);
      run.step(2);
      StepThrough st(run);
      CHECK(st.beta() == Approx(0.11));
      const StepSample& smp = st.next();
      const auto fam = make_family(s.family, 2, s.family_options);
      const Problem& p = run.problem();
      const Mat e = smp.eps;
      auto term = [&](const Vec& phi) {
        Mat z(2, 1);
        Vec lq(1), lp(1);
        fam->forward(phi, e, z, lq);
        p.eval(z, lp, nullptr);
        return st.analytic_entropy() ? st.beta() * lp(0) + fam->entropy(phi) : st.beta() * lp(0) - lq(0);
      };
      CHECK(term(st.phi_before()) == Approx(smp.term).epsilon(1e-12));
      test::expect_gradient("sample 0's ELBO term", term, st.phi_before(), smp.grad);
      // ∇z log p~ and ∇z log q at z_s, against differences in z.
      auto logp_at = [&](const Vec& z) {
        Vec lp(1);
        p.eval(Mat(z), lp, nullptr);
        return lp(0);
      };
      test::expect_gradient("∇z log p~", logp_at, smp.z, smp.grad_log_p);
      if (fam->has_log_density_grad()) {
        REQUIRE(smp.grad_log_q.has_value());
        auto logq_at = [&](const Vec& z) {
          Vec lq(1);
          fam->log_density(st.phi_before(), Mat(z), lq);
          return lq(0);
        };
        test::expect_gradient("∇z log q", logq_at, smp.z, *smp.grad_log_q);
      } else {
        CHECK_FALSE(smp.grad_log_q.has_value());
      }
    }
  }
}

TEST_CASE("Flow intermediate points end at the sample's z", "[step_through]") {
  for (const char* family : {"planar", "radial", "realnvp"}) {
    INFO(family);
    Scene s = scene_for(family, 4);
    Run run(s);
    run.step(3);
    StepThrough st(run);
    st.reveal_all();
    const auto fam = make_family(s.family, 2, s.family_options);
    Mat z0;
    fam->base_transform(run.params(), st.eps(), z0);
    for (const auto& smp : st.revealed_samples()) {
      REQUIRE(smp.layers.size() == 5);
      CHECK((smp.layers.back() - smp.z).norm() <= 1e-12 * (1 + smp.z.norm()));
      CHECK((smp.layers.front() - z0.col(smp.index)).norm() <= 1e-14 * (1 + smp.z.norm()));
      CHECK((smp.layers[1] - smp.layers[0]).norm() > 0);  // the layers do move points
    }
  }
  Run g(scene_for("fullrank"));
  StepThrough st(g);
  CHECK(st.next().layers.empty());
}

TEST_CASE("Gaussian chain-rule terms match the sample's gradient", "[step_through]") {
  for (const char* family : {"meanfield", "fullrank"}) {
    INFO(family);
    Scene s = scene_for(family);
    s.target = "correlated";
    Run run(s);
    run.step(10);
    StepThrough st(run);
    st.reveal_all();
    const Vec& phi = st.phi_before();
    for (const auto& smp : st.revealed_samples()) {
      REQUIRE(smp.dterm_dmu.size() == 2);
      REQUIRE(smp.dterm_dL.rows() == 2);
      CHECK((smp.grad_target.head(2) - smp.dterm_dmu).norm() <= 1e-14 * (1 + smp.dterm_dmu.norm()));
      CHECK(smp.dterm_dmu == st.beta() * smp.grad_log_p);
      CHECK(smp.dterm_dL(0, 1) == 0);
      CHECK((smp.grad_q - st.entropy_grad()).isZero());
      if (std::string(family) == "fullrank") {
        // φ = [μ1, μ2, log L11, L21, log L22]
        CHECK(smp.grad_target(2) == Approx(std::exp(phi(2)) * smp.dterm_dL(0, 0)).epsilon(1e-13));
        CHECK(smp.grad_target(3) == Approx(smp.dterm_dL(1, 0)).epsilon(1e-13));
        CHECK(smp.grad_target(4) == Approx(std::exp(phi(4)) * smp.dterm_dL(1, 1)).epsilon(1e-13));
        CHECK(smp.dterm_dL(1, 0) == Approx(smp.dterm_dmu(1) * smp.eps(0)).epsilon(1e-15));
      } else {
        CHECK(smp.dterm_dL(1, 0) == 0);
        CHECK(smp.grad_target(2) == Approx(std::exp(phi(2)) * smp.dterm_dL(0, 0)).epsilon(1e-13));
        CHECK(smp.grad_target(3) == Approx(std::exp(phi(3)) * smp.dterm_dL(1, 1)).epsilon(1e-13));
      }
    }
    // q's moments before and after are those of the two φ.
    const auto fam = make_family(s.family, 2);
    CHECK(st.moments_before().mean == fam->moments(st.phi_before()).mean);
    CHECK(st.moments_after().cov == fam->moments(st.phi_after()).cov);
    CHECK(st.moments_after().mean != st.moments_before().mean);
  }
  Run flow(scene_for("planar"));
  StepThrough st(flow);
  CHECK(st.next().dterm_dmu.size() == 0);
}

TEST_CASE("Adam's moments before and after the step-through's update", "[step_through]") {
  Scene s = scene_for("meanfield");
  Run run(s);
  run.step(2);
  StepThrough st(run);
  REQUIRE(st.optimizer_before().size() == 2);
  const Vec& g = st.batch_gradient();
  const Vec& m0 = st.optimizer_before()[0].second;
  const Vec& m1 = st.optimizer_after()[0].second;
  const Vec& v0 = st.optimizer_before()[1].second;
  const Vec& v1 = st.optimizer_after()[1].second;
  CHECK((m1 - (0.9 * m0 + 0.1 * g)).norm() <= 1e-14 * (1 + m1.norm()));
  CHECK((v1 - (0.999 * v0 + 0.001 * g.cwiseAbs2())).norm() <= 1e-14 * (1 + v1.norm()));
}

TEST_CASE("Step-through refuses what it cannot decompose", "[step_through]") {
  auto refused = [](Scene s) {
    Run run(s);
    CHECK_THROWS_AS(StepThrough(run), std::invalid_argument);
  };
  Scene s = scene_for("meanfield");
  s.objective = "forward-kl";
  refused(s);
  s = scene_for("meanfield");
  s.objective = "renyi";
  refused(s);
  s = scene_for("meanfield");
  s.estimator = "score";
  refused(s);
  s = scene_for("meanfield");
  s.estimator = "stl";
  refused(s);
  s = scene_for("mixture");
  refused(s);
  // and accepts the plain ELBO
  Run ok(scene_for("meanfield"));
  CHECK_NOTHROW(StepThrough(ok));
}

TEST_CASE("Step-through guards its sequence", "[step_through]") {
  Run run(scene_for("fullrank"));
  StepThrough st(run);
  st.reveal_all();
  CHECK_THROWS_AS(st.next(), std::out_of_range);
  CHECK(st.finish());
  CHECK(st.finished());
  CHECK_THROWS_AS(st.finish(), std::logic_error);
  StepThrough stale(run);
  run.step();
  CHECK_THROWS_AS(stale.finish(), std::logic_error);
  CHECK(run.steps() == 2);
}
