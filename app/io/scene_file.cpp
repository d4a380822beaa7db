// app/io/scene_file.cpp — reading and writing scene files (toml++ parses; we check every key).
//
// Index
// [SECTION] Errors
// [SECTION] Reading: typed values with their lines
// [SECTION] Reading: the sections
// [SECTION] Writing
// [SECTION] Files
#include "app/io/scene_file.hpp"

#include "vi/models/models.hpp"

#include "vi/core/check.hpp"
#include "vi/engine/fit_grid.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <system_error>

namespace vilab {

// [SECTION] Errors

namespace {

std::string error_text(const std::string& file, int line, int column, const std::string& field, const std::string& problem) {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  s += ": ";
  if (!field.empty()) s += field + ": ";
  s += problem;
  return s;
}

}  // namespace

SceneFileError::SceneFileError(std::string file, int line, int column, std::string field, std::string problem)
    : std::runtime_error(error_text(file, line, column, field, problem)),
      file_(std::move(file)),
      field_(std::move(field)),
      problem_(std::move(problem)),
      line_(line),
      column_(column) {}

std::string scene_name_from_path(std::string_view path) {
  std::string stem = std::filesystem::path(path).stem().string();
  // "01-elbo-gap" → "elbo-gap": a prefix of digits and a dash orders the library.
  size_t digits = 0;
  while (digits < stem.size() && stem[digits] >= '0' && stem[digits] <= '9') ++digits;
  if (digits > 0 && digits + 1 < stem.size() && stem[digits] == '-') stem.erase(0, digits + 1);
  return stem;
}

// [SECTION] Reading: typed values with their lines

namespace {

// Levenshtein distance, for "did you mean" on unknown keys.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true/false";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// Reads one table's keys: each get_* marks its key as known; finish() reports the first key no
// reader asked for, with the nearest known key as a suggestion.
class TableReader {
 public:
  TableReader(const std::string& file, const toml::table& table, std::string path)
      : file_(file), table_(table), path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::node* at, const std::string& key, const std::string& problem) const {
    const toml::source_region src = at ? at->source() : table_.source();
    throw SceneFileError(file_, int(src.begin.line), int(src.begin.column), field(key), problem);
  }
  std::string field(const std::string& key) const {
    if (key.empty()) return path_;
    return path_.empty() ? key : path_ + "." + key;
  }
  int line_of(const std::string& key) const {
    const toml::node* n = table_.get(key);
    return int((n ? n->source() : table_.source()).begin.line);
  }
  const toml::node* node(const std::string& key) {
    known_.insert(key);
    return table_.get(key);
  }

