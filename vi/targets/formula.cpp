// vi/targets/formula.cpp — log p~(z1, z2) from a muparser formula (see target_formula.hpp).
//
// [SECTION] Summary, syntax help and examples
// [SECTION] Functions muparser lacks
// [SECTION] Error messages that point at the error
// [SECTION] The parser
// [SECTION] FormulaTarget
#include "vi/targets/formula.hpp"

#include "vi/core/check.hpp"
#include "vi/core/utf8.hpp"

#include <muParser.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace vi {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHalfLog2Pi = 0.91893853320467274178;  // ½ log 2π
}  // namespace

// [SECTION] Summary, syntax help and examples

const std::string& formula_summary() {
  static const std::string s =
      "Your own log p~(z1, z2), typed as a formula (muparser syntax) on a box you choose; gradients by "
      "finite differences.";
  return s;
}

const std::string& formula_syntax_help() {
  static const std::string s =
      "log p~(z1, z2): any formula of z1 and z2 (or x and y). Operators + - * / ^ (power; -z1^2 is "
      "-(z1^2)), comparisons and c ? a : b. Constants _pi, _e. Functions: exp ln log (natural) sqrt "
      "abs sin cos tan atan tanh … min max sum avg, and lse(a, b, …) = log(e^a + e^b + …) for "
      "mixtures, lse2(a, b), softplus(t) = log(1 + e^t), logistic(t), log1p, expm1, atan2(y, x), "
      "lnormal(t, m, s) = log N(t | m, s^2). NaN (log of a negative number) counts as zero density. "
      "Gradients: central finite differences, h = 6e-6 * max(1, |z|), accurate to about 1e-10 "
      "relative on smooth formulas (one-sided, about 1e-5, at the edge of the support).";
  return s;
}

const std::vector<FormulaExample>& formula_examples() {
  static const std::vector<FormulaExample> examples = {
      {"banana", "-z1^2/8 - 0.5*(z2 - 0.25*(z1^2 - 4))^2\n- log(4*_pi)", {-8, 8, -5.5, 15},
       "The built-in banana (b = 0.25), written out: a Gaussian bent along z2 = b (z1^2 - 4)."},
      {"donut", "-(sqrt(z1^2 + z2^2) - 2.5)^2 / 0.08", {-4, 4, -4, 4},
       "A thin ring of radius 2.5: a Gaussian q covers one side or inflates over the hole."},
      // Long formulas are written over several lines: the app's box shows them whole.
      {"two moons", "-0.5*((sqrt(z1^2 + z2^2) - 2)/0.4)^2\n+ lse2(-0.5*((z1 - 2)/0.6)^2,\n       -0.5*((z1 + 2)/0.6)^2)",
       {-4, 4, -4, 4}, "A ring with two heavier caps (Rezende & Mohamed's U1): lse2 adds the two caps in log space."},
      {"mixture", "lse2(log(0.3) + lnormal(z1, -2, 0.6)\n         + lnormal(z2, 1, 0.6),\n     log(0.7) + lnormal(z1, 1.5, 1)\n         + lnormal(z2, -1, 0.5))",
       {-6, 6, -4, 4}, "Two Gaussians weighted 0.3 and 0.7: reverse KL picks one, forward KL covers both."},
      {"funnel", "lnormal(z2, 0, 1.5) + lnormal(z1, 0, exp(z2/2))", {-10, 10, -5, 5},
       "Neal's funnel with sd 1.5: x ~ N(0, e^v) for v = z2 - a narrow neck over a wide mouth."},
      {"gaussian", "-0.5*(z1^2 + z2^2) - log(2*_pi)", {-6, 6, -6, 6},
       "The standard normal, normalized: log Z = 0."},
  };
  return examples;
}

