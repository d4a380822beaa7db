// app/ui/windows/grid_session.cpp — see grid_session.hpp.
#include "app/ui/windows/grid_session.hpp"

#include "app/io/run_summary.hpp"

#include <exception>
#include <utility>

namespace vilab {

GridSession::GridSession(vi::FitGrid grid, std::string name, double steps_per_s)
    : grid_(std::move(grid)), name_(std::move(name)), speed_(steps_per_s) {
  grid_.validate();  // a bad grid throws here, before any thread starts
  cells_.resize(grid_.cells.size());
  for (size_t i = 0; i < cells_.size(); ++i) {
    const vi::Scene scene = grid_.cells[i];
    const double speed = speed_;
    cells_[i].started_speed = speed;
    cells_[i].starting.start([scene, speed] { return std::make_unique<vi::Engine>(scene, speed, vi::SnapshotDetail::Light); });
  }
}

// Each cell's job waits for its engine to finish starting (BackgroundJob's destructor), then the
// engines stop and join with `cells_`.
GridSession::~GridSession() = default;

void GridSession::adopt(Cell& c) {
  try {
    c.engine = c.starting.wait();
  } catch (const std::exception& e) {
    c.error = e.what();
    return;
  }
  // Commands given while it was starting.
  if (c.engine && speed_ != c.started_speed) c.engine->set_speed(speed_);
  if (c.engine && playing_) c.engine->play();
}

void GridSession::poll() {
  for (Cell& c : cells_)
    if (c.starting.ready()) adopt(c);
}

int GridSession::ready() const {
  int n = 0;
  for (const Cell& c : cells_) n += c.engine != nullptr;
  return n;
}

std::shared_ptr<const vi::Snapshot> GridSession::snapshot(int cell) const {
  const Cell& c = cells_[size_t(cell)];
  return c.engine ? c.engine->snapshot() : nullptr;
}

void GridSession::play() {
  playing_ = true;
  for (Cell& c : cells_)
    if (c.engine) c.engine->play();
}

void GridSession::pause() {
  playing_ = false;
  for (Cell& c : cells_)
    if (c.engine) c.engine->pause();
}

void GridSession::step(int64_t n) {
  playing_ = false;  // a Step pauses a playing engine
  for (Cell& c : cells_)
    if (c.engine) c.engine->step(n);
}

void GridSession::reset() {
  for (Cell& c : cells_)
    if (c.engine) c.engine->reset();
}

void GridSession::set_speed(double steps_per_s) {
  speed_ = steps_per_s;
  for (Cell& c : cells_)
    if (c.engine) c.engine->set_speed(steps_per_s);
}

void GridSession::wait_ready() {
  for (Cell& c : cells_)
    if (c.starting.busy()) adopt(c);  // wait() blocks
}

void GridSession::sync() {
  for (Cell& c : cells_)
    if (c.engine) c.engine->sync();
}

void retire_grid_session(std::unique_ptr<GridSession> session, vi::BackgroundJob<bool>& retiring) {
  // Reset inside the job: the job's function object itself is destroyed on the caller's thread.
  retiring.start([s = std::move(session)]() mutable {
    s.reset();
    return true;
  });
}

nlohmann::json grid_summary_json(const GridSession& session) {
  const vi::FitGrid& g = session.grid();
  nlohmann::json cells = nlohmann::json::array();
  for (int r = 0; r < g.rows(); ++r)
    for (int c = 0; c < g.cols(); ++c) {
      const int i = r * g.cols() + c;
      nlohmann::json cell{{"row", g.row_labels[size_t(r)]}, {"column", g.col_labels[size_t(c)]}};
      const std::shared_ptr<const vi::Snapshot> snap = session.snapshot(i);
      if (snap) {
        cell["summary"] = run_summary_json(*snap);
      } else {
        cell["summary"] = nullptr;
        cell["error"] = session.error(i).empty() ? "starting" : session.error(i);
      }
      cells.push_back(std::move(cell));
    }
  return {{"preset", session.name()}, {"title", g.title}, {"rows", g.rows()}, {"columns", g.cols()}, {"cells", cells}};
}

}  // namespace vilab
