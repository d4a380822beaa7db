// tests/fuzz/cli_generator.cpp — see cli_generator.hpp.
#include "tests/fuzz/cli_generator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace vilab::fuzz {

namespace {

// The names listed in CLI11's IsMember text, "TEXT:{adam,momentum,sgd}" → {adam, momentum, sgd}.
std::vector<std::string> choices_of(const std::string& type) {
  std::vector<std::string> out;
  const size_t open = type.find('{'), close = type.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open) return out;
  size_t start = open + 1;
  while (start <= close) {
    const size_t comma = std::min(type.find(',', start), close);
    out.push_back(type.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool contains(const std::string& s, const char* what) { return s.find(what) != std::string::npos; }

}  // namespace

CliGenerator::CliGenerator(uint64_t seed) : rng_(seed, 0xF022), grammar_(cli_grammar()) {}

const std::vector<std::vector<std::string>>& CliGenerator::corpus() {
  static const std::vector<std::vector<std::string>> lines = {
      {"list"},
      {"list", "--json"},
      {"run", "--steps", "5"},
      {"run", "--target", "banana", "--family", "planar", "--K", "8", "--steps", "3", "--json"},
      {"run", "--objective", "renyi:0.5", "--samples", "16", "--steps", "2"},
      {"run", "--objective", "forward-kl", "--sampling", "snis"},
      {"run", "--estimator", "score", "--baseline", "leave-one-out", "--lr", "0.01"},
      {"run", "--set", "rho=0.9", "--target", "correlated", "--seed", "7"},
      {"run", "--model", "logreg", "--set", "n=20", "--set", "feature=3", "--batch", "5"},
      {"run", "--model", "blr-wine", "--set", "sigma_y=0.5"},
      {"run", "--model", "normal-gamma", "--set", "n=50", "--steps", "3"},
      {"run", "--family", "mixture", "--components", "3", "--component", "meanfield", "--init-mean", "1", "-2"},
      {"run", "--lr-schedule", "decay", "--decay-kappa", "0.7", "--decay-tau", "100", "--anneal", "50"},
      {"gradvar", "--replicates", "2", "--samples", "1,4", "--estimator", "reparam,score"},
      {"grid", "paper-fig3", "--steps", "10", "--seeds", "1"},
      {"bench", "--only", "W1", "--repeats", "1"},
      {"bench", "--soak", "--soak-steps", "1000", "--json"},
      {"shot", "--out", "/tmp/x.png", "--compare", "planar:K=16", "--steps", "0"},
      {"gui", "--family", "realnvp", "--hidden", "16", "--layers", "2", "--play"},
      {"gui", "--compare", "meanfield", "--compare", "fullrank:objective=forward-kl"},
      {"--version"},
  };
  return lines;
}

size_t CliGenerator::below(size_t n) { return n == 0 ? 0 : std::min(n - 1, size_t(rng_.uniform() * double(n))); }
bool CliGenerator::chance(double p) { return rng_.uniform() < p; }

const CliSubcommand& CliGenerator::pick_subcommand() {
  return grammar_[1 + below(grammar_.size() - 1)];  // [0] is the top level: its flags are --help, --version
}

std::string CliGenerator::number() {
  static const char* const edges[] = {"nan", "-nan", "NaN", "inf", "-inf", "infinity", "1e308", "1e309", "-1e308",
                                      "-0", "0", "0.0", "1e-320", "4.9e-324", "2.2250738585072014e-308", "1", "-1",
                                      "0.5", "0.05", "1e-3", "2", "0x1p-3", "0x10", "1.", ".5", "+3", "1e", "1e+",
                                      "--1", "1,5", "1 ", " 1", "1.0.0", "٣", "1e99999", "0.999999999999999999"};
  if (chance(0.6)) return edges[below(std::size(edges))];
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", int(1 + below(17)), rng_.normal() * std::pow(10.0, double(below(12)) - 4));
  return buf;
}

std::string CliGenerator::integer() {
  static const char* const edges[] = {"0", "1", "-1", "2", "3", "16", "64", "65536", "65537", "2147483647",
                                      "2147483648", "-2147483648", "4294967296", "9223372036854775807",
                                      "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                                      "99999999999999999999999", "1099511627776", "1e3", "3.5", "0x10", "010", "+5",
                                      "-0", "5abc", " 7", "１"};
  if (chance(0.6)) return edges[below(std::size(edges))];
  return std::to_string(int64_t(below(100)) - 10);
}

std::string CliGenerator::text() {
  static const char* const edges[] = {"", " ", "=", "==", "a=b", "rho=", "=1", "rho=0.9", "rho=nan", "n=1e300", "feature=2.5", "sigma_y=0", "prior_sd=1e-300", "K=1e12", "dim=3",
                                      "K=3.5", "n=-5", "planar:K=16", "planar:", ":K=2", "planar:K=", "planar:K=2,",
                                      "realnvp:K=4,hidden=64", "fullrank:objective=forward-kl",
                                      "meanfield:objective=renyi,alpha=0", "mixture:components=99", "renyi:",
                                      "renyi:0.5", "renyi:nan", "renyi:1e400", "reverse-kl:1", "1,4,16,64", ",", "1,,2",
                                      "all", "reparam,score", "μσ∇‖", "\xff\xfe", "\xc3", "%s%n", "../../etc/passwd",
                                      "-", "--", "-x", "paper-fig3", "bimodal-reverse-forward", "/dev/null"};
  return edges[below(std::size(edges))];
}

std::string CliGenerator::noise() {
  std::string s(below(12), '\0');
  for (char& c : s) c = char(below(256));
  return s;
}

std::string CliGenerator::value_for(const CliFlag& flag) {
  const std::vector<std::string> choices = choices_of(flag.type);
  if (!choices.empty() && chance(0.75)) {
    std::string v = choices[below(choices.size())];
    if (chance(0.1)) v = v.substr(0, below(v.size() + 1));  // a near miss
    else if (chance(0.05)) v += "x";
    return v;
  }
  if (chance(0.05)) return noise();
  if (contains(flag.type, "INT")) return chance(0.85) ? integer() : text();
  if (contains(flag.type, "FLOAT") || contains(flag.type, "NUMBER")) return chance(0.85) ? number() : text();
  return chance(0.8) ? text() : number();
}

std::vector<std::string> CliGenerator::values_for(const CliFlag& flag) {
  std::vector<std::string> v;
  int n = flag.values;
  if (flag.name == "--init-mean") n = 2;
  for (int i = 0; i < n; ++i) v.push_back(value_for(flag));
  return v;
}

void CliGenerator::mutate(std::vector<std::string>& args) {
  const CliSubcommand& other = pick_subcommand();
  const size_t at = below(args.size() + 1);
  switch (below(9)) {
    case 0:  // drop a token (often a value: a flag left without one)
      if (!args.empty()) args.erase(args.begin() + std::ptrdiff_t(below(args.size())));
      break;
    case 1:  // repeat a flag with a fresh value
      if (!other.flags.empty()) {
        const CliFlag& f = other.flags[below(other.flags.size())];
        std::vector<std::string> add = {f.name};
        for (auto& v : values_for(f)) add.push_back(v);
        args.insert(args.begin() + std::ptrdiff_t(at), add.begin(), add.end());
      }
      break;
    case 2: {  // an unknown flag
      static const char* const unknown[] = {"--bogus", "-Z", "---steps", "--steps=", "--=", "-", "--", "--lr=0.1",
                                            "-n5", "-tbanana", "--json=1", "--help", "-h", "--version"};
      args.insert(args.begin() + std::ptrdiff_t(at), unknown[below(std::size(unknown))]);
      break;
    }
    case 3:  // swap two tokens
      if (args.size() >= 2) std::swap(args[below(args.size())], args[below(args.size())]);
      break;
    case 4:  // truncate a token
      if (!args.empty()) {
        std::string& a = args[below(args.size())];
        a = a.substr(0, below(a.size() + 1));
      }
      break;
    case 5:  // duplicate a token
      if (!args.empty()) args.insert(args.begin() + std::ptrdiff_t(at), args[below(args.size())]);
      break;
    case 6:  // random bytes
      args.insert(args.begin() + std::ptrdiff_t(at), noise());
      break;
    case 7:  // replace a token by an edge value
      if (!args.empty()) args[below(args.size())] = chance(0.5) ? number() : text();
      break;
    default:  // a subcommand word where it does not belong
      args.insert(args.begin() + std::ptrdiff_t(at), grammar_[1 + below(grammar_.size() - 1)].name);
      break;
  }
}

std::vector<std::string> CliGenerator::next() {
  std::vector<std::string> args;
  if (chance(0.4)) {
    args = corpus()[below(corpus().size())];
  } else {
    const CliSubcommand& sub = pick_subcommand();
    args.push_back(sub.name);
    const size_t n = below(7);
    for (size_t i = 0; i < n && !sub.flags.empty(); ++i) {
      const CliFlag& f = sub.flags[below(sub.flags.size())];
      if (f.name == "--help" || (f.name == "--soak" && chance(0.7))) continue;  // keep most inputs past the help text
      if (!f.positional) args.push_back(f.name);
      for (auto& v : values_for(f)) args.push_back(v);
    }
  }
  const size_t mutations = chance(0.3) ? 0 : 1 + below(3);
  for (size_t i = 0; i < mutations; ++i) mutate(args);
  return args;
}

}  // namespace vilab::fuzz