void check_formula_box(const Box& b) {
  const char* fn = "formula box";
  for (const double v : {b.x0, b.x1, b.y0, b.y1}) {
    if (!std::isfinite(v)) throw_invalid(fn, "a corner is " + to_text(v) + ", but every corner must be finite");
    if (std::abs(v) > kFormulaBoxMax)
      throw_invalid(fn, "a corner is " + to_text(v) + ", but corners must lie within ±" + to_text(kFormulaBoxMax));
  }
  if (!(b.x0 < b.x1)) throw_invalid(fn, "x0 = " + to_text(b.x0) + " must be less than x1 = " + to_text(b.x1));
  if (!(b.y0 < b.y1)) throw_invalid(fn, "y0 = " + to_text(b.y0) + " must be less than y1 = " + to_text(b.y1));
  for (const auto& [side, v] : {std::pair{"width", b.width()}, std::pair{"height", b.height()}}) {
    if (v > kFormulaBoxMax || v < kFormulaBoxMin) {
      std::string what = side;
      what += " is " + to_text(v) + ", but must be in [" + to_text(kFormulaBoxMin) + ", " + to_text(kFormulaBoxMax) + "]";
      throw_invalid(fn, what);
    }
  }
}

// [SECTION] Functions muparser lacks

namespace {

double lse2(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::numeric_limits<double>::quiet_NaN();
  const double m = std::max(a, b);
  if (m == -kInf) return -kInf;
  if (m == kInf) return kInf;
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

double lse(const double* v, int n) {
  double m = -kInf;
  for (int i = 0; i < n; ++i) {
    if (std::isnan(v[i])) return std::numeric_limits<double>::quiet_NaN();
    m = std::max(m, v[i]);
  }
  if (m == -kInf || m == kInf) return m;
  double s = 0;
  for (int i = 0; i < n; ++i) s += std::exp(v[i] - m);
  return m + std::log(s);
}

double softplus(double t) { return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)); }
double logistic(double t) {
  if (t >= 0) return 1 / (1 + std::exp(-t));
  const double e = std::exp(t);
  return e / (1 + e);
}
double log1p_(double t) { return std::log1p(t); }
double expm1_(double t) { return std::expm1(t); }
double atan2_(double y, double x) { return std::atan2(y, x); }
double lnormal(double t, double m, double s) {
  const double u = (t - m) / s;
  return -0.5 * u * u - std::log(s) - kHalfLog2Pi;  // s ≤ 0 gives NaN: zero density
}

