// app/ui/shell/models_menu.cpp — see models_menu.hpp.
#include "app/ui/shell/models_menu.hpp"

#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "app/ui/windows/tool_window.hpp"
#include "vi/engine/fit_grid.hpp"


namespace vilab {

const std::vector<ModelWindowEntry>& model_windows() {
  static const std::vector<ModelWindowEntry> table = [] {
    std::vector<ModelWindowEntry> t;
    for (const ToolWindowEntry& e : tool_windows())
      if (!e.menu_name.empty()) t.push_back({e.menu_name.c_str(), e.key.c_str(), e.help.c_str()});
    return t;
  }();
  return table;
}

void toggle_model_window(WindowsShown& windows, const ModelWindowEntry& entry) { windows.toggle(entry.id); }

void request_grid(ControlsState& st, const std::string& preset) {
  st.grid_preset = preset;
  st.open_grid = preset;
}

ModelsMenuResult draw_models_menu(ControlsState& st, bool in_grid) {
  ModelsMenuResult result;
  if (!ImGui::BeginMenu("Models")) return result;
  for (const ModelWindowEntry& m : model_windows()) {
    const std::string label = std::string(m.name) + "\u2026##models_" + m.id;
    if (ImGui::MenuItem(label.c_str(), nullptr, st.windows.shown(m.id))) {
      toggle_model_window(st.windows, m);
      result.window_toggled = true;
    }
    tooltip(m.help);
  }
  ImGui::Separator();
  ImGui::TextDisabled("grid view (paper figures)");
  for (const vi::FitGridInfo& g : vi::fit_grid_registry()) {
    const std::string label = "Grid: " + g.name + "##models_grid_" + g.name;
    const bool shown = in_grid && st.grid_preset == g.name;
    if (ImGui::MenuItem(label.c_str(), nullptr, shown) && !shown) request_grid(st, g.name);
    tooltip(g.summary.c_str());
  }
  ImGui::EndMenu();
  return result;
}

}  // namespace vilab
