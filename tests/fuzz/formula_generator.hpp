// tests/fuzz/formula_generator.hpp — formulas for fuzzing the formula parser (vi/targets/formula.hpp).
//
// Builds random expressions from the formula grammar (numbers at the edges, z1 z2 x y, unknown
// names, every function with the right and the wrong number of arguments, operators, ?:, nested
// parentheses) or takes a corpus formula, then mutates characters: deletes, duplicates, swaps,
// inserts operators, brackets, commas, '=', quotes, control bytes, UTF-8 and invalid bytes.
// Deterministic for a seed. The fuzz subject "formula" (fuzz_subjects.hpp) reads the bytes as
// the formula on the box [-4, 4]².
#pragma once

#include "vi/core/rng.hpp"

#include <string>
#include <vector>

namespace vilab::fuzz {

class FormulaGenerator {
 public:
  explicit FormulaGenerator(uint64_t seed);

  // A new formula (often valid, often broken).
  std::string next();
  // One character-level mutation of `f` in place.
  void mutate(std::string& f);

  // Valid formulas (each must build: a test says so).
  static const std::vector<std::string>& corpus();

 private:
  size_t below(size_t n);
  bool chance(double p);
  std::string expression(int depth);
  std::string atom();
  std::string number();

  vi::Rng rng_;
};

}  // namespace vilab::fuzz
