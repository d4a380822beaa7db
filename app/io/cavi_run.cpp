// app/io/cavi_run.cpp — a CAVI fit as JSON and text (app/io/cavi_run.hpp, app/io/model_runs.hpp).
#include "app/io/cavi_run.hpp"

#include "app/io/model_runs.hpp"

#include "vi/models/cavi_gmm.hpp"
#include "vi/models/cavi_normal_gamma.hpp"
#include "vi/core/check.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>

namespace vilab {

namespace {

using nlohmann::json;

json normal_gamma_json(const vi::CaviOptions& o) {
  const vi::NormalGammaData data = vi::ng_generate(o.n, o.mu_true, o.tau_true, o.seed);
  const vi::NormalGammaPrior prior{o.mu0, o.lambda0, o.a0, o.b0};
  const vi::NormalGammaExact exact = vi::ng_exact(data, prior);
  vi::NormalGammaQ q = vi::ng_initial_q(prior);
  const vi::CaviResult r = vi::ng_cavi(data, prior, q, o.max_iterations, o.tol);
  json j;
  j["model"] = "normal-gamma";
  j["n"] = o.n;
  j["seed"] = o.seed;
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["elbo"] = r.elbo.back();
  if (o.trace) j["elbo_trace"] = r.elbo;
  j["log_evidence"] = exact.log_evidence;
  j["kl_q_p"] = exact.log_evidence - r.elbo.back();  // log p(x) − ELBO = KL(q‖p)
  // [μ, τ]: the exact marginals and q's factors.
  j["exact_mean"] = {exact.mean_mu, exact.mean_tau};
  j["exact_sd"] = {exact.sd_mu, exact.sd_tau};
  j["q_mean"] = {q.m, q.mean_tau()};
  j["q_sd"] = {1 / std::sqrt(q.lambda), std::sqrt(q.a) / q.b};
  j["posterior"] = {{"mu_N", exact.post.mu}, {"lambda_N", exact.post.lambda}, {"a_N", exact.post.a}, {"b_N", exact.post.b}};
  j["q"] = {{"m", q.m}, {"lambda", q.lambda}, {"a", q.a}, {"b", q.b}};
  return j;
}

json gmm_json(const vi::CaviOptions& o) {
  vi::GmmSettings s;
  s.K = o.K;
  s.dim = o.dim;
  s.N = o.n == vi::CaviOptions{}.n ? 200 : o.n;
  s.sigma = o.sigma;
  s.seed = o.seed;
  const vi::GmmData data = vi::gmm_generate(s);
  vi::GmmQ q = vi::gmm_initial_q(data, o.seed);
  const vi::GmmCaviResult r = vi::gmm_cavi(data, q, o.max_iterations, o.tol);
  json j;
  j["model"] = "gmm";
  j["n"] = s.N;
  j["K"] = s.K;
  j["dim"] = s.dim;
  j["sigma"] = s.sigma;
  j["seed"] = o.seed;
  j["iterations"] = r.iterations;
  j["converged"] = r.converged;
  j["elbo"] = r.elbo.back();
  if (o.trace) j["elbo_trace"] = r.elbo;
  json means = json::array(), sds = json::array(), truth = json::array();
  for (int k = 0; k < s.K; ++k) {
    json m = json::array(), t = json::array();
    for (int d = 0; d < s.dim; ++d) m.push_back(q.m(d, k)), t.push_back(data.true_means(d, k));
    means.push_back(m);
    sds.push_back(std::sqrt(q.s2(k)));
    truth.push_back(t);
  }
  j["q_mean"] = means;  // K rows of dim: E_q[μ_k]
  j["q_sd"] = sds;      // K: s_k (per coordinate)
  j["true_means"] = truth;
  // How many points the fit assigns to their true component, after relabelling q's components
  // to the nearest true means.
  const std::vector<int> perm = vi::gmm_match_components(q.m, data.true_means);
  int right = 0;
  for (Eigen::Index i = 0; i < data.x.cols(); ++i) {
    Eigen::Index k = 0;
    q.phi.row(i).maxCoeff(&k);
    right += perm[size_t(k)] == data.labels[size_t(i)];
  }
  j["assignment_accuracy"] = double(right) / double(data.x.cols());
  return j;
}

}  // namespace

std::vector<std::string> cavi_model_names() {
  std::vector<std::string> names;
  for (const vi::ModelInfo& m : vi::model_registry())
    if (m.kind == vi::ModelKind::Cavi) names.push_back(m.name);
  return names;
}

nlohmann::json cavi_run_json(const std::string& model, const vi::CaviOptions& options) {
  vi::check_member("cavi_run_json", "model", model, cavi_model_names());
  vi::check_positive("cavi_run_json", "max_iterations", options.max_iterations);
  return model == "gmm" ? gmm_json(options) : normal_gamma_json(options);
}

nlohmann::json normal_gamma_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps) {
  return cavi_run_json("normal-gamma", vi::cavi_options_from("normal-gamma", settings, seed, sweeps));
}

nlohmann::json gmm_run_json(const vi::ParamValues& settings, uint64_t seed, int64_t sweeps) {
  return cavi_run_json("gmm", vi::cavi_options_from("gmm", settings, seed, sweeps));
}

void print_cavi_run(const nlohmann::json& j) {
  const std::string model = j.value("model", std::string());
  std::printf("%s by CAVI, seed %llu\n", model.c_str(), (unsigned long long)j.value("seed", uint64_t(0)));
  std::printf("  iterations   %d (%s)\n", j.value("iterations", 0), j.value("converged", false) ? "converged" : "not converged");
  std::printf("  ELBO         %.6f\n", j.value("elbo", 0.0));
  if (j.contains("log_evidence")) std::printf("  log evidence %.6f\n", j["log_evidence"].get<double>());
  std::cout << "  (vilab run --model " << model << " --json for every number)\n";
}

}  // namespace vilab
