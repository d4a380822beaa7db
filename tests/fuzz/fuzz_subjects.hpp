// tests/fuzz/fuzz_subjects.hpp — the parsers the fuzz tests feed, one table.
//
// A subject takes raw bytes and must return normally, whatever the bytes: accepting them or
// rejecting them with a message is fine; a crash, a hang, a sanitizer report or an exception
// escaping it is a finding. Both the bounded-time Catch test (tests/app/cli/test_cli_fuzz.cpp) and the
// libFuzzer target (tests/fuzz/fuzz_cli.cpp) run the subjects of this table, so a new parser (the
// scene files, the formulas) is one more entry here and is fuzzed by both.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace vilab::fuzz {

struct Subject {
  std::string name;
  // Throws std::logic_error when the parser broke its own contract without crashing (e.g. it
  // rejected an input without saying why); lets nothing else escape.
  std::function<void(std::string_view bytes)> run;
};

// "cli": the bytes are an argv (arguments separated by '\0', "vilab" prepended), parsed and checked
// by vilab::check_cli, which runs nothing. "formula": the bytes are a formula (vi/targets/formula.hpp)
// on the box [-4, 4]², built and, when accepted, evaluated with its gradient.
const std::vector<Subject>& subjects();
const Subject& subject(std::string_view name);

// argv ↔ bytes: arguments joined by '\0' (an empty input is no arguments).
std::vector<std::string> split_args(std::string_view bytes);
std::string join_args(const std::vector<std::string>& args);

// A printable form of an input for failure messages: arguments quoted, bytes outside ASCII
// printables as \xNN.
std::string describe(std::string_view bytes);

}  // namespace vilab::fuzz
