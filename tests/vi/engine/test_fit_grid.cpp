// Grids of fits: the presets are what they say, training is independent of the thread count and
// agrees with a plain Run, and a short run lowers KL(q‖p).
#include "vi/engine/fit_grid.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>

using namespace vi;

namespace {

// A small grid that trains in a moment: two targets × two cheap families, a coarse reference
// grid (the references are not under test here).
FitGrid small_grid() {
  FitGrid g;
  g.title = "test";
  g.row_labels = {"U1", "U3"};
  g.col_labels = {"planar K=2", "fullrank"};
  for (const char* target : {"U1", "U3"})
    for (const char* family : {"planar", "fullrank"}) {
      Scene s;
      s.target = target;
      s.family = family;
      s.family_options.K = 2;
      s.lr = 0.01;
      s.samples = 32;
      s.grid = 64;
      s.seed = 5;
      g.cells.push_back(s);
    }
  return g;
}

}  // namespace

TEST_CASE("grid presets: paper-fig3 is U1-U4 by planar K = 2, 8, 32", "[grid]") {
  const FitGrid g = make_fit_grid("paper-fig3");
  REQUIRE_NOTHROW(g.validate());
  REQUIRE(g.rows() == 4);
  REQUIRE(g.cols() == 3);
  REQUIRE(g.cells.size() == 12);
  CHECK(g.row_labels == std::vector<std::string>{"U1", "U2", "U3", "U4"});
  CHECK(g.col_labels == std::vector<std::string>{"planar K=2", "planar K=8", "planar K=32"});
  const int depths[] = {2, 8, 32};
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 3; ++c) {
      const Scene& s = g.cell(r, c);
      INFO(g.cell_name(r, c));
      CHECK(s.target == g.row_labels[size_t(r)]);
      CHECK(s.family == "planar");
      CHECK(s.family_options.K == depths[c]);
      CHECK(s.optimizer == "adam");
      CHECK(s.lr == 0.01);
      CHECK(s.samples == 256);
      CHECK(s.anneal == 0);
    }
  CHECK(g.cell_name(3, 2) == "U4 \u00B7 planar K=32");
}

TEST_CASE("grid presets: the annealed and Gaussian variants differ from paper-fig3 only where they say", "[grid]") {
  const FitGrid plain = make_fit_grid("paper-fig3");
  const FitGrid annealed = make_fit_grid("paper-fig3-anneal");
  REQUIRE_NOTHROW(annealed.validate());
  REQUIRE(annealed.cells.size() == plain.cells.size());
  CHECK(annealed.row_labels == plain.row_labels);
  CHECK(annealed.col_labels == plain.col_labels);
  for (size_t i = 0; i < plain.cells.size(); ++i) {
    CHECK(annealed.cells[i].anneal == 2000);
    Scene s = annealed.cells[i];
    s.anneal = 0;
    CHECK(s == plain.cells[i]);
  }
  CHECK(annealed.title != plain.title);

  const FitGrid gauss = make_fit_grid("paper-fig3-gaussians");
  REQUIRE_NOTHROW(gauss.validate());
  CHECK(gauss.row_labels == plain.row_labels);
  REQUIRE(gauss.cols() == 2);
  for (int r = 0; r < gauss.rows(); ++r) {
    CHECK(gauss.cell(r, 0).family == "meanfield");
    CHECK(gauss.cell(r, 1).family == "fullrank");
    for (int c = 0; c < 2; ++c) {
      CHECK(gauss.cell(r, c).target == plain.cell(r, 0).target);
      CHECK(gauss.cell(r, c).lr == plain.cell(r, 0).lr);
      CHECK(gauss.cell(r, c).samples == plain.cell(r, 0).samples);
      CHECK(gauss.cell(r, c).anneal == 0);
    }
  }
  // The Gaussian reference of an annealed grid is not annealed.
  CHECK(gaussian_reference(annealed).cells == gauss.cells);
}

