// app/cli/scene_flags.hpp — the flags that describe one fit (target or model, family, optimizer,
// objective, …), shared by `run`, `shot`, `gui` and `gradvar`, and the step that turns them into
// a checked vi::Scene.
#pragma once

#include "app/io/scene_file.hpp"
#include "vi/core/types.hpp"
#include "vi/engine/scene.hpp"
#include "vi/models/models.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vilab {

struct SceneFlags {
  vi::Scene scene;
  std::vector<std::string> sets;  // "name=value" target parameter overrides
  bool mc_entropy = false;
  // The objective flags are checked by finish_scene (exit 2 with a message naming the flag), and
  // a flag the chosen objective would ignore is refused there when it was given explicitly.
  std::string objective;  // "reverse-kl", "forward-kl", "renyi" or "renyi:α"
  std::string alpha;      // Rényi α (text: parsed strictly)
  int iw = 0;             // --iw K: the importance samples of the Rényi/IWAE bound (sets S)
  std::string model;      // --model NAME: a model (vi/models/models.hpp) instead of a 2D target
  vi::ParamValues model_settings;  // --set values of a model not fitted by the families (finish_scene moves them here)
  std::string scene_path;         // --scene FILE: the fit (and, for gui/shot, the whole session) from a scene file
  std::string lesson;             // --lesson NAME: the same from a lesson of scenes/
  std::optional<SceneFile> file;  // … as read by finish_scene
  CLI::Option *target_opt = nullptr, *objective_opt = nullptr, *alpha_opt = nullptr, *estimator_opt = nullptr, *baseline_opt = nullptr,
              *sampling_opt = nullptr, *anneal_opt = nullptr, *mc_entropy_opt = nullptr, *iw_opt = nullptr,
              *samples_opt = nullptr;
};

// Which scene flags a subcommand takes. `gradvar` takes --samples and --estimator as lists (the
// S values and estimators to compare), so it asks for the scene flags without those and without
// --baseline and --sampling. `gui` and `shot` take --grid PRESET for the grid view, so the
// quadrature grid's flag is --quad-grid there; `run` keeps --grid as another name for it (it was
// its name before).
struct SceneFlagSet {
  bool for_gradvar = false;
  bool grid_is_quad_grid = false;
};
void add_scene_flags(CLI::App* app, SceneFlags& f, SceneFlagSet set = {});

// Applies --set, --mc-entropy and the objective flags and validates the whole scene (throws
// std::invalid_argument).
vi::Scene finish_scene(SceneFlags& f);

// The registry's entry of `name` when it is a model the engine's families do not fit (its own
// trainer, or CAVI): its --set values are its settings, not a Scene's; nullptr otherwise.
const vi::ModelInfo* own_fit_model(const std::string& name);

}  // namespace vilab
