// vi/engine/engine.cpp — the engine thread: what it does with commands, when it steps the fits and
// when it publishes them. The thread, the queue and the hand-over are vi::CommandWorker's.
//
// [SECTION] Constants
// [SECTION] Engine: construction and commands (the caller's side)
// [SECTION] Engine::Loop: the worker's state
// [SECTION] The loop: one pass = sleep, take commands, apply them, step, check, publish
// [SECTION] Sleeping and taking commands (idle, owed exact metrics, the speed limit)
// [SECTION] Applying commands (Apply and Reset build new Runs; a rejected scene keeps the old fits)
// [SECTION] Stepping the fits (pending Step commands at full speed, Playing within the limit,
//           in time slices of a few milliseconds so commands are never kept waiting)
// [SECTION] Stops: divergence and auto-stop
// [SECTION] Cadence: the measured rate and when to publish
// [SECTION] Building and publishing snapshots (after every command, ~60 times a second while
//           stepping, exact metrics once a light engine's fit comes to rest)
#include "vi/engine/engine.hpp"

#include "vi/core/check.hpp"
#include "vi/engine/speed_limit.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <exception>
#include <string>
#include <type_traits>
#include <utility>

namespace vi {

// [SECTION] Constants

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kPublishEvery = std::chrono::milliseconds(16);
constexpr auto kSlice = std::chrono::milliseconds(8);
constexpr int kViewGrid = 200;  // cells per axis of the heatmap
// SnapshotDetail::Light: q's contours are traced on a coarser grid (for small panels), and a fit
// at rest gets its exact metrics once no command has come for this long (so that a Pause shows
// at once and a Play right after it is not kept waiting).
constexpr int kLightQGrid = 64;
constexpr auto kExactDelay = std::chrono::milliseconds(250);

std::shared_ptr<const TargetView> view_for(const Run& run) {
  return make_target_view(run.target_data(), run.problem().view_box(), kViewGrid);
}
}  // namespace

// [SECTION] Engine::Loop: the worker's state

// Everything here belongs to the worker thread: nothing is shared except through the
// CommandWorker's queue and the snapshots it publishes.
class Engine::Loop {
 public:
  using Worker = CommandWorker<Command, Snapshot>;

  Loop(const Scene& scene, double steps_per_s, SnapshotDetail detail, Worker& worker, std::atomic<int64_t>& steps_taken)
      : worker_(worker),
        steps_taken_(steps_taken),
        initial_scene_(scene),
        limit_(steps_per_s),
        light_(detail == SnapshotDetail::Light),
        owed_exact_(light_) {}

  void run(std::stop_token stop);

 private:
  bool busy() const { return state_ == EngineState::Playing || pending_.any(); }

  void start();
  void sleep_until_due(std::stop_token stop);
  std::deque<Command> take_commands();
  bool execute(Command& c);
  void rebuild(const Scene& s, bool keep_target, const std::vector<Scene>& compare);
  void on(cmd::Play&);
  void on(cmd::Pause&);
  void on(cmd::TogglePlay&);
  bool on(cmd::Step&);
  void on(cmd::Reset&);
  void on(cmd::Apply&);
  void on(cmd::Compare&);
  void on(cmd::SetParams&);
  void on(cmd::SetSpeed&);
  int64_t step_fits();
  void step_all();
  bool check_stops();
  void measure_rate(Clock::time_point t);
  bool publish_due(bool took_commands, Clock::time_point t) const;
  std::shared_ptr<Snapshot> snapshot_of(const Run& r, const Snapshot* prev, bool full) const;
  void publish();

  Worker& worker_;
  std::atomic<int64_t>& steps_taken_;
  const Scene initial_scene_;

  std::unique_ptr<Run> run_;                  // the primary fit
  std::vector<std::unique_ptr<Run>> others_;  // fits beside it (cmd::Compare)
  std::vector<Scene> other_scenes_;           // their own scenes, as sent
  std::shared_ptr<const TargetView> view_;
  EngineState state_ = EngineState::Paused;
  std::string message_;
  SpeedLimit limit_;
  PendingSteps pending_;
  uint64_t serial_ = 0;
  bool unpublished_ = false;  // steps were taken since the last snapshot
  // The last snapshot published, whether its metrics were full, and whether any fit has changed
  // (stepped, diverged, been rebuilt) since: a command that leaves φ alone (pause, a new speed,
  // a new learning rate) reuses its metrics, contours and samples instead of recomputing them.
  std::shared_ptr<const Snapshot> last_;
  bool last_full_ = false;
  bool fits_changed_ = true;
  // Light: the snapshot of the fit at rest is light, and its exact metrics are owed (published
  // after kExactDelay without commands; sync() waits for them). True at the start, so that the
  // first snapshot is exact.
  const bool light_;
  bool owed_exact_;
  Clock::time_point last_publish_ = Clock::now();
  std::chrono::duration<double> publish_every_ = kPublishEvery;
  Clock::time_point rate_t0_ = Clock::now();
  int64_t rate_steps0_ = 0;
  double rate_ = 0;
};

