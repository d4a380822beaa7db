// app/status_line.hpp — the one-line status bar at the bottom of the window.
#pragma once

#include "vi/snapshot.hpp"

namespace vilab {

// Step, measured steps/s (and the limit), frame rate, engine state, and the scene in brief.
void draw_status_line(const vi::Snapshot& snap);

// The keyboard hint at the right end of a status line, on the current line; left out when the
// line has no room for it.
void draw_key_hint(const char* keys);

}  // namespace vilab
