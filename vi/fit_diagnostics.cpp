// vi/fit_diagnostics.cpp — PSIS at a fit's current q.
#include "vi/fit_diagnostics.hpp"

#include "vi/check.hpp"
#include "vi/rng.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace vi {

FitDiagnostics diagnose_fit(const Run& run, int draws) {
  check_range("diagnose_fit", "draws", draws, 2, 1 << 20);
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
  family.sample(phi, eps, u, z);
  Vec log_q(draws), log_p(draws);
  family.log_density(phi, z, log_q);
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
  return d;
}

}  // namespace vi