  bool get_bool(const std::string& key, bool& out) {
    const toml::node* n = node(key);
    if (!n) return false;
    if (!n->is_boolean()) fail(n, key, std::string("expected true or false, got ") + type_name(*n));
    out = n->as_boolean()->get();
    return true;
  }
  bool get_string(const std::string& key, std::string& out) {
    const toml::node* n = node(key);
    if (!n) return false;
    if (!n->is_string()) fail(n, key, std::string("expected a string in quotes, got ") + type_name(*n));
    out = n->as_string()->get();
    return true;
  }
  // A number (an integer is a number too). Non-finite values (TOML's inf, nan) are refused.
  bool get_double(const std::string& key, double& out) {
    const toml::node* n = node(key);
    if (!n) return false;
    out = number(n, key);
    return true;
  }
  double number(const toml::node* n, const std::string& key) const {
    double v = 0;
    if (n->is_integer()) v = double(n->as_integer()->get());
    else if (n->is_floating_point()) v = n->as_floating_point()->get();
    else fail(n, key, std::string("expected a number, got ") + type_name(*n));
    if (!std::isfinite(v)) fail(n, key, "expected a finite number, got " + vi::to_text(v));
    return v;
  }
  template <class Int>
  bool get_int(const std::string& key, Int& out, long long lo, long long hi) {
    const toml::node* n = node(key);
    if (!n) return false;
    if (!n->is_integer()) fail(n, key, std::string("expected a whole number, got ") + type_name(*n));
    const int64_t v = n->as_integer()->get();
    if (v < lo || v > hi)
      fail(n, key, "expected a whole number in " + std::to_string(lo) + " … " + std::to_string(hi) + ", got " + std::to_string(v));
    out = Int(v);
    return true;
  }
  // An array of exactly `count` numbers.
  bool get_numbers(const std::string& key, std::vector<double>& out, size_t count) {
    const toml::node* n = node(key);
    if (!n) return false;
    const std::string expected = "expected an array of " + std::to_string(count) + " numbers";
    if (!n->is_array()) fail(n, key, expected + ", got " + type_name(*n));
    const toml::array& a = *n->as_array();
    if (a.size() != count) fail(n, key, expected + ", got " + std::to_string(a.size()) + " elements");
    out.clear();
    for (const toml::node& e : a) out.push_back(number(&e, key));
    return true;
  }
  // [x0, x1, y0, y1] with x0 < x1 and y0 < y1.
  bool get_box(const std::string& key, vi::Box& out) {
    std::vector<double> v;
    if (!get_numbers(key, v, 4)) return false;
    if (!(v[0] < v[1]) || !(v[2] < v[3]))
      fail(table_.get(key), key, "expected [x0, x1, y0, y1] with x0 < x1 and y0 < y1, got [" + vi::to_text(v[0]) + ", " +
                                     vi::to_text(v[1]) + ", " + vi::to_text(v[2]) + ", " + vi::to_text(v[3]) + "]");
    out = {v[0], v[1], v[2], v[3]};
    return true;
  }
  // A sub-table (inline or not); nullptr when absent.
  const toml::table* get_table(const std::string& key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(n, key, std::string("expected a table, e.g. { name = value }, got ") + type_name(*n));
    return n->as_table();
  }

  // Reports the first key not asked for.
  void finish() const {
    for (const auto& [k, v] : table_) {
      const std::string key(k.str());
      if (known_.count(key)) continue;
      std::string best;
      size_t best_d = 3;  // suggest only near misses
      for (const std::string& cand : known_) {
        const size_t d = edit_distance(key, cand);
        if (d < best_d) best_d = d, best = cand;
      }
      std::vector<std::string> all(known_.begin(), known_.end());
      const toml::source_region src = v.source();
      throw SceneFileError(file_, int(src.begin.line), int(src.begin.column), field(key),
                           "unknown key" + (best.empty() ? std::string() : " (did you mean '" + best + "'?)") +
                               "; known here: " + vi::join(all));
    }
  }

  const toml::table& table() const { return table_; }

