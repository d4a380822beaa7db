// app/ui/panels/formula_box.cpp — see formula_box.hpp.
//
// [SECTION] Apply: the check on the UI thread
// [SECTION] The error message with its caret
// [SECTION] The box
#include "app/ui/panels/formula_box.hpp"

#include "app/ui/widgets/text_wrap.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/core/utf8.hpp"
#include "vi/targets/formula.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <vector>

namespace vilab {

namespace {

const ImVec4 kRed{1.0f, 0.42f, 0.38f, 1.0f};
const ImVec4 kGreen{0.45f, 0.85f, 0.50f, 1.0f};
constexpr size_t kPrefill = 2;  // the example the editor starts with ("two moons")

void set_text(FormulaBoxState& st, const std::string& s) {
  const size_t n = std::min(s.size(), st.text.size() - 1);
  std::memcpy(st.text.data(), s.data(), n);
  st.text[n] = '\0';
}

void set_box(FormulaBoxState& st, const vi::Box& b) { st.box = {b.x0, b.x1, b.y0, b.y1}; }

}  // namespace

// [SECTION] Apply

std::string apply_formula(const std::string& formula, const vi::Box& box, vi::Scene& scene) {
  try {
    vi::FormulaTarget check(formula, box);  // what the engine would build: a bad formula stops here
  } catch (const std::exception& e) {
    return e.what();
  }
  if (scene.target != vi::kFormulaTarget) {
    scene.target_params.clear();  // another problem's parameters and data do not apply
    scene.data.clear();
    scene.batch = 0;
  }
  scene.target = vi::kFormulaTarget;
  scene.formula = formula;
  scene.formula_box = box;
  return {};
}

namespace {

// [SECTION] The error message

// The message "formula: what at position N\n  line\n  <spaces>^" in red: the first line wrapped,
// then the formula's line with a caret under the error. The caret is placed by measuring the text
// before it in the font in use, so it lines up without a monospace font; a long line is shown as a
// window around the caret.
void draw_error(const std::string& message) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    const size_t nl = message.find('\n', start);
    lines.push_back(message.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, kRed);
  text_wrapped(lines[0]);
  const bool has_caret = lines.size() == 3 && lines[1].rfind("  ", 0) == 0 && !lines[2].empty() && lines[2].back() == '^';
  if (has_caret) {
    std::string line = lines[1].substr(2);
    size_t column = lines[2].size() - 3;  // spaces after the two of the indent: code points before the error
    // A window of the line around the caret, when it would not fit.
    const float avail = ImGui::GetContentRegionAvail().x;
    if (ImGui::CalcTextSize(line.c_str()).x > avail) {
      const size_t before = 24, after = 16;
      const size_t from = column > before ? column - before : 0;
      const size_t b0 = vi::byte_of_column(line, from), b1 = vi::byte_of_column(line, column + after);
      std::string cut = (from > 0 ? "\u2026" : "") + line.substr(b0, b1 - b0) + (b1 < line.size() ? "\u2026" : "");
      column = column - from + (from > 0 ? 1 : 0);
      line = std::move(cut);
    }
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.95f, 0.95f, 0.95f, 1.0f));
    ImGui::TextUnformatted(line.c_str());
    ImGui::PopStyleColor();
    const std::string head = line.substr(0, vi::byte_of_column(line, column));
    const float x = ImGui::CalcTextSize(head.c_str()).x;
    const std::string at = line.substr(head.size(), vi::byte_of_column(line, column + 1) - head.size());
    const float w = at.empty() ? ImGui::GetFontSize() * 0.5f : ImGui::CalcTextSize(at.c_str()).x;
    const float caret_w = ImGui::CalcTextSize("^").x;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + x + 0.5f * (w - caret_w), ImGui::GetCursorScreenPos().y));
    ImGui::TextUnformatted("^");
    // Underline the character at fault, so that the caret's column is unmistakable.
    ImGui::GetWindowDrawList()->AddLine(ImVec2(origin.x + x, origin.y + ImGui::GetFontSize() + 1),
                                        ImVec2(origin.x + x + w, origin.y + ImGui::GetFontSize() + 1),
                                        ImGui::GetColorU32(kRed), 2.0f);
  } else {
    for (size_t i = 1; i < lines.size(); ++i) text_wrapped(lines[i]);
  }
  ImGui::PopStyleColor();
}

}  // namespace

