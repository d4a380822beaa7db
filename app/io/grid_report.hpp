// app/io/grid_report.hpp — `vilab grid`: the KL(q‖p) table of a grid preset (vi/engine/fit_grid.hpp).
//
// For each row of the preset (a target) and each column (a family): KL(q‖p) after N steps, mean
// ± sd over several seeds, plain and β-annealed side by side, next to the best mean-field and
// full-rank KL on the same target with the same steps — the comparison Rezende & Mohamed (2015)
// make in their Fig. 3.
#pragma once

#include <cstdint>
#include <string>

namespace vilab {

struct GridReportOptions {
  std::string preset = "paper-fig3";  // a name from vi::fit_grid_registry()
  int64_t steps = 10000;              // optimizer steps per fit
  int seeds = 3;                      // fits per cell (seeds s, s + 1, …)
  int threads = 0;                    // worker threads; 0 = one per hardware thread
  int anneal = -1;                    // T of the annealed columns; −1 = the preset's own T, else 2000; 0 = none
  bool json = false;
};

// Trains and prints the table. Returns 0, or 3 when a fit diverged (the table is still printed,
// the diverged seeds marked). Throws std::invalid_argument for a bad preset or setting (the CLI
// prints it in one line and exits 2).
int run_grid_report(const GridReportOptions& options);

}  // namespace vilab
