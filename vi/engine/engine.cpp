// vi/engine/engine.cpp — the engine thread.
//
// [SECTION] Construction and commands
// [SECTION] The worker loop
//   - apply queued commands in order (Apply and Reset build a new Run; a rejected scene keeps
//     the previous fit and reports EngineState::Error)
//   - step: pending Step commands run at full speed; Playing runs within the speed limit
//     (token bucket), in time slices of a few milliseconds so commands are never kept waiting
//   - publish a snapshot after every command and about 60 times a second while stepping
#include "vi/engine/engine.hpp"

#include "vi/core/check.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <utility>

namespace vi {

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

// [SECTION] Construction and commands

Engine::Engine(const Scene& scene, double steps_per_s, SnapshotDetail detail)
    : initial_scene_(scene), initial_speed_(steps_per_s), detail_(detail) {
  scene.validate();  // throws on the caller's thread
  thread_ = std::jthread([this](std::stop_token st) { worker(st); });
  sync();  // the first snapshot exists before the constructor returns
}

Engine::~Engine() {
  thread_.request_stop();
  wake_.notify_all();
}

void Engine::send(Command c) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(c));
    ++sent_;
  }
  wake_.notify_all();
}

void Engine::sync() {
  std::unique_lock lock(mutex_);
  const uint64_t target = sent_;
  synced_.wait(lock, [&] { return applied_ >= target || !thread_.joinable(); });
}

// [SECTION] The worker loop

