// tests/fuzz/scene_generator.cpp — see scene_generator.hpp.
#include "tests/fuzz/scene_generator.hpp"

#include "app/io/lessons.hpp"
#include "app/io/scene_file.hpp"

#include <algorithm>
#include <iterator>

namespace vilab::fuzz {

namespace {

// Every key the format has (scenes/README.md), for replacements and near misses.
const char* const kKeys[] = {
    "vilab_scene", "title", "summary", "text", "target", "target_params", "data", "formula", "formula_box", "family",
    "family_options", "K", "hidden", "depth", "rank", "components", "component", "objective", "alpha", "estimator",
    "baseline", "sampling", "optimizer", "lr", "lr_schedule", "decay_kappa", "decay_tau", "samples", "batch", "seed",
    "analytic_entropy", "anneal", "init_mean", "init_log_sd", "metrics_every", "metric_samples", "grid", "grad_clip",
    "converge_every", "converge_window", "converge_tol", "converge_statistic", "auto_stop", "khat_every", "play",
    "steps_per_s", "box", "log_density", "q_contours", "p_contours", "means", "optimum", "psis", "gradvar",
    "step_through", "step_reveal", "landscape", "khat_plot", "scrub_layer", "normal_gamma", "gmm", "vae", "bnn",
    "model_settings", "beta", "rho"};

const char* const kValues[] = {
    "0", "1", "-1", "2", "64", "65536", "65537", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
    "0x10", "0o7", "0b1", "1_000", "0.0", "-0.0", "1e-320", "1e308", "1e309", "-1e309", "inf", "-inf", "nan", "+nan",
    "0.05", "3.5", "1.", ".5", "true", "false", "True", "\"\"", "\"banana\"", "\"meanfield\"", "\"fullrank\"",
    "\"planar\"", "\"realnvp\"", "\"mixture\"", "\"funnel\"", "\"blr-wine\"", "\"logreg\"", "\"formula\"", "\"forward-kl\"",
    "\"renyi\"", "\"score\"", "\"stl\"", "\"snis\"", "\"decay\"", "\"median\"", "\"paper-fig3\"", "\"\\u00e9\"",
    "\"\\ud800\"", "\"a\\nb\"", "'''x'''", "\"\"\"\nmulti\n\"\"\"", "[]", "[1]", "[1, 2]", "[1, 2, 3, 4]", "[4, 3, 2, 1]",
    "[1e9, -1e9, 0, 1]", "[[1, 0], [2, 1]]", "[[1]]", "[\"a\", 1]", "{}", "{ K = 4 }", "{ K = 100 }", "{ rho = 0.9 }",
    "{ beta = 3 }", "{ a = { b = 1 } }", "1979-05-27", "07:32:00", "1979-05-27T07:32:00Z", "\"-0.5*(z1^2+z2^2)\""};

const char* const kHeaders[] = {"[lesson]", "[fit]", "[run]", "[view]", "[panels]", "[[compare]]", "[fit.family_options]",
                                "[fit.target_params]", "[[fit]]", "[panels.model_settings]", "[a.b.c]", "[]", "[fit"};

const char* const kNoise[] = {"\"", "'", "[", "]", "{", "}", "=", "#", "\n", "\\", ".", ",", "\x00", "\xff", "\xe2\x80", "\t"};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    if (nl == std::string::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

SceneGenerator::SceneGenerator(uint64_t seed) : rng_(seed, 7) {}

size_t SceneGenerator::below(size_t n) { return n ? size_t(rng_.next_u64() % n) : 0; }
bool SceneGenerator::chance(double p) { return rng_.uniform() < p; }

std::string SceneGenerator::value() { return kValues[below(std::size(kValues))]; }

std::string SceneGenerator::key() {
  std::string k = kKeys[below(std::size(kKeys))];
  switch (below(6)) {
    case 0: if (!k.empty()) k.erase(below(k.size()), 1); break;         // a letter missing
    case 1: k.insert(below(k.size() + 1), 1, char('a' + below(26))); break;  // one too many
    case 2: k = "fit." + k; break;                                      // dotted
    case 3: k = "\"" + k + "\""; break;                                 // quoted
    default: break;                                                     // a real key
  }
  return k;
}

void SceneGenerator::mutate_lines(std::vector<std::string>& lines) {
  if (lines.empty()) lines.emplace_back();
  const size_t i = below(lines.size());
  switch (below(9)) {
    case 0: lines.erase(lines.begin() + long(i)); break;
    case 1: lines.insert(lines.begin() + long(i), lines[i]); break;  // a duplicate key or section
    case 2: std::swap(lines[i], lines[below(lines.size())]); break;
    case 3: lines.insert(lines.begin() + long(i), kHeaders[below(std::size(kHeaders))]); break;
    case 4: lines.insert(lines.begin() + long(i), key() + " = " + value()); break;
    case 5: {  // the value of an existing key replaced
      const size_t eq = lines[i].find(" = ");
      if (eq != std::string::npos) lines[i] = lines[i].substr(0, eq + 3) + value();
      else lines[i] = key() + " = " + value();
      break;
    }
    case 6: {  // the key of an existing line replaced
      const size_t eq = lines[i].find(" = ");
      if (eq != std::string::npos) lines[i] = key() + lines[i].substr(eq);
      break;
    }
    case 7: lines[i].insert(below(lines[i].size() + 1), kNoise[below(std::size(kNoise))]); break;
    default: if (!lines[i].empty()) lines[i].resize(below(lines[i].size())); break;
  }
}

std::string SceneGenerator::next() {
  const auto& base = corpus();
  std::vector<std::string> lines = split_lines(base[below(base.size())]);
  const int mutations = 1 + int(below(4));
  for (int m = 0; m < mutations; ++m) mutate_lines(lines);
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  if (chance(0.05)) text.resize(below(text.size() + 1));  // cut anywhere, even in a UTF-8 sequence
  if (chance(0.03))
    for (int k = 0; k < 8; ++k) text.insert(below(text.size() + 1), 1, char(rng_.next_u64() & 0xff));
  return text;
}

const std::vector<std::string>& SceneGenerator::corpus() {
  static const std::vector<std::string> files = [] {
    std::vector<std::string> v;
    v.emplace_back("vilab_scene = 1\n");
    SceneFile every;  // every section written, with comparison fits, a view box and a model window
    every.title = "every key";
    every.text = "line one\nline two\n";
    every.scene.target = "banana";
    every.scene.target_params = {{"b", 0.5}};
    vi::Scene mf = every.scene;
    mf.family = "meanfield";
    every.compare = {mf};
    every.view_box = vi::Box{-3, 3, -2, 5};
    every.panels.windows.set("vae", true);
    every.panels.model_settings = {{"beta", 2}};
    v.push_back(format_scene_file(every));
    SceneFile logreg;
    logreg.scene.target = "logreg";
    logreg.scene.data = {{0.5, 1}, {-1, 0}};
    v.push_back(format_scene_file(logreg));
    for (const vi::detail::EmbeddedFile& f : detail::embedded_scene_files()) v.emplace_back(f.text);
    return v;
  }();
  return files;
}

}  // namespace vilab::fuzz
