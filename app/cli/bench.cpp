// app/cli/bench.cpp — `vilab bench`.
//
// Each workload is the same fit the PyTorch reference performs: Adam at lr 1e-2, S = 256 draws a
// step, 2000 steps, timed around the step loop only (no metrics), on one thread. Repetitions
// alternate between vilab and the peer so that both see the same machine load; we report
// medians and their ratio, and each side's final KL(q‖p).
//
// [SECTION] Workloads
// [SECTION] One repetition (vilab, peer)
// [SECTION] Report
// [SECTION] The subcommand
#include "app/cli/bench.hpp"

#include "app/cli/soak.hpp"
#include "app/cli/subcommand.hpp"

#include "vi/models/bnn.hpp"
#include "vi/engine/run.hpp"
#include "vi/models/vae_trainer.hpp"
#include "vi/core/vector_math.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <vector>

namespace vilab {

namespace {

using nlohmann::json;

// [SECTION] Workloads

struct Result {
  double steps_per_s = 0, kl = 0;  // rate in the workload's unit; its quality number
};

struct Workload {
  std::string id, what;
  vi::Scene scene;
  std::string peer_args;  // empty: the peer has no such family
  // Models with their own trainer (app/io/trained_models.hpp) time themselves: `run(steps)` trains
  // and returns the rate in `unit` and the quality number named by `quality`. Empty: a Run on
  // `scene`, in steps/s, with KL(q‖p).
  std::function<Result(int steps)> run;
  std::string unit = "steps/s", quality = "KL(q‖p)";
};

std::vector<Workload> workloads(int steps) {
  auto base = [](const std::string& target, const std::string& family) {
    vi::Scene s;
    s.target = target;
    s.family = family;
    s.optimizer = "adam";
    s.lr = 1e-2;
    s.samples = 256;
    s.seed = 1;
    return s;
  };
  std::vector<Workload> w;
  vi::Scene w1 = base("U1", "planar");
  w1.family_options.K = 32;
  w.push_back({"W1", "planar K = 32, S = 256, Adam, on U1", w1, "--target U1 --family planar --K 32", {}, "steps/s", "KL(q\u2016p)"});
  w.push_back({"W2", "mean-field, S = 256, Adam, on banana", base("banana", "meanfield"), "--target banana --family meanfield", {}, "steps/s",
               "KL(q\u2016p)"});
  vi::Scene w3 = base("two-moons", "realnvp");
  w3.family_options.K = 4;
  w3.family_options.hidden = 32;
  w.push_back({"W3", "RealNVP, 4 coupling layers of width 32, S = 256, Adam, on two-moons", w3, "", {}, "steps/s", "KL(q\u2016p)"});
  // W5: the BNN's default fit (vi/models/bnn.hpp: 1→20→1 tanh, 40 points, S = 1, local
  // reparameterization, Adam 0.01), each step a VI step and a MAP step; quality = the final ELBO
  // on the band's 200 fixed draws.
  Workload w5;
  w5.id = "W5";
  w5.what = "BNN 1\u219220\u21921, N = 40, S = 1, local reparam., Adam (+ MAP net), seed 1";
  w5.quality = "ELBO";
  w5.run = [](int n) {
    vi::BnnTrainer t{vi::BnnConfig{}};
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) t.step();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Result{double(t.steps()) / s, t.metric_terms().elbo};
  };
  w.push_back(std::move(w5));
  for (auto& x : w)
    if (!x.peer_args.empty()) x.peer_args += " --batch 256 --lr 0.01 --steps " + std::to_string(steps);
  // W4: the VAE (vi/models/vae_trainer.hpp) with its defaults (hidden 128, batch 64, Adam 1e-3) from
  // seed 1, timed over whole epochs including the per-epoch evaluation the app shows; `steps` is
  // read as epochs = max(1, steps / 400) (2000 → 5 epochs). Quality: the held-out ELBO.
  Workload w4;
  w4.id = "W4";
  w4.what = "VAE on 8x8 digits, 2D latent, hidden 128, batch 64, Adam";
  w4.unit = "epochs/s";
  w4.quality = "held-out ELBO";
  w4.run = [](int bench_steps) {
    vi::VaeConfig c;
    c.seed = 1;
    vi::VaeTrainer t(c);
    const int epochs = std::max(1, bench_steps / 400);
    const auto t0 = std::chrono::steady_clock::now();
    t.train_epochs(epochs);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Result{double(t.epoch()) / s, t.history().back().heldout_elbo};
  };
  w.push_back(std::move(w4));
  return w;
}

// [SECTION] One repetition

Result run_ours(const vi::Scene& scene, int steps) {
  vi::Run run(scene, nullptr, /*record_history=*/false);
  const auto t0 = std::chrono::steady_clock::now();
  run.step(steps);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {double(run.steps()) / s, run.metrics().kl_q_p};
}

std::optional<Result> run_peer(const std::string& script, const std::string& args, int seed, std::string& error) {
  const std::string cmd = "/usr/bin/python3 '" + script + "' " + args + " --seed " + std::to_string(seed) + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    error = "could not start /usr/bin/python3";
    return std::nullopt;
  }
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int status = pclose(p);
  const auto brace = out.rfind('{');
  if (status != 0 || brace == std::string::npos) {
    error = "the peer failed (is python3-torch installed? apt-get install python3-torch): " +
            out.substr(0, out.find('\n'));
    return std::nullopt;
  }
  try {
    const auto j = json::parse(out.substr(brace));
    return Result{j.at("steps_per_s").get<double>(), j.at("kl_q_p").get<double>()};
  } catch (const std::exception& e) {
    error = std::string("unreadable peer output: ") + e.what();
    return std::nullopt;
  }
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

std::string default_peer_script() {
  // The shared folder sits beside the project: ../shared from the source tree.
  namespace fs = std::filesystem;
  const fs::path p = fs::path(VILAB_SOURCE_DIR) / ".." / "shared" / "bench" / "peer_torch_vi.py";
  return fs::weakly_canonical(p).string();
}

}  // namespace