 private:
  const std::string& file_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string> known_;
};

// [SECTION] Reading: the sections


void read_family_options(const std::string& file, TableReader& r, vi::FamilyOptions& fo) {
  const toml::table* t = r.get_table("family_options");
  if (!t) return;
  TableReader o(file, *t, r.field("family_options"));
  // Every family's options (the scene's family is checked with the rest of the fit), with the
  // ranges of the families' tables.
  for (const vi::FamilyParam& p : vi::all_family_params())
    o.get_int(p.key(), fo.*p.field, (long long)p.spec.lo, (long long)p.spec.hi);
  for (const vi::FamilyChoice& c : vi::all_family_choices()) o.get_string(c.name, fo.*c.field);
  o.finish();
}

// The fields a comparison fit sets (Scene::compared_with takes them; the rest is the primary's).
void read_comparison(const std::string& file, TableReader& r, vi::Scene& s) {
  r.get_string("family", s.family);
  read_family_options(file, r, s.family_options);
  r.get_string("objective", s.objective);
  r.get_double("alpha", s.alpha);
  r.get_string("estimator", s.estimator);
  r.get_string("baseline", s.baseline);
  r.get_string("sampling", s.sampling);
}

// Scene::validate's messages name a field in words; the key it means, to point at its line.
std::string key_of_validation_message(const std::string& message) {
  static const std::pair<const char*, const char*> words_to_key[] = {
      {"unknown target", "target"},   {"formula", "formula"},         {"learning rate", "lr"},        {"samples S", "samples"},       {"anneal", "anneal"},
      {"optimizer", "optimizer"},     {"batch", "batch"},             {"lr schedule", "lr_schedule"},
      {"decay κ", "decay_kappa"},     {"decay τ", "decay_tau"},       {"initial mean", "init_mean"},
      {"initial log sd", "init_log_sd"}, {"metrics every", "metrics_every"}, {"metric samples", "metric_samples"},
      {"grid", "grid"},               {"gradient clip", "grad_clip"}, {"converge every", "converge_every"},
      {"converge window", "converge_window"}, {"converge tol", "converge_tol"},
      {"converge statistic", "converge_statistic"}, {"k̂ every", "khat_every"}, {"family", "family"},
      {"formula", "formula"},         {"objective", "objective"},     {"estimator", "estimator"},
      {"baseline", "baseline"},       {"sampling", "sampling"},       {"alpha", "alpha"},
      {"α", "alpha"},                 {"target", "target"}};
  for (const auto& [words, key] : words_to_key)
    if (message.find(words) != std::string::npos) return key;
  return {};
}

void validate_fit(const std::string& file, const TableReader& r, const vi::Scene& s, const std::string& what) {
  try {
    s.validate();
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (msg.rfind("scene: ", 0) == 0) msg.erase(0, 7);  // Scene::validate's prefix: the field says where
    const std::string key = key_of_validation_message(msg);
    const bool present = !key.empty() && r.table().get(key);
    throw SceneFileError(file, present ? r.line_of(key) : int(r.table().source().begin.line), 0,
                         present ? r.field(key) : r.field(""), what + msg);
  }
}

vi::Scene read_fit(const std::string& file, TableReader& r) {
  vi::Scene s;
  r.get_string("target", s.target);
  if (const toml::table* tp = r.get_table("target_params")) {
    for (const auto& [k, v] : *tp) s.target_params[std::string(k.str())] = r.number(&v, "target_params." + std::string(k.str()));
  }
  if (const toml::node* d = r.node("data")) {
    if (!d->is_array()) r.fail(d, "data", std::string("expected an array of [x, label] pairs, got ") + type_name(*d));
    for (const toml::node& e : *d->as_array()) {
      const toml::array* p = e.as_array();
      if (!p || p->size() != 2) r.fail(&e, "data", "expected each point as [x, label], a pair of numbers");
      s.data.push_back({r.number(p->get(0), "data"), r.number(p->get(1), "data")});
    }
  }
  r.get_string("formula", s.formula);
  r.get_box("formula_box", s.formula_box);
  read_comparison(file, r, s);  // the fields a comparison fit may set: the primary sets them too
  r.get_string("optimizer", s.optimizer);
  r.get_double("lr", s.lr);
  r.get_string("lr_schedule", s.lr_schedule);
  r.get_double("decay_kappa", s.decay_kappa);
  r.get_double("decay_tau", s.decay_tau);
  r.get_int("samples", s.samples, 1, 65536);
  r.get_int("batch", s.batch, 0, 1000000000);
  r.get_int("seed", s.seed, 0, std::numeric_limits<int64_t>::max());
  r.get_bool("analytic_entropy", s.analytic_entropy);
  r.get_int("anneal", s.anneal, 0, 100000000);
  std::vector<double> mean;
  if (r.get_numbers("init_mean", mean, 2)) s.init_mean_x = mean[0], s.init_mean_y = mean[1];
  r.get_double("init_log_sd", s.init_log_sd);
  r.get_int("metrics_every", s.metrics_every, 1, 1000000);
  r.get_int("metric_samples", s.metric_samples, 16, 1 << 20);
  r.get_int("grid", s.grid, 16, 2048);
  r.get_double("grad_clip", s.grad_clip);
  r.get_int("converge_every", s.converge_every, 0, 1000000);
  r.get_int("converge_window", s.converge_window, 1, 10000);
  r.get_double("converge_tol", s.converge_tol);
  r.get_string("converge_statistic", s.converge_statistic);
  r.get_bool("auto_stop", s.auto_stop);
  r.get_int("khat_every", s.khat_every, 0, 1000000);
  r.finish();
  validate_fit(file, r, s, "");
  return s;
}

void read_panels(const std::string& file, TableReader& r, ScenePanels& p) {
  for (const std::string& key : panel_window_keys()) {
    bool open = false;
    r.get_bool(key.c_str(), open);
    p.windows.set(key, open);
  }
  r.get_int("step_reveal", p.step_reveal, 0, 65536);
  r.get_bool("khat_plot", p.khat_plot);
  r.get_int("scrub_layer", p.scrub_layer, -1, vi::max_family_layers());
  if (r.get_string("grid", p.grid) && !p.grid.empty()) {
    const auto names = vi::fit_grid_names();
    if (std::find(names.begin(), names.end(), p.grid) == names.end())
      r.fail(r.table().get("grid"), "grid", "unknown grid preset '" + p.grid + "' (known: " + vi::join(names) + ")");
  }
  if (const toml::table* ms = r.get_table("model_settings")) {
    // Each name must be a setting of an open model window (the VAE's or the BNN's), in its range.
    std::vector<const vi::ParamSpec*> specs;
    std::vector<std::string> models;
    for (const vi::ModelInfo& tm : vi::model_registry()) {
      if (tm.kind != vi::ModelKind::Trainer) continue;
      models.push_back(tm.name + " = true");
      if (p.window(tm.name))
        for (const vi::ParamSpec& ps : tm.params) specs.push_back(&ps);
    }
    for (const auto& [k, v] : *ms) {
      const std::string name(k.str()), key = "model_settings." + name;
      const double x = r.number(&v, key);
      const auto it = std::find_if(specs.begin(), specs.end(), [&](const vi::ParamSpec* ps) { return ps->name == name; });
      if (it == specs.end()) {
        std::vector<std::string> allowed;
        for (const vi::ParamSpec* ps : specs) allowed.push_back(ps->name);
        r.fail(&v, key, allowed.empty() ? "model settings need " + vi::join(models, " or ") + " in [panels]"
                                        : "unknown setting (settings of the open models: " + vi::join(allowed) + ")");
      }
      if (x < (*it)->lo || x > (*it)->hi || ((*it)->integer && x != std::floor(x)))
        r.fail(&v, key, "expected " + std::string((*it)->integer ? "a whole number" : "a number") + " in " +
                            vi::to_text((*it)->lo) + " … " + vi::to_text((*it)->hi) + ", got " + vi::to_text(x));
      p.model_settings[name] = x;
    }
  }
  r.finish();
  (void)file;
}

}  // namespace

