// tests/input/test_models_menu.cpp — the Models menu of the menu bar opens the same windows as the
// buttons at the bottom of the controls (and the grid view's presets); a closed VAE or BNN window
// pauses its trainer and reopening resumes it; a grid cell opened in the single view keeps every
// window open, the BNN's included.
#include "tests/input/app_driver.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using namespace vilab::input_test;

void models_item(App& app, const char* item) {
  app.click("Models", "MainMenuBar");
  app.click(item, "Menu");
}

bool window_flag(const json& r, const char* name) { return r["state"]["windows"][name].get<bool>(); }

json trainer(const json& r, const char* name) { return r["state"]["trainers"][name]; }

// The last cell of the grid (bottom right: clear of the lesson text window on the left), once
// every cell has started.
Rect last_cell(App& app) {
  app.wait_for([&](const json&) { return app.all_items("##density_frame").size() >= 8; }, "the grid's cells have started", 90);
  return app.all_items("##density_frame").back();
}

}  // namespace

TEST_CASE("Models menu: each model window opens and closes from the menu, and a grid preset opens the grid", "[input][models_menu]") {
  App app({.args = {"--target", "banana"}});
  struct Entry {
    const char* item;
    const char* flag;
    const char* window;  // a part of the window's title
  };
  for (const Entry& e : {Entry{"CAVI Normal-Gamma\u2026", "normal_gamma", "Normal-Gamma: CAVI"},
                         Entry{"CAVI Gaussian mixture\u2026", "gmm", "Gaussian mixture: CAVI"},
                         Entry{"VAE (digits)\u2026", "vae", "VAE on 8"}, Entry{"BNN (regression)\u2026", "bnn", "Bayesian neural network"}}) {
    INFO(e.item);
    models_item(app, e.item);
    app.wait_for([&](const json& r) { return window_flag(r, e.flag); }, std::string(e.item) + " opens its window");
    app.wait_for([&](const json&) { return app.has_window(e.window); }, std::string(e.window) + " is drawn");
    models_item(app, e.item);
    app.wait_for([&](const json& r) { return !window_flag(r, e.flag); }, std::string(e.item) + " again closes it");
  }
  models_item(app, "Grid: paper-fig3");
  app.wait_for([](const json& r) { return r["state"]["grid"].get<bool>(); }, "Models \u2192 Grid: paper-fig3 shows the grid");
  // From the grid, a model window shows over the single view.
  models_item(app, "BNN (regression)\u2026");
  app.wait_for([](const json& r) { return !r["state"]["grid"].get<bool>() && window_flag(r, "bnn"); },
               "the BNN opens over the single view");
}

TEST_CASE("A closed VAE or BNN window pauses its trainer, and reopening resumes it", "[input][models_menu]") {
  App app({.args = {"--target", "banana"}});
  for (const auto& [item, name, window] : {std::tuple{"VAE (digits)\u2026", "vae", "VAE on 8"},
                                           std::tuple{"BNN (regression)\u2026", "bnn", "Bayesian neural network"}}) {
    INFO(item);
    models_item(app, item);
    app.wait_for([&](const json& r) { return trainer(r, name).is_string(); }, std::string(name) + ": a trainer");
    app.click("Play", window);
    app.wait_for([&](const json& r) { return trainer(r, name) == "playing"; }, std::string(name) + " plays");
    models_item(app, item);  // close
    app.wait_for([&](const json& r) { return !window_flag(r, name) && trainer(r, name) == "paused"; },
                 std::string(name) + ": closing the window pauses its trainer");
    models_item(app, item);  // reopen
    app.wait_for([&](const json& r) { return window_flag(r, name) && trainer(r, name) == "playing"; },
                 std::string(name) + ": reopening resumes it");
    app.click("Pause", window);
    app.wait_for([&](const json& r) { return trainer(r, name) == "paused"; }, std::string(name) + " paused by hand");
    models_item(app, item);
  }
}

TEST_CASE("A grid cell opened in the single view keeps every open window, the BNN's included", "[input][models_menu]") {
  App app({.args = {"--target", "banana"}});
  models_item(app, "BNN (regression)\u2026");
  models_item(app, "VAE (digits)\u2026");
  app.wait_for([](const json& r) { return window_flag(r, "bnn") && window_flag(r, "vae"); }, "both windows open");
  models_item(app, "Grid: paper-fig3");
  app.wait_for([](const json& r) { return r["state"]["grid"].get<bool>(); }, "the grid");
  app.click_at(last_cell(app).centre());
  app.wait_for([](const json& r) { return !r["state"]["grid"].get<bool>(); }, "the cell opens in the single view");
  const json s = app.state();
  CHECK(s["windows"]["bnn"].get<bool>());
  CHECK(s["windows"]["vae"].get<bool>());
}
