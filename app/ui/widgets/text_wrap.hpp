// app/ui/widgets/text_wrap.hpp — prose wrapped between words only, never inside a number.
//
// Dear ImGui 1.86 wraps text (TextWrapped, Text under PushTextWrapPos, CalcTextSize and AddText
// with a wrap width) with ImFont::CalcWordWrapPositionA, which may also break right after '.', ',',
// ';', '!', '?' and '"': "0.111" can end a line with "0." and start the next with "111". vilab's
// prose is full of numbers, so every place that wraps prose wraps it here instead: lines break
// only at spaces and at the text's own newlines, and a word wider than the line runs past the
// edge (ImGui would cut it anywhere).
//
// The breaking itself (wrap_words with a measure) is pure and tested headless; the ImGui part
// measures with the current font and draws the broken text with ImGui's own wrapping off.
#pragma once

#include <imgui.h>

#include <functional>
#include <string>
#include <string_view>

namespace vilab {

// The width of a piece of text (no newlines in it). Must be additive: width(ab) = width(a) + width(b),
// as ImGui's glyph advances are.
using TextMeasure = std::function<float(std::string_view)>;

// `text` with line breaks: greedy, as many words per line as fit in `width`. At a break the run of
// spaces between two words becomes one '\n'; nothing else changes (a word is never cut, whatever
// the width). The text's own '\n' are kept, and spaces at the start of a paragraph are kept.
std::string wrap_words(std::string_view text, float width, const TextMeasure& measure);

// [SECTION] ImGui

// wrap_words with the current font (and size): draw the result with ImGui's wrapping off
// (TextUnformatted outside PushTextWrapPos, or ImDrawList::AddText without a wrap width).
std::string wrap_words(std::string_view text, float width);
// The size `text` takes wrapped to `width` with the current font (what text_wrapped draws).
ImVec2 wrapped_text_size(std::string_view text, float width);

// Draws `text` wrapped like ImGui::TextWrapped: at the wrap position pushed with
// PushTextWrapPos (when one is pushed and ≥ 0), else at the right edge of the window's content.
// The colour is the current ImGuiCol_Text (push a colour, or use the variants below).
void text_wrapped(std::string_view text);
void text_wrapped_disabled(std::string_view text);
void text_wrapped_colored(const ImVec4& colour, std::string_view text);
// printf-style, as ImGui::TextWrapped.
void text_wrappedf(const char* fmt, ...) IM_FMTARGS(1);

}  // namespace vilab