// [SECTION] The box

bool draw_formula_box(FormulaBoxState& st, vi::Scene& scene) {
  const bool is_formula = scene.target == vi::kFormulaTarget;
  // Load the editor from the scene when the scene's formula changed elsewhere (or on first use).
  if (!st.synced || (is_formula && (scene.formula != st.synced_formula || !(scene.formula_box == st.synced_box)))) {
    if (!scene.formula.empty()) {
      set_text(st, scene.formula);
      set_box(st, scene.formula_box);
    } else if (st.text[0] == '\0') {
      const auto& ex = vi::formula_examples()[kPrefill];
      set_text(st, ex.formula);
      set_box(st, ex.box);
    }
    st.synced_formula = scene.formula;
    st.synced_box = scene.formula_box;
    st.synced = true;
    st.error.clear();
  }
  if (!is_formula && !st.open) return false;

  bool apply = false;
  ImGui::PushID("formula_box");
  ImGui::TextUnformatted("log p\u0303(z1, z2) =");
  tooltip(vi::formula_syntax_help().c_str());
  ImGui::SameLine();
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x, fs * 4));
  if (ImGui::BeginCombo("##examples", "examples\u2026")) {
    for (const auto& ex : vi::formula_examples()) {
      if (ImGui::Selectable(ex.name.c_str())) {
        set_text(st, ex.formula);
        set_box(st, ex.box);
        apply = true;
      }
      if (ImGui::IsItemHovered()) {
        const std::string tip = ex.summary + "\n\n" + ex.formula;
        tooltip(tip.c_str());
      }
    }
    ImGui::EndCombo();
  }
  tooltip("Example formulas to start from: picking one puts it in the box with its view box and applies it.");

  const ImGuiInputTextFlags flags = ImGuiInputTextFlags_EnterReturnsTrue;  // Ctrl+Enter applies, Enter breaks the line
  if (ImGui::InputTextMultiline("##formula", st.text.data(), size_t(vi::kFormulaMaxLength) + 1,
                                ImVec2(-1.0f, fs * 4.6f), flags))
    apply = true;
  tooltip(vi::formula_syntax_help().c_str());

  ImGui::InputScalarN("box##box", ImGuiDataType_Double, st.box.data(), 4, nullptr, nullptr, "%g");
  tooltip("The view box x0, x1, y0, y1 (z1 from x0 to x1, z2 from y0 to y1): the density is drawn on it and the "
          "references (log Z, KL(q\u2016p), KL(p\u2016q), moments) integrate on it, so mass outside it is cut off. "
          "Sides between 1e-6 and 1e6.");

  if (ImGui::Button("Apply  (Ctrl+Enter)")) apply = true;
  tooltip("Check the formula here and, if it is sound, fit it: the engine starts on your target, keeping q where it "
          "was when the target already was a formula. A formula with an error is not sent: its message appears "
          "below and the current target keeps running.");
  if (!is_formula) {
    ImGui::SameLine();
    if (ImGui::Button("Cancel")) {
      st.open = false;
      st.error.clear();
    }
    tooltip("Close the formula box and keep the current target.");
  } else if (st.error.empty() && std::strcmp(st.text.data(), scene.formula.c_str()) == 0 &&
             scene.formula_box == vi::Box{st.box[0], st.box[1], st.box[2], st.box[3]}) {
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, kGreen);
    ImGui::TextUnformatted("\u2713 running");
    ImGui::PopStyleColor();
    tooltip("The formula in the box is the target being fitted.");
  }

  bool changed = false;
  if (apply) {
    const vi::Box box{st.box[0], st.box[1], st.box[2], st.box[3]};
    st.error = apply_formula(st.text.data(), box, scene);
    if (st.error.empty()) {
      st.synced_formula = scene.formula;
      st.synced_box = scene.formula_box;
      st.open = false;
      changed = true;
    }
  }
  if (!st.error.empty()) draw_error(st.error);
  ImGui::PopID();
  return changed;
}

}  // namespace vilab
