// tests/app/ui/test_gui_scene_file.cpp — the app opens scene files: at start (--scene), and dropped
// on the window, good or bad (run by ctest under xvfb-run with the other [gui] tests).
#include "app/ui/panels/density_view.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/io/scene_file.hpp"

#include <catch2/catch.hpp>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string write_temp(const std::string& name, const std::string& text) {
  const fs::path p = fs::temp_directory_path() / ("vilab_gui_scene_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

const char* kMeanfieldScene = R"(vilab_scene = 1
[lesson]
title = "Mean-field against full-rank"
[fit]
target = "banana"
family = "meanfield"
seed = 7
[[compare]]
family = "fullrank"
[view]
box = [-3.0, 3.0, -2.0, 5.0]
samples = false
)";

int shot(vilab::GuiOptions opt, const char* name) {
  const fs::path png = fs::temp_directory_path() / ("vilab_gui_scene_" + std::to_string(getpid()) + "_" + name + ".png");
  opt.shot_path = png.string();
  const int rc = vilab::run_gui(opt);
  if (const char* keep = std::getenv("VILAB_TEST_SHOTS"); keep && *keep && fs::exists(png))
    fs::copy_file(png, fs::path(keep) / png.filename(), fs::copy_options::overwrite_existing);  // to look at
  fs::remove(png);
  return rc;
}

}  // namespace

TEST_CASE("a shot of a scene file shows its fits side by side in its view box", "[gui][scenefile]") {
  vilab::GuiOptions opt;
  opt.scene_file = vilab::parse_scene_file(kMeanfieldScene, "mf.toml");
  opt.scene = opt.scene_file->scene;
  opt.shot_steps = 100;
  REQUIRE(shot(opt, "start") == 0);
  const vilab::SceneFileReport r = vilab::last_scene_file_report();
  CHECK(r.scene == opt.scene_file->scene);
  REQUIRE(r.compare.size() == 1);
  CHECK(r.compare[0].family == "fullrank");
  CHECK(r.title == "Mean-field against full-rank");
  CHECK(r.error.empty());
  REQUIRE(r.has_view);
  CHECK(r.view == vi::Box{-3, 3, -2, 5});
  CHECK(vilab::last_density_view_rects().size() == 2);
}

TEST_CASE("a scene file dropped on the window opens, a broken one leaves the scene and names the line", "[gui][scenefile]") {
  vilab::GuiOptions opt;
  opt.scene.target = "funnel";
  opt.scene.family = "fullrank";
  opt.shot_steps = 10;
  SECTION("a good file") {
    opt.drop_paths = {write_temp("good.toml", kMeanfieldScene)};
    REQUIRE(shot(opt, "drop_good") == 0);
    const vilab::SceneFileReport r = vilab::last_scene_file_report();
    CHECK(r.error.empty());
    CHECK(r.scene.target == "banana");
    CHECK(r.scene.family == "meanfield");
    CHECK(r.scene.seed == 7);
    CHECK(r.compare.size() == 1);
    fs::remove(opt.drop_paths[0]);
  }
  SECTION("a broken file") {
    opt.drop_paths = {write_temp("broken.toml", "vilab_scene = 1\n[fit]\nfamily = \"meanfield\"\nsamples = \"many\"\n")};
    REQUIRE(shot(opt, "drop_bad") == 0);
    const vilab::SceneFileReport r = vilab::last_scene_file_report();
    INFO(r.error);
    CHECK_THAT(r.error, Catch::Contains("broken.toml:4") && Catch::Contains("fit.samples") && Catch::Contains("expected a whole number"));
    CHECK(r.scene == opt.scene);  // the scene it had
    fs::remove(opt.drop_paths[0]);
  }
  SECTION("a file that is not there") {
    opt.drop_paths = {"/nonexistent/scene.toml"};
    REQUIRE(shot(opt, "drop_missing") == 0);
    const vilab::SceneFileReport r = vilab::last_scene_file_report();
    CHECK_THAT(r.error, Catch::Contains("cannot be read"));
    CHECK(r.scene == opt.scene);
  }
}
