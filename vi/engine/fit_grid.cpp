// vi/engine/fit_grid.cpp — grid validation, the presets, and training a grid on worker threads.
//
// [SECTION] FitGrid
// [SECTION] Presets
// [SECTION] Headless training
#include "vi/engine/fit_grid.hpp"

#include "vi/core/check.hpp"
#include "vi/core/registry.hpp"
#include "vi/engine/run.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <thread>

namespace vi {

// [SECTION] FitGrid

std::string FitGrid::cell_name(int r, int c) const {
  std::string name = r >= 0 && r < rows() ? row_labels[size_t(r)] : "row " + std::to_string(r);
  name += " \u00B7 ";
  name += c >= 0 && c < cols() ? col_labels[size_t(c)] : "column " + std::to_string(c);
  return name;
}

void FitGrid::validate() const {
  if (rows() < 1 || cols() < 1) throw_invalid("grid", "needs at least one row and one column");
  if (cells.size() != size_t(rows()) * size_t(cols()))
    throw_invalid("grid", "has " + std::to_string(cells.size()) + " cells, but " + std::to_string(rows()) + " rows × " +
                              std::to_string(cols()) + " columns need " + std::to_string(rows() * cols()));
  for (int r = 0; r < rows(); ++r)
    for (int c = 0; c < cols(); ++c) {
      try {
        cell(r, c).validate();
      } catch (const std::invalid_argument& e) {
        throw_invalid("grid", "cell " + cell_name(r, c) + ": " + e.what());
      }
    }
}

// [SECTION] Presets

namespace {

// The settings of the paper's experiment as far as vilab can follow them: Adam, S = 256 draws a
// step. Rezende & Mohamed use RMSprop at 1e-5 for 500 000 steps with 20 draws; Adam at 0.01 for
// 10 000 steps reaches planar K = 32 within KL ≈ 0.02–0.13 of U1–U4 (measured), in seconds.
Scene paper_cell(const std::string& target, const std::string& family, int K) {
  Scene s;
  s.target = target;
  s.family = family;
  s.family_options.K = K;
  s.optimizer = "adam";
  s.lr = 0.01;
  s.samples = 256;
  s.seed = 1;
  // A history point every 50 steps (the app's KL curves): a flow's Monte Carlo KL costs 16
  // training steps' worth of work at S = 256, so every 10 steps would double the cost of a step.
  s.metrics_every = 50;
  return s;
}

constexpr int kPaperAnneal = 2000;  // β reaches 1 after a fifth of the 10 000 steps

FitGrid paper_fig3() {
  FitGrid g;
  g.title = "Rezende & Mohamed (2015), Fig. 3: planar flows of depth K on the energies U1\u2013U4";
  g.row_labels = {"U1", "U2", "U3", "U4"};
  const int depths[] = {2, 8, 32};
  for (int K : depths) g.col_labels.push_back("planar K=" + std::to_string(K));
  for (const auto& target : g.row_labels)
    for (int K : depths) g.cells.push_back(paper_cell(target, "planar", K));
  return g;
}

}  // namespace

FitGrid with_anneal(FitGrid grid, int T) {
  check_range("with_anneal", "anneal T", T, 0, 100000000);
  for (Scene& s : grid.cells) s.anneal = T;
  if (T > 0) grid.title += ", \u03B2-annealed over T = " + std::to_string(T) + " steps";
  return grid;
}

FitGrid gaussian_reference(const FitGrid& grid) {
  grid.validate();
  FitGrid g;
  g.title = "Gaussian reference: mean-field and full-rank q on the rows of \u201C" + grid.title + "\u201D";
  g.row_labels = grid.row_labels;
  g.col_labels = {"mean-field", "full-rank"};
  for (int r = 0; r < grid.rows(); ++r)
    for (const char* family : {"meanfield", "fullrank"}) {
      Scene s = grid.cell(r, 0);
      s.family = family;
      s.family_options = FamilyOptions{};
      s.anneal = 0;
      g.cells.push_back(std::move(s));
    }
  return g;
}

const std::vector<FitGridInfo>& fit_grid_registry() {
  static const std::vector<FitGridInfo> registry{
      {"paper-fig3",
       "Rezende & Mohamed (2015) Fig. 3: U1\u2013U4 (rows) \u00D7 planar flows K = 2, 8, 32 (columns); Adam 0.01, S = 256",
       paper_fig3},
      {"paper-fig3-anneal", "paper-fig3 with \u03B2-annealing over T = 2000 steps, as in the paper",
       [] { return with_anneal(paper_fig3(), kPaperAnneal); }},
      {"paper-fig3-gaussians", "U1\u2013U4 \u00D7 mean-field and full-rank Gaussians: the reference for paper-fig3",
       [] { return gaussian_reference(paper_fig3()); }},
  };
  return registry;
}

std::vector<std::string> fit_grid_names() { return registry_names(fit_grid_registry()); }

FitGrid make_fit_grid(std::string_view name) { return registry_find(fit_grid_registry(), "grid", "preset", name).make(); }

// [SECTION] Headless training

namespace {

struct Job {
  size_t cell = 0;
  int seed_index = 0;
  double cost = 0;  // a rough estimate, to start the longest fits first
};

void summarize(CellResult& r) {
  std::vector<double> ok;
  for (size_t i = 0; i < r.kl.size(); ++i)
    if (!r.diverged[i]) ok.push_back(r.kl[i]);
  r.n_diverged = int(r.kl.size() - ok.size());
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (ok.empty()) {
    r.mean = r.sd = r.best = kNaN;
    return;
  }
  const double n = double(ok.size());
  r.mean = std::accumulate(ok.begin(), ok.end(), 0.0) / n;
  double ss = 0;
  for (double v : ok) ss += (v - r.mean) * (v - r.mean);
  r.sd = ok.size() >= 2 ? std::sqrt(ss / (n - 1)) : kNaN;
  r.best = *std::min_element(ok.begin(), ok.end());
}

}  // namespace

std::vector<CellResult> train_grid(const FitGrid& grid, const GridTraining& t) {
  grid.validate();
  check_range("train_grid", "steps", t.steps, int64_t(0), int64_t(1) << 40);
  check_range("train_grid", "seeds", t.seeds, 1, 1000);
  check_range("train_grid", "threads", t.threads, 1, 1024);

  // The quadrature references of each distinct target, built once and shared read-only (a
  // Problem is stateless; each Run owns its family's scratch space).
  std::vector<std::shared_ptr<const TargetData>> data(grid.cells.size());
  for (size_t i = 0; i < grid.cells.size(); ++i) {
    for (size_t j = 0; j < i && !data[i]; ++j)
      if (grid.cells[j].same_target(grid.cells[i])) data[i] = data[j];
    if (!data[i]) data[i] = make_target_data(grid.cells[i]);
  }

  std::vector<CellResult> results(grid.cells.size());
  std::vector<Job> jobs;
  for (size_t i = 0; i < grid.cells.size(); ++i) {
    const Scene& s = grid.cells[i];
    const double layers = double(make_family(s.family, 2, s.family_options)->num_layers());
    for (int k = 0; k < t.seeds; ++k) {
      results[i].seeds.push_back(s.seed + uint64_t(k));
      jobs.push_back({i, k, double(s.samples) * (1 + layers)});
    }
  }
  // Longest first, so that no worker is left with a long fit at the end. The order changes
  // nothing else: every fit is independent and writes only its own outcome.
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.cost > b.cost; });

  struct Outcome {
    double kl = 0, kl_error = 0;
    bool diverged = false;
    uint64_t hash = 0;
  };
  std::vector<Outcome> outcomes(jobs.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;  // guards done, error and the progress callback
  int done = 0;
  std::exception_ptr error;
  auto work = [&] {
    for (size_t j = next.fetch_add(1); j < jobs.size(); j = next.fetch_add(1)) {
      const Job& job = jobs[j];
      try {
        Scene s = grid.cells[job.cell];
        s.seed = results[job.cell].seeds[size_t(job.seed_index)];
        Run run(s, data[job.cell], /*record_history=*/false);
        run.step(t.steps);
        const Metrics m = run.metrics();
        outcomes[j] = {m.kl_q_p, m.kl_q_p_error, run.status() != RunStatus::Ok, params_hash(run.params())};
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        next.store(jobs.size());  // the others finish their current fit and stop
        return;
      }
      std::lock_guard lock(mutex);
      ++done;
      if (t.progress) t.progress(done, int(jobs.size()));
    }
  };
  {
    std::vector<std::jthread> workers;
    const int n = std::min<int>(t.threads, int(jobs.size()));
    for (int w = 1; w < n; ++w) workers.emplace_back(work);
    work();
  }  // joins
  if (error) std::rethrow_exception(error);

  for (CellResult& r : results) {
    const size_t n = r.seeds.size();
    r.kl.assign(n, 0.0);
    r.kl_error.assign(n, 0.0);
    r.diverged.assign(n, false);
    r.params_hash.assign(n, 0);
  }
  for (size_t j = 0; j < jobs.size(); ++j) {
    CellResult& r = results[jobs[j].cell];
    const size_t k = size_t(jobs[j].seed_index);
    r.kl[k] = outcomes[j].kl;
    r.kl_error[k] = outcomes[j].kl_error;
    r.diverged[k] = outcomes[j].diverged;
    r.params_hash[k] = outcomes[j].hash;
  }
  for (CellResult& r : results) summarize(r);
  return results;
}

}  // namespace vi