SceneFile parse_scene_file(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw SceneFileError(source, int(e.source().begin.line), int(e.source().begin.column), "",
                         "not valid TOML: " + std::string(e.description()));
  }
  SceneFile f;
  f.name = scene_name_from_path(source);
  TableReader top(source, root, "");
  const toml::node* version = top.node("vilab_scene");
  if (!version)
    throw SceneFileError(source, 1, 0, "vilab_scene",
                         "missing: a scene file starts with 'vilab_scene = 1' (the format's version; see scenes/README.md)");
  if (!version->is_integer() || version->as_integer()->get() != 1)
    top.fail(version, "vilab_scene",
             version->is_integer() && version->as_integer()->get() > 1
                 ? "format " + std::to_string(version->as_integer()->get()) + " is newer than this vilab reads (1)"
                 : "expected 1, the format's version");

  if (const toml::table* t = top.get_table("lesson")) {
    TableReader r(source, *t, "lesson");
    r.get_string("title", f.title);
    if (r.get_string("summary", f.summary) && f.summary.find('\n') != std::string::npos)
      r.fail(t->get("summary"), "summary", "expected one line (the lesson browser shows it); put the rest in text");
    r.get_string("text", f.text);
    r.finish();
  }
  const toml::table* fit = top.get_table("fit");
  if (fit) {
    TableReader r(source, *fit, "fit");
    f.scene = read_fit(source, r);
  } else {
    f.scene.validate();  // the defaults: always valid
  }
  if (const toml::node* c = top.node("compare")) {
    if (!c->is_array_of_tables())
      top.fail(c, "compare", "expected [[compare]] tables, one per fit beside the primary");
    const toml::array& arr = *c->as_array();
    if (arr.size() > size_t(kMaxCompare))
      top.fail(c, "compare", "at most " + std::to_string(kMaxCompare) + " comparison fits, got " + std::to_string(arr.size()));
    for (size_t i = 0; i < arr.size(); ++i) {
      TableReader r(source, *arr.get(i)->as_table(), "compare[" + std::to_string(i + 1) + "]");
      vi::Scene s = f.scene;
      read_comparison(source, r, s);
      r.finish();
      validate_fit(source, r, s.compared_with(f.scene), "");
      f.compare.push_back(s);
    }
  }
  if (const toml::table* t = top.get_table("run")) {
    TableReader r(source, *t, "run");
    r.get_bool("play", f.play);
    if (r.get_double("steps_per_s", f.steps_per_s) && (f.steps_per_s < 0 || f.steps_per_s > 1e7))
      r.fail(t->get("steps_per_s"), "steps_per_s", "expected 0 (as fast as possible) or a speed up to 1e7 steps/s");
    r.finish();
  }
  if (const toml::table* t = top.get_table("view")) {
    TableReader r(source, *t, "view");
    vi::Box b;
    if (r.get_box("box", b)) {
      if (b.width() > 1e6 || b.height() > 1e6 || b.width() < 1e-6 || b.height() < 1e-6)
        r.fail(t->get("box"), "box", "expected a box between 1e-6 and 1e6 wide and high");
      f.view_box = b;
    }
    DensityLayers& l = f.layers;
    r.get_bool("log_density", l.log_density);
    r.get_bool("q_contours", l.show_q_contours);
    r.get_bool("p_contours", l.show_p_contours);
    r.get_bool("samples", l.show_samples);
    r.get_bool("means", l.show_means);
    r.get_bool("optimum", l.show_optimum);
    r.get_bool("psis", l.show_psis);
    r.finish();
  }
  if (const toml::table* t = top.get_table("panels")) {
    TableReader r(source, *t, "panels");
    read_panels(source, r, f.panels);
  }
  top.finish();
  return f;
}

