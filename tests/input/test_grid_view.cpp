// tests/input/test_grid_view.cpp — the grid view by hand: its Export menu (the window as PNG, every
// cell's run summary as JSON, through the one Save-as dialog), and lesson 8's way back to the grid
// from a cell opened in the single view (Models → Grid: paper-fig3, as the lesson's text says).
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

namespace {

using namespace vilab::input_test;
namespace fs = std::filesystem;

void export_item(App& app, const char* item, const fs::path& path) {
  app.click("Export", "MainMenuBar");
  app.click(item, "Menu");
  app.wait_for([](const json& r) { return !r["popup"].get<std::string>().empty(); }, std::string(item) + ": the Save-as dialog");
  app.replace_text("##path", path.string());
  app.key("Return");
}

// The last cell of the grid (bottom right: clear of the lesson text window on the left), once
// every cell has started.
Rect last_cell(App& app) {
  app.wait_for([&](const json&) { return app.all_items("##density_frame").size() >= 8; }, "the grid's cells have started", 90);
  return app.all_items("##density_frame").back();
}

bool wait_file(App& app, const fs::path& p) {
  for (int i = 0; i < 200 && !fs::exists(p); ++i) app.wait_frames(1);
  return fs::exists(p) && fs::file_size(p) > 0;
}

}  // namespace

TEST_CASE("Grid view: Export writes the window as PNG and every cell's summary as JSON", "[input][grid_view]") {
  App app({.args = {"--grid", "paper-fig3-gaussians"}});
  app.wait_for([](const json& r) { return r["state"]["grid"].get<bool>(); }, "the grid view");
  app.item("##density_frame", "", 60);  // a cell has started
  const fs::path png = app.dir() / "grid.png", summary = app.dir() / "grid.json";
  export_item(app, "Window PNG\u2026", png);
  CHECK(wait_file(app, png));
  export_item(app, "Grid summary JSON\u2026", summary);
  REQUIRE(wait_file(app, summary));
  json j;
  std::ifstream(summary) >> j;
  CHECK(j["preset"] == "paper-fig3-gaussians");
  REQUIRE(j["cells"].size() == size_t(j["rows"].get<int>() * j["columns"].get<int>()));
  CHECK(j["cells"][0].contains("row"));
  CHECK(j["cells"][0].contains("summary"));
}

TEST_CASE("Lesson 8: a cell opened in the single view, Models \u2192 Grid: paper-fig3 comes back to the grid", "[input][grid_view]") {
  App app({.args = {"--lesson", "flows-u1-u4"}});
  app.wait_for([](const json& r) { return r["state"]["grid"].get<bool>(); }, "the lesson opens the grid");
  app.click_at(last_cell(app).centre());
  app.wait_for([](const json& r) { return !r["state"]["grid"].get<bool>(); }, "a cell in the single view");
  app.click("Models", "MainMenuBar");
  app.click("Grid: paper-fig3", "Menu");
  app.wait_for([](const json& r) { return r["state"]["grid"].get<bool>() && r["state"]["grid_preset"] == "paper-fig3"; },
               "back in the grid");
}
