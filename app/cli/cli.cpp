// app/cli/cli.cpp — the command line: the table of subcommands (one file each, app/cli/*.cpp)
// and the three steps cli_main takes — parse (CLI11), prepare (build and check what the chosen
// subcommand needs), execute. check_cli stops after prepare, so nothing it checks can start a
// fit, a window or a file.
#include "app/cli/cli.hpp"

#include "app/cli/subcommand.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <ostream>
#include <stdexcept>
#include <string_view>

namespace vilab {

namespace {

// The subcommands, in the order `vilab --help` lists them: adding one is its file and one line.
struct SubcommandEntry {
  const char* name;
  const char* alias;  // another name for it, or nullptr
  const char* summary;
  std::unique_ptr<Subcommand> (*make)();
};
const SubcommandEntry kSubcommands[] = {
    {"list", nullptr, "list targets, families, optimizers, objectives and estimators", make_list_command},
    {"run", nullptr, "run one fit headless and print its result", make_run_command},
    {"shot", nullptr, "run N steps in the app and save the window as PNG", make_shot_command},
    {"bench", nullptr, "time fixed workloads (W1 planar/U1, W2 mean-field/banana, W3 RealNVP/two-moons)", make_bench_command},
    {"gradvar", "grad-variance", "variance of the gradient estimators at one φ, against S", make_gradvar_command},
    {"grid", nullptr, "train a grid preset headless and print its KL(q‖p) table", make_grid_command},
    {"gui", nullptr, "open the app on the scene the flags describe", make_gui_command},
};

// The whole command line: the CLI11 parser and, for each subcommand, its sub-app and the object
// that owns its flags. Not copyable or movable: CLI11 holds pointers into the subcommands.
class CommandLine {
 public:
  // Adds every subcommand, and the flags of `only` (a subcommand's name; "*": of all of them).
  // CLI11 spends most of a parse adding the ~200 flags, and the fuzz test parses 100k command
  // lines: see subcommand_named for why the others' flags are never needed.
  explicit CommandLine(std::string_view only = "*") {
    app_.set_version_flag("--version", std::string("vilab ") + VILAB_VERSION);
    app_.require_subcommand(0, 1);
    for (const SubcommandEntry& e : kSubcommands) {
      CLI::App* sub = app_.add_subcommand(e.name, e.summary);
      if (e.alias) sub->alias(e.alias);
      std::unique_ptr<Subcommand> command = e.make();
      if (only == "*" || only == e.name) command->add_flags(*sub);
      subs_.push_back({sub, std::move(command)});
    }
  }
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  // Parses argv. Returns −1 when a subcommand (or the app) is ready for prepare(), else the exit
  // code of what parsing already did: help or version printed to `out` (0), or a one-line error
  // naming the flag printed to `err` (non-zero).
  int parse(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    try {
      app_.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app_.exit(e, out, err);
    } catch (const CLI::CallForAllHelp& e) {
      return app_.exit(e, out, err);
    } catch (const CLI::CallForVersion& e) {
      return app_.exit(e, out, err);
    } catch (const CLI::ParseError& e) {
      // One line naming the flag and what is allowed, then a non-zero exit.
      err << where() << ": " << e.what() << " (see '" << where() << " --help')\n";
      return e.get_exit_code() ? e.get_exit_code() : 2;
    } catch (const std::exception& e) {
      // A flag's own callback refused its value (e.g. --init-mean's numbers).
      err << where() << ": " << e.what() << "\n";
      return 2;
    }
    return -1;
  }

  // Everything the parsed subcommand needs, built and checked without running it. Throws
  // std::invalid_argument naming the flag.
  void prepare() {
    if (Subcommand* c = parsed()) c->prepare();
  }

  // Runs what prepare() built; with no subcommand, the app. Throws std::invalid_argument for what
  // only running can find.
  int execute() {
    if (Subcommand* c = parsed()) return c->execute();
    return open_default_app();
  }

  // "vilab run": the words of the parsed command, for messages.
  std::string where() const {
    std::string w = "vilab";
    for (const auto* sub : app_.get_subcommands()) w += " " + sub->get_name();
    return w;
  }

  // The parsed subcommand's name ("" for the app with no arguments).
  std::string command() const {
    const auto subs = app_.get_subcommands();
    return subs.empty() ? std::string() : subs.front()->get_name();
  }

  // Every subcommand's flags as the parser knows them (for the fuzz tests' generators).
  std::vector<CliSubcommand> grammar() const {
    std::vector<CliSubcommand> out;
    const auto flags_of = [](const CLI::App& a) {
      std::vector<CliFlag> flags;
      for (const CLI::Option* o : a.get_options()) {
        CliFlag f;
        f.positional = !o->nonpositional();
        f.name = f.positional ? o->get_name() : (o->get_lnames().empty() ? "-" + o->get_snames().front()
                                                                         : "--" + o->get_lnames().front());
        f.values = o->get_type_size_max() == 0 ? 0 : std::max(1, o->get_type_size_max());
        f.type = o->get_type_name();
        flags.push_back(std::move(f));
      }
      return flags;
    };
    out.push_back({"", flags_of(app_)});
    for (const CLI::App* sub : app_.get_subcommands([](const CLI::App*) { return true; }))
      out.push_back({sub->get_name(), flags_of(*sub)});
    return out;
  }

  // The subcommand argv names, for the constructor's `only`: the first argument that is a
  // subcommand's name or alias ("none" when no argument is). The top level takes no option with a
  // value (only --help and --version), and a command line holds at most one subcommand, so this is
  // the subcommand CLI11 will parse; the other subcommands' flags can never be reached.
  static std::string subcommand_named(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i)
      for (const SubcommandEntry& e : kSubcommands)
        if (argv[i] && (std::string_view(argv[i]) == e.name || (e.alias && std::string_view(argv[i]) == e.alias)))
          return e.name;
    return "none";
  }

 private:
  // The subcommand CLI11 parsed, or nullptr (no arguments: the app).
  Subcommand* parsed() const {
    for (const auto& s : subs_)
      if (s.app->parsed()) return s.command.get();
    return nullptr;
  }

  struct Entry {
    CLI::App* app;
    std::unique_ptr<Subcommand> command;
  };
  CLI::App app_{"vilab — a live laboratory for variational inference.\n"
                "With no arguments, opens the app on its default scene."};
  std::vector<Entry> subs_;
};

}  // namespace

int cli_main(int argc, char** argv) {
  CommandLine cl(CommandLine::subcommand_named(argc, argv));
  const int parsed = cl.parse(argc, argv, std::cout, std::cerr);
  if (parsed >= 0) return parsed;
  try {
    cl.prepare();
    return cl.execute();
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", cl.where().c_str(), e.what());
    return 2;
  }
}

std::vector<CliSubcommand> cli_grammar() {
  const CommandLine cl;
  return cl.grammar();
}

CliCheck check_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CommandLine cl(CommandLine::subcommand_named(argc, argv));
  CliCheck c;
  const int parsed = cl.parse(argc, argv, out, err);
  c.command = cl.command();
  if (parsed >= 0) {
    c.exit_code = parsed;
    return c;
  }
  try {
    cl.prepare();
  } catch (const std::invalid_argument& e) {
    err << cl.where() << ": " << e.what() << "\n";
    c.exit_code = 2;
    return c;
  }
  c.valid = true;
  return c;
}

}  // namespace vilab
