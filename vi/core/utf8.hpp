// vi/core/utf8.hpp — counting characters in UTF-8 text: what a message with a caret under a column needs.
//
// A formula's error message puts a caret under the character at fault (vi/targets/formula.cpp),
// and the formula box (app/ui/panels/formula_box.cpp) cuts the same line around it: both count
// in code points, not bytes, so "μ" or "σ" in a formula does not shift the caret.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vi {

// The number of characters (UTF-8 code points) in `s`.
inline size_t code_points(std::string_view s) {
  size_t n = 0;
  for (const unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

// Byte offset of code point `column` in `s` (its size when `s` is shorter).
inline size_t byte_of_column(const std::string& s, size_t column) {
  size_t i = 0;
  for (size_t c = 0; c < column && i < s.size(); ++c) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}

}  // namespace vi
