// app/cli/soak.cpp — `vilab bench --soak` (see soak.hpp).
#include "app/cli/soak.hpp"

#include "app/io/scene_file.hpp"
#include "app/io/fit_spec.hpp"
#include "vi/engine/engine.hpp"

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace vilab {

namespace {

using Clock = std::chrono::steady_clock;

// Resident set size in MiB: statm's second field counts pages.
double rss_mib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  if (!(statm >> size >> resident)) throw std::runtime_error("soak: cannot read /proc/self/statm");
  return double(resident) * double(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// What a UI frame reads of a snapshot, reduced to one number so that the compiler cannot drop the
// reads. Mirrors the single view: the history plot, q's contours and samples over the target's
// heatmap and contours, the numbers table, and the comparison fits' panels.
double touch(const vi::Snapshot& snap) {
  double sum = double(snap.step) + snap.metrics.elbo;
  for (const vi::Snapshot* fit : vi::fits_of(snap)) {
    for (const auto& h : fit->history) sum += h.elbo + h.kl_q_p;
    for (const auto& c : fit->q_contours)
      for (const auto& line : c.lines) sum += double(line.xy.size());
    if (fit->samples.size()) sum += fit->samples.sum();
    sum += fit->phi.sum() + fit->q.mean.sum();
    if (fit->target) {
      sum += double(fit->target->log_p.values.size());
      for (const auto& c : fit->target->contours) sum += double(c.lines.size());
    }
  }
  return sum;
}

}  // namespace

SoakReport run_soak(const SoakOptions& options) {
  SoakReport r;
  r.rss_start_mib = rss_mib();
  const auto t0 = Clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };

  const vi::Scene scene;
  vi::Engine engine(scene, /*steps_per_s=*/0);
  if (!options.compare.empty()) {
    std::vector<vi::Scene> fits;
    for (const std::string& spec : options.compare) fits.push_back(parse_fit_spec(spec, scene));
    engine.compare(comparison_scenes(scene, fits));
  }
  engine.step(options.steps);

  // The "UI": one snapshot a frame, read as a frame would; never writes engine state.
  std::atomic<bool> done{false};
  std::atomic<int64_t> consumed{0}, frames{0};
  std::atomic<double> checksum{0};
  std::thread reader([&] {
    const auto frame = std::chrono::duration<double>(1.0 / options.frame_hz);
    uint64_t last_serial = 0;
    double sum = 0;
    auto next = Clock::now();
    while (!done.load(std::memory_order_relaxed)) {
      const std::shared_ptr<const vi::Snapshot> snap = engine.snapshot();
      if (snap->serial != last_serial) {
        last_serial = snap->serial;
        consumed.fetch_add(1, std::memory_order_relaxed);
      }
      sum += touch(*snap);
      frames.fetch_add(1, std::memory_order_relaxed);
      next += std::chrono::duration_cast<Clock::duration>(frame);
      std::this_thread::sleep_until(next);
    }
    checksum.store(sum);
  });

  // Memory, once a second (polled every 50 ms so that the warm-up point and the end are caught
  // when they happen).
  const int64_t warm_step = std::max<int64_t>(1, options.steps / 10);
  bool warm = false;
  double next_sample = 0;
  for (;;) {
    const int64_t step = engine.steps_taken();
    const double t = seconds();
    const bool finished = step >= options.steps;
    const bool warm_now = !warm && step >= warm_step;
    if (t >= next_sample || warm_now || finished) {
      const SoakSample s{t, step, rss_mib()};
      r.samples.push_back(s);
      if (warm_now) {
        warm = true;
        r.rss_warm_mib = s.rss_mib;
      }
      if (warm) r.rss_peak_mib = std::max(r.rss_peak_mib, s.rss_mib);
      if (t >= next_sample) next_sample += 1.0;
    }
    if (finished) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  r.seconds = seconds();
  engine.sync();  // the last snapshot published; the reader sees it
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  done = true;
  reader.join();

  r.steps = engine.steps_taken();
  r.steps_per_s = double(r.steps) / r.seconds;
  r.snapshots_consumed = consumed.load();
  r.frames = frames.load();
  r.history_points = int64_t(engine.snapshot()->history.size());
  r.rss_end_mib = rss_mib();
  r.samples.push_back({seconds(), r.steps, r.rss_end_mib});
  r.rss_peak_mib = std::max(r.rss_peak_mib, r.rss_end_mib);
  r.growth_mib = r.rss_end_mib - r.rss_warm_mib;
  r.growth_percent = r.rss_warm_mib > 0 ? 100.0 * r.growth_mib / r.rss_warm_mib : 0;
  // RSS against steps after the warm-up, by least squares.
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const SoakSample& s : r.samples) {
    if (s.step < warm_step) continue;
    const double x = double(s.step) / 1e6;
    n += 1, sx += x, sy += s.rss_mib, sxx += x * x, sxy += x * s.rss_mib;
  }
  const double den = n * sxx - sx * sx;
  if (n >= 2 && den > 0) r.slope_mib_per_msteps = (n * sxy - sx * sy) / den;
  return r;
}

int run_soak_command(const SoakOptions& options) {
  const SoakReport r = run_soak(options);
  if (options.json) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : r.samples) samples.push_back({{"t", s.t}, {"step", s.step}, {"rss_mib", s.rss_mib}});
    const nlohmann::json j{{"steps", r.steps},
                           {"seconds", r.seconds},
                           {"steps_per_s", r.steps_per_s},
                           {"snapshots_consumed", r.snapshots_consumed},
                           {"frames", r.frames},
                           {"history_points", r.history_points},
                           {"rss_start_mib", r.rss_start_mib},
                           {"rss_warm_mib", r.rss_warm_mib},
                           {"rss_end_mib", r.rss_end_mib},
                           {"rss_peak_mib", r.rss_peak_mib},
                           {"growth_mib", r.growth_mib},
                           {"growth_percent", r.growth_percent},
                           {"slope_mib_per_msteps", r.slope_mib_per_msteps},
                           {"compare", options.compare},
                           {"samples", samples}};
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::string beside;
  for (const std::string& c : options.compare) beside += (beside.empty() ? " beside " : ", ") + c;
  std::printf("soak: default scene%s, %lld steps as fast as possible, a reader at %g Hz\n", beside.c_str(),
              (long long)r.steps, options.frame_hz);
  std::printf("  time                %.1f s (%.0f steps/s)\n", r.seconds, r.steps_per_s);
  std::printf("  snapshots consumed  %lld (in %lld frames)\n", (long long)r.snapshots_consumed, (long long)r.frames);
  std::printf("  history points      %lld (vi::History thins itself)\n", (long long)r.history_points);
  std::printf("  RSS start           %.1f MiB\n", r.rss_start_mib);
  std::printf("  RSS after warm-up   %.1f MiB (at 10 %% of the steps)\n", r.rss_warm_mib);
  std::printf("  RSS end             %.1f MiB (peak after warm-up %.1f MiB)\n", r.rss_end_mib, r.rss_peak_mib);
  std::printf("  growth              %+.2f MiB (%+.2f %%); trend after warm-up %+.2f MiB per 10⁶ steps\n",
              r.growth_mib, r.growth_percent, r.slope_mib_per_msteps);
  return 0;
}

void add_soak_flags(CLI::App& bench, SoakFlags& flags) {
  auto* soak = bench.add_flag("--soak", flags.on,
                              "instead: the soak test, the engine playing the default scene with a reader at 60 Hz, "
                              "resident memory watched (app/cli/soak.hpp)");
  bench.add_option("--soak-steps", flags.options.steps, "the soak's engine steps")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40))->default_str("1000000")->needs(soak);
  bench.add_option("--soak-compare", flags.options.compare, "the soak's comparison fits, e.g. planar:K=4 (repeatable, up to 3)")
      ->needs(soak);
  for (const char* other : {"--repeats", "--steps", "--only", "--peer", "--peer-script"}) soak->excludes(other);
}

void check_soak_flags(const SoakFlags& flags) {
  if (flags.options.compare.size() > 3)
    throw std::invalid_argument("--soak-compare: at most 3 comparison fits, got " + std::to_string(flags.options.compare.size()));
  const vi::Scene soak_scene;  // the soak's own (the default scene); a named one: GCC 12 warns on a temporary here
  for (const std::string& spec : flags.options.compare) parse_fit_spec(spec, soak_scene);
}

}  // namespace vilab
