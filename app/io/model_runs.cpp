// app/io/model_runs.cpp — the table of the headless model runs (app/io/model_runs.hpp).
#include "app/io/model_runs.hpp"

namespace vilab {

const ModelRun* find_model_run(std::string_view name) {
  // One line per model that the engine's families do not fit.
  static const ModelRun runs[] = {
      {"normal-gamma", &normal_gamma_run_json, &print_cavi_run},
      {"gmm", &gmm_run_json, &print_cavi_run},
      {"vae", &vae_run_json, &print_vae_run},
      {"bnn", &bnn_run_json, &print_bnn_run},
  };
  for (const ModelRun& r : runs)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace vilab