// [SECTION] Engine: construction and commands (the caller's side)

Engine::Engine(const Scene& scene, double steps_per_s, SnapshotDetail detail) {
  scene.validate();  // throws on the caller's thread
  loop_ = std::make_unique<Loop>(scene, steps_per_s, detail, worker_, steps_taken_);
  worker_.start([this](std::stop_token st) { loop_->run(st); });
  sync();  // the first snapshot exists before the constructor returns
}

Engine::~Engine() { worker_.stop(); }

// [SECTION] The loop: one pass = sleep, take commands, apply them, step, check, publish

void Engine::Loop::run(std::stop_token stop) {
  start();
  while (!stop.stop_requested()) {
    sleep_until_due(stop);
    std::deque<Command> commands = take_commands();
    for (auto& c : commands)
      if (execute(c)) worker_.done();
    bool dirty = !commands.empty();
    if (step_fits() > 0) dirty = true;
    if (check_stops()) dirty = true;
    if (!pending_.any() && pending_.commands > 0) worker_.done(pending_.finish());
    const auto t = Clock::now();
    measure_rate(t);
    if (dirty) unpublished_ = true;
    if (publish_due(!commands.empty(), t)) publish();
  }
}

void Engine::Loop::start() {
  try {
    run_ = std::make_unique<Run>(initial_scene_);
    view_ = view_for(*run_);
  } catch (const std::exception& e) {
    // The constructor validated the scene; this is only reached on failures such as memory.
    // Fall back to the default scene so that there is always a fit to show, with the message.
    message_ = e.what();
    state_ = EngineState::Error;
    const Scene fallback;
    run_ = std::make_unique<Run>(fallback);
    view_ = view_for(*run_);
  }
  publish();
}

// [SECTION] Sleeping and taking commands (idle, owed exact metrics, the speed limit)

void Engine::Loop::sleep_until_due(std::stop_token stop) {
  if (!busy() && owed_exact_) {
    worker_.wait_for_command(stop, kExactDelay);
  } else if (!busy()) {
    worker_.wait_for_command(stop);
  } else if (state_ == EngineState::Playing && !pending_.any() && limit_.must_wait()) {
    // Sleep until the next step is due, but wake for commands.
    worker_.wait_for_command(stop, std::min<std::chrono::duration<double>>(limit_.until_next_step(), kPublishEvery));
  }
}

// In order; a Step's steps run before the commands behind it are looked at, so "step 5, then
// apply" means exactly that.
std::deque<Command> Engine::Loop::take_commands() {
  if (pending_.any()) return {};
  return worker_.take_through([](const Command& c) { return std::holds_alternative<cmd::Step>(c); });
}

// [SECTION] Applying commands (Apply and Reset build new Runs; a rejected scene keeps the old fits)

// Returns whether the command is done (a Step is done once its steps have run).
bool Engine::Loop::execute(Command& c) {
  return std::visit(
      [&](auto& command) {
        if constexpr (std::is_same_v<decltype(on(command)), bool>) {
          return on(command);
        } else {
          on(command);
          return true;
        }
      },
      c);
}

// Builds the primary fit and every comparison fit for `s`; swaps them in only when all succeed
// (a bad scene throws and leaves the old fits running).
void Engine::Loop::rebuild(const Scene& s, bool keep_target, const std::vector<Scene>& compare) {
  auto data = keep_target ? run_->target_data() : nullptr;
  auto next = std::make_unique<Run>(s, data);
  std::vector<std::unique_ptr<Run>> next_others;
  for (const auto& c : compare) next_others.push_back(std::make_unique<Run>(c.compared_with(s), next->target_data()));
  if (!keep_target) view_ = view_for(*next);
  run_ = std::move(next);
  others_ = std::move(next_others);
  other_scenes_ = compare;
  if (state_ == EngineState::Diverged || state_ == EngineState::Error) state_ = EngineState::Paused;
  message_.clear();
  fits_changed_ = true;
}

void Engine::Loop::on(cmd::Play&) {
  if (state_ == EngineState::Paused || state_ == EngineState::Error) state_ = EngineState::Playing;
  if (state_ == EngineState::Playing) message_.clear();
  limit_.restart(Clock::now());
}

void Engine::Loop::on(cmd::Pause&) {
  if (state_ == EngineState::Playing) state_ = EngineState::Paused;
}

