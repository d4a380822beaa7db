// app/ui/panels/data_strip.hpp — the editable data of a 2D model (logistic regression), under its density.
//
// A strip with the feature x across: points with t = 1 on the upper row, t = 0 on the lower one,
// and the fit's predictive P(t = 1 | x) = E_q[σ(a + b x)] (with its 5–95 % band over q's draws)
// drawn across it. A click on an empty spot of a row adds a point with that row's label there; a
// click on a point removes it. Edits change the scene copy the controls send (Scene::data), and
// the engine starts the new posterior from the current q, so q is seen following the data.
#pragma once

#include "app/ui/panels/density_view.hpp"
#include "vi/engine/scene.hpp"
#include "vi/engine/snapshot.hpp"

namespace vilab {

// Whether the snapshot's problem has data this strip shows.
bool has_data_strip(const vi::Snapshot& snap);

// The strip's height for a font size (the layout reserves it under the density view).
float data_strip_height();

// Draws the strip into the current window (its full width, data_strip_height() tall) and applies
// clicks to `edited` (the controls' scene copy).
void draw_data_strip(vi::Scene& edited, const vi::Snapshot& snap);

struct DataStripReport {
  bool drawn = false;
  PixelRect rect;
  int points = 0;       // points drawn
  int ones = 0;         // of which t = 1
  double x0 = 0, x1 = 0;  // the x range across the strip
};
DataStripReport last_data_strip();

}  // namespace vilab
