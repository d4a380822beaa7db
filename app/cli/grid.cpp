// app/cli/grid.cpp — `vilab grid PRESET`: train a grid preset headless and print its KL(q‖p)
// table (the table itself: app/io/grid_report.hpp).
#include "app/cli/subcommand.hpp"

#include "app/io/grid_report.hpp"
#include "vi/core/check.hpp"
#include "vi/engine/fit_grid.hpp"

namespace vilab {

namespace {

class GridCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override {
    app.add_option("preset", opts_.preset, "grid preset: " + vi::join(vi::fit_grid_names()))->default_str(opts_.preset);
    app.add_option("--steps,-n", opts_.steps, "optimizer steps per fit")->check(CLI::Range(int64_t(0), int64_t(1) << 40))->default_str("10000");
    app.add_option("--seeds", opts_.seeds, "fits per cell, seeds s, s+1, … (1 … 1000)")->check(CLI::Range(1, 1000))->default_str("3");
    app.add_option("--threads", opts_.threads, "worker threads (1 … 256; default: one per hardware thread)")->check(CLI::Range(1, 256));
    app.add_option("--anneal", opts_.anneal, "T of the annealed columns (0 = none; default: the preset's, else 2000)")->check(CLI::Range(0, 100000000));
    app.add_flag("--json", opts_.json, "print JSON");
  }

  void prepare() override { vi::check_member("grid", "preset", opts_.preset, vi::fit_grid_names()); }

  int execute() override { return run_grid_report(opts_); }

 private:
  GridReportOptions opts_;
};

}  // namespace

std::unique_ptr<Subcommand> make_grid_command() { return std::make_unique<GridCommand>(); }

}  // namespace vilab
