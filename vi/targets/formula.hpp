// vi/targets/formula.hpp — a 2D target typed in by the user: log p~(z1, z2) as a formula.
//
// The formula is parsed once by muparser (Debian libmuparser-dev 2.3.3) into byte code and
// evaluated point by point with Eval(). Not with muparser's bulk mode Eval(results, n): in 2.3.3 it
// parses the formula again on every call and spreads the points over OpenMP threads (Debian builds
// it with OpenMP). Measured on the banana formula, 320 points a call (S = 64, five points each for
// the gradient) on the 2-core build machine: Eval() per point 62–72 ns, bulk 178 ns/point with
// OMP_NUM_THREADS=1 and 2,200 ns/point with the default threads under load.
// Syntax, as the app's tooltip explains it:
//   variables   z1, z2 (x, y are the same two variables)
//   operators   + - * / ^ (power; -z1^2 = −(z1²)), comparisons < > <= >= == !=, && ||,
//               and c ? a : b (e.g. z1 > 0 ? 0 : -1e9)
//   constants   _pi, _e
//   muparser's  sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh exp ln log (both
//   functions   natural) log2 log10 sqrt abs sign rint, and min max sum avg of any number of arguments
//   added here  lse(a, b, …)     log(e^a + e^b + …) without overflow: mixtures in log space
//               lse2(a, b)       the same for two terms
//               softplus(t)      log(1 + e^t) without overflow
//               logistic(t)      1 / (1 + e^−t)
//               log1p(t), expm1(t), atan2(y, x)
//               lnormal(t, m, s) log N(t | m, s²) = −½((t − m)/s)² − log s − ½ log 2π
// An assignment (z1 = 3) or several comma-separated results are refused: the formula is one value.
//
// Gradients: central finite differences on each axis with the step h = ε^(1/3) · max(1, |z_i|)
// (ε = 2.2e-16, so h ≈ 6.1e-6 near the origin), rounded so that z ± h is exact. The truncation
// error is h²/6 · |∂³f| ≈ 6e-12 · |∂³f| and the round-off about ε |f| / h ≈ 4e-11 |f|: for a smooth
// formula of moderate size the gradient is accurate to about 1e-10 relative (the tests hold it to
// 1e-8 against analytic gradients). Where one side of the stencil is not finite (the edge of the
// support) a one-sided difference is taken (error O(h) ≈ 1e-5 relative), where both are not, 0.
//
// Values: NaN (log of a negative number, 0/0) is read as −∞, zero density, so log(z1) is a
// density on z1 > 0. +∞ anywhere is refused at construction (the density would not integrate).
//
// References: view_box() = reference_box() = the box given with the formula: the quadrature
// references (log Z, moments, KL) integrate on it, so mass outside the box is cut off (note() says
// so, and how much density sits on the box's edge).
//
// Threads: muparser evaluates through buffers inside the parser, so eval() takes a mutex; a
// Problem may be evaluated from the engine and from an app worker at once.
#pragma once

#include "vi/core/problem.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vi {

inline constexpr const char* kFormulaTarget = "formula";  // the Scene::target that uses Scene::formula
inline constexpr int kFormulaMaxLength = 4000;             // characters of a formula
inline constexpr double kFormulaBoxMax = 1e6;              // a box's width and height lie in [1e-6, 1e6]
inline constexpr double kFormulaBoxMin = 1e-6;             // and its corners within ±1e6
inline constexpr int kFormulaCheckCells = 64;              // the construction check: 64 × 64 points

// One line for the target combo and `vilab list`, and the syntax summary for tooltips and --help.
const std::string& formula_summary();
const std::string& formula_syntax_help();

// Examples for the app's formula box and the tests: each is a valid formula with its box.
struct FormulaExample {
  std::string name;     // "banana", "donut", …
  std::string formula;
  Box box;
  std::string summary;  // what it shows
};
const std::vector<FormulaExample>& formula_examples();

// Throws std::invalid_argument "formula box: …" unless the box is finite, x0 < x1, y0 < y1, its
// sides lie in [1e-6, 1e6] and its corners within ±1e6.
void check_formula_box(const Box& box);

class FormulaTarget final : public Problem {
 public:
  // Parses and checks `formula` and `box`; throws std::invalid_argument with a message that
  // points at the error: "formula: unexpected operator '*' at position 14\n  -0.5*(z1^2 + *z2)\n
  //                ^" (positions count characters from 1). Also refused: an empty formula, unknown
  // variables and functions (named), assignments, several results, a formula that is +∞ or
  // nowhere finite on a 64 × 64 grid over the box.
  FormulaTarget(std::string formula, Box box);
  ~FormulaTarget() override;
  FormulaTarget(const FormulaTarget&) = delete;
  FormulaTarget& operator=(const FormulaTarget&) = delete;

  std::string name() const override { return kFormulaTarget; }
  int dim() const override { return 2; }
  void eval(const Mat& z, Vec& logp, Mat* grad) const override;
  Box view_box() const override { return box_; }
  Box reference_box() const override { return box_; }
  std::string note() const override { return note_; }
  NonFinite explain_non_finite(std::span<const double> z) const override;

  const std::string& formula() const { return formula_; }
  // log p~ at one point, NaN read as −∞ (no gradient; tests and the check use it).
  double value(double z1, double z2) const;

 private:
  struct Impl;
  std::string formula_;
  Box box_;
  std::string note_;
  std::unique_ptr<Impl> impl_;
};

// The formula target of a scene's fields (what make_problem(const Scene&) builds).
std::unique_ptr<Problem> make_formula_target(const std::string& formula, const Box& box);

}  // namespace vi
