// app/scene_dialogs.cpp — the Open / Save scene modals.
#include "app/scene_dialogs.hpp"

#include "app/tooltip.hpp"

#include <imgui.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace vilab {

namespace fs = std::filesystem;

namespace {

constexpr const char* kOpenId = "Open scene";
constexpr const char* kSaveId = "Save scene";
const ImVec4 kErrorColour{1.0f, 0.42f, 0.38f, 1.0f};

// The folder a path field points into: the field itself when it names a folder, else its parent
// ("." when it has none).
std::string folder_of(const std::string& path) {
  std::error_code ec;
  if (!path.empty() && fs::is_directory(path, ec)) return path;  // NOLINT
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

void draw_error(const SceneDialogs& d) {
  if (d.error.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, kErrorColour);
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
  ImGui::TextUnformatted(d.error.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

// The path field; an edit clears the last error (it was about the old path). Returns true on Enter.
bool path_field(SceneDialogs& d, const char* help) {
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 34);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  const bool enter = ImGui::InputText("##path", d.path, sizeof d.path, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::IsItemEdited()) d.error.clear();
  tooltip(help);
  return enter;
}

SceneDialogRequest draw_open(SceneDialogs& d) {
  SceneDialogRequest req;
  ImGui::TextUnformatted("A scene file (.toml): a lesson or a saved session.");
  bool go = path_field(d, "The scene file's path, absolute or relative to the folder vilab was started in. "
                          "The scene files of the folder it points into are listed below.");
  const std::string folder = folder_of(std::string(d.path));
  if (folder != d.listed_folder) {
    d.listed_folder = folder;
    d.listing = list_scene_files(folder);
  }
  ImGui::TextDisabled("in %s:", folder.c_str());
  const float fs = ImGui::GetFontSize();
  ImGui::BeginChild("##listing", {fs * 34, fs * 9}, true);
  if (d.listing.empty()) ImGui::TextDisabled("(no .toml files here)");
  for (const std::string& name : d.listing) {
    const std::string full = (fs::path(folder) / name).string();
    if (ImGui::Selectable(name.c_str(), full == d.path, ImGuiSelectableFlags_AllowDoubleClick)) {
      set_dialog_path(d, full);
      d.error.clear();
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) go = true;
    }
  }
  ImGui::EndChild();
  draw_error(d);
  go |= ImGui::Button("Open");
  tooltip("Open the scene: its fits start afresh, its windows open, and its lesson text shows. If the file "
          "has an error, the message names the line and the field, and the current scene stays.");
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) close_scene_dialog(d);
  if (go && d.path[0]) req = {SceneDialogRequest::Kind::Open, d.path};
  return req;
}

SceneDialogRequest draw_save(SceneDialogs& d) {
  SceneDialogRequest req;
  ImGui::TextUnformatted("Save the current fits, view, windows and lesson text as a scene file.");
  bool go = path_field(d, "Where to write the scene file (.toml). It replays bit for bit: the same seed gives "
                          "the same fit. Edit it by hand afterwards: the format is in scenes/README.md.");
  std::error_code ec;
  const bool exists = d.path[0] && fs::exists(d.path, ec);
  if (exists) ImGui::TextColored({1.0f, 0.75f, 0.3f, 1.0f}, "%s exists: Save replaces it.", d.path);
  draw_error(d);
  go |= ImGui::Button(exists ? "Replace" : "Save");
  tooltip("Write the file. A failed write (a folder that does not exist, no permission) leaves any old "
          "file as it was and says why here.");
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) close_scene_dialog(d);
  if (go && d.path[0]) req = {SceneDialogRequest::Kind::Save, d.path};
  return req;
}

}  // namespace

std::vector<std::string> list_scene_files(const std::string& folder) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (it->path().extension() == ".toml" && !fs::is_directory(it->path(), ec2)) names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void set_dialog_path(SceneDialogs& d, const std::string& path) {
  const size_t n = std::min(path.size(), sizeof d.path - 1);
  path.copy(d.path, n);
  d.path[n] = '\0';
}

void close_scene_dialog(SceneDialogs& d) {
  d.error.clear();
  d.listed_folder.clear();
  if (ImGui::GetCurrentContext() && ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) ImGui::CloseCurrentPopup();
}

SceneDialogRequest draw_scene_dialogs(SceneDialogs& d) {
  if (d.want_open) ImGui::OpenPopup(kOpenId);
  if (d.want_save) ImGui::OpenPopup(kSaveId);
  d.want_open = d.want_save = false;
  SceneDialogRequest req;
  const ImGuiWindowFlags flags = ImGuiWindowFlags_AlwaysAutoResize;
  if (ImGui::BeginPopupModal(kOpenId, nullptr, flags)) {
    req = draw_open(d);
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopupModal(kSaveId, nullptr, flags)) {
    req = draw_save(d);
    ImGui::EndPopup();
  }
  return req;
}

}  // namespace vilab