// [SECTION] Writing

namespace {

// The shortest text that reads back as the same double, always with a '.' or an exponent (TOML
// tells floats from integers by them).
std::string toml_double(double v) {
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".eE") == std::string::npos && s.find_first_of("ni") == std::string::npos) s += ".0";
  return s;
}

// A TOML string. Text with newlines (the lesson text) as a multi-line literal, so the file reads
// as the text does; anything else, or text a literal cannot hold, as a basic string with
// escapes. Not toml++'s formatter: 3.3 writes a multi-line literal even for text that contains
// three single quotes, and so a file it cannot read back (found by the round-trip test).
std::string toml_string(const std::string& s) {
  const auto is_control = [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  };
  const bool literal_ok = s.find('\n') != std::string::npos && s.find("'''") == std::string::npos && s.back() != '\'' &&
                          std::none_of(s.begin(), s.end(), [&](char c) { return is_control(c) && c != '\n' && c != '\t'; });
  if (literal_ok) return "'''\n" + s + "'''";  // the newline after the opening quotes is not part of the string
  std::string o = "\"";
  for (const char c : s) {
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else if (is_control(c)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
      o += buf;
    } else {
      o += c;
    }
  }
  return o + "\"";
}

// A bare key when it can be one, else quoted.
std::string toml_key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? k : toml_string(k);
}

