// vi/analysis/psis.cpp — Pareto-smoothed importance sampling; see psis.hpp for the references.
#include "vi/analysis/psis.hpp"

#include "vi/core/check.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace vi {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// loo's minimum tail length (enough_tail_samples): a GPD fit on fewer draws says nothing.
constexpr int kMinTail = 5;
// Tail ratios within this relative spread of each other are one weight repeated (q = p gives
// log ratios equal up to rounding, ~1e-15): there is no tail to fit.
constexpr double kConstantTail = 1e-12;
// Zhang & Stephens' prior scale (their "3"), and loo's grid size 30 + ⌊√n⌋ (the paper used
// 20 + ⌊√n⌋; loo's larger grid follows the PSIS paper's reference code).
constexpr double kZsPrior = 3.0;
constexpr int kMinGridPoints = 30;
// The weakly informative prior of the PSIS paper: like 10 extra draws with k = 0.5.
constexpr double kWipDraws = 10.0;
constexpr double kWipK = 0.5;

}  // namespace

// [SECTION] helpers
double log_sum_exp(const Vec& v) {
  if (v.size() == 0) return -kInf;
  const double m = v.maxCoeff();
  if (m == -kInf) return -kInf;
  return m + std::log((v.array() - m).exp().sum());
}

double ess_from_log_weights(const Vec& log_weights) {
  // (Σ w)² / Σ w² = exp(2 lse(lw) − lse(2 lw)): no exponent of a raw log weight is ever taken.
  const double a = log_sum_exp(log_weights);
  if (a == -kInf) return 0;
  return std::exp(2 * a - log_sum_exp(2 * log_weights));
}

// [SECTION] classification
const char* to_string(KhatClass c) {
  switch (c) {
    case KhatClass::good: return "good";
    case KhatClass::ok: return "ok";
    case KhatClass::bad: return "bad";
  }
  return "?";
}

KhatVerdict classify_khat(double khat) {
  if (std::isnan(khat)) return {KhatClass::bad, "k̂ could not be estimated"};
  if (khat < kKhatGood)
    return {KhatClass::good, "k̂ < 0.5: the importance ratios have finite variance, q covers p"};
  if (khat <= kKhatBad)
    return {KhatClass::ok, "0.5 ≤ k̂ ≤ 0.7: infinite variance, PSIS estimates still usable"};
  return {KhatClass::bad, "k̂ > 0.7: q misses p's tails, importance sampling is unreliable"};
}

double khat_threshold(int num_draws) {
  check_positive("khat_threshold", "number of draws", num_draws);
  if (num_draws <= 10) return -kInf;  // 1 − 1/log10 S ≤ 0: no k̂ is trustworthy
  return std::min(1.0 - 1.0 / std::log10(double(num_draws)), kKhatBad);
}

const char* to_string(PsisFlag f) {
  switch (f) {
    case PsisFlag::none: return "estimated";
    case PsisFlag::too_few_draws: return "too few draws for a tail fit";
    case PsisFlag::constant_tail: return "the largest ratios are all equal (no tail)";
    case PsisFlag::tied_tail: return "too many ties in the tail";
  }
  return "?";
}

// [SECTION] generalized Pareto
double gpd_quantile(double p, double k, double sigma) {
  // −log(1 − p) by log1p keeps the small-p quantiles accurate; expm1 the same for k → 0.
  const double t = -std::log1p(-p);
  if (std::abs(k) < 1e-12) return sigma * t;
  return sigma * std::expm1(k * t) / k;
}

GpdFit gpd_fit(const Vec& x_in, bool weakly_informative_prior) {
  const char* fn = "gpd_fit";
  const int n = int(x_in.size());
  if (n < 2) throw_invalid(fn, "needs at least 2 values, got " + to_text(n));
  std::vector<double> x(x_in.data(), x_in.data() + n);
  for (double v : x) {
    check_finite(fn, "value", v);
    if (v < 0) throw_invalid(fn, "value " + to_text(v) + " is negative (exceedances must be ≥ 0)");
  }
  std::sort(x.begin(), x.end());
  // The first quartile x* (Zhang & Stephens' x_([n/4 + 0.5]), 1-based) sets the grid's spread.
  const double xstar = x[std::size_t(std::floor(n / 4.0 + 0.5)) - 1];
  if (!(xstar > 0)) throw_invalid(fn, "the first quartile of the values is 0");
  const double xmax = x.back();

  // Zhang & Stephens work with θ = −k/σ (in loo's sign for k) and the profile likelihood
  //   ℓ(θ) = n (log(−θ / k(θ)) − k(θ) − 1),   k(θ) = mean log(1 − θ x),
  // valid for θ < 1/x_max. The posterior mean of θ under their prior is approximated on a grid
  //   θ_j = 1/x_max + (1 − √(m / (j − ½))) / (3 x*),  j = 1..m,
  // which stays strictly below 1/x_max, weighted by exp(ℓ(θ_j)) normalized (log-sum-exp).
  const int m = kMinGridPoints + int(std::floor(std::sqrt(double(n))));
  Vec theta(m), ell(m);
  double mean_x = 0;
  for (double v : x) mean_x += v;
  mean_x /= n;
  for (int j = 0; j < m; ++j) {
    const double t = 1.0 / xmax + (1.0 - std::sqrt(m / (j + 0.5))) / (kZsPrior * xstar);
    double kj = 0;
    for (double v : x) kj += std::log1p(-t * v);
    kj /= n;
    // −θ/k(θ) → 1/mean(x) as θ → 0 (the exponential limit); avoids 0/0 on an exact zero.
    const double ratio = (kj == 0 || t == 0) ? 1.0 / mean_x : -t / kj;
    theta(j) = t;
    ell(j) = n * (std::log(ratio) - kj - 1.0);
  }
  const double norm = log_sum_exp(ell);
  const double theta_hat = ((ell.array() - norm).exp() * theta.array()).sum();

  GpdFit fit;
  double k = 0;
  for (double v : x) k += std::log1p(-theta_hat * v);
  k /= n;
  fit.sigma = theta_hat == 0 ? mean_x : -k / theta_hat;
  if (weakly_informative_prior) k = (n * k + kWipDraws * kWipK) / (n + kWipDraws);
  fit.k = k;
  return fit;
}

