// app/io/settings.cpp — see settings.hpp. The file is TOML (toml++), one table per concern:
//
//   [window]  width, height, x, y
//   [view]    font_scale, presentation_font_scale, presentation, high_contrast
//   [scenes]  last, recent
//
// Unknown keys are ignored (a newer vilab may have written them).
#include "app/io/settings.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <unistd.h>

namespace vilab {

namespace {

namespace fs = std::filesystem;

std::string key_name(const char* section, const char* key) {
  std::string k = section;
  k += '.';
  k += key;
  return k;
}

// The node at section.key, or null when absent (no message: a missing key keeps its default).
const toml::node* find(const toml::table& t, const char* section, const char* key) {
  const toml::table* s = t[section].as_table();
  return s ? s->get(key) : nullptr;
}

std::string wrong_type(const char* section, const char* key, const char* expected) {
  std::string m = key_name(section, key);
  m += ": expected ";
  m += expected;
  return m;
}

void read_int(const toml::table& t, const char* section, const char* key, int lo, int hi, int& out,
              std::vector<std::string>& problems) {
  const toml::node* n = find(t, section, key);
  if (!n) return;
  const std::optional<int64_t> v = n->is_integer() ? n->value<int64_t>() : std::nullopt;
  if (!v) {
    problems.push_back(wrong_type(section, key, "an integer"));
    return;
  }
  const int64_t c = std::clamp<int64_t>(*v, lo, hi);
  if (c != *v) {
    std::string m = key_name(section, key);
    m += " = " + std::to_string(*v);
    m += " is outside [" + std::to_string(lo);
    m += ", " + std::to_string(hi);
    m += "], using " + std::to_string(c);
    problems.push_back(m);
  }
  out = int(c);
}

void read_float(const toml::table& t, const char* section, const char* key, float lo, float hi, float& out,
                std::vector<std::string>& problems) {
  const toml::node* n = find(t, section, key);
  if (!n) return;
  const std::optional<double> v = (n->is_floating_point() || n->is_integer()) ? n->value<double>() : std::nullopt;
  if (!v || !std::isfinite(*v)) {
    problems.push_back(wrong_type(section, key, "a finite number"));
    return;
  }
  const double c = std::clamp(*v, double(lo), double(hi));
  if (c != *v) {
    char buf[160];
    std::snprintf(buf, sizeof buf, " = %g is outside [%g, %g], using %g", *v, double(lo), double(hi), c);
    problems.push_back(key_name(section, key) + buf);
  }
  out = float(c);
}

void read_bool(const toml::table& t, const char* section, const char* key, bool& out, std::vector<std::string>& problems) {
  const toml::node* n = find(t, section, key);
  if (!n) return;
  if (!n->is_boolean()) {
    problems.push_back(wrong_type(section, key, "true or false"));
    return;
  }
  out = n->value<bool>().value_or(out);
}

void read_string(const toml::table& t, const char* section, const char* key, std::string& out,
                 std::vector<std::string>& problems) {
  const toml::node* n = find(t, section, key);
  if (!n) return;
  if (!n->is_string()) {
    problems.push_back(wrong_type(section, key, "a string"));
    return;
  }
  out = n->value<std::string>().value_or(out);
}

void read_recent(const toml::table& t, std::vector<std::string>& out, std::vector<std::string>& problems) {
  const toml::node* n = find(t, "scenes", "recent");
  if (!n) return;
  const toml::array* a = n->as_array();
  if (!a) {
    problems.push_back(wrong_type("scenes", "recent", "an array of strings"));
    return;
  }
  std::vector<std::string> paths;
  for (const toml::node& e : *a) {
    if (!e.is_string()) {
      problems.push_back(wrong_type("scenes", "recent", "an array of strings"));
      return;
    }
    const std::string p = e.value<std::string>().value_or("");
    if (!p.empty() && std::find(paths.begin(), paths.end(), p) == paths.end()) paths.push_back(p);
  }
  if (paths.size() > size_t(kMaxRecentScenes)) {
    problems.push_back("scenes.recent: more than " + std::to_string(kMaxRecentScenes) + " paths, keeping the first " +
                       std::to_string(kMaxRecentScenes));
    paths.resize(size_t(kMaxRecentScenes));
  }
  out = std::move(paths);
}

}  // namespace

void record_scene(Settings& s, const std::string& path) {
  if (path.empty()) return;
  s.last_scene = path;
  std::erase(s.recent_scenes, path);
  s.recent_scenes.insert(s.recent_scenes.begin(), path);
  if (s.recent_scenes.size() > size_t(kMaxRecentScenes)) s.recent_scenes.resize(size_t(kMaxRecentScenes));
}

fs::path settings_path() {
  const auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
  };
  if (const std::string dir = env("VILAB_CONFIG_DIR"); !dir.empty()) return fs::path(dir) / "settings.toml";
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and ignored.
  if (const std::string xdg = env("XDG_CONFIG_HOME"); !xdg.empty() && fs::path(xdg).is_absolute())
    return fs::path(xdg) / "vilab" / "settings.toml";
  if (const std::string home = env("HOME"); !home.empty()) return fs::path(home) / ".config" / "vilab" / "settings.toml";
  return {};
}

