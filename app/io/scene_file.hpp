// app/io/scene_file.hpp — scene files: a lesson or a saved session as a hand-editable TOML file.
//
// A SceneFile holds everything the app needs to open a fit as it was: the primary fit (every
// field of vi::Scene), the fits beside it, whether it plays and how fast, the density view's box
// and layers, which windows are open, and the lesson text. The format is documented in
// scenes/README.md; toml++ (Debian's libtomlplusplus-dev) reads and writes it.
//
// Reading is strict, because a teacher who mistypes a key must hear about it: an unknown key, a
// value of the wrong type or out of range, and a fit the engine refuses are each a
// SceneFileError naming the file, the line and the field, and what was expected. A SceneFile
// written by format_scene_file reads back equal (doubles in shortest round-trip form), so a
// saved scene replays bit-identically.
#pragma once

#include "app/io/density_layers.hpp"
#include "vi/engine/scene.hpp"
#include "vi/core/types.hpp"

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vilab {

// At most this many fits run beside the primary one (the centre shows up to four panels).
inline constexpr int kMaxCompare = 3;

// The scenes engine.compare gets for comparison entries: each entry's family, sizes and
// objective, the rest (annealing and entropy estimator included) from the primary.
std::vector<vi::Scene> comparison_scenes(const vi::Scene& primary, const std::vector<vi::Scene>& compare);

// The tool windows a scene file's [panels] can open, by key, in the order a saved file lists
// them: the app's own (gradvar, step_through, landscape), the CAVI windows (normal_gamma, gmm),
// then one per model with its own trainer (vi::ModelKind::Trainer in vi/models/models.hpp: "vae", "bnn"), so a model
// registered there has its [panels] key without a line here. The GUI's registry of tool windows
// (app/ui/windows/tool_windows.hpp) draws a window for each key; a test checks the two agree.
const std::vector<std::string>& panel_window_keys();

// Which tool windows are open, by their [panels] key: a plain value (the controls keep one, a
// scene file another; a copy keeps every window, so none can be forgotten by a copy).
class OpenWindows {
 public:
  bool shown(std::string_view key) const { return open_.find(key) != open_.end(); }
  void set(std::string_view key, bool open) {
    if (open) open_.emplace(key);
    else if (const auto it = open_.find(key); it != open_.end()) open_.erase(it);
  }
  void toggle(std::string_view key) { set(key, !shown(key)); }
  int count() const { return int(open_.size()); }
  const std::set<std::string, std::less<>>& keys() const { return open_; }
  bool operator==(const OpenWindows&) const = default;

 private:
  std::set<std::string, std::less<>> open_;
};

// The windows and panels a scene opens with ([panels] in the file).
struct ScenePanels {
  OpenWindows windows;         // the tool windows open (panel_window_keys(): "gradvar = true", …)
  int step_reveal = 0;         // the step-through window with this many draws of the next step revealed
  bool khat_plot = false;      // the PSIS k̂ plot in the metrics panel
  int scrub_layer = -1;        // the flow layer scrubber at layer k (−1 = closed)
  std::string grid;            // the grid view on this preset (vi::fit_grid_names(); empty = none)
  std::map<std::string, double> model_settings;  // settings of the open trained models' windows (as --set)
  bool window(std::string_view key) const { return windows.shown(key); }
  bool operator==(const ScenePanels&) const = default;
};

struct SceneFile {
  // The lesson's name: the file's stem without its "NN-" order prefix ("01-elbo-gap.toml" →
  // "elbo-gap"). Derived from the path, never written.
  std::string name;
  // [lesson]
  std::string title;    // the lesson browser's line, the window's heading
  std::string summary;  // one line: what the lesson shows
  std::string text;     // the explanation: the idea, the maths, what to try, what to look for
  // [fit] and [[compare]]
  vi::Scene scene;                 // the primary fit
  std::vector<vi::Scene> compare;  // fits beside it (≤ kMaxCompare): their family, sizes and
                                   // objective; the rest is the primary's (Scene::compared_with)
  // [run]
  bool play = false;        // start playing at once
  double steps_per_s = 100; // the engine's speed limit (0 = as fast as possible)
  // [view]
  std::optional<vi::Box> view_box;  // the density view's zoom box (none = the target's box)
  DensityLayers layers;
  // [panels]
  ScenePanels panels;

  bool operator==(const SceneFile&) const = default;
};

// What went wrong, and where. what() is the whole message: "FILE:LINE:COLUMN: FIELD: what was
// expected" (line and column when known, the field when one is at fault).
class SceneFileError : public std::runtime_error {
 public:
  SceneFileError(std::string file, int line, int column, std::string field, std::string problem);
  const std::string& file() const { return file_; }
  int line() const { return line_; }      // 1-based; 0 = unknown
  int column() const { return column_; }  // 1-based; 0 = unknown
  const std::string& field() const { return field_; }  // dotted, e.g. "fit.lr"; empty = the file
  const std::string& problem() const { return problem_; }

 private:
  std::string file_, field_, problem_;
  int line_ = 0, column_ = 0;
};

// Parses a scene file's text; `source` names it in messages (a path, or "<lesson NAME>").
// Validates the fits (vi::Scene::validate) and every value. Throws SceneFileError.
SceneFile parse_scene_file(std::string_view text, const std::string& source);

// Reads and parses the file at `path` (name derived from the path). Throws SceneFileError
// (also for a file that cannot be read).
SceneFile load_scene_file(const std::string& path);

// The file's TOML text: every field, so a reader sees what can be changed, and the lesson text
// as a multi-line string.
std::string format_scene_file(const SceneFile& file);

// Writes format_scene_file(file) to `path` (through a temporary file and a rename, so a failed
// write leaves the old file). Throws SceneFileError naming the path and the system's reason.
void save_scene_file(const std::string& path, const SceneFile& file);

// "01-elbo-gap.toml" → "elbo-gap".
std::string scene_name_from_path(std::string_view path);

}  // namespace vilab
