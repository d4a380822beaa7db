// tests/input/x11_messages.hpp — what a window manager and a file manager send a window, for
// tests on a bare X server (Xvfb has neither): WM_DELETE_WINDOW (the title bar's close button)
// and an XDND drop of a file. Each finds the top-level window under a screen point, as the
// pointer would.
#pragma once

#include <string>

namespace vilab::input_test {

// Sends WM_DELETE_WINDOW to the window at (x, y). False with `error` when there is none.
bool send_wm_delete(int x, int y, std::string& error);

// Drops the file `path` on the window at (x, y) with XDND (version 5: Enter, Position, Drop, the
// selection as text/uri-list, Finished), waiting up to `seconds` for each answer.
bool xdnd_drop_file(const std::string& path, int x, int y, double seconds, std::string& error);

}  // namespace vilab::input_test
