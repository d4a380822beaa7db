// app/ui/shell/status_line.hpp — the one-line status bar at the bottom of the window.
#pragma once

#include "vi/engine/snapshot.hpp"

#include <string>

namespace vilab {

// Step, measured steps/s (and the limit), frame rate, engine state, and the scene in brief.
void draw_status_line(const vi::Snapshot& snap);

// The word for why a fit stopped, heading its message in the banner and the status line:
// "Target undefined" when log p~ or its gradient is not finite where q puts mass (no learning rate
// helps), "Diverged" when the step blew up, "Error" for a rejected scene.
std::string trouble_heading(const vi::Snapshot& fit);

// The keyboard hint at the right end of a status line, on the current line; left out when the
// line has no room for it.
void draw_key_hint(const char* keys);

}  // namespace vilab
