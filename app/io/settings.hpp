// app/io/settings.hpp — what the app remembers between sessions: window size and position, the
// look (text size, presentation mode, high contrast) and the last scenes opened.
//
// Kept in $VILAB_CONFIG_DIR/settings.toml, else $XDG_CONFIG_HOME/vilab/settings.toml, else
// ~/.config/vilab/settings.toml. Only the interactive app reads and writes it: `vilab shot`, the
// CLI and the tests never do (a shot must not depend on who took it). A missing file is a first
// run; an unreadable or broken one gives the defaults and one line naming the file and the
// problem; values out of range are clamped (with a line saying so).
#pragma once

#include "app/io/look.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace vilab {

struct Settings {
  // The window in windowed mode (screen coordinates); x, y < 0: let the window manager place it.
  int window_width = 1600;
  int window_height = 1000;
  int window_x = -1;
  int window_y = -1;
  Look look;
  // The scene file opened last (the lead's scene-file code records it with record_scene) and the
  // most recent ones, newest first, at most kMaxRecentScenes, no duplicates.
  std::string last_scene;
  std::vector<std::string> recent_scenes;
  bool operator==(const Settings&) const = default;
};

constexpr int kMaxRecentScenes = 8;
constexpr int kMinWindowSide = 320, kMaxWindowSide = 16384;

// Records `path` as the last scene and at the front of the recent list.
void record_scene(Settings& s, const std::string& path);

// The settings file's path from the environment as described above; empty when none of
// VILAB_CONFIG_DIR, XDG_CONFIG_HOME and HOME is set.
std::filesystem::path settings_path();

// The file's text as TOML, and back. `parse_settings` never throws: a syntax error, a wrong type
// or an out-of-range value adds a line to `problems` (each naming the key) and keeps the default
// (or the clamped value) for that key.
std::string settings_to_toml(const Settings& s);
Settings parse_settings(std::string_view text, std::vector<std::string>& problems);

// Reads `file`: the defaults when it is missing (no message); on any other problem, the defaults
// for what could not be read and one line in `message`: "vilab: settings FILE: PROBLEM; …".
Settings load_settings(const std::filesystem::path& file, std::string& message);

// Writes `file` atomically (a temporary file beside it, then rename), creating its directory.
// Returns false with `error` set when it cannot.
bool save_settings(const Settings& s, const std::filesystem::path& file, std::string& error);

}  // namespace vilab
