// tests/app/ui/test_model_windows.cpp — the model windows' one mechanism (app/ui/shell/models_menu.hpp: the
// Models menu and the controls' buttons share a table and a toggle), the windows kept as one
// value, and a model trainer following its window (app/ui/shell/trainer_follows_window.hpp). Headless.
#include "app/ui/panels/controls.hpp"
#include "app/ui/shell/models_menu.hpp"
#include "app/ui/shell/trainer_follows_window.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "vi/engine/fit_grid.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace {

// A stand-in for vi::LiveTrainer: play / pause and the last frame's state, counted.
struct FakeLive {
  struct Frame {
    bool playing = false;
  };
  std::shared_ptr<Frame> f = std::make_shared<Frame>();
  int plays = 0, pauses = 0;
  std::shared_ptr<const Frame> frame() const { return f; }
  void play() { ++plays, f->playing = true; }
  void pause() { ++pauses, f->playing = false; }
};

}  // namespace

TEST_CASE("model windows: one table lists the CAVI, VAE and BNN windows, each toggling its own flag", "[models]") {
  const auto& table = vilab::model_windows();
  REQUIRE(table.size() == 4);
  std::set<std::string> names, ids;
  for (const auto& m : table) {
    names.insert(m.name), ids.insert(m.id);
    CHECK(std::string(m.help).size() > 40);  // every entry explains itself (its tooltip)
    vilab::WindowsShown w;
    vilab::toggle_model_window(w, m);
    CHECK(w.shown(m.id));
    // Only that window opened.
    CHECK(w.count() == 1);
    vilab::toggle_model_window(w, m);
    CHECK(w == vilab::WindowsShown{});
  }
  CHECK(names.size() == 4);
  CHECK(ids.size() == 4);
  CHECK(names.count("VAE (digits)"));
  CHECK(names.count("BNN (regression)"));
}

TEST_CASE("model windows: asking for a grid preset selects it and asks the app to show it", "[models]") {
  vilab::ControlsState st = vilab::make_controls_state(vi::Scene{}, 100);
  for (const auto& g : vi::fit_grid_registry()) {
    vilab::request_grid(st, g.name);
    CHECK(st.open_grid == g.name);
    CHECK(st.grid_preset == g.name);
  }
}

TEST_CASE("model windows: the windows are one value, copied whole", "[models]") {
  // Opening a grid cell builds new controls and copies the windows over: a copy of the value
  // keeps every window, the BNN's included (the flag the per-flag copy forgot).
  vilab::ControlsState before = vilab::make_controls_state(vi::Scene{}, 100);
  before.windows.set("bnn", true);
  before.windows.set("vae", true);
  before.windows.set("gradvar", true);
  vilab::ControlsState next = vilab::make_controls_state(vi::Scene{}, 100);
  next.windows = before.windows;
  CHECK(next.windows.shown("bnn"));
  CHECK(next.windows == before.windows);
}

TEST_CASE("a model trainer follows its window: closing pauses it, reopening resumes it if it was playing", "[models]") {
  vilab::TrainerFollow follow;
  FakeLive live;
  vilab::follow_window(follow, &live, true);  // open, paused
  CHECK(live.plays + live.pauses == 0);
  live.play();                                // the user presses Play
  vilab::follow_window(follow, &live, true);
  vilab::follow_window(follow, &live, false);  // the window closes
  CHECK_FALSE(live.f->playing);
  CHECK(live.pauses == 1);
  vilab::follow_window(follow, &live, false);  // stays closed: no command every frame
  CHECK(live.pauses == 1);
  vilab::follow_window(follow, &live, true);   // reopened: it carries on
  CHECK(live.f->playing);
  CHECK(live.plays == 2);

  // Paused when closed: it stays paused when reopened.
  live.pause();
  vilab::follow_window(follow, &live, true);
  vilab::follow_window(follow, &live, false);
  vilab::follow_window(follow, &live, true);
  CHECK_FALSE(live.f->playing);
  CHECK(live.plays == 2);

  // No trainer yet (the window never drew): nothing to do, no crash.
  vilab::TrainerFollow none;
  vilab::follow_window(none, static_cast<FakeLive*>(nullptr), false);
  vilab::follow_window(none, static_cast<FakeLive*>(nullptr), true);
}

TEST_CASE("tool windows: one registry entry per [panels] key, each in its own layout slot", "[models]") {
  // app/io reads and writes the [panels] keys without seeing the GUI's registry: the two agree.
  std::vector<std::string> keys;
  std::set<int> slots;
  for (const vilab::ToolWindowEntry& e : vilab::tool_windows()) {
    keys.push_back(e.key);
    slots.insert(int(e.dock));
    CHECK(e.make != nullptr);
    CHECK(vilab::find_tool_window(e.key) == &e);
    // A window listed in the Models menu draws a model of its own: the layout gives it the top.
    CHECK(e.menu_name.empty() == (int(e.dock) < int(vilab::kFirstModelWindow)));
  }
  CHECK(keys == vilab::panel_window_keys());
  CHECK(int(slots.size()) == vilab::kToolWindows);
  CHECK(vilab::find_tool_window("nope") == nullptr);

  // The command-line switches open what they did.
  vilab::GuiOptions o;
  o.gradvar = o.landscape = o.cavi_gmm = true;
  o.model_windows = {"bnn"};
  std::vector<std::string> opened;
  for (const vilab::ToolWindowEntry& e : vilab::tool_windows())
    if (vilab::opened_by_options(e, o)) opened.push_back(e.key);
  CHECK(opened == std::vector<std::string>{"gradvar", "landscape", "gmm", "bnn"});
}
