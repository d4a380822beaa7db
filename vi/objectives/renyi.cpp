// vi/objectives/renyi.cpp — the Rényi bound's reduction of the log weights (the ELBO is t = 0).
//
//   f = (1/t) log Σ a_s e^{t l_s},  t = 1 − α.
// Near t = 0 the textbook log-sum-exp loses every digit: log Σ a e^{t l} ≈ t·mean, and dividing
// its rounding error (~1e-16) by t = 1e-12 leaves an error of 1e-4. Centred at the mean m,
// Σ a e^{t(l − m)} = 1 + Σ a expm1(t(l − m)), and log1p of that small sum is exact to the last
// digit; so f = m + log1p(Σ a expm1(t d))/t, good for |t|·max|d| < ½. Beyond that the
// log-sum-exp's error is at most 2·1e-16·max|d|, and it never overflows.
#include "vi/objectives/estimators.hpp"

#include "vi/core/math.hpp"

#include <cmath>

namespace vi {

namespace {
constexpr double kSmall = 0.5;  // |t|·spread below which the expm1 form is used
}

double log_weight_reduce(double t, const Vec& l, const Vec& a, Vec& w, Vec* g_a) {
  const double mean = a.dot(l);
  if (t == 0) {
    w = a;
    if (g_a) *g_a = l.array() - mean;
    return mean;
  }
  const double spread = std::isfinite(mean) ? (l.array() - mean).abs().maxCoeff() : mean;
  double value;
  if (std::isfinite(spread) && std::abs(t) * spread < kSmall) {
    w = (t * (l.array() - mean)).expm1();  // e_s
    const double me = a.dot(w);            // Σ a e
    value = mean + std::log1p(me) / t;
    w = a.array() * (1.0 + w.array()) / (1.0 + me);
  } else {
    const double mx = (t * l.array()).maxCoeff();
    w = a.array() * (t * l.array() - mx).exp();
    const double sum = w.sum();
    value = (mx + std::log(sum)) / t;
    w /= sum;
  }
  if (g_a) *g_a = (t * (l.array() - value)).expm1() / t;
  return value;
}

void log_weight_leave_one_out(double t, const Vec& l, Vec& out, Vec& p, Vec& q) {
  const Eigen::Index S = l.size();
  const double n1 = double(S - 1);
  const double sum = l.sum(), mean = sum / double(S);
  if (t == 0) {
    out = (sum - l.array()) / n1;
    return;
  }
  const double spread = (l.array() - mean).abs().maxCoeff();
  if (std::isfinite(spread) && std::abs(t) * spread < kSmall) {
    p = (t * (l.array() - mean)).expm1();  // e_s: no cancellation in Σe − e_s, all are small
    const double e = p.sum();
    out = mean + ((e - p.array()) / n1).log1p() / t;
    return;
  }
  // log Σ_{u≠s} e^{t l_u} = logaddexp(prefix before s, suffix after s).
  const double ninf = -std::numeric_limits<double>::infinity();
  double acc = ninf;
  for (Eigen::Index s = 0; s < S; ++s) {
    p(s) = acc;
    acc = log_add_exp(acc, t * l(s));
  }
  acc = ninf;
  for (Eigen::Index s = S - 1; s >= 0; --s) {
    q(s) = acc;
    acc = log_add_exp(acc, t * l(s));
  }
  const double log_n1 = std::log(n1);
  for (Eigen::Index s = 0; s < S; ++s) out(s) = (log_add_exp(p(s), q(s)) - log_n1) / t;
}

}  // namespace vi
