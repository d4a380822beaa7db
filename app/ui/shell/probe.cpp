// app/ui/shell/probe.cpp — see probe.hpp.
#include "app/ui/shell/probe.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

namespace vilab {

namespace {

struct ProbedItem {
  std::string label, window, parent;  // the root window's name, the (child) window it is drawn in
  ImRect rect, frame;  // the item; the part a click acts on (the rect less a label beside it)
  bool visible = false;
};

// One app, one report: the state lives for the process (the app has one window and one frame
// loop; tests that run the loop in-process never turn the probe on).
struct Probe {
  bool on = false;
  std::string path, temp_path;
  long frame = 0;
  std::vector<ProbedItem> items;
  nlohmann::json state = nlohmann::json::object();
};

Probe g_probe;
Probe& probe() { return g_probe; }

const char* root_name(const ImGuiWindow* w) {
  return w && w->RootWindow ? w->RootWindow->Name : (w ? w->Name : "");
}

nlohmann::json rect_json(const ImRect& r) {
  return {{"x", r.Min.x}, {"y", r.Min.y}, {"w", r.GetWidth()}, {"h", r.GetHeight()}};
}

}  // namespace

void probe_open(const std::string& path) {
  Probe& p = probe();
  p.on = !path.empty();
  p.path = path;
  p.temp_path = path + ".tmp";
}

bool probe_enabled() { return probe().on; }

void probe_begin_frame() {
  Probe& p = probe();
  if (!p.on) return;
  p.items.clear();
  p.state = nlohmann::json::object();
}

void probe_state(std::string_view key, const nlohmann::json& value) {
  Probe& p = probe();
  if (!p.on) return;
  p.state[std::string(key)] = value;
}

void probe_item(std::string_view label, bool label_beside) {
  Probe& p = probe();
  if (!p.on) return;
  const ImGuiContext& g = *GImGui;
  const ImGuiWindow* w = g.CurrentWindow;
  ProbedItem it;
  it.label = std::string(label);
  it.window = root_name(w);
  it.parent = w ? w->Name : "";
  it.rect = it.frame = g.LastItemData.Rect;
  if (label_beside) {
    const std::string text(label);
    const float label_w = ::ImGui::CalcTextSize(text.c_str(), nullptr, true).x;
    if (label_w > 0) it.frame.Max.x = std::max(it.frame.Min.x + 1, it.frame.Max.x - label_w - g.Style.ItemInnerSpacing.x);
  }
  it.visible = ::ImGui::IsItemVisible();
  p.items.push_back(std::move(it));
}

void probe_end_frame(int window_x, int window_y, int window_w, int window_h, float fps) {
  Probe& p = probe();
  if (!p.on) return;
  const ImGuiContext& g = *GImGui;
  nlohmann::json r;
  r["frame"] = ++p.frame;
  r["fps"] = fps;
  r["window"] = {{"x", window_x}, {"y", window_y}, {"w", window_w}, {"h", window_h}};
  nlohmann::json items = nlohmann::json::array();
  for (const ProbedItem& it : p.items) {
    nlohmann::json j = rect_json(it.rect);
    j["label"] = it.label;
    j["window"] = it.window;
    j["parent"] = it.parent;
    j["visible"] = it.visible;
    if (it.frame.Max.x != it.rect.Max.x) j["frame"] = rect_json(it.frame);
    items.push_back(std::move(j));
  }
  r["items"] = std::move(items);
  // The windows drawn this frame, back to front (g.Windows is in display order).
  nlohmann::json windows = nlohmann::json::array();
  for (const ImGuiWindow* w : g.Windows) {
    if (!w->WasActive || w->Hidden) continue;
    nlohmann::json j = rect_json(w->Rect());
    j["name"] = w->Name;
    j["child"] = (w->Flags & ImGuiWindowFlags_ChildWindow) != 0;
    j["collapsed"] = w->Collapsed;
    windows.push_back(std::move(j));
  }
  r["windows"] = std::move(windows);
  nlohmann::json popups = nlohmann::json::array();
  for (const ImGuiPopupData& pd : g.OpenPopupStack) popups.push_back(pd.Window ? pd.Window->Name : "");
  r["popup"] = popups.empty() ? std::string() : popups.back().get<std::string>();
  r["popups"] = std::move(popups);
  r["text_input"] = ::ImGui::GetIO().WantTextInput;
  r["state"] = p.state;
  // Written whole and renamed, so a reader never sees half a report.
  {
    std::ofstream out(p.temp_path, std::ios::trunc);
    out << r.dump();
    if (!out) return;
  }
  std::error_code ec;
  std::filesystem::rename(p.temp_path, p.path, ec);
}

}  // namespace vilab
