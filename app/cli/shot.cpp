// app/cli/shot.cpp — `vilab shot`: run N steps in the app and save the window (or one panel) as
// PNG. It fills GuiOptions and calls run_gui; the GUI itself is not included here.
#include "app/cli/subcommand.hpp"

#include "app/cli/gui_flags.hpp"
#include "app/cli/scene_flags.hpp"
#include "app/io/cavi_run.hpp"
#include "app/io/gui_options.hpp"
#include "vi/core/check.hpp"
#include "vi/engine/fit_grid.hpp"
#include "vi/families/family.hpp"

#include <algorithm>

namespace vilab {

namespace {

class ShotCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override {
    add_scene_flags(&app, flags_);
    app.add_option("--steps,-n", steps_, "optimizer steps before the shot")->check(CLI::Range(int64_t(0), int64_t(1) << 32))->default_str("300");
    app.add_option("--out", out_, "PNG file to write")->required();
    app.add_option("--panel", gui_.shot_panel, "save one panel, cropped from the window")
        ->check(CLI::IsMember({"density", "metrics", "controls", "timeline"}));
    app.add_option("--timeline", gui_.shot_timeline_step,
                   "record the run's timeline while stepping and show the snapshot at this step (scrubbed back)")
        ->check(CLI::Range(int64_t(0), int64_t(1) << 40));
    app.add_option("--width", gui_.width, "window width in pixels")->check(CLI::Range(320, 8192));
    app.add_option("--height", gui_.height, "window height in pixels")->check(CLI::Range(240, 8192));
    app.add_option("--compare", gui_.compare, "a fit beside the main one, e.g. planar:K=16 (repeatable, up to 3)");
    app.add_option("--scrub", gui_.scrub_layer, "open the layer scrubber at layer k (flows)")
        ->check(CLI::Range(0, vi::max_family_layers()));
    app.add_option("--grid", gui_.grid, "shoot the grid view of a preset: " + vi::join(vi::fit_grid_names()));
    app.add_flag("--lessons", gui_.lessons, "show the lesson browser in the shot");
    app.add_flag("--gradvar", gui_.gradvar, "open the gradient-variance window (measured before the shot)");
    step_through_ = app.add_option("--step-through", gui_.stepk, "open the step-through window with K samples of the next step revealed")
                        ->check(CLI::Range(0, 65536));
    app.add_flag("--landscape", gui_.landscape, "open the ELBO landscape window (computed before the shot)");
    app.add_flag("--trust", gui_.trust, "open the k\u0302 plot and show the PSIS-resampled draws");
    app.add_option("--cavi", cavi_, "open a CAVI window (repeatable) and make --steps CAVI updates in it: " +
                                        vi::join(cavi_model_names(), ", "))
        ->check(CLI::IsMember(cavi_model_names()));
    add_look_flags(&app, gui_);
  }

  void prepare() override {
    fill_gui_scene(flags_, gui_, cavi_);
    gui_.shot_path = out_;
    gui_.shot_steps = steps_;
    gui_.step_through = step_through_ && step_through_->count() > 0;
    open_cavi(gui_, cavi_);
    gui_.cavi_steps = int(std::min<int64_t>(steps_, 100000));
    check_gui_names(gui_);
  }

  int execute() override { return run_gui(gui_); }

 private:
  SceneFlags flags_;
  int64_t steps_ = 300;
  std::string out_;
  GuiOptions gui_;
  std::vector<std::string> cavi_;
  CLI::Option* step_through_ = nullptr;
};

}  // namespace

std::unique_ptr<Subcommand> make_shot_command() { return std::make_unique<ShotCommand>(); }

}  // namespace vilab