std::string settings_to_toml(const Settings& s) {
  toml::array recent;
  for (const std::string& p : s.recent_scenes) recent.push_back(p);
  const toml::table t{
      {"window", toml::table{{"width", s.window_width}, {"height", s.window_height}, {"x", s.window_x}, {"y", s.window_y}}},
      {"view", toml::table{{"font_scale", double(s.look.font_scale)},
                           {"presentation_font_scale", double(s.look.presentation_font_scale)},
                           {"presentation", s.look.presentation},
                           {"high_contrast", s.look.high_contrast}}},
      {"scenes", toml::table{{"last", s.last_scene}, {"recent", std::move(recent)}}},
  };
  std::ostringstream out;
  out << "# vilab settings, written by the app on exit (edit with care: a bad value is reset)\n";
  out << t << "\n";
  return out.str();
}

Settings parse_settings(std::string_view text, std::vector<std::string>& problems) {
  Settings s;
  toml::table t;
  try {
    t = toml::parse(text);
  } catch (const toml::parse_error& e) {
    std::string m = "line " + std::to_string(e.source().begin.line);
    m += ": ";
    m += e.description();
    problems.push_back(m);
    return s;
  }
  read_int(t, "window", "width", kMinWindowSide, kMaxWindowSide, s.window_width, problems);
  read_int(t, "window", "height", kMinWindowSide * 3 / 4, kMaxWindowSide, s.window_height, problems);
  read_int(t, "window", "x", -1, kMaxWindowSide * 4, s.window_x, problems);
  read_int(t, "window", "y", -1, kMaxWindowSide * 4, s.window_y, problems);
  read_float(t, "view", "font_scale", kFontScaleMin, kFontScaleMax, s.look.font_scale, problems);
  read_float(t, "view", "presentation_font_scale", kFontScaleMin, kFontScaleMax, s.look.presentation_font_scale, problems);
  read_bool(t, "view", "presentation", s.look.presentation, problems);
  read_bool(t, "view", "high_contrast", s.look.high_contrast, problems);
  read_string(t, "scenes", "last", s.last_scene, problems);
  read_recent(t, s.recent_scenes, problems);
  return s;
}

Settings load_settings(const fs::path& file, std::string& message) {
  message.clear();
  std::error_code ec;
  if (file.empty() || !fs::exists(file, ec)) return Settings{};  // a first run
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    message = "vilab: settings " + file.string() + ": cannot be read; using the defaults";
    return Settings{};
  }
  std::vector<std::string> problems;
  Settings s = parse_settings(text.str(), problems);
  if (!problems.empty()) {
    message = "vilab: settings " + file.string() + ": ";
    for (size_t k = 0; k < problems.size(); ++k) {
      if (k) message += "; ";
      message += problems[k];
    }
  }
  return s;
}

bool save_settings(const Settings& s, const fs::path& file, std::string& error) {
  error.clear();
  if (file.empty()) {
    error = "no settings path (none of VILAB_CONFIG_DIR, XDG_CONFIG_HOME, HOME is set)";
    return false;
  }
  std::error_code ec;
  if (file.has_parent_path()) fs::create_directories(file.parent_path(), ec);
  if (ec) {
    error = file.parent_path().string() + ": " + ec.message();
    return false;
  }
  // Write beside the file, then rename: a crash mid-write leaves the old file whole.
  fs::path tmp = file;
  tmp += ".tmp-" + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << settings_to_toml(s);
    out.flush();
    if (!out) {
      error = tmp.string() + ": cannot be written";
      fs::remove(tmp, ec);
      return false;
    }
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    error = file.string() + ": " + ec.message();
    fs::remove(tmp, ec);
    return false;
  }
  return true;
}

}  // namespace vilab