// [SECTION] Error messages

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// "formula: <what> at position P\n  <the line>\n  <spaces>^": P counts characters from 1; a
// formula of several lines names the line and shows only that one.
[[noreturn]] void throw_at(const std::string& formula, long pos, const std::string& what) {
  pos = std::clamp<long>(pos, 0, long(formula.size()));
  const size_t begin = formula.rfind('\n', pos == 0 ? 0 : size_t(pos - 1));
  const size_t line_start = begin == std::string::npos || size_t(pos) == 0 ? 0 : begin + 1;
  size_t line_end = formula.find('\n', line_start);
  if (line_end == std::string::npos) line_end = formula.size();
  std::string line = formula.substr(line_start, line_end - line_start);
  std::replace(line.begin(), line.end(), '\t', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  const size_t column = code_points(std::string_view(formula).substr(line_start, size_t(pos) - line_start));
  const size_t line_no = size_t(std::count(formula.begin(), formula.begin() + long(line_start), '\n')) + 1;
  std::string msg = what;
  if (line_no > 1 || line_end < formula.size()) msg += " at line " + std::to_string(line_no) + ", position " + std::to_string(column + 1);
  else msg += " at position " + std::to_string(column + 1);
  // A long line is shown as a window around the error (… on the cut sides), so that the message
  // stays a few lines long whatever the formula.
  size_t caret = column;
  constexpr size_t kBefore = 50, kAfter = 30;
  if (code_points(line) > kBefore + kAfter) {
    const size_t from = column > kBefore ? column - kBefore : 0;
    const size_t b0 = byte_of_column(line, from), b1 = byte_of_column(line, column + kAfter);
    std::string cut = from > 0 ? "\u2026" : "";
    cut += line.substr(b0, b1 - b0);
    if (b1 < line.size()) cut += "\u2026";
    caret = column - from + (from > 0 ? 1 : 0);
    line = std::move(cut);
  }
  msg += "\n  " + line + "\n  " + std::string(caret, ' ') + "^";
  throw_invalid("formula", msg);
}

// The first character of `s` (a whole UTF-8 sequence).
std::string first_char(std::string_view s) {
  if (s.empty()) return {};
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return std::string(s.substr(0, n));
}

const char* kFunctionList =
    "exp ln log log2 log10 sqrt abs sign rint sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh min max "
    "sum avg lse lse2 softplus logistic log1p expm1 atan2 lnormal";

// muparser's error, said for a formula's author, pointing at the error.
[[noreturn]] void explain(const std::string& formula, const mu::ParserError& e) {
  const std::string& tok = e.GetToken();
  long pos = e.GetPos();
  std::string what;
  switch (e.GetCode()) {
    case mu::ecUNEXPECTED_OPERATOR: what = "unexpected operator '" + tok + "'"; break;
    case mu::ecUNASSIGNABLE_TOKEN: {
      // An unknown name: a variable, or a function when '(' follows it.
      if (!tok.empty() && is_name_start(tok[0])) {
        size_t n = 0;
        while (n < tok.size() && is_name_char(tok[n])) ++n;
        const std::string name = tok.substr(0, n);
        size_t after = size_t(std::max(0L, pos)) + n;
        while (after < formula.size() && std::isspace(static_cast<unsigned char>(formula[after]))) ++after;
        if (after < formula.size() && formula[after] == '(') {
          what = "unknown function '" + name + "' (functions: " + kFunctionList + ")";
        } else if (name == "inf" || name == "nan" || name == "infinity") {
          what = "unknown variable '" + name + "': there is no " + name + " constant (log p~ must be finite; use a large number such as -1e9 for 'almost zero density')";
        } else if (name == "pi" || name == "e") {
          what = "unknown variable '" + name + "': the constant is written _" + name;
        } else {
          what = "unknown variable '" + name + "': use z1, z2 (or x, y)";
        }
      } else if (!tok.empty() && (std::isdigit(static_cast<unsigned char>(tok[0])) || tok[0] == '.')) {
        size_t n = 0;
        while (n < tok.size() && !std::isspace(static_cast<unsigned char>(tok[n]))) ++n;
        what = "bad number '" + tok.substr(0, n) + "' (numbers must be finite doubles, e.g. 2.5e-3)";
      } else {
        what = "unexpected character '" + first_char(tok) + "'";
      }
      break;
    }
    case mu::ecUNEXPECTED_EOF: what = "the formula ends too early (an operand or ')' is missing)"; break;
    case mu::ecUNEXPECTED_ARG_SEP: what = "unexpected ','"; break;
    case mu::ecUNEXPECTED_ARG: what = "unexpected argument '" + tok + "'"; break;
    case mu::ecUNEXPECTED_VAL: what = "unexpected number '" + tok + "' (an operator is missing before it?)"; break;
    case mu::ecUNEXPECTED_VAR: what = "unexpected variable '" + tok + "' (an operator is missing before it?)"; break;
    case mu::ecUNEXPECTED_PARENS: what = "unexpected '" + tok + "'"; break;
    case mu::ecMISSING_PARENS: what = "missing ')'"; break;
    case mu::ecUNEXPECTED_FUN: what = "unexpected function '" + tok + "' (an operator is missing before it?)"; break;
    case mu::ecTOO_MANY_PARAMS:
      what = "too many arguments to '" + tok + "'";
      pos -= 1;  // muparser points after the ')'
      break;
    case mu::ecTOO_FEW_PARAMS:
      what = "too few arguments to '" + tok + "'";
      pos -= 1;
      break;
    case mu::ecUNEXPECTED_STR:
    case mu::ecSTR_RESULT:
    case mu::ecSTRING_EXPECTED:
    case mu::ecUNTERMINATED_STRING: what = "strings (\"…\") are not allowed in a formula"; break;
    case mu::ecUNEXPECTED_CONDITIONAL: what = "unexpected '?'"; break;
    case mu::ecMISSING_ELSE_CLAUSE: what = "'?' without its ':' (write c ? a : b)"; break;
    case mu::ecMISPLACED_COLON: what = "unexpected ':' (write c ? a : b)"; break;
    case mu::ecIDENTIFIER_TOO_LONG: what = "a name is too long"; break;
    case mu::ecEXPRESSION_TOO_LONG: what = "the formula is too long"; break;
    case mu::ecINVALID_CHARACTERS_FOUND: what = "the formula contains a control character"; pos = 0; break;
    default: {
      what = e.GetMsg();
      if (!what.empty()) what[0] = char(std::tolower(static_cast<unsigned char>(what[0])));
      while (!what.empty() && (what.back() == '.' || what.back() == ' ')) what.pop_back();
      const size_t at = what.find(" at position");
      const size_t at2 = what.find(" found at position");
      if (at2 != std::string::npos) what.erase(at2);
      else if (at != std::string::npos) what.erase(at);
    }
  }
  if (pos < 0) pos = long(formula.size());
  throw_at(formula, pos, what);
}

// Position of an assignment '=' (not part of ==, <=, >=, !=), or npos.
size_t find_assignment(const std::string& f) {
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] != '=') continue;
    const char prev = i > 0 ? f[i - 1] : ' ', next = i + 1 < f.size() ? f[i + 1] : ' ';
    if (next == '=') {
      ++i;  // "==": skip both
      continue;
    }
    if (prev == '<' || prev == '>' || prev == '!' || prev == '=') continue;
    return i;
  }
  return std::string::npos;
}

}  // namespace

