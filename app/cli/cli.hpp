// app/cli/cli.hpp — the command line's entry points: cli_main, check_cli (parse and check only) and
// the grammar for the fuzz tests. The subcommands: app/cli/subcommand.hpp.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace vilab {

// The program: parses argv, checks it, runs the subcommand; returns the exit code (2 = bad input,
// said in one line on stderr).
int cli_main(int argc, char** argv);

// What check_cli found.
struct CliCheck {
  bool valid = false;   // parsed and checked: cli_main would now run `command`
  int exit_code = 0;    // when not valid: what cli_main would return (0 after --help or --version)
  std::string command;  // the subcommand ("list", "run", …), "" for the app with no arguments
};

// cli_main's parse step alone: argv parsed and everything the subcommand needs built and checked
// (its scene, a model's --set values, gradvar's lists, lesson/grid/comparison names), but nothing
// run — no fit, no window, no file. Help and version text go to `out`, the one-line error to
// `err`. Bad input must come back as valid = false with a message; anything else (a crash, an
// exception other than these, a hang) is a bug. The fuzz tests (tests/app/cli/test_cli_fuzz.cpp,
// tests/fuzz/fuzz_cli.cpp) call it.
CliCheck check_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

// The parser's grammar, for generators of command lines (the fuzz tests): each subcommand (the
// first entry, "", is the top level) with its flags.
struct CliFlag {
  std::string name;         // "--lr", "-t" (its first long name if it has one), or a positional's name
  bool positional = false;
  int values = 0;           // values it takes (0: a flag such as --json)
  std::string type;         // CLI11's type text with its checks, e.g. "FLOAT:NUMBER > 0", "TEXT:{adam,sgd}"
};
struct CliSubcommand {
  std::string name;
  std::vector<CliFlag> flags;
};
std::vector<CliSubcommand> cli_grammar();

}  // namespace vilab
