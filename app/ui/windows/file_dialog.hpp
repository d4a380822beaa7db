// app/ui/windows/file_dialog.hpp — a small "Save as" / "Open" modal: Dear ImGui has no file dialog, and
// Debian has none worth depending on. A path field (prefilled), a note of what will be written,
// confirmation before overwriting, and the system's error in red when the write fails; the app
// keeps running and the user keeps the path to correct.
//
// The one file dialog of the app: the export menu and File → Open / Save scene use it.
// Use:
//   FileDialogState dlg;                                       // kept in the UI state
//   open_file_dialog(dlg, "Export traces", "~/vilab-exports/x.csv", "one row per recorded step");
//   ...every frame:
//   if (file_path_modal("##traces", dlg)) {                   // the user chose dlg.accepted
//     if (!write(dlg.accepted, error)) file_dialog_error(dlg, error);  // stays open, with the error
//   }
#pragma once

#include <string>
#include <vector>

namespace vilab {

enum class FileDialogMode {
  Save,  // asks before overwriting; creates the missing folders of the path on accept
  Open,  // the file must exist
};

struct FileDialogState {
  FileDialogMode mode = FileDialogMode::Save;
  std::string title;     // the modal's title, e.g. "Export the density view as PNG"
  std::string note;      // what will be written (shown under the path)
  std::string action = "Save";  // the accept button's label
  char path[1024] = {};  // the edited path (~ is the home folder)
  std::string error;     // shown in red (the last failure), cleared when the path is edited
  std::string accepted;  // after file_path_modal returned true: the chosen path, ~ expanded
  // Open: list the files with this extension (".toml") of the folder the path points into, so a
  // class can pick one with a click; a double click opens it. Empty: no listing.
  std::string list_extension;
  std::string listed_folder;        // the folder listed now (refreshed when the path's folder changes)
  std::vector<std::string> listing;  // its file names, sorted
  // Internal: the modal should open at the next draw / is asking to overwrite / is shown.
  bool pending_open = false;
  bool closing = false;  // accepted: the modal closes at its next draw (unless the write failed)
  bool confirm_overwrite = false;
  bool visible = false;
  bool focus_path = false;
};

// Asks for a path: the modal opens at the next file_path_modal() call.
void open_file_dialog(FileDialogState& st, const std::string& title, const std::string& default_path,
                      const std::string& note, FileDialogMode mode = FileDialogMode::Save,
                      const std::string& action = "Save");

// The caller's write of st.accepted failed: the modal stays open (or opens again) on the same path,
// with `error` under it.
void file_dialog_error(FileDialogState& st, const std::string& error);

// Draws the modal (when open) and returns true once when the user accepted a path: st.accepted
// holds it, ~ expanded, and the modal closes at the next draw unless file_dialog_error() is called. `id` is the ImGui popup id (unique per dialog).
bool file_path_modal(const char* id, FileDialogState& st);

// Whether the modal is open or about to open (the probe reports the open dialog by its title).
bool file_dialog_busy(const FileDialogState& st);

// The files of `folder` whose names end in `extension`, sorted; empty when it cannot be read.
std::vector<std::string> list_files(const std::string& folder, const std::string& extension);

// "~/x" → "$HOME/x" (unchanged without HOME or without a leading "~/").
std::string expand_home(const std::string& path);

// The path's problem before writing, or "" when it can be tried: empty, a folder, a missing
// folder that cannot be created (Save: it is created here), a missing file (Open).
std::string check_path(const std::string& expanded, FileDialogMode mode);

}  // namespace vilab
