// tests/fuzz/formula_generator.cpp — see formula_generator.hpp.
#include "tests/fuzz/formula_generator.hpp"

#include "vi/targets/formula.hpp"

#include <algorithm>
#include <cstdio>

namespace vilab::fuzz {

namespace {

struct Function {
  const char* name;
  int arity;  // -1: any number ≥ 1
};

const Function kFunctions[] = {
    {"exp", 1},   {"ln", 1},       {"log", 1},      {"log2", 1},     {"log10", 1},   {"sqrt", 1},  {"abs", 1},
    {"sign", 1},  {"rint", 1},     {"sin", 1},      {"cos", 1},      {"tan", 1},     {"asin", 1},  {"acos", 1},
    {"atan", 1},  {"sinh", 1},     {"cosh", 1},     {"tanh", 1},     {"asinh", 1},   {"acosh", 1}, {"atanh", 1},
    {"min", -1},  {"max", -1},     {"sum", -1},     {"avg", -1},     {"lse", -1},    {"lse2", 2},  {"softplus", 1},
    {"logistic", 1}, {"log1p", 1}, {"expm1", 1},    {"atan2", 2},    {"lnormal", 3},
    {"foo", 1},   {"normal", 2},   {"pow", 2},  // unknown functions
};

const char* const kVariables[] = {"z1", "z2", "x", "y", "z1", "z2", "_pi", "_e", "w", "z3", "pi", "inf", "nan", "X"};
const char* const kBinary[] = {"+", "-", "*", "/", "^", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "+-", "**", "="};
const char* const kNoise[] = {"(", ")", ",", "?", ":", "=", "\"", "'", "\n", "\t", " ", "\x01", "\x7f", "\xff", "\xce\xb1",
                              "\xe2\x89\xa5", "\xc3", "..", "e", "1e", "e+", "#", ";", "[", "]", "{", "$", "\\", "0x1f"};

}  // namespace

FormulaGenerator::FormulaGenerator(uint64_t seed) : rng_(seed, 0xF0F0) {}

const std::vector<std::string>& FormulaGenerator::corpus() {
  static const std::vector<std::string> formulas = [] {
    std::vector<std::string> f = {"-0.5*(z1^2 + z2^2)", "z1 > 0 ? -z1 : -1e9", "lse(-z1^2, -z2^2, -(z1 - z2)^2)",
                                  "-abs(x) - abs(y)", "log(logistic(3*z1)) - softplus(z2) - z2^2",
                                  "-(atan2(z2, z1) - 1)^2 - (sqrt(x^2 + y^2) - 2)^2"};
    for (const auto& ex : vi::formula_examples()) f.push_back(ex.formula);
    return f;
  }();
  return formulas;
}

size_t FormulaGenerator::below(size_t n) { return n == 0 ? 0 : std::min(n - 1, size_t(rng_.uniform() * double(n))); }
bool FormulaGenerator::chance(double p) { return rng_.uniform() < p; }

std::string FormulaGenerator::number() {
  static const char* const edge[] = {"0", "1", "-1", "1e308", "1e-320", "1e999", "0.5", ".5", "5.", "1e", "2.5e-3",
                                     "123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "00.1"};
  if (chance(0.3)) return edge[below(std::size(edge))];
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", (rng_.uniform() - 0.5) * 20);
  return buf;
}

std::string FormulaGenerator::atom() {
  return chance(0.5) ? std::string(kVariables[below(std::size(kVariables))]) : number();
}

std::string FormulaGenerator::expression(int depth) {
  if (depth <= 0 || chance(0.25)) return atom();
  switch (below(5)) {
    case 0: {
      const Function& f = kFunctions[below(std::size(kFunctions))];
      int args = f.arity < 0 ? 1 + int(below(4)) : f.arity;
      if (chance(0.1)) args += chance(0.5) ? 1 : -1;  // the wrong number of arguments
      std::string s = std::string(f.name) + "(";
      for (int i = 0; i < args; ++i) {
        if (i) s += ", ";
        s += expression(depth - 1);
      }
      return s + ")";
    }
    case 1: {
      std::string s = "(";  // a named string and append: GCC 12 warns falsely (-Wrestrict) on "(" + …
      s += expression(depth - 1);
      s += ")";
      return s;
    }
    case 2: {
      std::string s = "-";
      s += expression(depth - 1);
      return s;
    }
    case 3: return expression(depth - 1) + " ? " + expression(depth - 1) + " : " + expression(depth - 1);
    default: return expression(depth - 1) + " " + kBinary[below(std::size(kBinary))] + " " + expression(depth - 1);
  }
}

void FormulaGenerator::mutate(std::string& f) {
  const size_t at = below(f.size() + 1);
  switch (below(6)) {
    case 0:
      if (!f.empty() && at < f.size()) f.erase(at, 1 + below(3));
      break;
    case 1: f.insert(at, kNoise[below(std::size(kNoise))]); break;
    case 2: f.insert(at, kBinary[below(std::size(kBinary))]); break;
    case 3:
      if (at < f.size()) f.insert(at, f.substr(at, 1 + below(8)));
      break;
    case 4:
      if (!f.empty()) std::swap(f[below(f.size())], f[below(f.size())]);
      break;
    default: f.insert(at, expression(1)); break;
  }
  if (f.size() > 6000) f.resize(6000);
}

std::string FormulaGenerator::next() {
  std::string f;
  const size_t pick = below(10);
  if (pick < 3) f = corpus()[below(corpus().size())];
  else if (pick < 9) f = expression(1 + int(below(5)));
  else {
    // Long or deeply nested inputs, near and over the length limit.
    const int depth = 1 + int(below(400));
    f = std::string(size_t(depth), '(') + "z1" + std::string(size_t(depth), ')');
    if (chance(0.3)) f = std::string(3990 + below(20), '1');
  }
  const size_t mutations = chance(0.4) ? 0 : 1 + below(4);
  for (size_t i = 0; i < mutations; ++i) mutate(f);
  return f;
}

}  // namespace vilab::fuzz
