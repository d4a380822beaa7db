// app/ui/panels/comparison_table.hpp — the fits side by side, in numbers large enough for the back row.
//
// One column per fit (the main one first), headed by its family and objective in its colour (the
// colour of its panel title and its curves); one row per quantity: KL(q‖p), KL(p‖q), the ELBO, and
// q's distance from p's exact moments ‖Δμ‖ and ‖ΔΣ‖_F (the forward-KL optimum of a Gaussian family
// makes both zero, or ‖ΔΣ‖_F the off-diagonal for mean-field); SNIS's effective sample size when a
// fit uses it. The best value of each row is shaded.
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "vi/engine/snapshot.hpp"

#include <string>
#include <vector>

namespace vilab {

// Draws the table for `fits` (the main fit first) into the current window, at its full width.
void draw_comparison_table(const std::vector<const vi::Snapshot*>& fits);

// The table's height for `fits` (to lay out the panel around it).
float comparison_table_height(const std::vector<const vi::Snapshot*>& fits);

// What the table showed in the last frame, for tests and screenshots.
struct ComparisonTableReport {
  bool drawn = false;
  PixelRect rect;                           // framebuffer pixels
  std::vector<std::string> fits;            // each column's title (fit_title)
  std::vector<unsigned int> colours;        // each column's colour (ImU32)
  std::vector<std::string> rows;            // each row's quantity
  std::vector<std::vector<double>> values;  // values[row][fit], as shown (NaN: "—")
};
ComparisonTableReport last_comparison_table();

}  // namespace vilab
