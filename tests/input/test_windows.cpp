// tests/input/test_windows.cpp — the menus, the model windows' buttons, every Export item, a file
// dropped on the window, and File → Quit, by hand.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace {

using namespace vilab::input_test;
namespace fs = std::filesystem;

void menu(App& app, const char* top, const char* item) {
  app.click(top, "MainMenuBar");
  app.click(item, "Menu");
}

bool no_popup(const json& r) { return r["popup"].get<std::string>().empty() && !r["text_input"].get<bool>(); }

}  // namespace

TEST_CASE("The View and Lessons menus' items", "[input][windows]") {
  App app({.args = {"--lesson", "elbo-gap"}});
  menu(app, "View", "Presentation mode");
  app.wait_for([](const json& r) { return r["state"]["presentation"] == true; }, "View → Presentation mode");
  menu(app, "View", "Presentation mode");
  app.wait_for([](const json& r) { return r["state"]["presentation"] == false; }, "and back");
  menu(app, "View", "High contrast");
  app.wait_for([](const json& r) { return r["state"]["high_contrast"] == true; }, "View → High contrast");
  app.wait_frames(3);
  const char* reset = "\u21BA Reset";  // the lesson plays: Play reads Pause
  const float h0 = app.item(reset).h;
  menu(app, "View", "Larger text");
  app.wait_for([&](const json&) { return app.item(reset).h > h0 * 1.05f; }, "View → Larger text");
  app.wait_frames(3);
  const float h1 = app.item(reset).h;
  menu(app, "View", "Smaller text");
  app.wait_for([&](const json&) { return app.item(reset).h < h1 * 0.97f; }, "View → Smaller text");
  menu(app, "View", "Text size 1\u00D7");
  app.wait_for([&](const json&) { return std::abs(app.item(reset).h - h0) < 0.5f; }, "View → Text size 1x");
  menu(app, "View", "Keyboard shortcuts");
  app.wait_for([](const json& r) { return r["state"]["keymap"] == true; }, "View → Keyboard shortcuts");
  menu(app, "View", "Fullscreen");
  app.wait_for([](const json& r) { return r["state"]["fullscreen"] == true; }, "View → Fullscreen");
  menu(app, "View", "Fullscreen");
  app.wait_for([](const json& r) { return r["state"]["fullscreen"] == false; }, "and back");

  app.wait_for([](const json& r) { return r["state"]["lesson_text"] == true; }, "the lesson's text shown");
  menu(app, "Lessons", "Lesson text");
  app.wait_for([](const json& r) { return r["state"]["lesson_text"] == false; }, "Lessons → Lesson text hides it");
  menu(app, "Lessons", "Lesson text");
  app.wait_for([](const json& r) { return r["state"]["lesson_text"] == true; }, "and shows it");
  menu(app, "Lessons", "Browse lessons\u2026");
  app.wait_for([](const json& r) { return r["state"]["lesson_browser"] == true; }, "Lessons → Browse lessons…");
}

TEST_CASE("File → Recent scenes and File → Quit", "[input][windows]") {
  App app({.args = {"--target", "banana"}});
  app.key("2");  // a lesson: the recent list remembers it
  app.wait_for([](const json& r) { return !r["state"]["scene"].get<std::string>().empty(); }, "lesson 2");
  const std::string lesson2 = app.state()["scene"].get<std::string>();
  app.key("3");
  app.wait_for([&](const json& r) { return r["state"]["scene"] != lesson2; }, "lesson 3");
  app.click("File", "MainMenuBar");
  app.click("Recent scenes", "Menu");
  app.click("lesson:" + lesson2, "Menu");
  app.wait_for([&](const json& r) { return r["state"]["scene"] == lesson2; }, "File → Recent scenes → lesson 2");
  menu(app, "File", "Quit");
  CHECK(app.wait_exit() == 0);
}

