// app/scene_dialogs.hpp — File → Open scene… and File → Save scene…: two small modals with a path
// field (Dear ImGui has no file dialog, and Debian packages none worth a dependency).
//
// The Open modal lists the scene files (*.toml) of the folder the path points into, so a class
// can pick one with a click; a double click opens it. The Save modal warns before it overwrites.
// The modals never read or write scene files themselves: they return what the user asked for, and
// the app reports a failure back (`error`), keeping the modal open with the message under the
// field and the scene the app had.
#pragma once

#include <string>
#include <vector>

namespace vilab {

struct SceneDialogs {
  // Set to open a modal on the next frame (the File menu, Ctrl+O / Ctrl+S).
  bool want_open = false, want_save = false;
  char path[1024] = {};  // the path field (a buffer: Debian's libimgui has no std::string InputText)
  std::string error;  // why the last open or save failed (shown in red until the path changes)
  // The Open modal's listing: the folder it shows and its scene files (refreshed when the folder
  // in the path field changes).
  std::string listed_folder;
  std::vector<std::string> listing;
};

struct SceneDialogRequest {
  enum class Kind { None, Open, Save } kind = Kind::None;
  std::string path;
};

// Draws whichever modal is open; returns the user's request (None while they are still choosing).
// After an Open or Save request the app either succeeds and calls close_scene_dialog(), or sets
// `error`, and the modal stays.
SceneDialogRequest draw_scene_dialogs(SceneDialogs& d);
void close_scene_dialog(SceneDialogs& d);

// Fills the path field (truncated to its buffer).
void set_dialog_path(SceneDialogs& d, const std::string& path);

// The scene files (*.toml) in `folder`, sorted; empty when it cannot be read.
std::vector<std::string> list_scene_files(const std::string& folder);

}  // namespace vilab
