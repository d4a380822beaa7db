// tests/app/ui/test_text_wrap.cpp — prose wrapped between words only (app/ui/widgets/text_wrap.hpp), headless:
// a number is never split, whatever the width.
#include "app/ui/widgets/text_wrap.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// A measure like a proportional font's: narrow '.', ',', '1' and spaces, wide letters (additive).
float proportional(std::string_view s) {
  float w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte: the code point counted once
    w += c == '.' || c == ',' || c == '1' || c == ' ' ? 3.0f : c >= 'A' && c <= 'Z' ? 9.0f : 7.0f;
  }
  return w;
}

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) return out;
    start = nl + 1;
  }
}

// Prose from the lessons and the estimator window, with the numbers that once broke.
const std::string kProse =
    "At S = 1 the score estimator's tr Cov is 0.111 \u00B1 0.004, reparam's -1.05; sd 1.82 of q against "
    "p's 1.41. With \u03B2 = 0.5 the bound sits 2.5e\u22123 nats below log Z = \u22121.234, and "
    "KL(q\u2016p) = 0.0871 (grid n vs n/2: 1.2e-6). Compare 3.14159, 2.71828 and 1,000,000.";

}  // namespace

TEST_CASE("wrap_words: breaks only at spaces, never inside a number, at any width", "[text_wrap]") {
  const std::vector<std::string> before = words(kProse);
  for (float width = 1; width <= 700; width += 1) {
    const std::string out = vilab::wrap_words(kProse, width, proportional);
    INFO("width " << width << ":\n" << out);
    // The same words in the same order: a break only ever replaces spaces.
    REQUIRE(words(out) == before);
    for (const char* number : {"0.111", "-1.05", "1.82", "1.41", "2.5e\u22123", "\u22121.234", "0.0871", "1.2e-6",
                               "3.14159,", "1,000,000."})
      CHECK(out.find(number) != std::string::npos);
    // Every line fits, except a line of a single word wider than the width.
    for (const std::string& line : lines(out)) {
      if (words(line).size() > 1) CHECK(proportional(line) <= width);
      CHECK(line.empty() == false);
      CHECK(line.front() != ' ');
      CHECK(line.back() != ' ');
    }
  }
}

TEST_CASE("wrap_words: greedy lines, the text's own newlines and indents kept", "[text_wrap]") {
  auto one = [](std::string_view s) { return float(s.size()); };  // one unit per byte
  CHECK(vilab::wrap_words("aa bb cc dd", 5, one) == "aa bb\ncc dd");
  CHECK(vilab::wrap_words("aa bb cc dd", 100, one) == "aa bb cc dd");
  CHECK(vilab::wrap_words("aa   bb", 4, one) == "aa\nbb");      // the run of spaces becomes one break
  CHECK(vilab::wrap_words("0.111 22", 3, one) == "0.111\n22");   // too wide: runs past, never cut
  CHECK(vilab::wrap_words("one\n\n  two three", 9, one) == "one\n\n  two\nthree");
  CHECK(vilab::wrap_words("", 10, one).empty());
  CHECK(vilab::wrap_words("trailing ", 20, one) == "trailing ");
}
