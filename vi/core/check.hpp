// vi/core/check.hpp — argument checks at the engine's boundary.
//
// Bad configuration throws std::invalid_argument naming the function and the argument, the way
// Stan Math's check_* functions do: check_positive("planar", "depth K", k) ->
// "planar: depth K is -1, but must be > 0". Numerical trouble inside the hot loop is NOT reported
// this way: it becomes a Run status (see vi/engine/run.hpp).
#pragma once

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

[[noreturn]] inline void throw_invalid(std::string_view function, std::string_view what) {
  std::string msg(function);
  msg += ": ";
  msg += what;
  throw std::invalid_argument(msg);
}

template <class T>
std::string to_text(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

inline std::string join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

template <class T>
void check_positive(std::string_view function, std::string_view name, T value) {
  if (!(value > T(0)))
    throw_invalid(function, std::string(name) + " is " + to_text(value) + ", but must be > 0");
}

inline void check_finite(std::string_view function, std::string_view name, double value) {
  if (!std::isfinite(value))
    throw_invalid(function, std::string(name) + " is " + to_text(value) + ", but must be finite");
}

template <class T>
void check_range(std::string_view function, std::string_view name, T value, T lo, T hi) {
  if (!(value >= lo && value <= hi))
    throw_invalid(function, std::string(name) + " is " + to_text(value) + ", but must be in [" +
                                to_text(lo) + ", " + to_text(hi) + "]");
}

// Looks `name` up in `allowed`; throws "function: unknown <what> 'x' (allowed: a, b, c)".
inline void check_member(std::string_view function, std::string_view what, std::string_view name,
                         const std::vector<std::string>& allowed) {
  for (const auto& a : allowed)
    if (a == name) return;
  throw_invalid(function, "unknown " + std::string(what) + " '" + std::string(name) +
                              "' (allowed: " + join(allowed) + ")");
}

}  // namespace vi
