// tests/fuzz/cli_generator.hpp — command lines for fuzzing vilab's parser.
//
// Starts from a corpus of valid command lines or builds one from the parser's own grammar
// (vilab::cli_grammar(): every subcommand's real flag names, so a new flag is fuzzed without
// touching this file), with values from generators that know the flag's type: numbers at the edges
// (nan, inf, 1e308, -0, 1e-320, huge integers, hex, trailing junk), the flag's allowed names
// (read from CLI11's "{a,b,c}" check text) and near-misses of them, empty strings, Unicode, random
// bytes. Then mutates: drops a value, repeats a flag, adds an unknown flag or another subcommand's
// flag, swaps, truncates or duplicates tokens. Deterministic for a seed.
#pragma once

#include "app/cli/cli.hpp"
#include "vi/core/rng.hpp"

#include <string>
#include <vector>

namespace vilab::fuzz {

class CliGenerator {
 public:
  explicit CliGenerator(uint64_t seed);

  // A new input: the arguments after "vilab".
  std::vector<std::string> next();
  // One token-level mutation of `args` in place.
  void mutate(std::vector<std::string>& args);

  // Valid command lines (each must pass check_cli: a test says so).
  static const std::vector<std::vector<std::string>>& corpus();

 private:
  size_t below(size_t n);  // uniform in [0, n)
  bool chance(double p);
  const CliSubcommand& pick_subcommand();
  std::vector<std::string> values_for(const CliFlag& flag);
  std::string value_for(const CliFlag& flag);
  std::string number();
  std::string integer();
  std::string text();
  std::string noise();

  vi::Rng rng_;
  std::vector<CliSubcommand> grammar_;
};

}  // namespace vilab::fuzz
