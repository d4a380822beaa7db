// vi/analysis/fit_diagnostics.hpp — how far a fit can be trusted: PSIS k̂ and the importance-sampling ESS.
//
// Yao, Vehtari, Simpson & Gelman (2018): draw z_s ~ q, take the importance ratios
// log w_s = log p~(z_s) − log q(z_s), and fit a generalized Pareto to their upper tail. Its shape
// k̂ says whether importance sampling from q would work: k̂ < 0.5 good, 0.5–0.7 usable, > 0.7
// unreliable (q misses mass of p). Needs no knowledge of p beyond p~, so it applies to any
// problem; on 2D targets it stands beside the exact KL, so "k̂ tracks the true error" is
// checkable.
#pragma once

#include "vi/analysis/psis.hpp"
#include "vi/core/types.hpp"

#include <cstdint>
#include <string>

namespace vi {

class Run;

struct FitDiagnostics {
  int draws = 0;
  PsisResult psis;  // k̂, the smoothed log weights and their ESS
  KhatVerdict verdict;
  // Non-empty when q's draws gave a NaN or +∞ log ratio (a q blown up by a diverging fit): k̂ is
  // then +∞ (bad) and this says why; no PSIS fit is attempted.
  std::string failure;
  // PSIS-resampled draws (dim × resample columns, empty unless asked for): the draws of q drawn
  // again in proportion to their smoothed weights, i.e. approximately draws of p where q covers
  // it. Where k̂ is large they are few distinct points: resampling cannot reach mass q misses.
  Mat resampled;
};

// One k̂ evaluation during a fit, with the exact KL(q‖p) beside it where there is one (2D
// targets by quadrature, Gaussian models in closed form; else the Monte Carlo estimate), so
// "k̂ tracks the true error" can be checked.
struct DiagnosticPoint {
  int64_t step = 0;
  double khat = 0;
  double ess = 0;      // PSIS effective sample size, of `draws`
  int draws = 0;
  double kl_q_p = 0;
};

// PSIS at the run's current q with `draws` independent draws of q from its own stream (not the
// training draws: the diagnosis must not move the fit's random numbers). Deterministic for a given
// run state. Never throws for numerical trouble (see FitDiagnostics::failure); throws
// std::invalid_argument for draws < 2.
// `resample` > 0 also fills FitDiagnostics::resampled (systematic resampling on the smoothed
// weights, from the same stream).
FitDiagnostics diagnose_fit(const Run& run, int draws = 4096, int resample = 0);

}  // namespace vi
