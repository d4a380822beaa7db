// vi/engine/engine.hpp — a background thread that owns the fit: commands in, snapshots out.
//
// The UI calls the command functions (they only enqueue and return) and reads snapshot() once
// per frame; it never touches engine state. The worker applies commands, steps the run within
// the speed limit, and publishes an immutable Snapshot about 60 times a second (and after every
// command). The thread, the queue, sync() and the snapshot's hand-over are vi::CommandWorker's
// (vi/engine/command_worker.hpp), shared with vi::LiveTrainer; this class keeps the commands,
// the fits and when to step and publish them (engine.cpp). Exceptions never cross threads: a bad scene becomes EngineState::Error with its message, and
// the previous fit stays loaded.
#pragma once

#include "vi/engine/command_worker.hpp"
#include "vi/engine/scene.hpp"
#include "vi/engine/snapshot.hpp"

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

namespace vi {

namespace cmd {
struct Play {};
struct Pause {};
struct TogglePlay {};
struct Step { int64_t n = 1; };
struct Reset {};
struct Apply { Scene scene; };
struct SetSpeed { double steps_per_s = 0; };  // 0 = as fast as possible
// Fits to run beside the primary one (empty: none). Each takes its family and objective from its
// scene and everything else from the primary scene (Scene::compared_with); all restart together,
// unless the fits are the same ones with only live fields changed (Scene::can_continue_into,
// e.g. a comparison's Rényi α): then they carry on from their current φ. A change one of them
// refuses changes none.
struct Compare { std::vector<Scene> fits; };
// Replaces the primary fit's φ (the app's drag of q; comparison fits are left alone), through
// Run::set_params: projected by the family, the optimizer's moment estimates reset, the step
// count kept. A diverged fit becomes Paused; Play continues from the new φ. A φ the family
// refuses changes nothing and reports EngineState::Error.
struct SetParams { Vec phi; };
}  // namespace cmd
using Command = std::variant<cmd::Play, cmd::Pause, cmd::TogglePlay, cmd::Step, cmd::Reset,
                             cmd::Apply, cmd::SetSpeed, cmd::Compare, cmd::SetParams>;

// What a snapshot computes while the fit is stepping. A snapshot of a fit at rest (paused, or
// done with its Step commands) is always complete.
enum class SnapshotDetail {
  // Every snapshot carries the exact metrics (KL(q‖p) and KL(p‖q) by quadrature): the single
  // view, whose numbers table shows them all.
  Full,
  // While stepping, Run::metrics(full = false): for a flow, KL(q‖p) is the Monte Carlo estimate
  // and KL(p‖q) is NaN (Snapshot::metrics_exact says which). A flow's full metrics invert it
  // numerically at ~10⁵ points (0.1–1.2 s at K = 2…32), so a dozen engines sharing two cores
  // (the grid view) would otherwise publish every few seconds and answer commands as late.
  // When the fit comes to rest, a light snapshot shows the new state at once, and the exact one
  // follows once no command has come for a quarter of a second (sync() waits for it). q's
  // contours are traced on a coarser grid (64² instead of 96²: the panels are small).
  Light,
};

class Engine {
 public:
  // Starts the worker thread on `scene` (paused). A bad scene throws here, on the caller's
  // thread, before any thread starts.
  explicit Engine(const Scene& scene, double steps_per_s = 0, SnapshotDetail detail = SnapshotDetail::Full);
  ~Engine();  // stops and joins the worker
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void send(Command c) { worker_.send(std::move(c)); }
  void play() { send(cmd::Play{}); }
  void pause() { send(cmd::Pause{}); }
  void toggle_play() { send(cmd::TogglePlay{}); }
  void step(int64_t n = 1) { send(cmd::Step{n}); }
  void reset() { send(cmd::Reset{}); }
  void apply(const Scene& s) { send(cmd::Apply{s}); }
  void set_speed(double steps_per_s) { send(cmd::SetSpeed{steps_per_s}); }
  void compare(std::vector<Scene> fits) { send(cmd::Compare{std::move(fits)}); }
  void set_params(Vec phi) { send(cmd::SetParams{std::move(phi)}); }

  // The latest snapshot (never null).
  std::shared_ptr<const Snapshot> snapshot() const { return worker_.latest(); }

  // Blocks until every command sent so far has been applied and a snapshot published after it
  // (for tests and `vilab shot`; the UI never waits).
  void sync() { worker_.sync(); }

  // Steps taken since start, for progress displays (relaxed: a counter, not state).
  int64_t steps_taken() const { return steps_taken_.load(std::memory_order_relaxed); }

 private:
  class Loop;  // the worker thread's state and its jobs (engine.cpp)

  std::atomic<int64_t> steps_taken_{0};
  std::unique_ptr<Loop> loop_;
  CommandWorker<Command, Snapshot> worker_;  // last member: stopped first, before loop_ goes
};

}  // namespace vi
