// vi/fit_diagnostics.cpp — PSIS at a fit's current q.
#include "vi/fit_diagnostics.hpp"

#include "vi/check.hpp"
#include "vi/rng.hpp"

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
  d.psis = psis(Vec(log_p - log_q));
  d.verdict = classify_khat(d.psis.khat);
  return d;
}

}  // namespace vi
