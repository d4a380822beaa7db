// app/ui/widgets/style.cpp — font loading (with the glyph ranges vilab needs) and the dark theme.
#include "app/ui/widgets/style.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

namespace vilab {

namespace {

// Basic font size in pixels at content scale 1 (readable from the back of a lecture room).
constexpr float kFontSize = 18.0f;
// The large font's size relative to it (the comparison table's numbers).
constexpr float kLargeFactor = 1.3f;

// Glyph ranges: pairs of inclusive code points, zero-terminated. The atlas keeps a pointer, so
// this array must outlive it (namespace scope, constant).
constexpr ImWchar kGlyphRanges[] = {
    0x0020, 0x00FF,  // Basic Latin + Latin-1 (± · × ² ³ ¹)
    0x0100, 0x017F,  // Latin Extended-A
    0x0300, 0x036F,  // combining diacritics (p̃)
    0x0370, 0x03FF,  // Greek (μ σ ε φ θ η ρ Σ)
    0x1D2C, 0x1D6A,  // modifier letters: superscript capitals (Lᵀ) and subscript Greek (qᵩ)
    0x2000, 0x206F,  // general punctuation (‖ – — … •)
    0x2070, 0x209F,  // superscripts and subscripts (10⁻³, z₁, μ₀)
    0x2190, 0x21FF,  // arrows (→ ↺)
    0x2200, 0x22FF,  // mathematical operators (∇ ∂ ∫ − ≤ ≥ ≈ ∞)
    0x2500, 0x257F,  // box drawing (│)
    0x25A0, 0x25FF,  // geometric shapes (▶ ● ◆)
    0x2700, 0x27BF,  // dingbats (❚)
    0,
};

bool readable(const std::string& path) { return std::ifstream(path, std::ios::binary).good(); }

// The look's global parts, like ImGui's own style: written between frames by the UI thread only.
float g_line_scale = 1.0f;
bool g_high_contrast = false;

}  // namespace

void set_line_scale(float s) { g_line_scale = std::clamp(s, 0.5f, 4.0f); }
float line_scale() { return g_line_scale; }
float line_px() { return ImGui::GetFontSize() / kFontSize * g_line_scale; }
bool high_contrast() { return g_high_contrast; }

bool load_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  const std::string candidates[] = {
      std::string(VILAB_ASSET_DIR) + "/fonts/DejaVuSans.ttf",
      "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  };
  for (const std::string& path : candidates) {
    if (!readable(path)) continue;
    ImFontConfig cfg;
    cfg.OversampleH = 2;
    cfg.OversampleV = 2;
    if (!io.Fonts->AddFontFromFileTTF(path.c_str(), kFontSize * scale, &cfg, kGlyphRanges)) continue;
    // The first font added is the default; the large one is Fonts[1] (large_font()).
    io.Fonts->AddFontFromFileTTF(path.c_str(), kFontSize * kLargeFactor * scale, &cfg, kGlyphRanges);
    return true;
  }
  std::fprintf(stderr,
               "vilab: warning: DejaVu Sans not found (install fonts-dejavu-core); using ImGui's default "
               "font, Greek letters and math symbols will show as '?'\n");
  ImFontConfig cfg;
  cfg.SizePixels = 13.0f * scale;
  io.Fonts->AddFontDefault(&cfg);
  return false;
}

ImFont* large_font() {
  const ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  return atlas->Fonts.Size > 1 ? atlas->Fonts[1] : nullptr;
}

void apply_theme(float scale, bool high_contrast) {
  g_high_contrast = high_contrast;
  ImGuiStyle& s = ImGui::GetStyle();
  s = ImGuiStyle();  // start from the defaults, so that applying a new scale does not compound
  ImGui::StyleColorsDark(&s);
  s.WindowRounding = 0;
  s.ChildRounding = 4;
  s.FrameRounding = 4;
  s.GrabRounding = 4;
  s.PopupRounding = 4;
  s.ScrollbarRounding = 6;
  s.TabRounding = 4;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 1;
  s.FrameBorderSize = 0;
  s.WindowPadding = {10, 10};
  s.FramePadding = {8, 5};
  s.ItemSpacing = {9, 7};
  s.ItemInnerSpacing = {6, 5};
  s.GrabMinSize = 12;
  s.ScrollbarSize = 14;

  ImVec4* c = s.Colors;
  c[ImGuiCol_Text] = {0.95f, 0.96f, 0.98f, 1.00f};
  c[ImGuiCol_TextDisabled] = {0.62f, 0.65f, 0.72f, 1.00f};
  c[ImGuiCol_WindowBg] = {0.060f, 0.065f, 0.080f, 1.00f};
  c[ImGuiCol_ChildBg] = {0.085f, 0.092f, 0.112f, 1.00f};
  c[ImGuiCol_PopupBg] = {0.10f, 0.11f, 0.13f, 0.98f};
  c[ImGuiCol_Border] = {0.26f, 0.28f, 0.34f, 1.00f};
  c[ImGuiCol_FrameBg] = {0.17f, 0.19f, 0.24f, 1.00f};
  c[ImGuiCol_FrameBgHovered] = {0.23f, 0.27f, 0.35f, 1.00f};
  c[ImGuiCol_FrameBgActive] = {0.27f, 0.33f, 0.44f, 1.00f};
  c[ImGuiCol_Button] = {0.20f, 0.30f, 0.46f, 1.00f};
  c[ImGuiCol_ButtonHovered] = {0.26f, 0.40f, 0.62f, 1.00f};
  c[ImGuiCol_ButtonActive] = {0.30f, 0.47f, 0.72f, 1.00f};
  c[ImGuiCol_SliderGrab] = {0.45f, 0.65f, 0.95f, 1.00f};
  c[ImGuiCol_SliderGrabActive] = {0.60f, 0.78f, 1.00f, 1.00f};
  c[ImGuiCol_CheckMark] = {0.55f, 0.80f, 1.00f, 1.00f};
  c[ImGuiCol_Header] = {0.20f, 0.30f, 0.46f, 0.80f};
  c[ImGuiCol_HeaderHovered] = {0.26f, 0.40f, 0.62f, 0.90f};
  c[ImGuiCol_HeaderActive] = {0.30f, 0.47f, 0.72f, 1.00f};
  c[ImGuiCol_Separator] = {0.30f, 0.33f, 0.40f, 1.00f};
  c[ImGuiCol_TableHeaderBg] = {0.14f, 0.16f, 0.21f, 1.00f};
  c[ImGuiCol_TableRowBgAlt] = {1.00f, 1.00f, 1.00f, 0.035f};

  if (high_contrast) {
    // Black and white, saturated accents, and borders a projector does not wash out.
    s.WindowBorderSize = 1;
    s.ChildBorderSize = 2;
    s.FrameBorderSize = 1;
    s.PopupBorderSize = 2;
    c[ImGuiCol_Text] = {1, 1, 1, 1};
    c[ImGuiCol_TextDisabled] = {0.86f, 0.86f, 0.86f, 1};
    c[ImGuiCol_WindowBg] = {0, 0, 0, 1};
    c[ImGuiCol_ChildBg] = {0, 0, 0, 1};
    c[ImGuiCol_PopupBg] = {0.02f, 0.02f, 0.02f, 1};
    c[ImGuiCol_MenuBarBg] = {0.10f, 0.10f, 0.10f, 1};
    c[ImGuiCol_Border] = {0.85f, 0.85f, 0.85f, 1};
    c[ImGuiCol_FrameBg] = {0.10f, 0.10f, 0.12f, 1};
    c[ImGuiCol_FrameBgHovered] = {0.18f, 0.26f, 0.50f, 1};
    c[ImGuiCol_FrameBgActive] = {0.22f, 0.34f, 0.66f, 1};
    c[ImGuiCol_Button] = {0.05f, 0.28f, 0.70f, 1};
    c[ImGuiCol_ButtonHovered] = {0.10f, 0.40f, 0.90f, 1};
    c[ImGuiCol_ButtonActive] = {0.20f, 0.50f, 1.00f, 1};
    c[ImGuiCol_SliderGrab] = {1.00f, 0.80f, 0.10f, 1};
    c[ImGuiCol_SliderGrabActive] = {1.00f, 0.90f, 0.40f, 1};
    c[ImGuiCol_CheckMark] = {1.00f, 0.85f, 0.10f, 1};
    c[ImGuiCol_Header] = {0.05f, 0.28f, 0.70f, 1};
    c[ImGuiCol_HeaderHovered] = {0.10f, 0.40f, 0.90f, 1};
    c[ImGuiCol_HeaderActive] = {0.20f, 0.50f, 1.00f, 1};
    c[ImGuiCol_Separator] = {0.75f, 0.75f, 0.75f, 1};
    c[ImGuiCol_TableHeaderBg] = {0.14f, 0.14f, 0.16f, 1};
    c[ImGuiCol_TableBorderStrong] = {0.85f, 0.85f, 0.85f, 1};
    c[ImGuiCol_TableBorderLight] = {0.55f, 0.55f, 0.55f, 1};
    c[ImGuiCol_TableRowBgAlt] = {1, 1, 1, 0.07f};
  }

  s.ScaleAllSizes(scale);
}

}  // namespace vilab
