// app/ui/widgets/text_wrap.cpp — see text_wrap.hpp.
#include "app/ui/widgets/text_wrap.hpp"

#include <imgui_internal.h>  // CalcWrapWidthForPos and the window's pushed wrap position

#include <algorithm>
#include <cfloat>
#include <cstdarg>
#include <cstdio>

namespace vilab {

namespace {

// One paragraph (no '\n'), appended to `out` with breaks.
void wrap_paragraph(std::string_view p, float width, const TextMeasure& measure, std::string& out) {
  size_t i = p.find_first_not_of(' ');
  if (i == std::string_view::npos) {  // blank (or empty): as it is
    out.append(p);
    return;
  }
  out.append(p.substr(0, i));  // an indent stays with the first word
  float line_w = measure(p.substr(0, i));
  bool line_empty = true;
  while (i < p.size()) {
    const size_t word_end = std::min(p.find(' ', i), p.size());
    const std::string_view word = p.substr(i, word_end - i);
    const size_t next = std::min(p.find_first_not_of(' ', word_end), p.size());
    const float word_w = measure(word);
    if (line_empty) {
      out.append(word);
      line_w += word_w;
      line_empty = false;
    } else {
      // `out` ends with the spaces before this word (appended below): keep them, or turn the
      // whole run into one line break.
      const size_t spaces_at = out.find_last_not_of(' ') + 1;
      const float spaces_w = measure(std::string_view(out).substr(spaces_at));
      if (line_w + spaces_w + word_w <= width) {
        line_w += spaces_w + word_w;
      } else {
        out.resize(spaces_at);
        out.push_back('\n');
        line_w = word_w;
      }
      out.append(word);
    }
    if (next == p.size()) {
      out.append(p.substr(word_end));  // trailing spaces: as they are
      break;
    }
    out.append(p.substr(word_end, next - word_end));
    i = next;
  }
}

}  // namespace

std::string wrap_words(std::string_view text, float width, const TextMeasure& measure) {
  std::string out;
  out.reserve(text.size() + 16);
  size_t start = 0;
  while (true) {
    const size_t nl = text.find('\n', start);
    wrap_paragraph(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start), width,
                   measure, out);
    if (nl == std::string_view::npos) break;
    out.push_back('\n');
    start = nl + 1;
  }
  return out;
}

// [SECTION] ImGui

namespace {

float font_width(std::string_view s) {
  if (s.empty()) return 0;
  // Unrounded (ImGui::CalcTextSize rounds up), so that the widths of the pieces add up.
  return ImGui::GetFont()->CalcTextSizeA(ImGui::GetFontSize(), FLT_MAX, 0.0f, s.data(), s.data() + s.size()).x;
}

// The width TextWrapped would wrap to at the cursor.
float current_wrap_width() {
  const float pushed = ImGui::GetCurrentWindow()->DC.TextWrapPos;
  return ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), pushed < 0 ? 0.0f : pushed);
}

}  // namespace

std::string wrap_words(std::string_view text, float width) { return wrap_words(text, width, font_width); }

ImVec2 wrapped_text_size(std::string_view text, float width) {
  const std::string s = wrap_words(text, width);
  return ImGui::CalcTextSize(s.data(), s.data() + s.size());
}

void text_wrapped(std::string_view text) {
  const std::string s = wrap_words(text, current_wrap_width());
  ImGui::PushTextWrapPos(-1.0f);  // broken already: ImGui must not break it again at a '.'
  ImGui::TextUnformatted(s.data(), s.data() + s.size());
  ImGui::PopTextWrapPos();
}

void text_wrapped_disabled(std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped(text);
  ImGui::PopStyleColor();
}

void text_wrapped_colored(const ImVec4& colour, std::string_view text) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  text_wrapped(text);
  ImGui::PopStyleColor();
}

void text_wrappedf(const char* fmt, ...) {
  char buf[4096];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  if (n < 0) return;
  text_wrapped(std::string_view(buf, std::min(size_t(n), sizeof buf - 1)));
}

}  // namespace vilab
