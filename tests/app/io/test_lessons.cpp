// tests/app/io/test_lessons.cpp — the logic behind the objective controls, the comparison by
// objective, the lessons and the estimator window (headless: no window, no GL).
#include "app/ui/panels/controls.hpp"
#include "app/io/fit_spec.hpp"
#include "app/ui/windows/forward_kl_reference.hpp"
#include "app/ui/windows/gradvar_probe.hpp"
#include "app/ui/panels/objective_controls.hpp"
#include "app/io/lessons.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"

#include <Eigen/LU>
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <set>
#include <stop_token>
#include <string>
#include <vector>

TEST_CASE("lessons are well formed and the engine accepts their fits", "[lessons]") {
  REQUIRE_FALSE(vilab::lessons().empty());
  std::set<std::string> names;
  for (const vilab::SceneFile& p : vilab::lessons()) {
    INFO(p.name);
    CHECK(names.insert(p.name).second);  // unique
    CHECK(p.name.find(' ') == std::string::npos);  // a --lesson value
    CHECK_FALSE(p.title.empty());
    CHECK_FALSE(p.summary.empty());
    CHECK(p.steps_per_s >= 0);
    REQUIRE_NOTHROW(p.scene.validate());
    REQUIRE(int(p.compare.size()) <= vilab::kMaxCompare);
    const std::vector<vi::Scene> fits = vilab::comparison_scenes(p.scene, p.compare);
    for (const vi::Scene& f : fits) REQUIRE_NOTHROW(f.validate());
    CHECK(&vilab::find_lesson(p.name) == &p);

    vi::Engine engine(p.scene);
    engine.compare(fits);
    engine.step(5);
    engine.sync();
    const auto snap = engine.snapshot();
    INFO(snap->message);
    CHECK(snap->state == vi::EngineState::Paused);
    CHECK(snap->step == 5);
    REQUIRE(snap->comparison.size() == p.compare.size());
    for (size_t i = 0; i < fits.size(); ++i) {
      CHECK(snap->comparison[i]->scene == fits[i]);
      CHECK(snap->comparison[i]->state == vi::EngineState::Paused);
      CHECK(snap->comparison[i]->step == 5);
    }
  }
  CHECK_THROWS_WITH(vilab::find_lesson("nope"), Catch::Contains("nope") && Catch::Contains("bimodal-reverse-forward"));
}

TEST_CASE("the bimodal lesson: reverse KL sits on one mode, forward KL reaches the moment-matching optimum", "[lessons]") {
  const vilab::SceneFile& p = vilab::find_lesson("bimodal-reverse-forward");
  REQUIRE(p.compare.size() == 1);
  const std::vector<vi::Scene> fits = vilab::comparison_scenes(p.scene, p.compare);
  CHECK(p.scene.objective == "reverse-kl");
  CHECK(fits[0].objective == "forward-kl");
  CHECK(fits[0].family == p.scene.family);
  CHECK(fits[0].seed == p.scene.seed);  // the same draws

  vi::Run reverse(p.scene, nullptr, false);
  vi::Run forward(fits[0], reverse.target_data(), false);
  reverse.step(2000);
  forward.step(2000);
  const vi::Metrics r = reverse.metrics(), f = forward.metrics();
  const auto optimum = vilab::forward_kl_reference(fits[0], *reverse.target_data());
  REQUIRE(optimum);
  INFO("reverse: KL(q‖p) " << r.kl_q_p << ", KL(p‖q) " << r.kl_p_q << ", ‖Δμ‖ " << r.mean_error << ", ‖ΔΣ‖ " << r.cov_error);
  INFO("forward: KL(q‖p) " << f.kl_q_p << ", KL(p‖q) " << f.kl_p_q << ", ‖Δμ‖ " << f.mean_error << ", ‖ΔΣ‖ " << f.cov_error
                           << "; optimum KL(p‖q*) " << optimum->kl_p_q);
  CHECK(r.kl_q_p < f.kl_q_p);
  CHECK(f.kl_p_q < r.kl_p_q / 5);
  CHECK(f.kl_p_q == Approx(optimum->kl_p_q).margin(0.02));
  CHECK(f.kl_p_q >= optimum->kl_p_q - 1e-3);  // nothing in the family does better than the optimum
  CHECK(f.mean_error < 0.1);
  CHECK(r.mean_error > 1.0);  // on one mode, 2 from the other
}

