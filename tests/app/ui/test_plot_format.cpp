// tests/app/ui/test_plot_format.cpp — tick and readout labels (app/ui/widgets/plot.hpp): readable and short
// for any value and spacing, headless.
#include "app/ui/widgets/plot.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

namespace {

// Code points of a UTF-8 string (the true minus sign is one character, three bytes).
int chars(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST_CASE("format_tick: ordinary ticks keep their familiar form", "[plot][format]") {
  using vilab::plot::format_tick;
  CHECK(format_tick(0, 0.5) == "0");
  CHECK(format_tick(2.5, 0.5) == "2.5");
  CHECK(format_tick(-1.25, 0.05) == "\u22121.25");
  CHECK(format_tick(12000, 2000) == "12k");
  CHECK(format_tick(-3000000, 1000000) == "\u22123M");
  CHECK(format_tick(0.0003, 0.0001) == "0.0003");
  CHECK(format_tick(250, 50) == "250");
}

TEST_CASE("format_tick: huge and tiny values read in scientific notation", "[plot][format]") {
  using vilab::plot::format_tick;
  // The diverged fit's ELBO axis once read "−4999999999999999151415402631790592k".
  CHECK(format_tick(-5e36, 1e36) == "\u22125e36");
  CHECK(format_tick(-4.5e36, 5e35) == "\u22124.5e36");
  CHECK(format_tick(2e9, 1e9) == "2e9");
  CHECK(format_tick(1.5e-7, 5e-8) == "1.5e\u22127");
  CHECK(format_tick(std::numeric_limits<double>::infinity(), 1) == "\u221E");
  CHECK(format_tick(std::nan(""), 1) == "NaN");
}

TEST_CASE("format_tick: no label is longer than kMaxTickChars, whatever the range", "[plot][format]") {
  using namespace vilab::plot;
  // Ranges from tiny to absurd, centred at 0 and far from it: every tick of nice_ticks.
  int checked = 0;
  for (int e_lo = -300; e_lo <= 300; e_lo += 7)
    for (double centre : {0.0, 1.0, -3.7e5, 1e12, -2.5e40}) {
      const double half = std::pow(10.0, e_lo);
      const double lo = centre - half, hi = centre + half;
      if (!(hi > lo)) continue;  // the range vanishes next to the centre in doubles
      for (int max_ticks : {2, 5, 9}) {
        double step = 0;
        for (double v : nice_ticks(lo, hi, max_ticks, &step)) {
          const std::string s = format_tick(v, step);
          INFO("v = " << v << ", step = " << step << " -> " << s);
          CHECK(chars(s) <= kMaxTickChars);
          CHECK(s.find('+') == std::string::npos);
          ++checked;
        }
      }
    }
  CHECK(checked > 1000);
}

TEST_CASE("format_value: exponents without '+' and padding", "[plot][format]") {
  using vilab::plot::format_value;
  CHECK(format_value(1.5e36) == "1.5e36");
  CHECK(format_value(-2e-9, 3) == "\u22122e\u22129");
  CHECK(format_value(0.125) == "0.125");
  CHECK(format_value(-1234.5, 4) == "\u22121234");
}
