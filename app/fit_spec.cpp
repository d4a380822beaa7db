// app/fit_spec.cpp — see fit_spec.hpp.
#include "app/fit_spec.hpp"

#include "vi/family.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace vilab {

std::string fit_label(const vi::Scene& scene) {
  const vi::FamilyOptions& o = scene.family_options;
  const vi::FamilySizes s = vi::family_sizes(scene.family);
  // Appended piece by piece ("literal" + std::string trips a false GCC 12 -Wrestrict).
  std::string label = scene.family;
  if (s.rank) label.append(" r=").append(std::to_string(o.rank));
  if (s.components)
    label.append(" K=").append(std::to_string(o.components)).append(o.component == "meanfield" ? " diag" : " full");
  if (s.K) label.append(" K=").append(std::to_string(o.K));
  if (s.hidden) label.append(" ").append(std::to_string(o.hidden)).append("\u00D7").append(std::to_string(o.depth));
  return label;
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
  const vi::FamilySizes uses = vi::family_sizes(s.family);
  vi::FamilyOptions& o = s.family_options;
  std::string_view rest = colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) bad_spec(spec, "expected key=value, got '" + std::string(item) + "'");
    const std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    auto set_int = [&](bool used, int& field) {
      if (!used) bad_spec(spec, s.family + " does not use '" + std::string(key) + "'");
      field = parse_int(spec, key, value);
    };
    if (key == "K") set_int(uses.K, o.K);
    else if (key == "hidden") set_int(uses.hidden, o.hidden);
    else if (key == "layers") set_int(uses.depth, o.depth);
    else if (key == "rank") set_int(uses.rank, o.rank);
    else if (key == "components") set_int(uses.components, o.components);
    else if (key == "component" && uses.component) o.component = std::string(value);
    else if (key == "component") bad_spec(spec, s.family + " does not use 'component'");
    else bad_spec(spec, "unknown key '" + std::string(key) + "' (allowed: K, hidden, layers, rank, components, component)");
  }
  try {
    s.validate();
  } catch (const std::invalid_argument& e) {
    bad_spec(spec, e.what());
  }
  return s;
}

}  // namespace vilab
