// app/io/lessons.cpp — the lesson library, parsed once from the embedded scenes/*.toml.
#include "app/io/lessons.hpp"

#include "vi/core/check.hpp"

#include <stdexcept>

namespace vilab {

const std::vector<SceneFile>& lessons() {
  // A magic static: parsed once, thread-safe. The tests parse every shipped file, so a throw here
  // is a defect caught before release.
  static const std::vector<SceneFile> all = [] {
    std::vector<SceneFile> v;
    for (const vi::detail::EmbeddedFile& f : detail::embedded_scene_files()) {
      const std::string name(f.name);
      v.push_back(parse_scene_file(f.text, "scenes/" + name));
    }
    return v;
  }();
  return all;
}

std::string lesson_names() {
  std::vector<std::string> names;
  for (const SceneFile& l : lessons()) names.push_back(l.name);
  return vi::join(names);
}

const SceneFile& find_lesson(std::string_view name) {
  for (const SceneFile& l : lessons())
    if (l.name == name) return l;
  throw std::invalid_argument("lesson: unknown lesson '" + std::string(name) + "' (known: " + lesson_names() + ")");
}

}  // namespace vilab
