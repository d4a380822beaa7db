// tests/input/test_lessons.cpp — every lesson opens from the browser by hand, the first launch
// lands on lesson 1, and a lesson's [run] applies (one that says play = false opens paused, even
// over a fit that was playing).
#include "tests/input/app_driver.hpp"

#include "app/io/lessons.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace {

using namespace vilab::input_test;

bool scene_is(const json& r, const std::string& name) { return r["state"]["scene"] == name; }

}  // namespace

TEST_CASE("Every lesson opens from the lesson browser (menu, filter, click)", "[input][lessons]") {
  App app({.args = {"--target", "banana"}});
  const auto& all = vilab::lessons();
  REQUIRE(all.size() >= 15);
  for (const vilab::SceneFile& lesson : all) {
    INFO(lesson.name);
    app.click("Lessons", "MainMenuBar");
    app.click("Browse lessons\u2026", "Menu");
    app.wait_for([](const json& r) { return r["state"]["lesson_browser"] == true && r["text_input"] == true; },
                 "the browser with its filter focused");
    // The filter: the name narrows the list to this lesson (and any that mention it).
    app.wait_frames(2);  // ImGui reads no keys in a field's first active frame
    app.key("ctrl+a");   // whatever the filter held
    app.type(lesson.name);
    app.wait_for([&](const json& r) { return r["state"]["lesson_filter"] == lesson.name; }, "the filter typed");
    app.wait_frames(2);  // the list as filtered
    app.click("lesson:" + lesson.name);
    app.wait_for([&](const json& r) { return scene_is(r, lesson.name); }, "lesson " + lesson.name + " open");
    const json r = app.wait_for([](const json& j) { return j["state"]["lesson_browser"] == false; }, "the browser closed");
    CHECK(r["state"]["scene_title"] == lesson.title);
    CHECK(r["state"]["scene_error"] == "");
    // Its text is shown (every lesson has one).
    CHECK(r["state"]["lesson_text"] == true);
    const std::string runs = lesson.play && r["state"]["grid"] == false ? "playing" : "paused";
    app.wait_for([&](const json& j) { return j["state"]["engine"] == runs; }, lesson.name + " " + runs);
    app.screenshot("lesson_" + lesson.name);
  }
}

TEST_CASE("A lesson's play = false applies over a playing fit (keys and browser)", "[input][lessons]") {
  const auto& all = vilab::lessons();
  REQUIRE(all.size() >= 10);
  REQUIRE(all[0].play);
  REQUIRE_FALSE(all[3].play);  // lesson 4: step through, paused
  REQUIRE_FALSE(all[9].play);  // lesson 10: the landscape, paused
  App app({.args = {"--target", "banana"}});
  app.key("1");
  app.wait_for([&](const json& r) { return scene_is(r, all[0].name) && r["state"]["engine"] == "playing"; }, "lesson 1 plays");
  app.key("4");
  app.wait_for([&](const json& r) { return scene_is(r, all[3].name); }, "lesson 4 open");
  app.wait_for([](const json& r) { return r["state"]["engine"] == "paused"; }, "lesson 4 paused, as its scene says");
  const long step = app.state()["step"].get<long>();
  app.wait_frames(10);
  CHECK(app.state()["step"].get<long>() == step);

  app.key("1");
  app.wait_for([&](const json& r) { return scene_is(r, all[0].name) && r["state"]["engine"] == "playing"; }, "lesson 1 again");
  app.click("Lessons", "MainMenuBar");
  app.click("Browse lessons\u2026", "Menu");
  app.wait_for([](const json& r) { return r["text_input"] == true; }, "the browser's filter");
  app.type(all[9].name);
  app.wait_for([&](const json& r) { return r["state"]["lesson_filter"] == all[9].name; }, "the filter typed");
  app.wait_frames(2);
  app.click("lesson:" + all[9].name);
  app.wait_for([&](const json& r) { return scene_is(r, all[9].name) && r["state"]["engine"] == "paused"; },
               "lesson 10 opens paused");
}

TEST_CASE("The first launch opens lesson 1 with its text, and Quit remembers the last lesson", "[input][lessons]") {
  const auto& all = vilab::lessons();
  std::filesystem::path config;
  {
    App app({.args = {}, .command = "", .width = 0});
    config = app.dir() / "config";
    const json r = app.wait_for([&](const json& j) { return scene_is(j, all[0].name); }, "lesson 1");
    CHECK(r["state"]["lesson_text"] == true);
    app.key("3");
    app.wait_for([&](const json& j) { return scene_is(j, all[2].name); }, "lesson 3 by its key");
    app.close_window();  // as a window manager's close button does
    CHECK(app.wait_exit() == 0);
    REQUIRE(std::filesystem::exists(config / "settings.toml"));
    // The next launch with the same settings reopens lesson 3.
    std::filesystem::copy(config, app.dir().parent_path() / ("vilab_input_kept_config_" + std::to_string(getpid())),
                          std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
    config = app.dir().parent_path() / ("vilab_input_kept_config_" + std::to_string(getpid()));
  }
  App again({.args = {}, .command = "", .width = 0, .config_dir = config});
  again.wait_for([&](const json& j) { return scene_is(j, all[2].name); }, "the last lesson reopened");
  std::filesystem::remove_all(config);
}
