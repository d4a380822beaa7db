// app/io/model_runs.cpp — the table of the headless model runs (app/io/model_runs.hpp).
#include "app/io/model_runs.hpp"

namespace vilab {

// Each model's run (its own file: app/io/vae_run.cpp, bnn_run.cpp, cavi_run.cpp).
nlohmann::json vae_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t epochs);
void print_vae_run(const nlohmann::json& result);
nlohmann::json bnn_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t steps);
void print_bnn_run(const nlohmann::json& result);
nlohmann::json normal_gamma_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps);
nlohmann::json gmm_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps);
void print_cavi_run(const nlohmann::json& result);

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
