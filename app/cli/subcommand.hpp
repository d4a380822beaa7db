// app/cli/subcommand.hpp — what one `vilab` subcommand is to the dispatcher (app/cli/cli.cpp).
//
// Each subcommand lives in its own file (list.cpp, run.cpp, …) as a Subcommand: it owns its
// flags' storage, binds them to its CLI11 sub-app, builds and checks what it needs (prepare), and
// runs (execute). cli.cpp's table names each one once: adding a subcommand is its file plus one
// line there.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>

namespace vilab {

class Subcommand {
 public:
  Subcommand() = default;
  // CLI11 holds pointers into the flags' storage: a subcommand stays where it was made.
  Subcommand(const Subcommand&) = delete;
  Subcommand& operator=(const Subcommand&) = delete;
  virtual ~Subcommand() = default;

  // Binds the flags to `app` (the subcommand's CLI11 sub-app).
  virtual void add_flags(CLI::App& app) = 0;
  // After a successful parse: everything execute needs, built and checked, nothing run — no fit,
  // no window, no file (check_cli stops here). Throws std::invalid_argument naming the flag.
  virtual void prepare() {}
  // Runs the subcommand; returns the exit code. Throws std::invalid_argument for what only
  // running can find.
  virtual int execute() = 0;
};

// The subcommands (one file each), in the order `vilab --help` lists them.
std::unique_ptr<Subcommand> make_list_command();     // app/cli/list.cpp
std::unique_ptr<Subcommand> make_run_command();      // app/cli/run.cpp
std::unique_ptr<Subcommand> make_shot_command();     // app/cli/shot.cpp
std::unique_ptr<Subcommand> make_bench_command();    // app/cli/bench.cpp (and --soak: app/cli/soak.cpp)
std::unique_ptr<Subcommand> make_gradvar_command();  // app/cli/gradvar.cpp
std::unique_ptr<Subcommand> make_grid_command();     // app/cli/grid.cpp
std::unique_ptr<Subcommand> make_gui_command();      // app/cli/gui.cpp

// `vilab` with no arguments: the app on the first lesson (app/cli/gui.cpp).
int open_default_app();

}  // namespace vilab
