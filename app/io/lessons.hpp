// app/io/lessons.hpp — the lesson library: the scene files of scenes/, compiled into the binary.
//
// cmake/embed_files.cmake embeds scenes/*.toml at build time, so `vilab gui --lesson NAME`, the
// lesson browser and the tests read the same bytes from any working directory. Lessons are in
// the order of their files' "NN-" prefixes; keys 1–9 open the first nine.
#pragma once

#include "app/io/scene_file.hpp"
#include "vi/models/datasets.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vilab {

// Every lesson, parsed once (thread-safe), in file order. A shipped lesson that does not parse
// is a build defect: the tests parse every one; here it throws SceneFileError.
const std::vector<SceneFile>& lessons();

// The lesson named `name` (its file's stem without the "NN-" prefix); throws
// std::invalid_argument naming it and the allowed names.
const SceneFile& find_lesson(std::string_view name);

// The lessons' names, comma-separated (for help texts and error messages).
std::string lesson_names();

namespace detail {
// The lesson files' names ("01-elbo-gap.toml") and texts, as embedded (generated at configure
// time by cmake/embed_files.cmake).
const std::vector<vi::detail::EmbeddedFile>& embedded_scene_files();
}  // namespace detail

}  // namespace vilab
