// The ELBO's anatomy: ELBO = E_q[log p~] + H[q], recorded term by term (Metrics, HistoryPoint),
// and log Z − ELBO = KL(q‖p).
#include "vi/families/family.hpp"
#include "vi/objectives/gaussian_divergence.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

#include <Eigen/LU>

#include <cmath>
#include <string>

using namespace vi;

namespace {
Scene anatomy_scene(const std::string& target, const std::string& family) {
  Scene s;
  s.target = target;
  s.family = family;
  s.samples = 16;
  s.init_mean_x = 0.4;
  s.init_mean_y = -0.3;
  s.init_log_sd = -0.2;
  return s;
}
}  // namespace

TEST_CASE("The ELBO is exactly the sum of its recorded terms E_q log p and H q", "[metrics][anatomy]") {
  for (const std::string target : {"banana", "correlated", "donut", "funnel", "bimodal"})
    for (const std::string family : {"meanfield", "fullrank", "lowrank", "planar", "mixture"}) {
      Run run(anatomy_scene(target, family));
      run.step(20);
      INFO(target << " / " << family);
      for (bool full : {true, false}) {
        const Metrics m = run.metrics(full);
        REQUIRE(std::isfinite(m.elbo));
        CHECK(std::isfinite(m.e_log_p));
        CHECK(std::isfinite(m.entropy));
        CHECK(std::abs(m.e_log_p + m.entropy - m.elbo) <= 1e-12 * std::max(1.0, std::abs(m.elbo)));
        CHECK(m.e_log_p != 0);  // recorded, not left at the default
        CHECK(m.entropy != 0);
      }
      const auto& h = run.history().points();
      REQUIRE(h.size() >= 2);
      for (const HistoryPoint& p : h)
        CHECK(std::abs(p.e_log_p + p.entropy - p.elbo) <= 1e-12 * std::max(1.0, std::abs(p.elbo)));
      CHECK(h.back().entropy != h.front().entropy);  // the terms move with q
    }
}

TEST_CASE("log Z minus the ELBO is KL(q||p), and the terms match their closed forms on a Gaussian target", "[metrics][anatomy]") {
  // correlated: p = N(0, Σ) normalized (log Z = 0 exactly); q Gaussian: every term has a closed form.
  Mat sigma(2, 2);
  sigma << 1, 0.9, 0.9, 1;
  const Moments p{Vec::Zero(2), sigma};
  for (const std::string family : {"meanfield", "fullrank"}) {
    Run run(anatomy_scene("correlated", family));
    run.step(15);
    const Metrics m = run.metrics();
    const Moments q = run.family().moments(run.params());
    const double kl = gaussian_kl(q, p);
    INFO(family << ": closed form KL " << kl << ", log Z − ELBO " << m.log_z - m.elbo << " ± " << m.kl_q_p_error);
    REQUIRE(m.log_z_exact);
    CHECK(std::abs((m.log_z - m.elbo) - kl) <= m.kl_q_p_error + 1e-9);
    CHECK(std::abs((m.log_z - m.elbo) - m.kl_q_p) <= 1e-12);
    // H[q] = ½ log det(2πe Σ_q) and E_q[log p] = −log 2π − ½ log det Σ − ½ (tr(Σ⁻¹Σ_q) + μᵀΣ⁻¹μ).
    const double two_pi = 2 * 3.141592653589793;
    const double h = 0.5 * std::log(std::pow(two_pi * std::exp(1.0), 2) * q.cov.determinant());
    const Mat si = sigma.inverse();
    const double e = -std::log(two_pi) - 0.5 * std::log(sigma.determinant()) -
                     0.5 * ((si * q.cov).trace() + q.mean.dot(si * q.mean));
    CHECK(m.entropy == Approx(h).margin(m.kl_q_p_error + 1e-7));
    CHECK(m.e_log_p == Approx(e).margin(m.kl_q_p_error + 1e-7));
    CHECK(m.entropy == Approx(run.family().entropy(run.params())).margin(1e-6));
  }
}
