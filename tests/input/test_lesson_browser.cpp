// tests/input/test_lesson_browser.cpp — the lesson browser by hand: a filter typed and a lesson
// opened with Enter; opened again, the browser starts on the whole library with an empty filter
// (the old filter kept the keyboard's next letters on its end: "funnel" + "flow" = "funnelflow").
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

namespace {

using namespace vilab::input_test;

void open_browser(App& app) {
  app.click("Lessons", "MainMenuBar");
  app.click("Browse lessons\u2026", "Menu");
  app.wait_for([](const json& r) { return r["state"]["lesson_browser"].get<bool>() && r["text_input"].get<bool>(); },
               "the browser, its filter with the keyboard");
}

}  // namespace

TEST_CASE("Lesson browser: after Enter opens a lesson, the browser reopens with an empty filter", "[input][lesson_browser]") {
  App app({.args = {"--target", "banana"}});
  open_browser(app);
  app.type("funnel");
  app.wait_for([](const json& r) { return r["state"]["lesson_filter"] == "funnel"; }, "the filter holds \"funnel\"");
  app.key("Return");
  app.wait_for([](const json& r) { return r["state"]["scene"] == "funnel" && !r["state"]["lesson_browser"].get<bool>(); },
               "Enter opens the funnel lesson and closes the browser");
  open_browser(app);
  CHECK(app.state()["lesson_filter"] == "");
  app.type("flow");
  app.wait_for([](const json& r) { return r["state"]["lesson_filter"] == "flow"; }, "what is typed is the whole filter");
}
