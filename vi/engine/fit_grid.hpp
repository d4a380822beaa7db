// vi/engine/fit_grid.hpp — a grid of independent fits: named presets, and headless training of every
// cell over several seeds.
//
// A FitGrid is a plain value like a Scene: rows × columns of complete scenes, each with its own
// target, family, sizes, seed and annealing, so a grid can put a different target in every row
// as Rezende & Mohamed (2015) do in their Fig. 3. The app's grid view runs one engine per cell,
// `vilab grid` trains every cell headless (train_grid), and the tests build one in a line.
#pragma once

#include "vi/engine/scene.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

struct FitGrid {
  std::string title;                    // one line over the grid, e.g. "… Fig. 3: planar flows on U1–U4"
  std::vector<std::string> row_labels;  // one per row, e.g. "U1"
  std::vector<std::string> col_labels;  // one per column, e.g. "planar K=2"
  std::vector<Scene> cells;             // rows × cols scenes, row after row

  int rows() const { return int(row_labels.size()); }
  int cols() const { return int(col_labels.size()); }
  const Scene& cell(int r, int c) const { return cells[size_t(r) * size_t(cols()) + size_t(c)]; }
  Scene& cell(int r, int c) { return cells[size_t(r) * size_t(cols()) + size_t(c)]; }
  // "U1 · planar K=2": the cell's labels, for messages and panel titles.
  std::string cell_name(int r, int c) const;

  // Throws std::invalid_argument: no rows or columns, a cell count that is not rows × cols, or
  // a bad cell scene (the message names the cell by its labels and the field).
  void validate() const;

  bool operator==(const FitGrid&) const = default;
};

// [SECTION] Presets

struct FitGridInfo {
  std::string name;     // "paper-fig3"
  std::string summary;  // one line for `vilab grid --help` and the app's combo box
  std::function<FitGrid()> make;
};

// All presets in display order; registry_find/registry_names (vi/core/registry.hpp) look them up.
const std::vector<FitGridInfo>& fit_grid_registry();
std::vector<std::string> fit_grid_names();
// Throws std::invalid_argument "grid: unknown preset 'x' (allowed: …)".
FitGrid make_fit_grid(std::string_view name);

// Every cell of `grid` β-annealed over T steps (0 = off); the title says so.
FitGrid with_anneal(FitGrid grid, int T);
// The Gaussian reference of `grid`: the same rows, two columns, mean-field and full-rank, each on
// the settings of its row's first cell (target, optimizer, learning rate, S, seed) without
// annealing.
FitGrid gaussian_reference(const FitGrid& grid);

// [SECTION] Headless training

struct GridTraining {
  int64_t steps = 1000;  // optimizer steps per fit (≥ 0)
  int seeds = 1;         // fits per cell, with seeds scene.seed, scene.seed + 1, … (≥ 1)
  int threads = 1;       // worker threads (≥ 1); the results do not depend on it
  // Called after each finished fit with (fits done, fits in all), under a lock: from any of the
  // workers, one call at a time. May be empty.
  std::function<void(int, int)> progress;
};

struct CellResult {
  // Per seed, in seed order: the final KL(q‖p) (Run::metrics(), quadrature on q's grid), its
  // stated error, whether the fit diverged (then the KL is of the last finite φ), and the
  // fingerprint of the final φ.
  std::vector<uint64_t> seeds;
  std::vector<double> kl, kl_error;
  std::vector<bool> diverged;
  std::vector<uint64_t> params_hash;
  // Over the seeds that did not diverge (NaN when none did; sd is NaN with fewer than two): the
  // mean, the sample standard deviation, and the lowest KL ("best").
  double mean = 0, sd = 0, best = 0;
  int n_diverged = 0;
};

// Trains every cell of `grid` for `t.steps` steps once per seed and returns one CellResult per
// cell (row after row). Each fit is an independent vi::Run; fits of the same target share its
// read-only quadrature references. Throws std::invalid_argument for a bad grid or settings.
std::vector<CellResult> train_grid(const FitGrid& grid, const GridTraining& t);

}  // namespace vi
