// app/io/grid_report.cpp — `vilab grid`.
//
// The preset, its annealed twin and its Gaussian reference (from several starts) are trained as
// one grid (one call of vi::train_grid), so the worker threads stay busy until the very last fit.
//
// [SECTION] The table's grid
// [SECTION] Text
// [SECTION] JSON
// [SECTION] run_grid_report
#include "app/io/grid_report.hpp"

#include "vi/core/check.hpp"
#include "vi/engine/fit_grid.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <string>
#include <thread>
#include <vector>

namespace vilab {

namespace {

using nlohmann::json;

constexpr int kDefaultAnneal = 2000;

// [SECTION] The table's grid

// Where the Gaussians start (their initial mean). A Gaussian started at the origin can stay
// there: on U1 the origin is a stationary point by symmetry, and a q wide enough to cover the
// ring has KL 3.2, while one started off-centre settles on a cap at 0.90. So "the best
// mean-field / full-rank KL" is the lowest over these starts (and the seeds).
constexpr double kStarts[][2] = {{0, 0}, {2, 0}, {-2, 0}, {0, 2}, {0, -2}};
constexpr int kNumStarts = int(std::size(kStarts));

// Which trained column a table entry reads.
struct Layout {
  vi::FitGrid grid;  // rows of the preset; its columns are listed below
  int preset_cols = 0;
  bool annealed = false;
  std::vector<int> plain, annealed_cols;  // per preset column
  std::vector<int> gauss[2];              // mean-field, full-rank: one column per start
};

Layout table_layout(const vi::FitGrid& preset, int T) {
  const vi::FitGrid plain = vi::with_anneal(preset, 0);
  const vi::FitGrid annealed = vi::with_anneal(preset, T);
  const vi::FitGrid gauss = vi::gaussian_reference(preset);
  Layout l;
  l.preset_cols = preset.cols();
  l.annealed = T > 0;
  l.grid.title = preset.title;
  l.grid.row_labels = preset.row_labels;
  // Each column: its label, and its scene in row r. Returns the column's index.
  std::vector<std::function<vi::Scene(int)>> scene_in_row;
  auto column = [&](std::string label, std::function<vi::Scene(int)> scene) {
    l.grid.col_labels.push_back(std::move(label));
    scene_in_row.push_back(std::move(scene));
    return l.grid.cols() - 1;
  };
  for (int c = 0; c < preset.cols(); ++c) {
    const std::string& label = preset.col_labels[size_t(c)];
    l.plain.push_back(column(label, [&plain, c](int r) { return plain.cell(r, c); }));
    if (l.annealed)
      l.annealed_cols.push_back(column(label + " annealed", [&annealed, c](int r) { return annealed.cell(r, c); }));
  }
  for (int f = 0; f < 2; ++f)
    for (int k = 0; k < kNumStarts; ++k) {
      std::string label = gauss.col_labels[size_t(f)];
      label.append(" from (").append(vi::to_text(kStarts[k][0])).append(", ").append(vi::to_text(kStarts[k][1])).append(")");
      l.gauss[f].push_back(column(label, [&gauss, f, k](int r) {
        vi::Scene s = gauss.cell(r, f);
        s.init_mean_x = kStarts[k][0];
        s.init_mean_y = kStarts[k][1];
        return s;
      }));
    }
  for (int r = 0; r < preset.rows(); ++r)
    for (const auto& scene : scene_in_row) l.grid.cells.push_back(scene(r));
  return l;
}

// The lowest KL over a Gaussian's starts, and the start that reached it.
struct GaussBest {
  double kl = std::numeric_limits<double>::quiet_NaN();
  int start = -1;
  int diverged = 0;
};
GaussBest gauss_best(const std::vector<vi::CellResult>& res, const Layout& l, int row, int family) {
  GaussBest b;
  for (int k = 0; k < kNumStarts; ++k) {
    const vi::CellResult& r = res[size_t(row) * size_t(l.grid.cols()) + size_t(l.gauss[family][size_t(k)])];
    b.diverged += r.n_diverged;
    if (std::isfinite(r.best) && !(r.best >= b.kl)) b.kl = r.best, b.start = k;
  }
  return b;
}

// The anneal T of the preset's annealed cells (the largest), or 0.
int preset_anneal(const vi::FitGrid& g) {
  int T = 0;
  for (const vi::Scene& s : g.cells) T = std::max(T, s.anneal);
  return T;
}

// [SECTION] Text

// Pads to `width` terminal columns (UTF-8: continuation bytes take no column).
std::string pad(const std::string& s, size_t width) {
  size_t cols = 0;
  for (unsigned char ch : s) cols += (ch & 0xC0) != 0x80;
  return cols >= width ? s + " " : s + std::string(width - cols, ' ');
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// "0.123 ± 0.004", "0.123" with one seed, a "*" when seeds diverged, "diverged" when all did.
std::string mean_sd(const vi::CellResult& r) {
  if (!std::isfinite(r.mean)) return "diverged";
  std::string s = number(r.mean);
  if (std::isfinite(r.sd)) s += " \u00B1 " + number(r.sd);
  if (r.n_diverged > 0) s += "*";
  return s;
}

std::string best(const GaussBest& b) {
  if (!std::isfinite(b.kl)) return "diverged";
  return b.diverged > 0 ? number(b.kl) + "*" : number(b.kl);
}

// "Adam, lr 0.01, S = 256" when every cell shares them; empty otherwise.
std::string shared_settings(const vi::FitGrid& g) {
  const vi::Scene& a = g.cells.front();
  for (const vi::Scene& s : g.cells)
    if (s.optimizer != a.optimizer || s.lr != a.lr || s.samples != a.samples) return {};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s, lr %g, S = %d", a.optimizer.c_str(), a.lr, a.samples);
  return buf;
}

void print_text(const Layout& l, const std::vector<vi::CellResult>& res, const vi::FitGrid& preset,
                const GridReportOptions& o, int T, double seconds) {
  const vi::FitGrid& g = l.grid;
  auto at = [&](int r, int c) -> const vi::CellResult& { return res[size_t(r) * size_t(g.cols()) + size_t(c)]; };
  std::string starts;
  for (const auto& st : kStarts)
    starts.append(starts.empty() ? "" : ", ").append("(").append(vi::to_text(st[0])).append(", ").append(vi::to_text(st[1])).append(")");
  std::printf("%s\n", preset.title.c_str());
  const std::string settings = shared_settings(g);
  std::printf("KL(q\u2016p) after %lld steps%s%s%s, mean \u00B1 sd over %d seed%s, exact (quadrature on q's grid).\n",
              (long long)o.steps, settings.empty() ? "" : " (", settings.c_str(), settings.empty() ? "" : ")", o.seeds,
              o.seeds == 1 ? "" : "s");
  if (l.annealed)
    std::printf("annealed: the target term weighted by \u03B2_t = min(1, 0.01 + t/T), T = %d.\n", T);
  std::printf("mean-field, full-rank: the best (lowest) KL over %d starts (initial mean %s) \u00D7 %d seed%s,\n"
              "same steps and settings.\n\n",
              kNumStarts, starts.c_str(), o.seeds, o.seeds == 1 ? "" : "s");

  // Columns padded to a width, trailing blanks trimmed.
  auto print_line = [](std::string line) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  };
  constexpr size_t kLabel = 8, kEntry = 17, kGauss = 12;
  const size_t group = l.annealed ? 2 * kEntry : kEntry;
  std::string line = pad("", kLabel);
  for (int c = 0; c < l.preset_cols; ++c) line += pad(preset.col_labels[size_t(c)], group);
  line += pad("mean-field", kGauss) + pad("full-rank", kGauss);
  print_line(line);
  line = pad("target", kLabel);
  for (int c = 0; c < l.preset_cols; ++c)
    line += l.annealed ? pad("plain", kEntry) + pad("annealed", kEntry) : pad("mean \u00B1 sd", kEntry);
  line += pad("best", kGauss) + pad("best", kGauss);
  print_line(line);
  bool any_diverged = false;
  for (int r = 0; r < g.rows(); ++r) {
    line = pad(g.row_labels[size_t(r)], kLabel);
    for (int c = 0; c < l.preset_cols; ++c) {
      line += pad(mean_sd(at(r, l.plain[size_t(c)])), kEntry);
      if (l.annealed) line += pad(mean_sd(at(r, l.annealed_cols[size_t(c)])), kEntry);
    }
    line += pad(best(gauss_best(res, l, r, 0)), kGauss) + pad(best(gauss_best(res, l, r, 1)), kGauss);
    print_line(line);
    for (int c = 0; c < g.cols(); ++c) any_diverged |= at(r, c).n_diverged > 0;
  }
  if (any_diverged) std::printf("* some seeds diverged and are left out of the figure (see --json)\n");
  std::printf("\n%zu fits in %.1f s on %d thread%s\n", g.cells.size() * size_t(o.seeds), seconds, o.threads,
              o.threads == 1 ? "" : "s");
}

// [SECTION] JSON

json cell_json(const vi::Scene& s, const vi::CellResult& r) {
  return {{"family", s.family},
          {"K", s.family_options.K},
          {"anneal", s.anneal},
          {"optimizer", s.optimizer},
          {"lr", s.lr},
          {"samples", s.samples},
          {"seeds", r.seeds},
          {"kl_q_p", r.kl},
          {"kl_q_p_error", r.kl_error},
          {"diverged", r.diverged},
          {"params_hash", r.params_hash},
          {"mean", r.mean},
          {"sd", r.sd},
          {"best", r.best},
          {"n_diverged", r.n_diverged}};
}

json gauss_json(const Layout& l, const std::vector<vi::CellResult>& res, int row, int family) {
  const size_t base = size_t(row) * size_t(l.grid.cols());
  const GaussBest b = gauss_best(res, l, row, family);
  json starts = json::array();
  for (int k = 0; k < kNumStarts; ++k) {
    const size_t i = base + size_t(l.gauss[family][size_t(k)]);
    json c = cell_json(l.grid.cells[i], res[i]);
    c["init_mean"] = {kStarts[k][0], kStarts[k][1]};
    starts.push_back(c);
  }
  json best_start = b.start >= 0 ? json{kStarts[b.start][0], kStarts[b.start][1]} : json();
  return {{"family", family == 0 ? "meanfield" : "fullrank"}, {"best", b.kl}, {"best_init_mean", best_start},
          {"n_diverged", b.diverged}, {"starts", starts}};
}

json report_json(const Layout& l, const std::vector<vi::CellResult>& res, const vi::FitGrid& preset,
                 const GridReportOptions& o, int T, double seconds) {
  const vi::FitGrid& g = l.grid;
  auto idx = [&](int r, int c) { return size_t(r) * size_t(g.cols()) + size_t(c); };
  json rows = json::array();
  for (int r = 0; r < g.rows(); ++r) {
    json cols = json::array();
    for (int c = 0; c < l.preset_cols; ++c) {
      json col{{"label", preset.col_labels[size_t(c)]},
               {"plain", cell_json(g.cells[idx(r, l.plain[size_t(c)])], res[idx(r, l.plain[size_t(c)])])}};
      if (l.annealed)
        col["annealed"] = cell_json(g.cells[idx(r, l.annealed_cols[size_t(c)])], res[idx(r, l.annealed_cols[size_t(c)])]);
      cols.push_back(col);
    }
    rows.push_back({{"label", g.row_labels[size_t(r)]},
                    {"target", g.cells[idx(r, 0)].target},
                    {"columns", cols},
                    {"meanfield", gauss_json(l, res, r, 0)},
                    {"fullrank", gauss_json(l, res, r, 1)}});
  }
  return {{"preset", o.preset}, {"title", preset.title}, {"steps", o.steps}, {"seeds", o.seeds},
          {"anneal", T},        {"threads", o.threads},   {"seconds", seconds}, {"kl", "KL(q||p) by quadrature on q's grid (vi::Run::metrics)"},
          {"rows", rows}};
}

}  // namespace

// [SECTION] run_grid_report

int run_grid_report(const GridReportOptions& options) {
  GridReportOptions o = options;
  const vi::FitGrid preset = vi::make_fit_grid(o.preset);  // throws: unknown preset, with the allowed names
  if (o.threads <= 0) o.threads = int(std::max(1u, std::thread::hardware_concurrency()));
  vi::check_range("grid", "--anneal T", o.anneal, -1, 100000000);
  const int T = o.anneal >= 0 ? o.anneal : (preset_anneal(preset) > 0 ? preset_anneal(preset) : kDefaultAnneal);
  const Layout l = table_layout(preset, T);

  vi::GridTraining t;
  t.steps = o.steps;
  t.seeds = o.seeds;
  t.threads = o.threads;
  // Progress on a terminal only: a log or a test reading stderr gets no carriage returns.
  if (isatty(STDERR_FILENO)) {
    t.progress = [](int done, int all) {
      std::fprintf(stderr, "\rvilab grid: %d of %d fits trained", done, all);
      if (done == all) std::fprintf(stderr, "\n");
    };
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<vi::CellResult> res = vi::train_grid(l.grid, t);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (o.json) std::cout << report_json(l, res, preset, o, T, seconds).dump(2) << "\n";
  else print_text(l, res, preset, o, T, seconds);
  std::fflush(stdout);
  for (const vi::CellResult& r : res)
    if (r.n_diverged > 0) {
      std::fprintf(stderr, "vilab grid: some fits diverged (marked * in the table)\n");
      return 3;
    }
  return 0;
}

}  // namespace vilab
