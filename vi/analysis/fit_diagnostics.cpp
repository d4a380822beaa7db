// vi/analysis/fit_diagnostics.cpp — PSIS at a fit's current q.
#include "vi/analysis/fit_diagnostics.hpp"

#include "vi/core/check.hpp"
#include "vi/core/rng.hpp"
#include "vi/engine/run.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace vi {

FitDiagnostics diagnose_fit(const Run& run, int draws, int resample) {
  check_range("diagnose_fit", "draws", draws, 2, 1 << 20);
  check_range("diagnose_fit", "resample", resample, 0, 1 << 20);
  const Family& family = run.family();
  const Vec& phi = run.params();
  Rng rng(run.scene().seed, kDiagnosticStream);
  Mat eps(family.base_dim(), draws);
  rng.fill_normal(eps);
  Vec u(draws);
  for (auto& x : u) x = rng.uniform();
  // Independent draws of q (a mixture picks each draw's component from u), then log q at them by
  // the family's exact density, and log p~ by the problem.
  Mat z(family.dim(), draws);
  Vec log_q(draws), log_p(draws);
  if (family.stratified()) {
    family.sample(phi, eps, u, z);
    family.log_density(phi, z, log_q);
  } else {
    // z = T(ε) with log q along the path: the same z as sample(), and for a flow no numerical
    // inversion (log_density would invert each draw; forward knows its ε).
    family.forward(phi, eps, z, log_q);
  }
  run.problem().eval(z, log_p, nullptr);
  FitDiagnostics d;
  d.draws = draws;
  const Vec log_ratio = log_p - log_q;
  for (Eigen::Index s = 0; s < log_ratio.size(); ++s) {
    if (std::isnan(log_ratio(s)) || log_ratio(s) == std::numeric_limits<double>::infinity()) {
      d.failure = "draw " + std::to_string(s) + " of q gives log p~ − log q = " + to_text(log_ratio(s)) +
                  " (log p~ " + to_text(log_p(s)) + ", log q " + to_text(log_q(s)) + ")";
      d.psis.khat = std::numeric_limits<double>::infinity();
      d.psis.ess = d.psis.ess_raw = std::numeric_limits<double>::quiet_NaN();
      d.verdict = classify_khat(d.psis.khat);
      return d;
    }
  }
  try {
    d.psis = psis(log_ratio);
  } catch (const std::invalid_argument& e) {  // every ratio −∞: no draw of q lands where p~ > 0
    d.failure = e.what();
    d.psis.khat = std::numeric_limits<double>::infinity();
    d.psis.ess = d.psis.ess_raw = std::numeric_limits<double>::quiet_NaN();
  }
  d.verdict = classify_khat(d.psis.khat);
  if (resample > 0 && d.failure.empty()) {
    // Systematic resampling: one uniform offset, `resample` evenly spaced points through the
    // cumulative weights (lower variance than independent multinomial draws).
    d.resampled.resize(z.rows(), resample);
    const double u0 = rng.uniform() / resample;
    double cum = std::exp(d.psis.log_weights(0));
    Eigen::Index s = 0;
    for (int m = 0; m < resample; ++m) {
      const double target = u0 + double(m) / resample;
      while (cum < target && s + 1 < z.cols()) cum += std::exp(d.psis.log_weights(++s));
      d.resampled.col(m) = z.col(s);
    }
  }
  return d;
}

}  // namespace vi
