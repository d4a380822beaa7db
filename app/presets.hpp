// app/presets.hpp — lessons: a scene, the fits beside it, and how to start, under one name.
//
// A preset opens a ready-made lesson: the controls' "Lessons" section lists them, and
// GuiOptions::preset (the CLI's --preset) opens one at start. A plain list in one file for now;
// scene files (scenes/) will hold lessons later.
#pragma once

#include "vi/scene.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vilab {

struct Preset {
  std::string name;               // what --preset takes, e.g. "bimodal-reverse-forward"
  std::string title;              // what the Lessons list shows, e.g. "bimodal: reverse vs forward KL"
  std::string summary;            // what the lesson shows (the tooltip)
  vi::Scene scene;                // the primary fit
  std::vector<vi::Scene> compare; // fits beside it (≤ 3): each brings its family and objective
                                  // (Scene::compared_with), the rest is the primary's
  // As in GuiOptions:
  bool play = true;               // start playing at once
  double steps_per_s = 100;       // the speed limit (0 = as fast as possible)
};

// Every preset, in the order the Lessons list shows them.
const std::vector<Preset>& presets();

// The preset named `name`; throws std::invalid_argument naming it and the allowed names.
const Preset& find_preset(std::string_view name);

// The presets' names, comma-separated (for help texts and error messages).
std::string preset_names();

}  // namespace vilab