void Engine::Loop::on(cmd::TogglePlay&) {
  if (state_ == EngineState::Playing) {
    state_ = EngineState::Paused;
  } else if (state_ != EngineState::Diverged) {
    state_ = EngineState::Playing;
    message_.clear();
    limit_.restart(Clock::now());
  }
}

bool Engine::Loop::on(cmd::Step& c) {
  if (state_ == EngineState::Diverged || c.n <= 0) return true;
  if (state_ == EngineState::Playing) state_ = EngineState::Paused;
  pending_.add(c.n);
  return false;  // done when its steps have run
}

void Engine::Loop::on(cmd::Reset&) { rebuild(run_->scene(), true, other_scenes_); }

void Engine::Loop::on(cmd::Apply& c) {
  try {
    if (run_->scene().can_continue_into(c.scene)) {
      // Every fit is checked before any changes (a comparison flow refuses an estimator the
      // primary accepts), so a rejected scene changes nothing.
      run_->check_update(c.scene);
      for (size_t i = 0; i < others_.size(); ++i) others_[i]->check_update(other_scenes_[i].compared_with(c.scene));
      run_->update_scene(c.scene);
      for (size_t i = 0; i < others_.size(); ++i) others_[i]->update_scene(other_scenes_[i].compared_with(c.scene));
      if (state_ == EngineState::Error) state_ = EngineState::Paused;
      if (state_ != EngineState::Diverged) message_.clear();
    } else if (run_->scene().only_problem_changes(c.scene)) {
      // New data or model parameters: a new posterior, but q carries over from where it was
      // (the class watches q follow the posterior as points are added).
      const Vec phi = run_->params();
      std::vector<Vec> other_phis;
      for (const auto& o : others_) other_phis.push_back(o->params());
      rebuild(c.scene, false, other_scenes_);
      run_->set_params(phi);
      for (size_t i = 0; i < others_.size(); ++i) others_[i]->set_params(other_phis[i]);
    } else {
      rebuild(c.scene, run_->scene().same_target(c.scene), other_scenes_);
    }
  } catch (const std::exception& e) {
    // The previous fit stays loaded and paused; the message says what was wrong.
    state_ = EngineState::Error;
    message_ = std::string("scene rejected: ") + e.what();
  }
}

void Engine::Loop::on(cmd::Compare& c) {
  try {
    // The same fits with only live fields changed (a comparison's α or estimator: the app's
    // slider sends a Compare per frame) carry on, as Apply does for the primary: watching q
    // widen from where it is as α falls is the lesson. Anything else, or a fit that cannot take
    // the change, rebuilds every fit from the start.
    bool carry_on = c.fits.size() == others_.size() && !others_.empty();
    for (size_t i = 0; carry_on && i < others_.size(); ++i)
      carry_on = others_[i]->scene().can_continue_into(c.fits[i].compared_with(run_->scene()));
    if (carry_on) {
      for (size_t i = 0; i < others_.size(); ++i) others_[i]->check_update(c.fits[i].compared_with(run_->scene()));
      for (size_t i = 0; i < others_.size(); ++i) others_[i]->update_scene(c.fits[i].compared_with(run_->scene()));
      other_scenes_ = c.fits;
      if (state_ == EngineState::Error) state_ = EngineState::Paused;
      if (state_ != EngineState::Diverged) message_.clear();
    } else {
      rebuild(run_->scene(), true, c.fits);
    }
  } catch (const std::exception& e) {
    state_ = EngineState::Error;
    message_ = std::string("comparison rejected: ") + e.what();
  }
}

void Engine::Loop::on(cmd::SetParams& c) {
  try {
    run_->set_params(c.phi);
    fits_changed_ = true;
    if (state_ == EngineState::Diverged || state_ == EngineState::Error) state_ = EngineState::Paused;
    message_.clear();
  } catch (const std::exception& e) {
    state_ = EngineState::Error;
    message_ = std::string("parameters rejected: ") + e.what();
  }
}

void Engine::Loop::on(cmd::SetSpeed& c) { limit_.set(c.steps_per_s); }

// [SECTION] Stepping the fits

void Engine::Loop::step_all() {
  run_->step();
  for (auto& o : others_) o->step();  // a diverged comparison fit does nothing (Run::step)
}

// Steps within one time slice; returns the steps taken.
int64_t Engine::Loop::step_fits() {
  const auto now = Clock::now();
  limit_.refill(now, state_ == EngineState::Playing);
  const auto slice_end = now + kSlice;
  int64_t taken = 0;
  while (run_->status() == RunStatus::Ok) {
    if (pending_.any()) {
      step_all();
      --pending_.steps;
    } else if (state_ == EngineState::Playing && limit_.allows_step()) {
      step_all();
      limit_.take_step();
      ++taken;
      if (run_->convergence_stop_pending()) break;  // auto-stop exactly where the rule said so
      if ((taken & 7) == 0 && Clock::now() >= slice_end) break;
      continue;
    } else {
      break;
    }
    ++taken;
    if ((taken & 7) == 0 && Clock::now() >= slice_end) break;
  }
  if (taken > 0) {
    steps_taken_.fetch_add(taken, std::memory_order_relaxed);
    fits_changed_ = true;
  }
  return taken;
}

