// app/io/fit_spec.cpp — see fit_spec.hpp.
#include "app/io/fit_spec.hpp"

#include "vi/families/family.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace vilab {

std::string fit_label(const vi::Scene& scene) {
  const vi::FamilyOptions& o = scene.family_options;
  auto uses = [&](std::string_view option) { return vi::family_uses(scene.family, option); };
  // Appended piece by piece ("literal" + std::string trips a false GCC 12 -Wrestrict).
  std::string label = scene.family;
  if (uses("rank")) label.append(" r=").append(std::to_string(o.rank));
  if (uses("components"))
    label.append(" K=").append(std::to_string(o.components)).append(o.component == "meanfield" ? " diag" : " full");
  if (uses("K")) label.append(" K=").append(std::to_string(o.K));
  if (uses("hidden")) label.append(" ").append(std::to_string(o.hidden)).append("\u00D7").append(std::to_string(o.depth));
  return label;
}

std::string objective_short_label(const vi::Scene& scene) {
  std::string label;
  if (scene.objective == "forward-kl") {
    // Forward KL has no estimator to choose; how p is drawn is what varies.
    label = scene.sampling == "snis" ? "forward KL (SNIS)" : "forward KL";
    return label;
  }
  if (scene.objective == "renyi") {
    char alpha[32];
    std::snprintf(alpha, sizeof alpha, "%.3g", scene.alpha);
    label = scene.alpha == 0 ? std::string("IWAE (\u03B1 = 0)") : std::string("R\u00E9nyi \u03B1 = ").append(alpha);
  } else {
    label = scene.objective == "reverse-kl" ? "reverse KL" : scene.objective;
  }
  if (scene.estimator == "score") label.append(scene.baseline == "leave-one-out" ? " \u00B7 score + LOO" : " \u00B7 score");
  else if (scene.estimator == "stl") label.append(" \u00B7 STL");
  return label;
}

std::string fit_title(const vi::Scene& scene) {
  std::string title = fit_label(scene);
  title.append(" \u00B7 ").append(objective_short_label(scene));
  return title;
}

namespace {

[[noreturn]] void bad_spec(std::string_view spec, const std::string& why) {
  throw std::invalid_argument("compare '" + std::string(spec) + "': " + why);
}

int parse_int(std::string_view spec, std::string_view key, std::string_view text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    bad_spec(spec, std::string(key) + " must be an integer, got '" + std::string(text) + "'");
  return v;
}

double parse_double(std::string_view spec, std::string_view key, std::string_view text) {
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size())
    bad_spec(spec, std::string(key) + " must be a number, got '" + std::string(text) + "'");
  return v;
}

// `value` if it is one of `allowed`, else an error naming them.
std::string member(std::string_view spec, std::string_view key, std::string_view value,
                   const std::vector<std::string>& allowed) {
  for (const std::string& a : allowed)
    if (a == value) return a;
  std::string list;
  for (const std::string& a : allowed) list.append(list.empty() ? "" : ", ").append(a);
  bad_spec(spec, "unknown " + std::string(key) + " '" + std::string(value) + "' (allowed: " + list + ")");
}

const vi::FamilyParam* find_option(const std::vector<vi::FamilyParam>& params, std::string_view key) {
  for (const vi::FamilyParam& p : params)
    if (p.spec.name == key) return &p;
  return nullptr;
}

const vi::FamilyChoice* find_option(const std::vector<vi::FamilyChoice>& choices, std::string_view key) {
  for (const vi::FamilyChoice& c : choices)
    if (c.name == key) return &c;
  return nullptr;
}

// "K, hidden, layers, rank, components, component": every family option's key.
std::string option_names() {
  std::string names;
  for (const vi::FamilyParam& p : vi::all_family_params()) names.append(names.empty() ? "" : ", ").append(p.spec.name);
  for (const vi::FamilyChoice& c : vi::all_family_choices()) names.append(names.empty() ? "" : ", ").append(c.name);
  return names;
}

}  // namespace

vi::Scene parse_fit_spec(std::string_view spec, const vi::Scene& primary) {
  vi::Scene s = primary;
  const size_t colon = spec.find(':');
  s.family = std::string(spec.substr(0, colon));
  bool known = false;
  for (const auto& f : vi::family_registry()) known |= f.name == s.family;
  if (!known) {
    std::string allowed;
    for (const std::string& n : vi::family_names()) allowed += (allowed.empty() ? "" : ", ") + n;
    bad_spec(spec, "unknown family '" + s.family + "' (allowed: " + allowed + ")");
  }
  vi::FamilyOptions& o = s.family_options;
  // The objective keys named, checked against the final objective once every key is read.
  bool named_alpha = false, named_estimator = false, named_baseline = false, named_sampling = false;
  std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) bad_spec(spec, "expected key=value, got '" + std::string(item) + "'");
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    // A family option: the family's own table says whether it reads it (the range is checked
    // with the rest of the scene below).
    const vi::FamilyParam* param = find_option(vi::all_family_params(), key);
    const vi::FamilyChoice* choice = find_option(vi::all_family_choices(), key);
    if (param || choice) {
      if (!vi::family_uses(s.family, key)) bad_spec(spec, s.family + " does not use '" + std::string(key) + "'");
      if (param) o.*param->field = parse_int(spec, key, value);
      else o.*choice->field = std::string(value);
    } else if (key == "objective") {
      // "renyi:0.5" sets α too, as the CLI's --objective does.
      const size_t c = value.find(':');
      s.objective = member(spec, key, value.substr(0, c), vi::objective_names());
      if (c != std::string_view::npos) {
        if (s.objective != "renyi") bad_spec(spec, "only renyi takes a value after ':' (renyi:α)");
        s.alpha = parse_double(spec, "alpha", value.substr(c + 1));
        named_alpha = true;
      }
    } else if (key == "alpha") {
      s.alpha = parse_double(spec, key, value);
      named_alpha = true;
    } else if (key == "estimator") {
      s.estimator = member(spec, key, value, vi::estimator_names());
      named_estimator = true;
      if (!named_baseline) s.baseline = "none";  // the primary's baseline belongs to its estimator
    } else if (key == "baseline") {
      s.baseline = member(spec, key, value, vi::baseline_names());
      named_baseline = true;
    } else if (key == "sampling") {
      s.sampling = member(spec, key, value, vi::sampling_names());
      named_sampling = true;
    } else {
      bad_spec(spec, "unknown key '" + std::string(key) + "' (allowed: " + option_names() +
                         ", objective, alpha, estimator, baseline, sampling)");
    }
  }
  const bool forward = s.objective == "forward-kl";
  if (named_alpha && s.objective != "renyi") bad_spec(spec, "alpha is Rényi's α: it needs objective=renyi");
  if (named_sampling && !forward) bad_spec(spec, "sampling is how forward KL draws p: it needs objective=forward-kl");
  if (named_estimator && forward)
    bad_spec(spec, "forward KL has no estimator to choose (its gradient is E_p[∇ log q] at draws of p)");
  if (named_baseline && (forward || s.estimator != "score"))
    bad_spec(spec, "baseline is the score estimator's: it needs estimator=score");
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    bad_spec(spec, e.what());
  }
  return s;
}

}  // namespace vilab