// [SECTION] PSIS
PsisResult psis(const Vec& log_ratios) {
  const char* fn = "psis";
  const int S = int(log_ratios.size());
  if (S == 0) throw_invalid(fn, "no log ratios");
  for (int s = 0; s < S; ++s)
    if (std::isnan(log_ratios(s)) || log_ratios(s) == kInf)
      throw_invalid(fn, "log ratio " + to_text(s) + " is " + to_text(log_ratios(s)) +
                            ", but must be finite or −∞");
  const double lmax = log_ratios.maxCoeff();
  if (lmax == -kInf) throw_invalid(fn, "every log ratio is −∞ (no draw has weight)");

  PsisResult r;
  r.ess_raw = ess_from_log_weights(log_ratios);
  r.sigma = kNaN;
  // Shift so the largest ratio is exp(0) = 1: every exp below is ≤ 1 and cannot overflow.
  Vec lw = log_ratios.array() - lmax;
  r.tail_length = int(std::ceil(std::min(0.2 * S, 3.0 * std::sqrt(double(S)))));
  const int M = r.tail_length;

  // The finish shared by every path: truncate at the largest raw weight (PSIS paper §3: the
  // smoothed tail must not invent weights above what was seen), normalize, measure.
  auto finish = [&](PsisResult& out) {
    lw = lw.array().min(0.0);
    lw.array() -= log_sum_exp(lw);
    out.log_weights = lw;
    out.ess = 1.0 / (2 * lw.array()).exp().sum();
    return out;
  };

  if (M < kMinTail || M + 1 > S) {
    r.khat = kInf;
    r.flag = PsisFlag::too_few_draws;
    return finish(r);
  }
  // The order of the draws, ascending; the tail is the last M, the cutoff the one before them.
  std::vector<int> order(static_cast<std::size_t>(S));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return lw(a) < lw(b); });
  const int first_tail = S - M;
  const double cutoff = lw(order[std::size_t(first_tail - 1)]);
  if (cutoff == -kInf) {
    r.khat = kInf;
    r.flag = PsisFlag::too_few_draws;
    return finish(r);
  }
  // The tail spans [cutoff, 0] in log space: constant when that span is below rounding level.
  if (-cutoff <= kConstantTail) {
    r.khat = -kInf;
    r.flag = PsisFlag::constant_tail;
    return finish(r);
  }

  // Exceedances over the cutoff on the weight scale, w − w_cut = w_cut · expm1(lw − cut): the
  // expm1 form keeps the small exceedances accurate (exp(a) − exp(b) would cancel).
  const double wcut = std::exp(cutoff);
  Vec x(M);
  for (int i = 0; i < M; ++i) {
    const double d = lw(order[std::size_t(first_tail + i)]) - cutoff;
    x(i) = wcut > 0 ? wcut * std::expm1(d) : std::exp(cutoff + d);
  }
  if (!(x(int(std::floor(M / 4.0 + 0.5)) - 1) > 0)) {
    r.khat = kInf;
    r.flag = PsisFlag::tied_tail;
    return finish(r);
  }
  const GpdFit fit = gpd_fit(x, true);
  r.khat = fit.k;
  r.sigma = fit.sigma;
  if (std::isfinite(fit.k) && std::isfinite(fit.sigma) && fit.sigma > 0) {
    // Replace the i-th smallest tail ratio by the GPD's quantile at (i − ½)/M (the PSIS paper's
    // expected order statistics), shifted back above the cutoff; monotone in i by construction.
    for (int i = 0; i < M; ++i) {
      const double q = gpd_quantile((i + 0.5) / M, fit.k, fit.sigma);
      lw(order[std::size_t(first_tail + i)]) = std::log(wcut + q);
    }
  }
  // A NaN k̂ (a failed fit) is reported as +∞, as loo does: the diagnostic must not say "good".
  if (std::isnan(r.khat)) r.khat = kInf;
  return finish(r);
}

}  // namespace vi