TEST_CASE("grid presets: every registered preset validates, and names are unique", "[grid]") {
  std::set<std::string> names;
  for (const auto& info : fit_grid_registry()) {
    INFO(info.name);
    CHECK(names.insert(info.name).second);
    CHECK_FALSE(info.summary.empty());
    const FitGrid g = info.make();
    CHECK_NOTHROW(g.validate());
    CHECK(g == make_fit_grid(info.name));
    CHECK(g.row_labels.size() * g.col_labels.size() == g.cells.size());
  }
  CHECK(fit_grid_names().size() == fit_grid_registry().size());
  CHECK_THROWS_WITH(make_fit_grid("paper-fig9"), Catch::Contains("paper-fig9") && Catch::Contains("paper-fig3-anneal"));
}

TEST_CASE("grid validation names the bad cell", "[grid]") {
  FitGrid g = small_grid();
  g.cell(1, 0).lr = -1;
  CHECK_THROWS_WITH(g.validate(), Catch::Contains("U3 \u00B7 planar K=2") && Catch::Contains("learning rate"));
  g = small_grid();
  g.cells.pop_back();
  CHECK_THROWS_WITH(g.validate(), Catch::Contains("3 cells"));
  g = small_grid();
  g.col_labels.clear();
  CHECK_THROWS(g.validate());
  CHECK_THROWS_WITH(train_grid(small_grid(), {10, 0, 1, {}}), Catch::Contains("seeds"));
  CHECK_THROWS_WITH(train_grid(small_grid(), {10, 1, 0, {}}), Catch::Contains("threads"));
}

TEST_CASE("train_grid: the thread count changes nothing, and each fit is the Run of its seed", "[grid][determinism]") {
  const FitGrid g = small_grid();
  GridTraining t;
  t.steps = 60;
  t.seeds = 2;
  t.threads = 1;
  int calls = 0, last_done = 0, total = 0;
  t.progress = [&](int done, int all) {
    ++calls;
    CHECK(done == last_done + 1);
    last_done = done;
    total = all;
  };
  const std::vector<CellResult> one = train_grid(g, t);
  CHECK(calls == 8);
  CHECK(total == 8);
  t.progress = nullptr;
  t.threads = 3;
  const std::vector<CellResult> three = train_grid(g, t);
  REQUIRE(one.size() == 4);
  REQUIRE(three.size() == 4);
  for (size_t i = 0; i < one.size(); ++i) {
    INFO("cell " << i);
    CHECK(one[i].seeds == std::vector<uint64_t>{5, 6});
    CHECK(one[i].params_hash == three[i].params_hash);
    CHECK(one[i].kl == three[i].kl);  // bit for bit
    CHECK(one[i].kl_error == three[i].kl_error);
    CHECK(one[i].params_hash[0] != one[i].params_hash[1]);  // the seeds do differ
  }
  // The second seed of cell (1, 0) is exactly a Run of that scene with seed 6.
  Scene s = g.cell(1, 0);
  s.seed = 6;
  Run run(s, nullptr, false);
  run.step(60);
  CHECK(one[2].params_hash[1] == params_hash(run.params()));
  CHECK(one[2].kl[1] == run.metrics().kl_q_p);
}

TEST_CASE("train_grid: a short run lowers KL(q||p), and the summary is the seeds' mean, sd and best", "[grid]") {
  const FitGrid g = small_grid();
  const std::vector<CellResult> start = train_grid(g, {0, 2, 2, {}});
  const std::vector<CellResult> later = train_grid(g, {300, 2, 2, {}});
  for (size_t i = 0; i < g.cells.size(); ++i) {
    INFO("cell " << i << ": KL " << start[i].mean << " at step 0, " << later[i].mean << " after 300 steps");
    CHECK(later[i].n_diverged == 0);
    CHECK(later[i].mean < 0.8 * start[i].mean);
    for (double kl : later[i].kl) CHECK(std::isfinite(kl));
    // The summary.
    const std::vector<double>& kl = later[i].kl;
    const double mean = 0.5 * (kl[0] + kl[1]);
    CHECK(later[i].mean == Approx(mean).epsilon(1e-12));
    CHECK(later[i].sd == Approx(std::abs(kl[0] - kl[1]) / std::sqrt(2.0)).epsilon(1e-9));
    CHECK(later[i].best == std::min(kl[0], kl[1]));
  }
  // One seed: no standard deviation.
  const std::vector<CellResult> single = train_grid(g, {0, 1, 1, {}});
  CHECK(std::isnan(single[0].sd));
  CHECK(single[0].mean == single[0].best);
}