std::string toml_bool(bool b) { return b ? "true" : "false"; }

std::string toml_box(const vi::Box& b) {
  return "[" + toml_double(b.x0) + ", " + toml_double(b.x1) + ", " + toml_double(b.y0) + ", " + toml_double(b.y1) + "]";
}

std::string toml_numbers(const std::map<std::string, double>& m) {
  std::string s = "{";
  for (const auto& [k, v] : m) s += (s.size() > 1 ? ", " : " ") + toml_key(k) + " = " + toml_double(v);
  return s + (m.empty() ? "}" : " }");
}

std::string toml_family_options(const vi::FamilyOptions& fo) {
  std::string s = "{";
  for (const vi::FamilyParam& p : vi::all_family_params())
    s.append(s.size() > 1 ? ", " : " ").append(p.key()).append(" = ").append(std::to_string(fo.*p.field));
  for (const vi::FamilyChoice& c : vi::all_family_choices())
    s.append(s.size() > 1 ? ", " : " ").append(c.name).append(" = ").append(toml_string(fo.*c.field));
  return s + " }";
}

void line(std::string& out, const char* key, const std::string& value) { out.append(key).append(" = ").append(value).append("\n"); }

}  // namespace

std::string format_scene_file(const SceneFile& f) {
  std::string o = "# A vilab scene file (format: scenes/README.md). Open it with File \u2192 Open scene\u2026,\n"
                  "# by dropping it on the window, or `vilab gui --scene FILE`.\n";
  line(o, "vilab_scene", "1");

  o += "\n[lesson]\n";
  line(o, "title", toml_string(f.title));
  line(o, "summary", toml_string(f.summary));
  line(o, "text", toml_string(f.text));

  const vi::Scene& s = f.scene;
  o += "\n[fit]\n";
  line(o, "target", toml_string(s.target));
  line(o, "target_params", toml_numbers(s.target_params));
  std::string data = "[";
  for (const vi::DataPoint& p : s.data) data += (data.size() > 1 ? ", [" : "[") + toml_double(p.x) + ", " + toml_double(p.y) + "]";
  line(o, "data", data + "]");
  line(o, "formula", toml_string(s.formula));
  line(o, "formula_box", toml_box(s.formula_box));
  line(o, "family", toml_string(s.family));
  line(o, "family_options", toml_family_options(s.family_options));
  line(o, "objective", toml_string(s.objective));
  line(o, "alpha", toml_double(s.alpha));
  line(o, "estimator", toml_string(s.estimator));
  line(o, "baseline", toml_string(s.baseline));
  line(o, "sampling", toml_string(s.sampling));
  line(o, "optimizer", toml_string(s.optimizer));
  line(o, "lr", toml_double(s.lr));
  line(o, "lr_schedule", toml_string(s.lr_schedule));
  line(o, "decay_kappa", toml_double(s.decay_kappa));
  line(o, "decay_tau", toml_double(s.decay_tau));
  line(o, "samples", std::to_string(s.samples));
  line(o, "batch", std::to_string(s.batch));
  line(o, "seed", std::to_string(s.seed));
  line(o, "analytic_entropy", toml_bool(s.analytic_entropy));
  line(o, "anneal", std::to_string(s.anneal));
  line(o, "init_mean", "[" + toml_double(s.init_mean_x) + ", " + toml_double(s.init_mean_y) + "]");
  line(o, "init_log_sd", toml_double(s.init_log_sd));
  line(o, "metrics_every", std::to_string(s.metrics_every));
  line(o, "metric_samples", std::to_string(s.metric_samples));
  line(o, "grid", std::to_string(s.grid));
  line(o, "grad_clip", toml_double(s.grad_clip));
  line(o, "converge_every", std::to_string(s.converge_every));
  line(o, "converge_window", std::to_string(s.converge_window));
  line(o, "converge_tol", toml_double(s.converge_tol));
  line(o, "converge_statistic", toml_string(s.converge_statistic));
  line(o, "auto_stop", toml_bool(s.auto_stop));
  line(o, "khat_every", std::to_string(s.khat_every));

  for (const vi::Scene& c : f.compare) {
    o += "\n[[compare]]\n";
    line(o, "family", toml_string(c.family));
    line(o, "family_options", toml_family_options(c.family_options));
    line(o, "objective", toml_string(c.objective));
    line(o, "alpha", toml_double(c.alpha));
    line(o, "estimator", toml_string(c.estimator));
    line(o, "baseline", toml_string(c.baseline));
    line(o, "sampling", toml_string(c.sampling));
  }

  o += "\n[run]\n";
  line(o, "play", toml_bool(f.play));
  line(o, "steps_per_s", toml_double(f.steps_per_s));

  o += "\n[view]\n";
  if (f.view_box) line(o, "box", toml_box(*f.view_box));
  const DensityLayers& l = f.layers;
  line(o, "log_density", toml_bool(l.log_density));
  line(o, "q_contours", toml_bool(l.show_q_contours));
  line(o, "p_contours", toml_bool(l.show_p_contours));
  line(o, "samples", toml_bool(l.show_samples));
  line(o, "means", toml_bool(l.show_means));
  line(o, "optimum", toml_bool(l.show_optimum));
  line(o, "psis", toml_bool(l.show_psis));

  const ScenePanels& p = f.panels;
  o += "\n[panels]\n";
  for (const std::string& key : panel_window_keys()) line(o, key.c_str(), toml_bool(p.window(key)));
  line(o, "step_reveal", std::to_string(p.step_reveal));
  line(o, "khat_plot", toml_bool(p.khat_plot));
  line(o, "scrub_layer", std::to_string(p.scrub_layer));
  line(o, "grid", toml_string(p.grid));
  line(o, "model_settings", toml_numbers(p.model_settings));
  return o;
}

