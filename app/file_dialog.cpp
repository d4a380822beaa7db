// app/file_dialog.cpp — see file_dialog.hpp.
#include "app/file_dialog.hpp"

#include "app/tooltip.hpp"

#include <imgui.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace vilab {

namespace fs = std::filesystem;

namespace {

const ImVec4 kError{1.0f, 0.42f, 0.38f, 1.0f};  // the status line's error red

void set_path(FileDialogState& st, const std::string& path) {
  const size_t n = std::min(path.size(), sizeof st.path - 1);
  path.copy(st.path, n);
  st.path[n] = '\0';
}

}  // namespace

std::string expand_home(const std::string& path) {
  const char* home = std::getenv("HOME");
  if (!home || !*home) return path;
  if (path == "~") return home;
  if (path.rfind("~/", 0) == 0) return std::string(home) + path.substr(1);
  return path;
}

std::string check_path(const std::string& p, FileDialogMode mode) {
  if (p.empty()) return "type a file name";
  std::error_code ec;
  if (fs::is_directory(p, ec)) return "'" + p + "' is a folder: add a file name";
  if (mode == FileDialogMode::Open) {
    if (!fs::exists(p, ec)) return "no file '" + p + "'";
    return "";
  }
  const fs::path parent = fs::path(p).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return "cannot create the folder '" + parent.string() + "': " + ec.message();
  }
  return "";
}

void open_file_dialog(FileDialogState& st, const std::string& title, const std::string& default_path,
                      const std::string& note, FileDialogMode mode, const std::string& action) {
  st.mode = mode;
  st.title = title;
  st.note = note;
  st.action = action;
  set_path(st, default_path);
  st.error.clear();
  st.accepted.clear();
  st.confirm_overwrite = false;
  st.pending_open = true;
  st.focus_path = true;
}

void file_dialog_error(FileDialogState& st, const std::string& error) {
  st.error = error;
  st.confirm_overwrite = false;
  st.pending_open = true;
}

bool file_dialog_busy(const FileDialogState& st) { return st.pending_open || st.visible; }

bool file_path_modal(const char* id, FileDialogState& st) {
  if (st.pending_open) {
    ImGui::OpenPopup(id);
    st.pending_open = false;
  }
  const float fs = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->GetCenter(), ImGuiCond_Appearing, {0.5f, 0.5f});
  ImGui::SetNextWindowSize({std::min(fs * 40, vp->WorkSize.x * 0.9f), 0});
  st.visible = false;
  if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar))
    return false;
  st.visible = true;
  bool accepted = false;
  ImGui::TextUnformatted(st.title.c_str());
  ImGui::Separator();
  const bool save = st.mode == FileDialogMode::Save;
  if (!st.confirm_overwrite) {
    ImGui::TextUnformatted(save ? "Save to" : "Open");
    ImGui::SetNextItemWidth(-1);
    if (st.focus_path) {
      ImGui::SetKeyboardFocusHere();
      st.focus_path = false;
    }
    const bool enter = ImGui::InputText("##path", st.path, sizeof st.path, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemEdited()) st.error.clear();
    tooltip(save ? "The file to write: a full path, or ~/… for your home folder. Missing folders are created."
                 : "The file to read: a full path, or ~/… for your home folder.");
    if (!st.note.empty()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("%s", st.note.c_str());
      ImGui::PopTextWrapPos();
    }
    if (!st.error.empty()) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextColored(kError, "%s", st.error.c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::Spacing();
    const bool go = ImGui::Button(st.action.c_str(), {fs * 7, 0}) || enter;
    tooltip(save ? "Write the file (asks first if it exists)." : "Read the file.");
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel", {fs * 7, 0}) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape));
    tooltip("Close without writing anything.");
    if (cancel) {
      ImGui::CloseCurrentPopup();
    } else if (go) {
      const std::string p = expand_home(st.path);
      st.error = check_path(p, st.mode);
      std::error_code ec;
      if (st.error.empty() && save && fs::exists(p, ec)) {
        st.confirm_overwrite = true;
      } else if (st.error.empty()) {
        st.accepted = p;
        accepted = true;
        ImGui::CloseCurrentPopup();
      }
    }
  } else {
    ImGui::PushTextWrapPos(0);
    ImGui::Text("'%s' exists. Replace it?", expand_home(st.path).c_str());
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    if (ImGui::Button("Replace", {fs * 7, 0})) {
      st.accepted = expand_home(st.path);
      st.confirm_overwrite = false;
      accepted = true;
      ImGui::CloseCurrentPopup();
    }
    tooltip("Overwrite the existing file.");
    ImGui::SameLine();
    if (ImGui::Button("Back", {fs * 7, 0}) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
      st.confirm_overwrite = false;
      st.focus_path = true;
    }
    tooltip("Keep the file and choose another name.");
  }
  ImGui::EndPopup();
  if (accepted) st.visible = false;
  return accepted;
}

}  // namespace vilab
