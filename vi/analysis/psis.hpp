// vi/analysis/psis.hpp — Pareto-smoothed importance sampling (PSIS) and its k̂ diagnostic.
//
// Given draws z_s ~ q and the log importance ratios log w_s = log p~(z_s) − log q(z_s), PSIS
// (Vehtari, Simpson, Gelman, Yao & Gabry, "Pareto Smoothed Importance Sampling", arXiv:1507.02646,
// 2015/2022) fits a generalized Pareto distribution (GPD) to the M largest ratios and replaces them
// by the GPD's expected order statistics. The fitted shape k̂ is the diagnostic of Yao, Vehtari,
// Simpson & Gelman ("Yes, but did it work?", ICML 2018) for a variational q: the ratios p/q have
// finite variance only for k < 1/2, and PSIS estimates stay usable up to k ≈ 0.7.
//
// Everything is computed in log space, shifted by the largest ratio, so log ratios of magnitude
// 1e3 neither overflow nor lose the ordering.
#pragma once

#include "vi/core/types.hpp"

#include <string>

namespace vi {

// [SECTION] k̂ thresholds (Yao et al. 2018; PSIS paper §3)
inline constexpr double kKhatGood = 0.5;  // below: the ratios have finite variance, IS is fine
inline constexpr double kKhatBad = 0.7;   // above: PSIS estimates are unreliable

enum class KhatClass { good, ok, bad };

struct KhatVerdict {
  KhatClass cls = KhatClass::bad;
  std::string message;  // one short line for a tooltip or a log
};

// good: k̂ < 0.5, ok: 0.5 ≤ k̂ ≤ 0.7, bad: k̂ > 0.7 or NaN (nothing to vouch for).
KhatVerdict classify_khat(double khat);
const char* to_string(KhatClass c);

// The sample-size-dependent threshold of the 2022 revision of the PSIS paper (§3.2.4):
// min(1 − 1/log10 S, 0.7). With few draws even k̂ < 0.7 can be unreliable (S = 100 gives 0.5).
// Not used by classify_khat (the issue asks for the fixed 0.5 / 0.7); offered for the plot.
double khat_threshold(int num_draws);

// [SECTION] the generalized Pareto fit
struct GpdFit {
  double k = 0;      // shape (loo's sign: k > 0 is a heavy tail; Zhang & Stephens use −k)
  double sigma = 0;  // scale
};

// Fits GPD(k, σ) with location 0 to exceedances x ≥ 0 (any order) by the empirical-Bayes method of
// Zhang & Stephens (2009, Technometrics 51:316) with loo's grid of 30 + ⌊√n⌋ points. With
// `weakly_informative_prior`, k̂ is shrunk toward 0.5 as in the PSIS paper (App. C) and loo:
// k̂ ← (n k̂ + 10 · 0.5) / (n + 10). Throws std::invalid_argument for fewer than 2 values, a
// negative or non-finite value, or a first quartile of 0 (the method divides by it).
GpdFit gpd_fit(const Vec& x, bool weakly_informative_prior = true);

// The GPD quantile function F⁻¹(p) = σ ((1 − p)^(−k) − 1) / k, with the k → 0 limit −σ log(1 − p).
double gpd_quantile(double p, double k, double sigma);

// [SECTION] PSIS
enum class PsisFlag {
  none,           // k̂ estimated
  too_few_draws,  // the tail would have fewer than 5 draws (loo's minimum; S < 21), or the tail
                  // and its cutoff are not all finite: k̂ = +∞, weights left raw
  constant_tail,  // the M largest ratios and the cutoff are equal to within 1e-12 relative: the
                  // weights have no tail at all (q = p up to a constant on these draws). k̂ = −∞
                  // (a bounded weight distribution), weights left raw
  tied_tail,      // over a quarter of the tail ties with the cutoff, so the fit's first quartile is
                  // 0: k̂ = +∞ (cannot vouch), weights left raw
};
const char* to_string(PsisFlag f);

struct PsisResult {
  double khat = 0;      // the Pareto shape estimate (with the prior adjustment); see flag
  double sigma = 0;     // the fitted GPD scale, in units of exp(max log ratio) (NaN if not fitted)
  PsisFlag flag = PsisFlag::none;
  int tail_length = 0;  // M = ⌈min(S/5, 3√S)⌉ (PSIS paper §3, loo's n_pareto with r_eff = 1)
  Vec log_weights;      // the smoothed, truncated log weights, normalized (log-sum-exp = 0)
  double ess = 0;       // 1 / Σ w̄² of the smoothed weights (in [1, S])
  double ess_raw = 0;   // the same for the raw ratios: (Σ w)² / Σ w²
  bool estimated() const { return flag == PsisFlag::none; }
};

// PSIS on one vector of log importance ratios. −∞ is allowed (a zero weight); NaN or +∞ throws
// std::invalid_argument, as does an empty vector or one with every ratio −∞.
PsisResult psis(const Vec& log_ratios);

// log Σ exp(v) without overflow (−∞ for an empty or all −∞ vector).
double log_sum_exp(const Vec& v);

// The importance-sampling effective sample size (Σ w)² / Σ w² from log weights, in log space.
double ess_from_log_weights(const Vec& log_weights);

}  // namespace vi