// [SECTION] The parser

struct FormulaTarget::Impl {
  mu::Parser parser;
  double z1 = 0, z2 = 0;  // the variables the byte code reads (z1 and x, z2 and y)
  std::mutex mutex;

  double at(double a, double b) { return read_nan(raw(a, b)); }
  static double read_nan(double v) { return std::isnan(v) ? -kInf : v; }
  double raw(double a, double b) {  // the formula's own value: NaN stays NaN
    z1 = a;
    z2 = b;
    return parser.Eval();
  }
};

// [SECTION] FormulaTarget

FormulaTarget::FormulaTarget(std::string formula, Box box) : formula_(std::move(formula)), box_(box) {
  if (formula_.find_first_not_of(" \t\r\n") == std::string::npos)
    throw_invalid("formula", "empty: write log p~(z1, z2), e.g. -0.5*(z1^2 + z2^2)");
  if (formula_.size() > size_t(kFormulaMaxLength))
    throw_invalid("formula", "is " + std::to_string(formula_.size()) + " characters long, at most " +
                                 std::to_string(kFormulaMaxLength) + " are allowed");
  if (formula_.find('\0') != std::string::npos) throw_at(formula_, long(formula_.find('\0')), "a NUL character");
  // A control character (other than newline, tab, CR) would reach muparser's own check with a
  // position of −1; name it here with its place.
  for (size_t i = 0; i < formula_.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(formula_[i]);
    if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f)
      throw_at(formula_, long(i), "a control character (code " + std::to_string(int(c)) + ")");
  }
  if (const size_t eq = find_assignment(formula_); eq != std::string::npos)
    throw_at(formula_, long(eq), "'=' assigns, and the formula must be one value (compare with ==)");
  check_formula_box(box_);

  impl_ = std::make_unique<Impl>();
  auto& p = impl_->parser;
  // muparser reads spaces and tabs but not line breaks: a line break is a space (same positions).
  std::string text = formula_;
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  try {
    p.DefineVar("z1", &impl_->z1);
    p.DefineVar("z2", &impl_->z2);
    p.DefineVar("x", &impl_->z1);
    p.DefineVar("y", &impl_->z2);
    p.DefineFun("lse2", lse2);
    p.DefineFun("lse", lse);
    p.DefineFun("softplus", softplus);
    p.DefineFun("logistic", logistic);
    p.DefineFun("log1p", log1p_);
    p.DefineFun("expm1", expm1_);
    p.DefineFun("atan2", atan2_);
    p.DefineFun("lnormal", lnormal);
    p.SetExpr(text);
    impl_->at(0.5 * (box_.x0 + box_.x1), 0.5 * (box_.y0 + box_.y1));  // parses: syntax errors surface here
    if (p.GetNumResults() != 1) {
      const size_t comma = formula_.find(',');
      throw_at(formula_, long(comma == std::string::npos ? 0 : comma),
               "several results separated by ',' (the formula must be one value; ',' separates a function's arguments)");
    }
  } catch (const mu::ParserError& e) {
    explain(formula_, e);
  }

  // The construction check: the density on a 64 × 64 grid of cell midpoints over the box.
  const int n = kFormulaCheckCells;
  const double dx = box_.width() / n, dy = box_.height() / n;
  double peak = -kInf, edge = -kInf;
  int finite = 0;
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double x = box_.x0 + (i + 0.5) * dx, y = box_.y0 + (j + 0.5) * dy;
      const double v = impl_->at(x, y);
      if (v == kInf) {
        char where[96];
        std::snprintf(where, sizeof where, "(%.4g, %.4g)", x, y);
        throw_invalid("formula", std::string("log p~ is +inf at ") + where +
                                     " (e.g. a division by zero): the density does not integrate");
      }
      if (!std::isfinite(v)) continue;
      ++finite;
      peak = std::max(peak, v);
      if (i == 0 || j == 0 || i == n - 1 || j == n - 1) edge = std::max(edge, v);
    }
  if (finite == 0)
    throw_invalid("formula", "log p~ is not finite anywhere on the box (NaN or -inf at all " + std::to_string(n * n) +
                                 " test points): the density is zero everywhere. Check the formula and the box");

  char box_text[160];
  std::snprintf(box_text, sizeof box_text, "[%g, %g] \u00D7 [%g, %g]", box_.x0, box_.x1, box_.y0, box_.y1);
  note_ = "Your formula, on the box " + std::string(box_text) +
          ": the references (log Z, KL, moments) integrate on this box, so mass outside it is cut off. Gradients "
          "by finite differences (about 1e-10 relative).";
  const double edge_ratio = edge == -kInf ? 0.0 : std::exp(edge - peak);
  if (edge_ratio > 1e-3) {
    char ratio[64];
    std::snprintf(ratio, sizeof ratio, "%.2g", edge_ratio);
    note_ += " The density on the box's edge reaches " + std::string(ratio) +
             " of its peak: widen the box, or the references miss that mass.";
  }
}