TEST_CASE("Every Export item writes its file through the dialog", "[input][windows]") {
  App app({.args = {"--target", "banana", "--gradvar"}});
  app.click("+100");
  app.wait_for([](const json& r) { return r["state"]["step"] == 100; }, "a run to export");
  const struct {
    const char* item;
    const char* file;
  } exports[] = {{"Window PNG\u2026", "window.png"},         {"Density view PNG\u2026", "density.png"},
                 {"Metrics panel PNG\u2026", "metrics.png"}, {"Controls panel PNG\u2026", "controls.png"},
                 {"Traces CSV\u2026", "traces.csv"},         {"Run summary JSON\u2026", "summary.json"}};
  for (const auto& e : exports) {
    INFO(e.item);
    const fs::path out = app.dir() / e.file;
    menu(app, "Export", e.item);
    app.wait_for([](const json& r) { return !r["popup"].get<std::string>().empty(); }, "the export dialog");
    app.replace_text("##path", out.string());
    app.key("Return");
    app.wait_for(no_popup, "the dialog closed after saving");
    app.wait_for([&](const json&) { return fs::exists(out) && fs::file_size(out) > 100; }, std::string("the file ") + e.file);
  }
  // The floating window's own item (the gradient-variance window is open).
  app.click("Export", "MainMenuBar");
  const json r = app.report();
  bool window_item = false;
  for (const json& it : r["items"])
    if (it["label"].get<std::string>().find("PNG") != std::string::npos &&
        it["label"].get<std::string>().find("variance") != std::string::npos)
      window_item = true;
  CHECK(window_item);
  app.key("Escape");
}

TEST_CASE("A scene file dropped on the window opens, a broken one says why and keeps the scene", "[input][windows]") {
  App app({.args = {"--target", "banana"}});
  const fs::path good = app.dir() / "dropped.toml", bad = app.dir() / "broken.toml";
  std::ofstream(good) << "vilab_scene = 1\n[fit]\ntarget = \"funnel\"\nfamily = \"meanfield\"\n";
  std::ofstream(bad) << "vilab_scene = 1\n[fit]\ntarget = \"donut\"\nsamples = \"many\"\n";
  const Rect view = rect_of(app.state()["density_rect"]);
  app.drop_file(bad, view.centre());
  const json r = app.wait_for([](const json& j) { return !j["state"]["scene_error"].get<std::string>().empty(); },
                              "the broken drop's message");
  CHECK(r["state"]["scene_error"].get<std::string>().find("fit.samples") != std::string::npos);
  CHECK(r["state"]["target"] == "banana");
  app.screenshot("drop_broken");
  app.click("OK", "Could not open");
  app.wait_for([](const json& j) { return j["state"]["scene_error"].get<std::string>().empty(); }, "the banner dismissed");
  app.drop_file(good, view.centre());
  app.wait_for([](const json& j) { return j["state"]["target"] == "funnel"; }, "the dropped scene open");
  CHECK(app.state()["scene_path"] == good.string());
}

TEST_CASE("The VAE window's buttons", "[input][windows]") {
  App app({.args = {"--target", "banana"}});
  app.click("VAE (digits)\u2026");
  app.wait_frames(3);
  app.screenshot("vae_clicked");
  app.wait_for([](const json& r) { return r["state"]["windows"]["vae"] == true && r["state"].contains("vae"); }, "the VAE window");
  app.click("Step epoch");
  app.wait_for([](const json& r) { return r["state"]["vae"]["steps"].get<long>() > 0; }, "one epoch", 120);
  app.wait_for([](const json& r) { return r["state"]["vae"]["playing"] == false; }, "stopped after the epoch", 120);
  app.click("Play", "##vae");
  app.wait_for([](const json& r) { return r["state"]["vae"]["playing"] == true; }, "VAE playing");
  app.click("Pause", "##vae");
  app.wait_for([](const json& r) { return r["state"]["vae"]["playing"] == false; }, "VAE paused");
  app.click("Reset", "##vae");
  app.wait_for([](const json& r) { return r["state"]["vae"]["steps"] == 0; }, "VAE reset");
  app.screenshot("vae");
}

TEST_CASE("The BNN window's buttons", "[input][windows]") {
  App app({.args = {"--target", "banana"}});
  app.click("BNN (regression)\u2026");
  app.wait_for([](const json& r) { return r["state"]["windows"]["bnn"] == true && r["state"].contains("bnn"); }, "the BNN window");
  app.click("Step", "##bnn");
  app.wait_for([](const json& r) { return r["state"]["bnn"]["steps"] == 1; }, "one step");
  app.click("+500", "##bnn");
  app.wait_for([](const json& r) { return r["state"]["bnn"]["steps"] == 501; }, "500 more", 60);
  app.click("Play", "##bnn");
  app.wait_for([](const json& r) { return r["state"]["bnn"]["playing"] == true; }, "BNN playing");
  app.click("Pause", "##bnn");
  app.wait_for([](const json& r) { return r["state"]["bnn"]["playing"] == false; }, "BNN paused");
  app.click("Reset", "##bnn");
  app.wait_for([](const json& r) { return r["state"]["bnn"]["steps"] == 0; }, "BNN reset");
  app.screenshot("bnn");
}
