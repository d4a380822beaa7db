// app/ui/windows/gradvar_probe.cpp — see gradvar_probe.hpp.
#include "app/ui/windows/gradvar_probe.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

namespace vilab {

GradVarMeasurement measure_gradient_variance(const GradVarRequest& request, std::stop_token stop) {
  const auto t0 = std::chrono::steady_clock::now();
  GradVarMeasurement m;
  m.scene = request.scene;
  m.step = request.step;
  m.fit_id = request.fit_id;
  m.options = request.options;
  try {
    if (!request.target) throw std::invalid_argument("gradient variance: the fit has no target data yet");
    // One S at a time (the stop token is polled in between). gradient_variance seeds the draws of
    // each S afresh, so the cells are those of a single call over every S.
    vi::GradVarTable& t = m.table;
    t.samples = request.options.samples;
    std::vector<vi::GradVarTable> per_s;
    for (int S : request.options.samples) {
      if (stop.stop_requested()) {
        m.error = "cancelled";
        return m;
      }
      vi::GradVarOptions one = request.options;
      one.samples = {S};
      per_s.push_back(vi::gradient_variance(request.scene, *request.target, request.phi, one));
    }
    if (!per_s.empty()) {
      t.variants = per_s.front().variants;
      t.exact_gradient = per_s.front().exact_gradient;
    }
    for (size_t v = 0; v < t.variants.size(); ++v)  // variant-major, as GradVarTable::at reads them
      for (const vi::GradVarTable& one : per_s) t.cells.push_back(one.cells[v]);
    t.reading = vi::describe_gradient_variance(t);
  } catch (const std::exception& e) {
    m.error = e.what();
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

vi::Scene gradvar_key(const vi::Scene& scene) {
  const vi::Scene defaults;
  vi::Scene k = scene;
  k.estimator = defaults.estimator;
  k.baseline = defaults.baseline;
  k.sampling = defaults.sampling;
  k.optimizer = defaults.optimizer;
  k.lr = defaults.lr;
  k.samples = defaults.samples;
  k.seed = defaults.seed;
  k.anneal = defaults.anneal;  // measured at β = 1
  k.init_mean_x = defaults.init_mean_x;
  k.init_mean_y = defaults.init_mean_y;
  k.init_log_sd = defaults.init_log_sd;
  k.metrics_every = defaults.metrics_every;
  k.metric_samples = defaults.metric_samples;
  return k;
}

void GradVarProbe::start(GradVarRequest request) {
  running_scene_ = request.scene;
  running_step_ = request.step;
  running_fit_id_ = request.fit_id;
  job_.start([r = std::move(request)](std::stop_token stop) { return measure_gradient_variance(r, stop); });
}

void GradVarProbe::cancel() { job_.retire(); }

bool GradVarProbe::poll() {
  std::optional<GradVarMeasurement> m = job_.poll();
  if (!m) return false;
  latest_ = std::make_shared<const GradVarMeasurement>(std::move(*m));
  return true;
}

void GradVarProbe::wait() {
  if (job_.busy()) latest_ = std::make_shared<const GradVarMeasurement>(job_.wait());
}

}  // namespace vilab