// [SECTION] Files

SceneFile load_scene_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw SceneFileError(path, 0, 0, "", "is a folder, not a scene file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw SceneFileError(path, 0, 0, "", std::string("cannot be read: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw SceneFileError(path, 0, 0, "", "cannot be read");
  const std::string s = text.str();
  if (s.size() > (8u << 20)) throw SceneFileError(path, 0, 0, "", "is larger than 8 MiB: not a scene file");
  return parse_scene_file(s, path);
}

void save_scene_file(const std::string& path, const SceneFile& file) {
  const std::string text = format_scene_file(file);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw SceneFileError(path, 0, 0, "", std::string("cannot be written: ") + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      throw SceneFileError(path, 0, 0, "", "cannot be written (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    throw SceneFileError(path, 0, 0, "", "cannot be written: " + ec.message());
  }
}

const std::vector<std::string>& panel_window_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k{"gradvar", "step_through", "landscape", "normal_gamma", "gmm"};
    for (const vi::ModelInfo& m : vi::model_registry())
      if (m.kind == vi::ModelKind::Trainer) k.push_back(m.name);
    return k;
  }();
  return keys;
}

std::vector<vi::Scene> comparison_scenes(const vi::Scene& primary, const std::vector<vi::Scene>& compare) {
  std::vector<vi::Scene> out;
  for (const vi::Scene& c : compare) out.push_back(c.compared_with(primary));  // the annealing and entropy too
  return out;
}

}  // namespace vilab
