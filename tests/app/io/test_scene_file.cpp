// tests/app/io/test_scene_file.cpp — scene files: round trips, bit-identical replay, and a corpus of
// broken files that each get their own message (app/io/scene_file.hpp).
#include "app/ui/panels/controls.hpp"
#include "app/io/scene_file.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

// A scene that sets something in every section, with awkward values: doubles that have no short
// decimal form, text with quotes, newlines and Unicode.
vilab::SceneFile rich_scene() {
  vilab::SceneFile f;
  f.name = "rich";
  f.title = "A \"rich\" scene";
  f.summary = "Every section set, ρ = 0.95";
  f.text = "The idea.\nlog p(x) = ELBO + KL(q\u2016p)\n'''quoted''' and \"double\" and a tab\there.\n";
  f.scene.target = "banana";
  f.scene.target_params = {{"b", 0.1 + 0.2}};
  f.scene.family = "planar";
  f.scene.family_options.K = 6;
  f.scene.optimizer = "adam";
  f.scene.lr = 0.1 / 3;
  f.scene.samples = 48;
  f.scene.seed = 9007199254740993ull;  // above 2^53: an integer, not a double
  f.scene.init_mean_x = -1e-300;
  f.scene.init_mean_y = 1.0 / 7;
  f.scene.init_log_sd = -0.75;
  f.scene.anneal = 300;
  f.scene.grad_clip = 12.5;
  f.scene.converge_statistic = "median";
  f.scene.auto_stop = true;
  vi::Scene mf = f.scene;
  mf.family = "meanfield";
  vi::Scene fwd = f.scene;
  fwd.family = "fullrank";
  fwd.objective = "forward-kl";
  f.compare = {mf, fwd};
  f.play = true;
  f.steps_per_s = 250;
  f.view_box = vi::Box{-2.5, 2.5, -3.0 / 7, 4};
  f.layers.log_density = true;
  f.layers.show_samples = false;
  f.panels.khat_plot = true;
  f.panels.windows.set("gradvar", true);
  f.panels.windows.set("vae", true);
  f.panels.model_settings = {{"beta", 1.5}};
  return f;
}

