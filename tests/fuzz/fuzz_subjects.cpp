// tests/fuzz/fuzz_subjects.cpp — the table of fuzz subjects (see fuzz_subjects.hpp).
#include "tests/fuzz/fuzz_subjects.hpp"

#include "app/cli/cli.hpp"
#include "app/io/scene_file.hpp"
#include "vi/targets/formula.hpp"

#include <cmath>
#include <memory>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace vilab::fuzz {

namespace {

// The CLI: parse and check, never run. A rejection must come with a non-zero exit and a message
// (help and version exit 0 and print to out).
void fuzz_cli(std::string_view bytes) {
  std::vector<std::string> args = split_args(bytes);
  args.insert(args.begin(), "vilab");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  const CliCheck c = check_cli(int(args.size()), argv.data(), out, err);
  if (c.valid) return;
  if (c.exit_code != 0 && err.str().empty())
    throw std::logic_error("check_cli rejected the input (exit " + std::to_string(c.exit_code) + ") without a message");
  if (c.exit_code == 0 && out.str().empty())
    throw std::logic_error("check_cli stopped with exit 0 but printed neither help nor version");
}

// A scene file's text: read and checked (app/io/scene_file.hpp). A rejection must be a SceneFileError
// that names the file and says what is wrong; any other exception is a finding.
void fuzz_scene(std::string_view bytes) {
  try {
    (void)parse_scene_file(bytes, "fuzz.toml");
  } catch (const SceneFileError& e) {
    if (e.problem().empty() || std::string_view(e.what()).substr(0, 9) != "fuzz.toml")
      throw std::logic_error(std::string("a scene file rejected without a proper message: '") + e.what() + "'");
  }
}

// A formula (vi/targets/formula.hpp) on the box [-4, 4]²: built, and when accepted evaluated with
// its gradient at a few points. A rejection must be std::invalid_argument saying "formula…"; an
// accepted formula must never give NaN (it is read as −∞).
void fuzz_formula(std::string_view bytes) {
  std::unique_ptr<vi::FormulaTarget> t;
  try {
    t = std::make_unique<vi::FormulaTarget>(std::string(bytes), vi::Box{-4, 4, -4, 4});
  } catch (const std::invalid_argument& e) {
    if (std::string_view(e.what()).rfind("formula", 0) != 0)
      throw std::logic_error(std::string("formula rejected without naming the formula: ") + e.what());
    return;
  }
  vi::Mat z(2, 4);
  z << 0, 1e-300, -3.9, 1e6, 0, -1e-300, 2.5, -1e6;
  vi::Vec lp(4);
  vi::Mat g(2, 4);
  t->eval(z, lp, &g);
  for (Eigen::Index s = 0; s < lp.size(); ++s)
    if (std::isnan(lp(s))) throw std::logic_error("an accepted formula gave NaN (it must read NaN as -inf)");
}

}  // namespace

const std::vector<Subject>& subjects() {
  static const std::vector<Subject> table = {
      {"cli", fuzz_cli},
      {"scene", fuzz_scene},
      {"formula", fuzz_formula},  // the bytes are the formula (tests/fuzz/formula_generator.hpp)
  };
  return table;
}

const Subject& subject(std::string_view name) {
  for (const auto& s : subjects())
    if (s.name == name) return s;
  throw std::invalid_argument("no fuzz subject named '" + std::string(name) + "'");
}

std::vector<std::string> split_args(std::string_view bytes) {
  std::vector<std::string> args;
  if (bytes.empty()) return args;
  size_t start = 0;
  for (;;) {
    const size_t nul = bytes.find('\0', start);
    args.emplace_back(bytes.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos) return args;
    start = nul + 1;
  }
}

std::string join_args(const std::vector<std::string>& args) {
  std::string bytes;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) bytes += '\0';
    bytes += args[i];
  }
  return bytes;
}

std::string describe(std::string_view bytes) {
  std::string text;
  for (const std::string& a : split_args(bytes)) {
    text += text.empty() ? "'" : " '";
    for (const unsigned char ch : a) {
      if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\') {
        text += char(ch);
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", ch);
        text += hex;
      }
    }
    text += "'";
  }
  return text;
}

}  // namespace vilab::fuzz
