// app/ui/widgets/tooltip.cpp — see tooltip.hpp.
#include "app/ui/widgets/tooltip.hpp"

#include "app/ui/widgets/text_wrap.hpp"

#include <imgui.h>

namespace vilab {

void tooltip(const char* text) {
  // Disabled controls explain themselves too (why they are disabled).
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
  text_wrapped(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

}  // namespace vilab
