// app/io/trained_models.cpp — the registry of models with their own trainer (app/io/trained_models.hpp).
#include "app/io/trained_models.hpp"

#include "app/io/vae_settings.hpp"
#include "app/io/bnn_settings.hpp"

namespace vilab {

const std::vector<TrainedModel>& trained_models() {
  static const std::vector<TrainedModel> models = [] {
    std::vector<TrainedModel> m;
    // One line per model (each file's entry function builds its TrainedModel).
    m.push_back(vae_trained_model());
    m.push_back(bnn_trained_model());
    return m;
  }();
  return models;
}

const TrainedModel* find_trained_model(std::string_view name) {
  for (const auto& m : trained_models())
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace vilab