// Writes `text` to a fresh temporary file and returns its path.
std::string temp_file(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "vilab-scene-tests";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace

TEST_CASE("a scene file round-trips: format then parse gives the same SceneFile", "[scenefile]") {
  SECTION("defaults") {
    vilab::SceneFile f;
    f.name = "defaults";
    const vilab::SceneFile back = vilab::parse_scene_file(vilab::format_scene_file(f), "defaults.toml");
    CHECK(back == f);
  }
  SECTION("every section, awkward values") {
    const vilab::SceneFile f = rich_scene();
    const std::string text = vilab::format_scene_file(f);
    INFO(text);
    const vilab::SceneFile back = vilab::parse_scene_file(text, "rich.toml");
    CHECK(back.scene == f.scene);
    CHECK(back.compare == f.compare);
    CHECK(back.text == f.text);
    CHECK(back.view_box == f.view_box);
    CHECK(back.panels == f.panels);
    CHECK(back == f);
    // Written again, the text is the same: saving is stable.
    CHECK(vilab::format_scene_file(back) == text);
  }
  SECTION("a minimal hand-written file takes every default") {
    const vilab::SceneFile f = vilab::parse_scene_file("vilab_scene = 1\n", "01-minimal.toml");
    CHECK(f.name == "minimal");
    const vi::Scene defaults;
    CHECK(f.scene == defaults);
    CHECK(f.compare.empty());
    CHECK_FALSE(f.view_box);
  }
}

TEST_CASE("a saved scene replays bit-identically", "[scenefile][determinism]") {
  vilab::SceneFile f = rich_scene();
  f.scene.auto_stop = false;
  const std::string path = temp_file("replay.toml", "");
  vilab::save_scene_file(path, f);
  const vilab::SceneFile loaded = vilab::load_scene_file(path);
  REQUIRE(loaded.scene == f.scene);
  vi::Run a(f.scene, nullptr, false), b(loaded.scene, nullptr, false);
  a.step(300);
  b.step(300);
  CHECK(vi::params_hash(a.params()) == vi::params_hash(b.params()));
  CHECK(a.params() == b.params());
  // And each comparison fit as the app sends it.
  const auto fits = vilab::comparison_scenes(f.scene, f.compare), fits_loaded = vilab::comparison_scenes(loaded.scene, loaded.compare);
  REQUIRE(fits.size() == fits_loaded.size());
  for (size_t i = 0; i < fits.size(); ++i) {
    vi::Run c(fits[i], nullptr, false), d(fits_loaded[i], nullptr, false);
    c.step(100);
    d.step(100);
    CHECK(vi::params_hash(c.params()) == vi::params_hash(d.params()));
  }
  std::filesystem::remove(path);
}

TEST_CASE("broken scene files: each gets its own message with the file, the line and the field", "[scenefile]") {
  struct Case {
    const char* what;
    std::string text;
    int line;               // expected line (0: don't check)
    std::string field;      // expected field
    std::string contains;   // a distinctive part of the message
  };
  const std::vector<Case> corpus = {
      {"no version", "[fit]\nlr = 0.1\n", 1, "vilab_scene", "missing"},
      {"newer format", "vilab_scene = 2\n", 1, "vilab_scene", "newer"},
      {"version is a string", "vilab_scene = \"1\"\n", 1, "vilab_scene", "expected 1"},
      {"not TOML", "vilab_scene = 1\n[fit\nlr = 0.1\n", 2, "", "not valid TOML"},
      {"unterminated string", "vilab_scene = 1\n[lesson]\ntitle = \"abc\n", 3, "", "not valid TOML"},
      {"duplicate key", "vilab_scene = 1\n[fit]\nlr = 0.1\nlr = 0.2\n", 4, "", "not valid TOML"},
      {"unknown top-level key", "vilab_scene = 1\n[fitt]\nlr = 0.1\n", 2, "fitt", "did you mean 'fit'"},
      {"unknown fit key", "vilab_scene = 1\n[fit]\nlrr = 0.1\n", 3, "fit.lrr", "did you mean 'lr'"},
      {"unknown key, no near miss", "vilab_scene = 1\n[run]\nzzzzzzzz = 1\n", 3, "run.zzzzzzzz", "unknown key"},
      {"string for a number", "vilab_scene = 1\n[fit]\n\nlr = \"fast\"\n", 4, "fit.lr", "expected a number, got a string"},
      {"float for an integer", "vilab_scene = 1\n[fit]\nsamples = 64.5\n", 3, "fit.samples", "expected a whole number"},
      {"samples out of range", "vilab_scene = 1\n[fit]\nsamples = 0\n", 3, "fit.samples", "1 … 65536"},
      {"negative seed", "vilab_scene = 1\n[fit]\nseed = -3\n", 3, "fit.seed", "expected a whole number in 0"},
      {"nan learning rate", "vilab_scene = 1\n[fit]\nlr = nan\n", 3, "fit.lr", "finite"},
      {"negative learning rate", "vilab_scene = 1\n[fit]\nlr = -0.1\n", 3, "fit.lr", "learning rate"},
      {"unknown target", "vilab_scene = 1\n[fit]\ntarget = \"bananna\"\n", 3, "fit.target", "bananna"},
      {"unknown family", "vilab_scene = 1\n[fit]\nfamily = \"gaussian\"\n", 3, "fit.family", "gaussian"},
      {"unknown target parameter", "vilab_scene = 1\n[fit]\ntarget = \"banana\"\ntarget_params = { rhoo = 1 }\n", 0, "fit",
       "rhoo"},
      {"bool as a string", "vilab_scene = 1\n[run]\nplay = \"yes\"\n", 3, "run.play", "expected true or false"},
      {"inverted box", "vilab_scene = 1\n[view]\nbox = [1, -1, 0, 2]\n", 3, "view.box", "x0 < x1"},
      {"box of three numbers", "vilab_scene = 1\n[view]\nbox = [1, 2, 3]\n", 3, "view.box", "4 numbers, got 3"},
      {"huge box", "vilab_scene = 1\n[view]\nbox = [-1e9, 1e9, -1, 1]\n", 3, "view.box", "1e6"},
      {"too many comparisons",
       "vilab_scene = 1\n[[compare]]\n[[compare]]\n[[compare]]\n[[compare]]\n", 2, "compare", "at most 3"},
      {"compare sets a primary-only key", "vilab_scene = 1\n[[compare]]\nlr = 0.1\n", 3, "compare[1].lr", "unknown key"},
      {"compare table not an array", "vilab_scene = 1\ncompare = 3\n", 2, "compare", "[[compare]]"},
      {"a bad data point", "vilab_scene = 1\n[fit]\ntarget = \"logreg\"\ndata = [[1, 0], [2]]\n", 4, "fit.data", "[x, label]"},
      {"summary of two lines", "vilab_scene = 1\n[lesson]\nsummary = \"a\\nb\"\n", 3, "lesson.summary", "one line"},
      {"unknown grid preset", "vilab_scene = 1\n[panels]\ngrid = \"fig9\"\n", 3, "panels.grid", "fig9"},
      {"scrub layer out of range", "vilab_scene = 1\n[panels]\nscrub_layer = 99\n", 3, "panels.scrub_layer", "-1 … 64"},
      {"model settings without a model", "vilab_scene = 1\n[panels]\nmodel_settings = { beta = 2 }\n", 3,
       "panels.model_settings.beta", "vae = true"},
      {"unknown model setting", "vilab_scene = 1\n[panels]\nvae = true\nmodel_settings = { betta = 2 }\n", 4,
       "panels.model_settings.betta", "unknown setting"},
      {"family option out of range", "vilab_scene = 1\n[fit]\nfamily_options = { K = 100 }\n", 3, "fit.family_options.K", "1 … 64"},
      {"unknown family option", "vilab_scene = 1\n[fit]\nfamily_options = { KK = 4 }\n", 3, "fit.family_options.KK",
       "did you mean 'K'"},
      {"an objective the family cannot serve", "vilab_scene = 1\n[fit]\nfamily = \"planar\"\nobjective = \"forward-kl\"\n", 0,
       "fit", "forward"},
      {"empty file", "", 1, "vilab_scene", "missing"},
      {"binary junk", std::string("vilab_scene = 1\n\x01\xff\xfe garbage", 27), 0, "", "not valid TOML"},
  };
  for (const Case& c : corpus) {
    INFO(c.what << "\n" << c.text);
    try {
      (void)vilab::parse_scene_file(c.text, "broken.toml");
      FAIL("accepted");
    } catch (const vilab::SceneFileError& e) {
      INFO(e.what());
      CHECK(e.file() == "broken.toml");
      CHECK(std::string(e.what()).rfind("broken.toml:", 0) == 0);
      if (c.line) CHECK(e.line() == c.line);
      if (!c.field.empty()) CHECK(e.field().rfind(c.field, 0) == 0);
      CHECK_THAT(e.what(), Catch::Contains(c.contains));
    }
  }
}

TEST_CASE("scene files on disk: missing, a folder, unwritable, and the name from the path", "[scenefile]") {
  CHECK(vilab::scene_name_from_path("scenes/01-elbo-gap.toml") == "elbo-gap");
  CHECK(vilab::scene_name_from_path("/x/my-scene.toml") == "my-scene");
  CHECK(vilab::scene_name_from_path("2024.toml") == "2024");
  CHECK_THROWS_WITH(vilab::load_scene_file("/nonexistent/x.toml"), Catch::Contains("/nonexistent/x.toml") && Catch::Contains("cannot be read"));
  CHECK_THROWS_WITH(vilab::load_scene_file(std::filesystem::temp_directory_path().string()), Catch::Contains("folder"));
  const vilab::SceneFile empty;
  CHECK_THROWS_WITH(vilab::save_scene_file("/nonexistent/dir/x.toml", empty), Catch::Contains("cannot be written"));
  // A failed parse of a file on disk names the path.
  const std::string path = temp_file("bad.toml", "vilab_scene = 1\n[fit]\nlr = -1\n");
  try {
    (void)vilab::load_scene_file(path);
    FAIL("accepted");
  } catch (const vilab::SceneFileError& e) {
    CHECK(e.file() == path);
    CHECK(e.line() == 3);
  }
  std::filesystem::remove(path);
}