FormulaTarget::~FormulaTarget() = default;

double FormulaTarget::value(double z1, double z2) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->at(z1, z2);
}

Problem::NonFinite FormulaTarget::explain_non_finite(std::span<const double> z) const {
  if (z.size() != 2) return {};
  double v = 0;
  {
    std::lock_guard lock(impl_->mutex);
    v = impl_->raw(z[0], z[1]);
  }
  if (std::isnan(v)) return {"NaN", "outside the formula's support (log or sqrt of a negative number, or 0/0?)"};
  if (v == -kInf) return {"\u2212\u221E", "the formula's density is 0 there (log 0?)"};
  if (v == kInf) return {"+\u221E", "the formula is infinite there (a division by 0?)"};
  return {};
}

void FormulaTarget::eval(const Mat& z, Vec& logp, Mat* grad) const {
  std::lock_guard lock(impl_->mutex);
  Impl& m = *impl_;
  static const double kStep = std::cbrt(std::numeric_limits<double>::epsilon());  // ε^(1/3) ≈ 6.06e-6
  for (Eigen::Index s = 0; s < z.cols(); ++s) {
    const double x = z(0, s), y = z(1, s);
    const double f = m.at(x, y);
    logp(s) = f;
    if (!grad) continue;
    for (int axis = 0; axis < 2; ++axis) {
      const double c = axis == 0 ? x : y;
      // h rounded so that c + h is exact: the difference quotient then divides by the true step
      // (IEEE arithmetic keeps (c + h) − c as written; vilab never builds with -ffast-math).
      const double h = (c + kStep * std::max(1.0, std::abs(c))) - c;
      const double fp = axis == 0 ? m.at(x + h, y) : m.at(x, y + h);
      const double fm = axis == 0 ? m.at(x - h, y) : m.at(x, y - h);
      double g = 0;
      if (std::isfinite(fp) && std::isfinite(fm)) g = (fp - fm) / (2 * h);
      else if (std::isfinite(f) && std::isfinite(fp)) g = (fp - f) / h;  // at the edge of the support
      else if (std::isfinite(f) && std::isfinite(fm)) g = (f - fm) / h;
      (*grad)(axis, s) = g;
    }
  }
}

std::unique_ptr<Problem> make_formula_target(const std::string& formula, const Box& box) {
  return std::make_unique<FormulaTarget>(formula, box);
}

}  // namespace vi
