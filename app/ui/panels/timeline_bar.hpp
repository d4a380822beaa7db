// app/ui/panels/timeline_bar.hpp — the timeline's bar under the density view: drag to scrub back through the
// recorded snapshots of the run, Replay from there, Live to return (app/io/timeline.hpp holds the
// recording and the logic; this file draws it and reads its keys).
//
// Keys (none collides with Space, → step, R, T, Ctrl ± 0): ← one frame back (Shift: ten),
// → one frame forward while scrubbing (live, → still steps the engine), Home the first frame,
// End back to live.
#pragma once

#include "app/io/timeline.hpp"
#include "vi/engine/snapshot.hpp"

#include <string>

namespace vilab {

// The replay-speed box's text: "replay at 200 steps/s" (not the engine's speed: the controls'
// "speed" slider sets that).
std::string replay_speed_label(double steps_per_s);

// The bar's height (one framed line and spacing), for the layout.
float timeline_bar_height();

// Draws the bar across the current window's content width.
void draw_timeline_bar(Timeline& tl, const vi::Snapshot& live);

// While scrubbed: a blue frame around the current window (call inside the density and metrics
// panels, after drawing them).
void draw_recorded_frame_marker(const Timeline& tl);
// While scrubbed: "showing the recorded step N · End: back to live", centred in the menu bar.
void draw_timeline_menu_note(const Timeline& tl);

// Applies the keys above. Returns true when → was used by the timeline (scrubbing): the caller
// must not also step the engine with it.
bool handle_timeline_keys(Timeline& tl);

}  // namespace vilab