void Engine::worker(std::stop_token stop) {
  // The worker owns everything below; nothing here is shared except through the queue and
  // the published snapshots.
  std::unique_ptr<Run> run;                    // the primary fit
  std::vector<std::unique_ptr<Run>> others;    // fits beside it (cmd::Compare)
  std::vector<Scene> other_scenes;             // their own scenes, as sent
  std::shared_ptr<const TargetView> view;
  EngineState state = EngineState::Paused;
  std::string message;
  double speed = initial_speed_;
  double budget = 0;  // steps the speed limit allows now (token bucket)
  int64_t pending_steps = 0;
  uint64_t pending_step_cmds = 0;  // Step commands whose steps have not all run yet
  uint64_t completed = 1;          // commands fully applied; the constructor's start counts as one
  uint64_t serial = 0;
  bool unpublished = false;  // steps were taken since the last snapshot
  // The last snapshot published, whether its metrics were full, and whether any fit has changed
  // (stepped, diverged, been rebuilt) since: a command that leaves φ alone (pause, a new speed,
  // a new learning rate) reuses its metrics, contours and samples instead of recomputing them.
  std::shared_ptr<const Snapshot> last;
  bool last_full = false;
  bool fits_changed = true;
  // Light: the snapshot of the fit at rest is light, and its exact metrics are owed (published
  // after kExactDelay without commands; sync() waits for them). True at the start, so that the
  // first snapshot is exact.
  const bool light = detail_ == SnapshotDetail::Light;
  bool owed_exact = light;
  auto last_publish = Clock::now();
  auto last_tick = Clock::now();
  auto rate_t0 = Clock::now();
  int64_t rate_steps0 = 0;
  double rate = 0;

  auto publish_every = std::chrono::duration<double>(kPublishEvery);
  auto publish = [&] {
    const auto t0 = Clock::now();
    const bool stepping = state == EngineState::Playing || pending_steps > 0;
    const bool full = !light || (!stepping && owed_exact);
    const bool reuse = last && !fits_changed && (last_full || !full) && last->comparison.size() == others.size();
    // A fresh snapshot of `r`, or a copy of `prev` (the same φ) with r's current scene.
    auto snapshot_of = [&](const Run& r, const Snapshot* prev) {
      std::shared_ptr<Snapshot> x =
          prev ? std::make_shared<Snapshot>(*prev) : make_snapshot(r, view, full, light ? kLightQGrid : kQContourGrid);
      x->scene = r.scene();
      x->fit_id = r.id();
      x->failure = r.failure();
      x->comparison.clear();
      return x;
    };
    auto s = snapshot_of(*run, reuse ? last.get() : nullptr);
    for (size_t i = 0; i < others.size(); ++i) {
      const Run& o = *others[i];
      auto c = snapshot_of(o, reuse ? last->comparison[i].get() : nullptr);
      c->serial = serial + 1;
      c->state = o.status() == RunStatus::Diverged ? EngineState::Diverged : state;
      c->message = o.message();
      c->steps_per_s = rate;
      c->speed_limit = speed;
      s->comparison.push_back(std::move(c));
    }
    s->serial = ++serial;
    s->state = state;
    s->message = message;
    s->steps_per_s = rate;
    s->speed_limit = speed;
    if (!reuse) last_full = full;
    owed_exact = light && !stepping && !last_full;
    fits_changed = false;
    last = s;
    std::shared_ptr<const Snapshot> old;
    {
      std::lock_guard lock(snapshot_mutex_);
      old = std::exchange(snapshot_, std::move(s));
    }
    old.reset();  // freed after the lock: the UI never waits on a destructor
    last_publish = Clock::now();
    // Snapshots cost more with more fits and with flows (their densities are inverted
    // numerically): publish at most every 4× the build time, so they take ≤ 20 % of the worker.
    // (Measured on snapshots taken while stepping: those are the ones the interval spaces out.)
    if (!reuse && stepping)
      publish_every = std::max<std::chrono::duration<double>>(kPublishEvery, 4 * (last_publish - t0));
    unpublished = false;
    if (owed_exact) return;  // applied once the exact snapshot is out
    {
      std::lock_guard lock(mutex_);
      applied_ = completed;
    }
    synced_.notify_all();
  };
  auto finish_pending = [&] {
    pending_steps = 0;
    completed += pending_step_cmds;
    pending_step_cmds = 0;
  };
  // Builds the primary fit and every comparison fit for `s`; swaps them in only when all
  // succeed (a bad scene throws and leaves the old fits running).
  auto rebuild = [&](const Scene& s, bool keep_target, const std::vector<Scene>& compare) {
    auto data = keep_target ? run->target_data() : nullptr;
    auto next = std::make_unique<Run>(s, data);
    std::vector<std::unique_ptr<Run>> next_others;
    for (const auto& c : compare) next_others.push_back(std::make_unique<Run>(c.compared_with(s), next->target_data()));
    if (!keep_target) view = view_for(*next);
    run = std::move(next);
    others = std::move(next_others);
    other_scenes = compare;
    if (state == EngineState::Diverged || state == EngineState::Error) state = EngineState::Paused;
    message.clear();
    fits_changed = true;
  };
  auto step_all = [&] {
    run->step();
    for (auto& o : others) o->step();  // a diverged comparison fit does nothing (Run::step)
  };

  try {
    run = std::make_unique<Run>(initial_scene_);
    view = view_for(*run);
  } catch (const std::exception& e) {
    // The constructor validated the scene; this is only reached on failures such as memory.
    // Fall back to the default scene so that there is always a fit to show, with the message.
    message = e.what();
    state = EngineState::Error;
    const Scene fallback;
    run = std::make_unique<Run>(fallback);
    view = view_for(*run);
  }
  publish();

  while (!stop.stop_requested()) {
    // Take queued commands in order. A Step's steps run before the commands behind it are
    // looked at, so "step 5, then apply" means exactly that.
    std::deque<Command> commands;
    {
      std::unique_lock lock(mutex_);
      const bool busy = state == EngineState::Playing || pending_steps > 0;
      if (!busy && owed_exact) {
        wake_.wait_for(lock, stop, kExactDelay, [&] { return !queue_.empty(); });
      } else if (!busy) {
        wake_.wait(lock, stop, [&] { return !queue_.empty(); });
      } else if (state == EngineState::Playing && speed > 0 && pending_steps == 0 && budget < 1) {
        // Sleep until the next step is due, but wake for commands.
        const auto due = std::chrono::duration<double>((1 - budget) / speed);
        wake_.wait_for(lock, stop, std::min<std::chrono::duration<double>>(due, kPublishEvery),
                       [&] { return !queue_.empty(); });
      }
      while (pending_steps == 0 && !queue_.empty()) {
        const bool is_step = std::holds_alternative<cmd::Step>(queue_.front());
        commands.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (is_step) break;
      }
    }
    for (auto& c : commands) {
      std::visit(
          [&](auto& cmd) {
            using T = std::decay_t<decltype(cmd)>;
            if constexpr (std::is_same_v<T, cmd::Play>) {
              if (state == EngineState::Paused || state == EngineState::Error) state = EngineState::Playing;
              if (state == EngineState::Playing) message.clear();
              last_tick = Clock::now();
            } else if constexpr (std::is_same_v<T, cmd::Pause>) {
              if (state == EngineState::Playing) state = EngineState::Paused;
            } else if constexpr (std::is_same_v<T, cmd::TogglePlay>) {
              if (state == EngineState::Playing) {
                state = EngineState::Paused;
              } else if (state != EngineState::Diverged) {
                state = EngineState::Playing;
                message.clear();
                last_tick = Clock::now();
              }
            } else if constexpr (std::is_same_v<T, cmd::Step>) {
              if (state != EngineState::Diverged && cmd.n > 0) {
                if (state == EngineState::Playing) state = EngineState::Paused;
                pending_steps += cmd.n;
                ++pending_step_cmds;
                return;  // completed when its steps have run
              }
            } else if constexpr (std::is_same_v<T, cmd::Reset>) {
              rebuild(run->scene(), true, other_scenes);
            } else if constexpr (std::is_same_v<T, cmd::Apply>) {
              try {
                if (run->scene().can_continue_into(cmd.scene)) {
                  // Every fit is checked before any changes (a comparison flow refuses an
                  // estimator the primary accepts), so a rejected scene changes nothing.
                  run->check_update(cmd.scene);
                  for (size_t i = 0; i < others.size(); ++i)
                    others[i]->check_update(other_scenes[i].compared_with(cmd.scene));
                  run->update_scene(cmd.scene);
                  for (size_t i = 0; i < others.size(); ++i)
                    others[i]->update_scene(other_scenes[i].compared_with(cmd.scene));
                  if (state == EngineState::Error) state = EngineState::Paused;
                  if (state != EngineState::Diverged) message.clear();
                } else if (run->scene().only_problem_changes(cmd.scene)) {
                  // New data or model parameters: a new posterior, but q carries over from where
                  // it was (the class watches q follow the posterior as points are added).
                  const Vec phi = run->params();
                  std::vector<Vec> other_phis;
                  for (const auto& o : others) other_phis.push_back(o->params());
                  rebuild(cmd.scene, false, other_scenes);
                  run->set_params(phi);
                  for (size_t i = 0; i < others.size(); ++i) others[i]->set_params(other_phis[i]);
                } else {
                  rebuild(cmd.scene, run->scene().same_target(cmd.scene), other_scenes);
                }
              } catch (const std::exception& e) {
                // The previous fit stays loaded and paused; the message says what was wrong.
                state = EngineState::Error;
                message = std::string("scene rejected: ") + e.what();
              }
            } else if constexpr (std::is_same_v<T, cmd::Compare>) {
              try {
                // The same fits with only live fields changed (a comparison's α or estimator: the
                // app's slider sends a Compare per frame) carry on, as Apply does for the primary:
                // watching q widen from where it is as α falls is the lesson. Anything else, or a
                // fit that cannot take the change, rebuilds every fit from the start.
                bool carry_on = cmd.fits.size() == others.size() && !others.empty();
                for (size_t i = 0; carry_on && i < others.size(); ++i)
                  carry_on = others[i]->scene().can_continue_into(cmd.fits[i].compared_with(run->scene()));
                if (carry_on) {
                  for (size_t i = 0; i < others.size(); ++i)
                    others[i]->check_update(cmd.fits[i].compared_with(run->scene()));
                  for (size_t i = 0; i < others.size(); ++i)
                    others[i]->update_scene(cmd.fits[i].compared_with(run->scene()));
                  other_scenes = cmd.fits;
                  if (state == EngineState::Error) state = EngineState::Paused;
                  if (state != EngineState::Diverged) message.clear();
                } else {
                  rebuild(run->scene(), true, cmd.fits);
                }
              } catch (const std::exception& e) {
                state = EngineState::Error;
                message = std::string("comparison rejected: ") + e.what();
              }
            } else if constexpr (std::is_same_v<T, cmd::SetParams>) {
              try {
                run->set_params(cmd.phi);
                fits_changed = true;
                if (state == EngineState::Diverged || state == EngineState::Error) state = EngineState::Paused;
                message.clear();
              } catch (const std::exception& e) {
                state = EngineState::Error;
                message = std::string("parameters rejected: ") + e.what();
              }
            } else if constexpr (std::is_same_v<T, cmd::SetSpeed>) {
              speed = std::isfinite(cmd.steps_per_s) && cmd.steps_per_s > 0 ? cmd.steps_per_s : 0;
              budget = 0;
            }
            ++completed;
          },
          c);
    }
    bool dirty = !commands.empty();

    // Step within a time slice.
    const auto now = Clock::now();
    if (state == EngineState::Playing && speed > 0) {
      budget = std::min(budget + speed * std::chrono::duration<double>(now - last_tick).count(),
                        std::max(1.0, speed * 0.05));
    }
    last_tick = now;
    const auto slice_end = now + kSlice;
    int64_t taken = 0;
    while (run->status() == RunStatus::Ok) {
      if (pending_steps > 0) {
        step_all();
        --pending_steps;
      } else if (state == EngineState::Playing && (speed == 0 || budget >= 1)) {
        step_all();
        budget -= 1;
        ++taken;
        if (run->convergence_stop_pending()) break;  // auto-stop exactly where the rule said so
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
      dirty = true;
      fits_changed = true;
    }
    if (run->status() == RunStatus::Diverged && state != EngineState::Diverged) {
      state = EngineState::Diverged;
      message = run->message();
      finish_pending();
      dirty = true;
    }
    if (run->take_convergence_stop() && state == EngineState::Playing) {
      // Auto-stop (Scene::auto_stop): pause with the rule's verdict; Play carries on (the rule
      // keeps judging, so a fit still converged pauses again at the next evaluation).
      const ConvergenceVerdict& v = run->convergence();
      state = EngineState::Paused;
      message = "Auto-stopped at step " + std::to_string(run->steps()) + ": " + v.message + " (mean relative ELBO change " +
                to_text(v.mean_rel) + ", median " + to_text(v.median_rel) + ", tolerance " + to_text(run->scene().converge_tol) + ")";
      dirty = true;
    }
    if (pending_steps == 0 && pending_step_cmds > 0) finish_pending();

    // Measure steps/s over windows of half a second.
    const auto t = Clock::now();
    const double window = std::chrono::duration<double>(t - rate_t0).count();
    if (window >= 0.5) {
      rate = double(run->steps() - rate_steps0) / window;
      if (rate < 0) rate = 0;  // a reset went back to step 0
      rate_t0 = t;
      rate_steps0 = run->steps();
    }
    if (state != EngineState::Playing && pending_steps == 0) rate = 0;

    if (dirty) unpublished = true;
    const bool busy = state == EngineState::Playing || pending_steps > 0;
    if (!commands.empty() || completed != applied_ ||
        (unpublished && (!busy || t - last_publish >= publish_every)))
      publish();
  }
  {
    std::lock_guard lock(mutex_);
    applied_ = ~uint64_t(0);  // release anyone still in sync()
  }
  synced_.notify_all();
}

}  // namespace vi
