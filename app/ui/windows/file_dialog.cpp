// app/ui/windows/file_dialog.cpp — see file_dialog.hpp.
#include "app/ui/windows/file_dialog.hpp"

#include "app/ui/shell/layout.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

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

// The folder a path field points into: the field itself when it names a folder, else its parent
// ("." when it has none).
std::string folder_of(const std::string& path) {
  std::error_code ec;
  if (!path.empty() && fs::is_directory(path, ec)) return path;
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// Open's listing under the path field; returns true on a double click (open the file).
bool draw_listing(FileDialogState& st) {
  const std::string folder = folder_of(expand_home(st.path));
  if (folder != st.listed_folder) {
    st.listed_folder = folder;
    st.listing = list_files(folder, st.list_extension);
  }
  ImGui::TextDisabled("in %s:", folder.c_str());
  const float fs = ImGui::GetFontSize();
  bool open = false;
  ImGui::BeginChild("##listing", {0, fs * 9}, true);
  if (st.listing.empty()) ImGui::TextDisabled("(no %s files here)", st.list_extension.c_str());
  for (const std::string& name : st.listing) {
    const std::string full = (fs::path(folder) / name).string();
    if (ImGui::Selectable(name.c_str(), full == expand_home(st.path), ImGuiSelectableFlags_AllowDoubleClick)) {
      set_path(st, full);
      st.error.clear();
      if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) open = true;
    }
  }
  ImGui::EndChild();
  return open;
}

}  // namespace

std::vector<std::string> list_files(const std::string& folder, const std::string& extension) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (it->path().extension() == extension && !fs::is_directory(it->path(), ec2))
      names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

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
  st.closing = false;
  st.focus_path = true;
  st.listed_folder.clear();
}

void file_dialog_error(FileDialogState& st, const std::string& error) {
  st.error = error;
  st.confirm_overwrite = false;
  // Still open (the accepted path closes it at the next draw): it stays, with the message. The
  // modal is never closed and reopened around an error: a click in between would be lost.
  st.closing = false;
  if (!st.visible) st.pending_open = true;
}

bool file_dialog_busy(const FileDialogState& st) { return st.pending_open || st.visible; }

bool file_path_modal(const char* id, FileDialogState& st) {
  if (st.pending_open) {
    ImGui::OpenPopup(id);
    st.pending_open = false;
  }
  const float fs = ImGui::GetFontSize();
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  center_next_window(ImGuiCond_Appearing);
  ImGui::SetNextWindowSize({std::min(fs * 40, vp->WorkSize.x * 0.9f), 0});
  st.visible = false;
  if (!ImGui::BeginPopupModal(id, nullptr, ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar))
    return false;
  st.visible = true;
  // A modal closes from inside its Begin/End (ImGui's CloseCurrentPopup acts on the popup being
  // drawn): an accepted path closes here, one draw later, unless the caller's write failed.
  if (st.closing) {
    st.closing = false;
    ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    st.visible = false;
    return false;
  }
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
    const bool picked = !save && !st.list_extension.empty() && draw_listing(st);
    const bool go = ImGui::Button(st.action.c_str(), {fs * 7, 0}) || enter || picked;
    tooltip(save ? "Write the file (asks first if it exists)." : "Read the file.");
    ImGui::SameLine();
    // Esc without repeat: an Esc still held when the next dialog opens must not close that one too.
    const bool cancel = ImGui::Button("Cancel", {fs * 7, 0}) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false);
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
        st.closing = true;
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
      st.closing = true;
    }
    tooltip("Overwrite the existing file.");
    ImGui::SameLine();
    if (ImGui::Button("Back", {fs * 7, 0}) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) {
      st.confirm_overwrite = false;
      st.focus_path = true;
    }
    tooltip("Keep the file and choose another name.");
  }
  ImGui::EndPopup();
  return accepted;
}

}  // namespace vilab
