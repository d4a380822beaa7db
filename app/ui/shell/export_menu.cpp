// app/ui/shell/export_menu.cpp — see export_menu.hpp.
//
// [SECTION] Panel rectangles
// [SECTION] Paths and files
// [SECTION] The menu
// [SECTION] Dialogs and writes
#include "app/ui/shell/export_menu.hpp"

#include "app/io/export_csv.hpp"
#include "app/io/run_summary.hpp"
#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

namespace vilab {

namespace {

std::map<std::string, PixelRect> g_panel_rects;  // UI thread only, like the density view's rects

PixelRect to_pixels(ImVec2 a, ImVec2 b) {
  const ImVec2 fb = ImGui::GetIO().DisplayFramebufferScale;
  return {int(std::lround(a.x * fb.x)), int(std::lround(a.y * fb.y)), int(std::lround(b.x * fb.x)),
          int(std::lround(b.y * fb.y))};
}

// The windows a user would call floating windows: top-level, not popups, menus or tooltips, not
// the full-viewport layout itself or the menu bar.
bool is_floating(const ImGuiWindow* w) {
  const ImGuiWindowFlags not_floating = ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Popup |
                                        ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_ChildMenu | ImGuiWindowFlags_Modal;
  if (w->Flags & not_floating) return false;
  const std::string name = w->Name;
  return name.rfind("vilab##", 0) != 0 && name != "##MainMenuBar" && name.rfind("Debug##", 0) != 0;
}

std::string title_of(const ImGuiWindow* w) {
  const std::string name = w->Name;
  return name.substr(0, name.find("##"));
}

const ImGuiWindow* floating_window(const std::string& title) {
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if ((w->Active || w->WasActive) && !w->Hidden && is_floating(w) && title_of(w) == title) return w;
  return nullptr;
}

}  // namespace

// [SECTION] Panel rectangles

void note_panel_rect(const std::string& name) { g_panel_rects[name] = to_pixels(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }

PixelRect last_panel_rect(const std::string& name) {
  if (const auto it = g_panel_rects.find(name); it != g_panel_rects.end()) return it->second;
  if (!ImGui::GetCurrentContext()) return {};
  if (const ImGuiWindow* w = floating_window(name)) return to_pixels(w->Pos, {w->Pos.x + w->Size.x, w->Pos.y + w->Size.y});
  return {};
}

std::vector<std::string> floating_window_titles() {
  std::vector<std::string> titles;
  for (const ImGuiWindow* w : ImGui::GetCurrentContext()->Windows)
    if (w->WasActive && !w->Hidden && is_floating(w)) titles.push_back(title_of(w));
  return titles;
}

// [SECTION] Paths and files

std::string default_export_path(const vi::Snapshot& snap, const std::string& suffix, const std::string& ext) {
  std::string name = snap.scene.target + "-" + snap.scene.family + "-step" + std::to_string(snap.step);
  if (!suffix.empty()) name += "-" + suffix;
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '-';
  std::string path = "~/vilab-exports/";
  path += name;
  path += ".";
  path += ext;
  return path;
}

std::string write_text_file(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream f(path, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!f) return "cannot write '" + path + "': " + (errno ? std::strerror(errno) : "cannot open it");
  f << text;
  f.close();
  if (!f) return "cannot finish writing '" + path + "'" + (errno ? std::string(": ") + std::strerror(errno) : "");
  return "";
}

// [SECTION] The menu

namespace {

// `path`: the default path offered.
void ask_png_at(ExportState& st, const std::string& panel, const std::string& what, const std::string& path) {
  st.kind = panel.empty() ? ExportState::Kind::WindowPng : ExportState::Kind::PanelPng;
  st.panel = panel;
  const PixelRect r = panel.empty() ? PixelRect{} : last_panel_rect(panel);
  const ImVec2 fb = ImGui::GetIO().DisplaySize;
  const ImVec2 scale = ImGui::GetIO().DisplayFramebufferScale;
  const int w = panel.empty() ? int(std::lround(fb.x * scale.x)) : r.width();
  const int h = panel.empty() ? int(std::lround(fb.y * scale.y)) : r.height();
  const std::string note = "A PNG of " + what + ", " + std::to_string(w) + " \u00D7 " + std::to_string(h) +
                           " pixels, as it is drawn in the frame after this dialog closes (the dialog is not in it).";
  open_file_dialog(st.dialog, "Export " + what + " as PNG", path, note);
}

void ask_png(ExportState& st, const vi::Snapshot& shown, const std::string& panel, const std::string& what) {
  ask_png_at(st, panel, what, default_export_path(shown, panel.empty() ? "window" : panel, "png"));
}

// "~/vilab-exports/grid-paper-fig3-step100-window.png"
std::string grid_export_path(const GridExport& g, const std::string& suffix, const std::string& ext) {
  std::string name = "grid-" + g.preset + "-step" + std::to_string(g.step) + "-" + suffix;
  for (char& c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '-';
  return "~/vilab-exports/" + name + "." + ext;
}

}  // namespace

void open_png_export(ExportState& st, const vi::Snapshot& shown, const std::string& panel) {
  ask_png(st, shown, panel, panel.empty() ? "the whole window" : "the " + panel + " panel");
}

void draw_export_menu(ExportState& st, const vi::Snapshot& shown, const vi::Snapshot& live) {
  if (ImGui::BeginMenu("Export")) {
    if (ImGui::MenuItem("Window PNG\u2026")) ask_png(st, shown, "", "the whole window");
    tooltip("Save the whole window as a PNG image.");
    if (ImGui::MenuItem("Density view PNG\u2026")) ask_png(st, shown, "density", "the density view");
    tooltip("Save the centre panel (p, q and the sample cloud, with its legend) as a PNG image.");
    if (ImGui::MenuItem("Metrics panel PNG\u2026")) ask_png(st, shown, "metrics", "the metrics panel");
    tooltip("Save the right-hand panel (ELBO and KL plots, the numbers) as a PNG image.");
    if (ImGui::MenuItem("Controls panel PNG\u2026")) ask_png(st, shown, "controls", "the controls panel");
    tooltip("Save the left-hand panel (the scene's settings) as a PNG image.");
    const std::vector<std::string> floating = floating_window_titles();
    if (!floating.empty()) ImGui::Separator();
    for (const std::string& t : floating) {
      const std::string item = "'" + t + "' window PNG\u2026";
      if (ImGui::MenuItem(item.c_str())) ask_png(st, shown, t, "the '" + t + "' window");
      tooltip("Save this floating window as a PNG image.");
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Traces CSV\u2026")) {
      st.kind = ExportState::Kind::TracesCsv;
      const size_t with_phi = live.param_history.size();
      std::string note = "One row per recorded step of the run (" + std::to_string(live.history.size()) +
                         " rows up to step " + std::to_string(live.step) +
                         "): the step's ELBO estimate, the smooth ELBO, KL(q\u2016p), KL(p\u2016q), E_q[log p~], H[q], and " +
                         std::to_string(live.param_names.size()) + " columns of \u03C6 (recorded at " +
                         std::to_string(with_phi) + " of the rows; thinned more than the metrics when \u03C6 is long). "
                         "The columns are described in the file's # lines. For every step, use 'vilab run --csv'.";
      open_file_dialog(st.dialog, "Export the traces as CSV", default_export_path(live, "traces", "csv"), note);
    }
    tooltip("Save the engine's recorded history of this run (the plots' data, and \u03C6) as CSV.");
    if (ImGui::MenuItem("Run summary JSON\u2026")) {
      st.kind = ExportState::Kind::SummaryJson;
      const bool past = shown.step != live.step;
      const std::string note = "The run summary at step " + std::to_string(shown.step) +
                               (past ? " (the recorded snapshot the timeline shows)" : "") +
                               ": the same keys as 'vilab run --json' (scene, ELBO, both KLs, q's moments, \u03C6, "
                               "PSIS k\u0302 on 4096 draws, the convergence verdict). \"seconds\" is null: the app does not time steps.";
      open_file_dialog(st.dialog, "Export the run summary as JSON", default_export_path(shown, "summary", "json"), note);
    }
    tooltip("Save the numbers that describe the fit now (as 'vilab run --json' prints them) as JSON.");
    ImGui::EndMenu();
  }
  if (!st.last_message.empty() && ImGui::GetTime() < st.message_until) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", st.last_message.c_str());
  }
}

void draw_grid_export_menu(ExportState& st, const GridExport& grid) {
  if (ImGui::BeginMenu("Export")) {
    if (ImGui::MenuItem("Window PNG\u2026##grid_window_png"))
      ask_png_at(st, "", "the whole window", grid_export_path(grid, "window", "png"));
    tooltip("Save the whole window (every panel of the grid, its KL curves and labels) as a PNG image.");
    ImGui::Separator();
    ImGui::BeginDisabled(!grid.summary);
    if (ImGui::MenuItem("Grid summary JSON\u2026")) {
      st.kind = ExportState::Kind::GridSummaryJson;
      const std::string note = "The run summary of each of the " + std::to_string(grid.cells) +
                               " cells, with its row and column labels, at the step each cell has reached: the same keys "
                               "as 'vilab run --json' (scene, ELBO, both KLs, q's moments, \u03C6, PSIS k\u0302). For the "
                               "KL table over several seeds, use 'vilab grid " + grid.preset + "'.";
      open_file_dialog(st.dialog, "Export the grid summary as JSON", grid_export_path(grid, "summary", "json"), note);
    }
    ImGui::EndDisabled();
    tooltip("Save the numbers of every cell now (as 'vilab run --json' prints them for one fit) as JSON.");
    ImGui::EndMenu();
  }
  if (!st.last_message.empty() && ImGui::GetTime() < st.message_until) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", st.last_message.c_str());
  }
}

// [SECTION] Dialogs and writes

namespace {

// After a write: the error in the dialog, or "wrote …" in the menu bar.
void report_write(ExportState& st, const std::string& path, const std::string& error) {
  if (!error.empty()) {
    file_dialog_error(st.dialog, error);
  } else {
    st.last_message = "wrote " + path;
    st.message_until = ImGui::GetTime() + 6;
  }
}

// A PNG is read from the back buffer later: the frame after this one, the dialog gone from it.
bool take_png(ExportState& st, const std::string& path) {
  if (st.kind != ExportState::Kind::WindowPng && st.kind != ExportState::Kind::PanelPng) return false;
  st.png_path = path;
  st.png_wait = 1;
  return true;
}

}  // namespace

void draw_grid_export_dialogs(ExportState& st, const GridExport& grid) {
  if (!file_path_modal("Export##export_dialog", st.dialog)) return;
  const std::string& path = st.dialog.accepted;
  if (take_png(st, path) || st.kind != ExportState::Kind::GridSummaryJson || !grid.summary) return;
  std::string error;
  try {
    error = write_text_file(path, grid.summary().dump(2) + "\n");
  } catch (const std::exception& e) {
    error = e.what();
  }
  report_write(st, path, error);
}

void draw_export_dialogs(ExportState& st, const vi::Snapshot& shown, const vi::Snapshot& live) {
  if (!file_path_modal("Export##export_dialog", st.dialog)) return;
  const std::string& path = st.dialog.accepted;
  if (take_png(st, path)) return;
  std::string error;
  switch (st.kind) {
    case ExportState::Kind::WindowPng:
    case ExportState::Kind::PanelPng:
    case ExportState::Kind::GridSummaryJson:  // the grid view's (not drawn here)
    case ExportState::Kind::None: return;
    case ExportState::Kind::TracesCsv: {
      std::ostringstream out;
      write_snapshot_traces(out, live);
      error = write_text_file(path, out.str());
      break;
    }
    case ExportState::Kind::SummaryJson:
      try {
        error = write_text_file(path, run_summary_json(shown).dump(2) + "\n");
      } catch (const std::exception& e) {
        error = e.what();
      }
      break;
  }
  report_write(st, path, error);
}

void export_before_frame(ExportState& st) {
  ImGuiIO& io = ImGui::GetIO();
  if (st.png_path.empty() || st.png_wait > 0) return;
  st.mouse_was_off = io.ConfigFlags & ImGuiConfigFlags_NoMouse;
  io.ConfigFlags |= ImGuiConfigFlags_NoMouse;
}

void export_after_render(ExportState& st, int fb_w, int fb_h) {
  if (st.png_path.empty()) return;
  if (st.png_wait > 0) {
    --st.png_wait;
    return;
  }
  if (!st.mouse_was_off) ImGui::GetIO().ConfigFlags &= ~ImGuiConfigFlags_NoMouse;
  PixelRect crop;
  std::string error;
  if (st.kind == ExportState::Kind::PanelPng) {
    crop = last_panel_rect(st.panel);
    if (crop.empty()) error = "the panel '" + st.panel + "' is not on screen now";
  }
  if (error.empty() && save_back_buffer_png(st.png_path, fb_w, fb_h, error, crop)) {
    const PixelRect r = crop.empty() ? PixelRect{0, 0, fb_w, fb_h} : clip_rect(crop, fb_w, fb_h);
    st.last_message = "wrote " + st.png_path + " (" + std::to_string(r.width()) + "\u00D7" + std::to_string(r.height()) + ")";
    st.message_until = ImGui::GetTime() + 6;
  } else {
    file_dialog_error(st.dialog, error);
  }
  st.png_path.clear();
}

}  // namespace vilab
