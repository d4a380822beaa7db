// app/grid_report.cpp — `vilab grid`.
//
// The preset, its annealed twin and its Gaussian reference are trained as one grid (one call of
// vi::train_grid), so the worker threads stay busy until the very last fit.
//
// [SECTION] The table's grid
// [SECTION] Text
// [SECTION] JSON
// [SECTION] run_grid_report
#include "app/grid_report.hpp"

#include "vi/check.hpp"
#include "vi/fit_grid.hpp"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace vilab {

namespace {

using nlohmann::json;

constexpr int kDefaultAnneal = 2000;

// [SECTION] The table's grid

// Which trained column a table entry reads.
struct Layout {
  vi::FitGrid grid;  // rows of the preset; columns: each preset column plain (and annealed), then the Gaussians
  int preset_cols = 0;
  bool annealed = false;
  int plain_col(int c) const { return annealed ? 2 * c : c; }
  int annealed_col(int c) const { return 2 * c + 1; }
  int meanfield_col() const { return annealed ? 2 * preset_cols : preset_cols; }
  int fullrank_col() const { return meanfield_col() + 1; }
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
  for (int c = 0; c < preset.cols(); ++c) {
    l.grid.col_labels.push_back(preset.col_labels[size_t(c)]);
    if (l.annealed) l.grid.col_labels.push_back(preset.col_labels[size_t(c)] + " annealed");
  }
  l.grid.col_labels.insert(l.grid.col_labels.end(), gauss.col_labels.begin(), gauss.col_labels.end());
  for (int r = 0; r < preset.rows(); ++r) {
    for (int c = 0; c < preset.cols(); ++c) {
      l.grid.cells.push_back(plain.cell(r, c));
      if (l.annealed) l.grid.cells.push_back(annealed.cell(r, c));
    }
    for (int c = 0; c < gauss.cols(); ++c) l.grid.cells.push_back(gauss.cell(r, c));
  }
  return l;
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

std::string best(const vi::CellResult& r) {
  if (!std::isfinite(r.best)) return "diverged";
  return r.n_diverged > 0 ? number(r.best) + "*" : number(r.best);
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
  std::printf("%s\n", preset.title.c_str());
  const std::string settings = shared_settings(g);
  std::printf("KL(q\u2016p) after %lld steps%s%s%s, mean \u00B1 sd over %d seed%s, exact (quadrature on q's grid).\n",
              (long long)o.steps, settings.empty() ? "" : " (", settings.c_str(), settings.empty() ? "" : ")", o.seeds,
              o.seeds == 1 ? "" : "s");
  if (l.annealed)
    std::printf("annealed: the target term weighted by \u03B2_t = min(1, 0.01 + t/T), T = %d.\n", T);
  std::printf("mean-field, full-rank: the best (lowest) KL of the %d seed%s, same steps and settings.\n\n", o.seeds,
              o.seeds == 1 ? "" : "s");

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
  if (l.annealed) {
    line = pad("target", kLabel);
    for (int c = 0; c < l.preset_cols; ++c) line += pad("plain", kEntry) + pad("annealed", kEntry);
    line += pad("best", kGauss) + pad("best", kGauss);
    print_line(line);
  }
  bool any_diverged = false;
  for (int r = 0; r < g.rows(); ++r) {
    line = pad(g.row_labels[size_t(r)], kLabel);
    for (int c = 0; c < l.preset_cols; ++c) {
      line += pad(mean_sd(at(r, l.plain_col(c))), kEntry);
      if (l.annealed) line += pad(mean_sd(at(r, l.annealed_col(c))), kEntry);
    }
    line += pad(best(at(r, l.meanfield_col())), kGauss) + pad(best(at(r, l.fullrank_col())), kGauss);
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

json report_json(const Layout& l, const std::vector<vi::CellResult>& res, const vi::FitGrid& preset,
                 const GridReportOptions& o, int T, double seconds) {
  const vi::FitGrid& g = l.grid;
  auto idx = [&](int r, int c) { return size_t(r) * size_t(g.cols()) + size_t(c); };
  json rows = json::array();
  for (int r = 0; r < g.rows(); ++r) {
    json cols = json::array();
    for (int c = 0; c < l.preset_cols; ++c) {
      json col{{"label", preset.col_labels[size_t(c)]},
               {"plain", cell_json(g.cells[idx(r, l.plain_col(c))], res[idx(r, l.plain_col(c))])}};
      if (l.annealed) col["annealed"] = cell_json(g.cells[idx(r, l.annealed_col(c))], res[idx(r, l.annealed_col(c))]);
      cols.push_back(col);
    }
    rows.push_back({{"label", g.row_labels[size_t(r)]},
                    {"target", g.cells[idx(r, 0)].target},
                    {"columns", cols},
                    {"meanfield", cell_json(g.cells[idx(r, l.meanfield_col())], res[idx(r, l.meanfield_col())])},
                    {"fullrank", cell_json(g.cells[idx(r, l.fullrank_col())], res[idx(r, l.fullrank_col())])}});
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