// [SECTION] Report

int run_bench(const BenchOptions& o) {
  const std::string script = o.peer_script.empty() ? default_peer_script() : o.peer_script;
  if (o.peer && !std::filesystem::exists(script)) {
    std::fprintf(stderr, "vilab bench: --peer: no reference script at %s (use --peer-script PATH)\n", script.c_str());
    return 2;
  }
  json report{{"repeats", o.repeats}, {"steps", o.steps}, {"threads", 1}, {"simd", vi::vector_math_isa()},
              {"workloads", json::array()}};
  if (!o.json)
    std::printf("vilab bench: %d repetitions of %d steps each, one thread, %s vector math%s\n", o.repeats, o.steps,
                vi::vector_math_isa(), o.peer ? ", interleaved with the PyTorch reference" : "");
  for (const auto& w : workloads(o.steps)) {
    if (!o.only.empty() && o.only != w.id) continue;
    std::vector<double> ours, ours_kl, peer, peer_kl;
    std::string peer_error;
    for (int r = 0; r < o.repeats; ++r) {
      const Result a = w.run ? w.run(o.steps) : run_ours(w.scene, o.steps);
      ours.push_back(a.steps_per_s);
      ours_kl.push_back(a.kl);
      if (o.peer && !w.peer_args.empty() && peer_error.empty()) {
        if (auto b = run_peer(script, w.peer_args, r, peer_error)) {
          peer.push_back(b->steps_per_s);
          peer_kl.push_back(b->kl);
        }
      }
    }
    json j{{"id", w.id},
           {"workload", w.what},
           {"unit", w.unit},
           {"steps_per_s_median", median(ours)},
           {"steps_per_s", ours},
           {"kl_q_p_median", median(ours_kl)}};
    if (w.run) j["quality"] = w.quality;
    if (!peer.empty()) {
      j["peer_steps_per_s_median"] = median(peer);
      j["peer_steps_per_s"] = peer;
      j["peer_kl_q_p_median"] = median(peer_kl);
      j["speedup"] = median(ours) / median(peer);
    }
    if (!peer_error.empty()) j["peer_error"] = peer_error;
    report["workloads"].push_back(j);
    if (!o.json) {
      std::printf("  %s  %-66s %10.0f %s  %s %.4f\n", w.id.c_str(), w.what.c_str(), median(ours), w.unit.c_str(),
                  w.quality.c_str(), median(ours_kl));
      if (!peer.empty())
        std::printf("      %-66s %10.1f steps/s  KL(q‖p) %.4f   → vilab is %.0f× faster\n", "PyTorch reference (same fit)",
                    median(peer), median(peer_kl), median(ours) / median(peer));
      else if (o.peer && w.peer_args.empty())
        std::printf("      %-66s\n", "(the PyTorch reference has no such family)");
      if (!peer_error.empty()) std::printf("      peer: %s\n", peer_error.c_str());
    }
  }
  if (o.json) std::cout << report.dump(2) << "\n";
  return 0;
}

// [SECTION] The subcommand

namespace {

class BenchCommand final : public Subcommand {
 public:
  void add_flags(CLI::App& app) override {
    app.add_option("--repeats", opts_.repeats, "repetitions per workload (median reported)")->check(CLI::Range(1, 1000))->default_str("5");
    app.add_option("--steps", opts_.steps, "steps per repetition")->check(CLI::Range(1, 10000000))->default_str("2000");
    app.add_option("--only", opts_.only, "one workload")->check(CLI::IsMember({"W1", "W2", "W3", "W4", "W5"}));
    app.add_flag("--peer", opts_.peer, "also run the PyTorch reference, interleaved (needs python3-torch)");
    app.add_option("--peer-script", opts_.peer_script, "path to peer_torch_vi.py");
    app.add_flag("--json", opts_.json, "print JSON");
    add_soak_flags(app, soak_);
  }

  void prepare() override {
    if (soak_.on) check_soak_flags(soak_);
  }

  int execute() override {
    if (!soak_.on) return run_bench(opts_);
    soak_.options.json = opts_.json;
    return run_soak_command(soak_.options);
  }

 private:
  BenchOptions opts_;
  SoakFlags soak_;
};

}  // namespace

std::unique_ptr<Subcommand> make_bench_command() { return std::make_unique<BenchCommand>(); }

}  // namespace vilab