TEST_CASE("comparison specs name an objective, and refuse keys the objective would ignore", "[lessons]") {
  vi::Scene primary;
  primary.target = "bimodal";
  const vi::Scene fwd = vilab::parse_fit_spec("fullrank:objective=forward-kl", primary);
  CHECK(fwd.objective == "forward-kl");
  CHECK(fwd.family == "fullrank");
  CHECK(vilab::fit_title(fwd) == "fullrank \u00B7 forward KL");
  const vi::Scene snis = vilab::parse_fit_spec("meanfield:objective=forward-kl,sampling=snis", primary);
  CHECK(snis.sampling == "snis");
  CHECK(vilab::objective_short_label(snis) == "forward KL (SNIS)");
  const vi::Scene renyi = vilab::parse_fit_spec("fullrank:objective=renyi:0.25", primary);
  CHECK(renyi.objective == "renyi");
  CHECK(renyi.alpha == 0.25);
  CHECK(vilab::fit_title(renyi) == "fullrank \u00B7 R\u00E9nyi \u03B1 = 0.25");
  const vi::Scene iwae = vilab::parse_fit_spec("fullrank:objective=renyi,alpha=0,estimator=stl", primary);
  CHECK(iwae.alpha == 0.0);
  CHECK(iwae.estimator == "stl");
  CHECK(vilab::objective_short_label(iwae) == "IWAE (\u03B1 = 0) \u00B7 STL");
  const vi::Scene score = vilab::parse_fit_spec("fullrank:estimator=score,baseline=leave-one-out", primary);
  CHECK(vilab::objective_short_label(score) == "reverse KL \u00B7 score + LOO");
  // Unnamed objective fields are the primary's: a family comparison under forward KL.
  vi::Scene forward_primary = primary;
  forward_primary.objective = "forward-kl";
  CHECK(vilab::parse_fit_spec("meanfield", forward_primary).objective == "forward-kl");

  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:objective=sideways", primary),
                    Catch::Contains("objective") && Catch::Contains("sideways") && Catch::Contains("forward-kl"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:alpha=0.5", primary), Catch::Contains("renyi"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:objective=renyi,alpha=x", primary), Catch::Contains("number"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:objective=renyi,alpha=3", primary), Catch::Contains("alpha"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:sampling=snis", primary), Catch::Contains("forward-kl"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:objective=forward-kl,estimator=score", primary),
                    Catch::Contains("no estimator"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:baseline=leave-one-out", primary), Catch::Contains("estimator=score"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("fullrank:objective=reverse-kl:2", primary), Catch::Contains("renyi:"));
  // A family that cannot serve the objective: the engine's reason, with the spec.
  CHECK_THROWS_WITH(vilab::parse_fit_spec("planar:objective=forward-kl", primary),
                    Catch::Contains("planar:objective=forward-kl") && Catch::Contains("log_density_grad"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("planar:estimator=stl", primary), Catch::Contains("stl"));
}

TEST_CASE("an objective a new family cannot serve falls back and says why", "[lessons]") {
  vi::Scene s;
  s.family = "planar";
  s.objective = "forward-kl";
  std::string note = vilab::fit_objective_to_family(s);
  CHECK(s.objective == "reverse-kl");
  CHECK(s.estimator == "reparam");
  CHECK_THAT(note, Catch::Contains("reverse KL") && Catch::Contains("planar"));

  const vi::Scene defaults;  // named: GCC 12 warns falsely about a temporary Scene's strings
  s = defaults;
  s.family = "mixture";
  s.objective = "renyi";
  s.estimator = "stl";
  note = vilab::fit_objective_to_family(s);
  CHECK(s.objective == "renyi");  // the objective stays: only the estimator had to change
  CHECK(s.estimator == "reparam");
  CHECK_THAT(note, Catch::Contains("reparam"));

  s = defaults;
  s.estimator = "score";
  s.baseline = "leave-one-out";
  s.samples = 1;
  note = vilab::fit_objective_to_family(s);
  CHECK(s.baseline == "none");
  CHECK_THAT(note, Catch::Contains("S"));

  s = defaults;  // fullrank serves everything: nothing changes, no note
  s.objective = "forward-kl";
  CHECK(vilab::fit_objective_to_family(s).empty());
  CHECK(s.objective == "forward-kl");
  // Asked of the family registry's capabilities, not of a family built to ask.
  CHECK(vilab::objective_unsupported(s).empty());
  s.family = "planar";
  CHECK_THAT(vilab::objective_unsupported(s), Catch::Contains("planar") && Catch::Contains("log_density_grad"));
  s.family = "nope";
  CHECK(vilab::objective_unsupported(s).empty());  // an unknown family: the engine says why
}

TEST_CASE("the forward-KL reference is moment matching, drawn as ellipses holding the contour masses", "[lessons]") {
  // Ellipses of N(μ, Σ): every point at the Mahalanobis radius of its mass.
  vi::Moments q;
  q.mean = (vi::Vec(2) << 1.0, -2.0).finished();
  q.cov = (vi::Mat(2, 2) << 2.0, 0.6, 0.6, 0.5).finished();
  const auto contours = vilab::gaussian_contours(q, {0.5, 0.9, 0.99}, 64);
  REQUIRE(contours.size() == 3);
  const vi::Mat inv = q.cov.inverse();
  for (const vi::Contour& c : contours) {
    REQUIRE(c.lines.size() == 1);
    CHECK(c.lines[0].closed);
    REQUIRE(c.lines[0].xy.size() == 128);
    const double r2 = -2 * std::log(1 - c.mass);
    for (size_t k = 0; k < c.lines[0].xy.size(); k += 2) {
      const double dx = c.lines[0].xy[k] - 1.0, dy = c.lines[0].xy[k + 1] + 2.0;
      REQUIRE(inv(0, 0) * dx * dx + 2 * inv(0, 1) * dx * dy + inv(1, 1) * dy * dy == Approx(r2).epsilon(1e-5));
    }
  }
  vi::Moments not_pd = q;
  not_pd.cov(0, 1) = not_pd.cov(1, 0) = 5;
  CHECK(vilab::gaussian_contours(not_pd, {0.5}).empty());

  // Against a correlated p: full rank takes p's covariance, mean-field its marginal variances.
  vi::Scene s;
  s.target = "correlated";
  s.objective = "forward-kl";
  const auto data = vi::make_target_data(s);
  const auto full = vilab::forward_kl_reference(s, *data);
  REQUIRE(full);
  CHECK((full->moments.cov - data->p_moments.cov).norm() < 1e-9);
  s.family = "meanfield";
  const auto mf = vilab::forward_kl_reference(s, *data);
  REQUIRE(mf);
  CHECK(mf->moments.cov(0, 1) == 0.0);
  CHECK(mf->moments.cov(0, 0) == Approx(data->p_moments.cov(0, 0)));
  CHECK(mf->kl_p_q > full->kl_p_q);  // the full-rank optimum fits p better
  CHECK(full->kl_p_q >= 0);
  // No reference for reverse KL or for a flow (no closed form).
  s.objective = "reverse-kl";
  CHECK_FALSE(vilab::forward_kl_reference(s, *data));
  s.objective = "forward-kl";
  s.family = "mixture";
  CHECK_FALSE(vilab::forward_kl_reference(s, *data));
}

TEST_CASE("gradient variance off the UI thread: the same table as one call, newest request wins", "[lessons]") {
  vi::Scene s;
  s.target = "banana";
  vi::Run run(s, nullptr, false);
  run.step(20);
  vilab::GradVarRequest r;
  r.scene = s;
  r.target = run.target_data();
  r.phi = run.params();
  r.step = run.steps();
  r.options.samples = {1, 4, 16};
  r.options.replicates = 50;

  // Measured one S at a time, the cells are those of a single call over every S.
  const vilab::GradVarMeasurement m = vilab::measure_gradient_variance(r);
  REQUIRE(m.error.empty());
  const vi::GradVarTable one = vi::gradient_variance(s, *r.target, r.phi, r.options);
  REQUIRE(m.table.variants == one.variants);
  REQUIRE(m.table.cells.size() == one.cells.size());
  for (size_t k = 0; k < one.cells.size(); ++k) {
    CHECK(m.table.cells[k].samples == one.cells[k].samples);
    CHECK(m.table.cells[k].variant == one.cells[k].variant);
    CHECK(m.table.cells[k].trace_cov == one.cells[k].trace_cov);
  }
  CHECK(m.table.reading == one.reading);
  CHECK(m.step == 20);

  // A cancelled measurement stops and says so.
  std::stop_source cancel;
  cancel.request_stop();
  CHECK(vilab::measure_gradient_variance(r, cancel.get_token()).error == "cancelled");

  // The probe: a start returns at once; a second start drops the first; its result arrives.
  vilab::GradVarProbe probe;
  CHECK(probe.latest() == nullptr);
  probe.start(r);
  CHECK(probe.busy());
  vilab::GradVarRequest later = r;
  later.step = 99;
  later.options.samples = {4};
  probe.start(later);
  probe.wait();
  CHECK_FALSE(probe.busy());
  REQUIRE(probe.latest());
  CHECK(probe.latest()->step == 99);
  CHECK(probe.latest()->table.samples == std::vector<int>{4});
  // A cancelled job's result is never shown.
  vilab::GradVarRequest dropped = r;
  dropped.step = 7;
  probe.start(dropped);
  probe.cancel();
  probe.wait();
  CHECK(probe.latest()->step == 99);

  // A bad request fails with a message, it does not throw.
  vilab::GradVarRequest bad = r;
  bad.phi = vi::Vec::Zero(1);
  CHECK_THAT(vilab::measure_gradient_variance(bad).error, Catch::Contains("φ"));

  // What the measurement depends on: α, the family, the target; not the learning rate, S or the estimator.
  vi::Scene other = s;
  other.lr = 0.5;
  other.samples = 7;
  other.estimator = "score";
  CHECK(vilab::gradvar_key(other) == vilab::gradvar_key(s));
  other.objective = "renyi";
  CHECK_FALSE(vilab::gradvar_key(other) == vilab::gradvar_key(s));
}
