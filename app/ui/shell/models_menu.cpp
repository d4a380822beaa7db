// app/ui/shell/models_menu.cpp — see models_menu.hpp.
#include "app/ui/shell/models_menu.hpp"

#include "app/ui/widgets/tooltip.hpp"
#include "app/ui/shell/widget_probe.hpp"
#include "vi/engine/fit_grid.hpp"
#include "vi/models/models.hpp"

namespace vilab {

const std::vector<ModelWindowEntry>& model_windows() {
  // Each model's window, by its registry name: one line per model that has a window.
  static const ModelWindowEntry windows[] = {
      {"CAVI Normal-Gamma", "cavi_ng", &WindowsShown::normal_gamma,
       "Open (or close) CAVI on q(\u03BC) q(\u03C4) for a Gaussian with unknown mean and precision (PRML \u00A710.1.3), "
       "one factor update at a time, over its exact Normal-Gamma posterior.", "normal-gamma"},
      {"CAVI Gaussian mixture", "cavi_gmm", &WindowsShown::gmm,
       "Open (or close) CAVI for a mixture of K unit-variance Gaussians (Blei et al. 2017): responsibilities, "
       "component posteriors and the ELBO per sweep.", "gmm"},
      {"VAE (digits)", "vae", &WindowsShown::vae,
       "Open (or close) a variational autoencoder on the 8\u00D78 digits training live: its 2D latent space, the "
       "decoded manifold, the ELBO split into reconstruction and KL, and the amortization gap of one image. "
       "Closing the window pauses its training; opening it again carries on where it was.", "vae"},
      {"BNN (regression)", "bnn", &WindowsShown::bnn,
       "Open (or close) a Bayesian neural network on 1D data with a gap: mean-field Gaussian weights fitted by "
       "Bayes by backprop, the predictive band, functions drawn from q and the MAP network beside them. "
       "Closing the window pauses its training; opening it again carries on where it was.", "bnn"},
  };
  static const std::vector<ModelWindowEntry> table = [] {
    std::vector<ModelWindowEntry> t;
    for (const vi::ModelInfo& m : vi::model_registry())
      for (const ModelWindowEntry& w : windows)
        if (m.name == w.model) t.push_back(w);
    return t;
  }();
  return table;
}

void toggle_model_window(WindowsShown& windows, const ModelWindowEntry& entry) {
  bool& shown = windows.*entry.shown;
  shown = !shown;
}

void request_grid(ControlsState& st, const std::string& preset) {
  st.grid_preset = preset;
  st.open_grid = preset;
}

ModelsMenuResult draw_models_menu(ControlsState& st, bool in_grid) {
  ModelsMenuResult result;
  if (!ImGui::BeginMenu("Models")) return result;
  for (const ModelWindowEntry& m : model_windows()) {
    const std::string label = std::string(m.name) + "\u2026##models_" + m.id;
    if (ImGui::MenuItem(label.c_str(), nullptr, st.windows.*m.shown)) {
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
