// tests/fuzz/scene_generator.hpp — scene files for fuzzing vilab's scene-file reader.
//
// Starts from valid scene files (the shipped lessons, a file that sets every key, a minimal one)
// and mutates them at three levels: lines (drop, duplicate, swap, a new [section] or [[compare]]
// header), values (a key's value replaced by one from a pool that knows TOML's edges: nan, inf,
// huge and negative integers, floats where integers go, strings, arrays of the wrong length,
// inline tables, dates, booleans) and keys (near misses of real keys, unknown keys, dotted keys),
// then sometimes bytes (truncation, random bytes, a stray quote or bracket). Deterministic for a
// seed.
#pragma once

#include "vi/core/rng.hpp"

#include <string>
#include <vector>

namespace vilab::fuzz {

class SceneGenerator {
 public:
  explicit SceneGenerator(uint64_t seed);

  // A new input: the text of a scene file, usually close to a valid one.
  std::string next();

  // Valid scene files (each must parse: a test says so).
  static const std::vector<std::string>& corpus();

 private:
  size_t below(size_t n);
  bool chance(double p);
  std::string value();
  std::string key();
  void mutate_lines(std::vector<std::string>& lines);

  vi::Rng rng_;
};

}  // namespace vilab::fuzz
