// app/ui/windows/grid_session.hpp — the engines behind the grid view: one vi::Engine per cell of a FitGrid.
//
// Why one engine per cell, not one engine that owns every run: each cell is a complete fit with
// its own target, which is exactly the engine's contract (a thread that owns one fit, commands
// in, immutable snapshots out), so nothing of the engine changes and its tests cover every cell.
// The OS spreads the worker threads over the cores, and a slow cell (planar K = 32) never holds
// up a fast one. The price is one thread per cell; to keep twelve of them responsive on two
// cores, the engines publish light snapshots while stepping (vi::SnapshotDetail::Light: a
// flow's Monte Carlo KL instead of its numerically inverted quadrature) and the exact metrics
// when they stop.
//
// The UI never waits here. An Engine's constructor waits for its first snapshot (a flow's exact
// metrics), so engines are constructed on vi::BackgroundJobs and collected by poll(); a
// session is destroyed on one too (retire_grid_session), because an engine in the middle of a
// snapshot joins late. Only `vilab shot` blocks, in wait_ready() and sync().
#pragma once

#include "vi/engine/background_job.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/fit_grid.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vilab {

class GridSession {
 public:
  // Starts constructing one engine per cell (paused, at `steps_per_s`; 0 = no limit) and returns
  // at once. `name` is the preset's name (for titles). Throws std::invalid_argument for a bad grid.
  GridSession(vi::FitGrid grid, std::string name, double steps_per_s);
  ~GridSession();  // waits for engines still starting, then stops and joins them all
  GridSession(const GridSession&) = delete;
  GridSession& operator=(const GridSession&) = delete;

  const vi::FitGrid& grid() const { return grid_; }
  const std::string& name() const { return name_; }
  int cells() const { return int(cells_.size()); }

  // Collects the engines that have finished starting (never blocks) and brings each up to the
  // session's speed and play state. Call once per frame.
  void poll();
  int ready() const;  // cells whose engine is running
  bool all_ready() const { return ready() == cells(); }
  // The cell's latest snapshot; null while its engine is starting (or failed to start).
  std::shared_ptr<const vi::Snapshot> snapshot(int cell) const;
  // Why the cell's engine failed to start (empty if it did not fail).
  const std::string& error(int cell) const { return cells_[size_t(cell)].error; }

  // Commands for the whole grid. Play, pause and the speed are remembered and reach engines that
  // are still starting as soon as they are ready; step and reset go to the running engines only
  // (the grid view offers them once every cell is ready, so all cells stay in step).
  void play();
  void pause();
  void toggle_play() { playing_ ? pause() : play(); }
  void step(int64_t n);
  void reset();
  void set_speed(double steps_per_s);
  bool playing() const { return playing_; }  // what was asked (engines follow within a frame or so)
  double speed() const { return speed_; }

  // For `vilab shot` only: block until every engine has started, or has applied every command.
  void wait_ready();
  void sync();

 private:
  struct Cell {
    vi::BackgroundJob<std::unique_ptr<vi::Engine>> starting;  // busy while the engine is being built
    std::unique_ptr<vi::Engine> engine;
    std::string error;
    double started_speed = 0;  // the speed limit it was constructed with
  };
  void adopt(Cell& c);  // takes a started engine out of its job

  vi::FitGrid grid_;
  std::string name_;
  std::vector<Cell> cells_;
  bool playing_ = false;
  double speed_ = 0;
};

// The grid's numbers now, for the grid view's Export → Grid summary JSON: the preset, its title
// and, per cell (row after row), its row and column labels and its run summary at the step the
// cell has reached (app/io/run_summary.hpp: the keys of `vilab run --json`), or why it has none
// ("starting" or the engine's error). Builds a Run per cell: a one-off, not per frame.
nlohmann::json grid_summary_json(const GridSession& session);

// Destroys `session` off the calling thread, as a job of `retiring` (its engines may take a
// snapshot's time to join); returns at once. A session still going there is retired in turn, and
// `retiring`'s destructor (or stop_and_wait) waits for every one.
void retire_grid_session(std::unique_ptr<GridSession> session, vi::BackgroundJob<bool>& retiring);

}  // namespace vilab