// [SECTION] Stops: divergence and auto-stop

// Returns whether the state changed.
bool Engine::Loop::check_stops() {
  bool changed = false;
  if (run_->status() == RunStatus::Diverged && state_ != EngineState::Diverged) {
    state_ = EngineState::Diverged;
    message_ = run_->message();
    worker_.done(pending_.finish());
    changed = true;
  }
  if (run_->take_convergence_stop() && state_ == EngineState::Playing) {
    // Auto-stop (Scene::auto_stop): pause with the rule's verdict; Play carries on (the rule
    // keeps judging, so a fit still converged pauses again at the next evaluation).
    const ConvergenceVerdict& v = run_->convergence();
    state_ = EngineState::Paused;
    message_ = "Auto-stopped at step " + std::to_string(run_->steps()) + ": " + v.message +
               " (mean relative ELBO change " + to_text(v.mean_rel) + ", median " + to_text(v.median_rel) +
               ", tolerance " + to_text(run_->scene().converge_tol) + ")";
    changed = true;
  }
  return changed;
}

// [SECTION] Cadence: the measured rate and when to publish

// Steps/s over windows of half a second; 0 at rest.
void Engine::Loop::measure_rate(Clock::time_point t) {
  const double window = std::chrono::duration<double>(t - rate_t0_).count();
  if (window >= 0.5) {
    rate_ = double(run_->steps() - rate_steps0_) / window;
    if (rate_ < 0) rate_ = 0;  // a reset went back to step 0
    rate_t0_ = t;
    rate_steps0_ = run_->steps();
  }
  if (state_ != EngineState::Playing && !pending_.any()) rate_ = 0;
}

// After every command, when a command finished (a Step's last step) and whenever something
// changed: at once at rest, at the publish interval while stepping.
bool Engine::Loop::publish_due(bool took_commands, Clock::time_point t) const {
  return took_commands || worker_.owes_sync() || (unpublished_ && (!busy() || t - last_publish_ >= publish_every_));
}

// [SECTION] Building and publishing snapshots

// A fresh snapshot of `r`, or a copy of `prev` (the same φ) with r's current scene.
std::shared_ptr<Snapshot> Engine::Loop::snapshot_of(const Run& r, const Snapshot* prev, bool full) const {
  std::shared_ptr<Snapshot> x =
      prev ? std::make_shared<Snapshot>(*prev) : make_snapshot(r, view_, full, light_ ? kLightQGrid : kQContourGrid);
  x->scene = r.scene();
  x->fit_id = r.id();
  x->failure = r.failure();
  x->comparison.clear();
  return x;
}

void Engine::Loop::publish() {
  const auto t0 = Clock::now();
  const bool stepping = busy();
  const bool full = !light_ || (!stepping && owed_exact_);
  const bool reuse = last_ && !fits_changed_ && (last_full_ || !full) && last_->comparison.size() == others_.size();
  auto s = snapshot_of(*run_, reuse ? last_.get() : nullptr, full);
  for (size_t i = 0; i < others_.size(); ++i) {
    const Run& o = *others_[i];
    auto c = snapshot_of(o, reuse ? last_->comparison[i].get() : nullptr, full);
    c->serial = serial_ + 1;
    c->state = o.status() == RunStatus::Diverged ? EngineState::Diverged : state_;
    c->message = o.message();
    c->steps_per_s = rate_;
    c->speed_limit = limit_.speed();
    s->comparison.push_back(std::move(c));
  }
  s->serial = ++serial_;
  s->state = state_;
  s->message = message_;
  s->steps_per_s = rate_;
  s->speed_limit = limit_.speed();
  if (!reuse) last_full_ = full;
  owed_exact_ = light_ && !stepping && !last_full_;
  fits_changed_ = false;
  last_ = s;
  // A light snapshot owing its exact metrics does not settle sync(): the exact one will.
  worker_.publish(std::move(s), !owed_exact_);
  last_publish_ = Clock::now();
  // Snapshots cost more with more fits and with flows (their densities are inverted
  // numerically): publish at most every 4× the build time, so they take ≤ 20 % of the worker.
  // (Measured on snapshots taken while stepping: those are the ones the interval spaces out.)
  if (!reuse && stepping)
    publish_every_ = std::max<std::chrono::duration<double>>(kPublishEvery, 4 * (last_publish_ - t0));
  unpublished_ = false;
}

}  // namespace vi
