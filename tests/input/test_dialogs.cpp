// tests/input/test_dialogs.cpp — File → Open scene… and Save scene…, by hand: every way out of the
// dialog closes it (Cancel, Esc, a good Open, a Save, the overwrite question), a bad file keeps it
// open with the message, and typing a path never fires the app's keys behind it.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using namespace vilab::input_test;
namespace fs = std::filesystem;

constexpr const char* kOpen = "Open scene\u2026";
constexpr const char* kSave = "Save scene\u2026";

bool dialog_open(const json& r) { return !r["state"]["dialog"].get<std::string>().empty() && !r["popup"].get<std::string>().empty(); }
// Closed, and its path field has let go of the keyboard (ImGui releases it a frame later).
bool dialog_closed(const json& r) {
  return r["state"]["dialog"].get<std::string>().empty() && r["popup"].get<std::string>().empty() && !r["text_input"].get<bool>();
}

void open_file_menu_item(App& app, const char* item) {
  app.click("File", "MainMenuBar");
  app.click(item, "Menu");
}

// Replaces the dialog's path field with `path` as a person would: click into it, select all, type.
void type_path(App& app, const std::string& path) { app.replace_text("##path", path); }

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
}

}  // namespace

TEST_CASE("Open scene: Cancel, Esc and a successful Open each close the dialog", "[input][dialogs]") {
  App app;
  const fs::path scene = app.dir() / "funnel.toml";
  write_text(scene, "vilab_scene = 1\n[fit]\ntarget = \"funnel\"\nfamily = \"meanfield\"\n");

  open_file_menu_item(app, kOpen);
  app.wait_for(dialog_open, "the Open dialog");
  app.click("Cancel");
  app.wait_for(dialog_closed, "Cancel closes the Open dialog");

  app.key("ctrl+o");
  app.wait_for(dialog_open, "Ctrl+O opens the Open dialog");
  app.key("Escape");
  app.wait_for(dialog_closed, "Esc closes the Open dialog");

  app.key("ctrl+o");
  app.wait_for(dialog_open, "the Open dialog again");
  type_path(app, scene.string());
  app.key("Return");
  app.wait_for(dialog_closed, "a successful Open closes the dialog");
  app.wait_for([](const json& r) { return r["state"]["target"] == "funnel"; }, "the opened scene's target");
  // The listing of the folder: a double click on a file opens it.
  const fs::path other = app.dir() / "donut.toml";
  write_text(other, "vilab_scene = 1\n[fit]\ntarget = \"donut\"\n");
  app.key("ctrl+o");
  app.wait_for(dialog_open, "the Open dialog with the folder's listing");
  app.click("donut.toml");  // a click puts the file in the path field
  app.wait_frames(2);
  app.click("Open");
  app.wait_for(dialog_closed, "a file picked in the listing opens and the dialog closes");
  app.wait_for([](const json& r) { return r["state"]["target"] == "donut"; }, "the double-clicked scene's target");
}

TEST_CASE("Open scene: a bad file keeps the dialog open with the message, and the scene", "[input][dialogs]") {
  App app({.args = {"--target", "banana"}});
  const fs::path bad = app.dir() / "broken.toml";
  write_text(bad, "vilab_scene = 1\n[fit]\ntarget = \"banana\"\nsamples = \"many\"\n");
  app.key("ctrl+o");
  app.wait_for(dialog_open, "the Open dialog");
  type_path(app, bad.string());
  app.click("Open");
  const json r = app.wait_for([](const json& j) { return !j["state"]["dialog_error"].get<std::string>().empty(); },
                              "the file's error in the dialog");
  CHECK(r["state"]["dialog_error"].get<std::string>().find("fit.samples") != std::string::npos);
  CHECK(dialog_open(r));
  CHECK(r["state"]["target"] == "banana");
  app.screenshot("dialog_error");
  app.click("Cancel");
  app.wait_for(dialog_closed, "Cancel after an error");
  CHECK(app.state()["scene_error"].get<std::string>().empty());
}

TEST_CASE("Save scene: Save writes and closes, an existing file asks first, Back and Esc keep it", "[input][dialogs]") {
  App app({.args = {"--target", "donut"}});
  const fs::path out = app.dir() / "saved.toml";
  app.key("ctrl+s");
  app.wait_for(dialog_open, "Ctrl+S opens the Save dialog");
  type_path(app, out.string());
  app.key("Return");
  app.wait_for(dialog_closed, "Save closes the dialog");
  REQUIRE(fs::exists(out));
  CHECK(app.state()["scene_path"] == out.string());

  // Again on the same path: the overwrite question; Back returns to the path, Esc closes.
  const auto written = fs::last_write_time(out);
  open_file_menu_item(app, kSave);
  app.wait_for(dialog_open, "the Save dialog from the menu");
  app.click("Save");
  app.item("Replace");
  app.click("Back");
  app.item("##path");
  app.key("Escape");
  app.wait_for(dialog_closed, "Esc closes the Save dialog");
  CHECK(fs::last_write_time(out) == written);

  // And Replace overwrites and closes.
  fs::remove(out);
  write_text(out, "old");
  app.key("ctrl+s");
  app.wait_for(dialog_open, "the Save dialog once more");
  app.click("Save");
  app.click("Replace");
  app.wait_for(dialog_closed, "Replace closes the dialog");
  std::ifstream in(out);
  std::string first;
  std::getline(in, first);
  CHECK(first != "old");
}

TEST_CASE("Typing a path in a dialog never fires the app's keys behind it", "[input][dialogs]") {
  // 't' (step-through), 'r' (reset), '2' (lesson 2), space (play) and the arrows all appear in
  // a path; none may act while the dialog is open.
  App app({.args = {"--target", "banana"}});
  app.key("ctrl+s");
  app.wait_for(dialog_open, "the Save dialog");
  const long step_before = app.state()["step"].get<long>();
  app.replace_text("##path", "/tmp/t r 2 test.toml");
  app.key("Left");
  app.key("Right");
  app.key("Home");
  app.key("End");
  app.wait_frames(5);
  const json s = app.state();
  CHECK(s["windows"]["step_through"] == false);
  CHECK(s["scene"].get<std::string>().empty());  // no lesson opened
  CHECK(s["engine"] == "paused");
  CHECK(s["step"].get<long>() == step_before);
  CHECK(s["timeline_live"] == true);
  // While a menu is open, too.
  app.key("Escape");
  app.wait_for(dialog_closed, "Esc");
  app.click("File", "MainMenuBar");
  app.item(kOpen, "Menu");
  app.key("t");
  app.key("2");
  app.wait_frames(5);
  CHECK(app.state()["windows"]["step_through"] == false);
  CHECK(app.state()["scene"].get<std::string>().empty());
}
