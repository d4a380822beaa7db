// vi/models/datasets.hpp — the small datasets the models use, embedded in the library at build time.
//
// The CSVs live in assets/data/ (with their origin note, DATA.md); cmake/embed_datasets.cmake
// compiles them in, so the app, the CLI and the tests read the same bytes without a data path.
// Format (scikit-learn's): a header "n,d,class names…" then n rows of d numbers and a class
// label; digits.csv has no header and 65 integers a row (64 pixels and the label).
#pragma once

#include "vi/core/types.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vi {

struct Dataset {
  std::string name;                        // "wine", "breast_cancer", "digits"
  Mat X;                                   // n × d features, as in the file
  Eigen::VectorXi label;                   // n class labels (0-based)
  std::vector<std::string> feature_names;  // d names
  std::vector<std::string> class_names;    // one per class
  int n() const { return int(X.rows()); }
  int d() const { return int(X.cols()); }
};

// One of the embedded datasets by name: "wine", "breast_cancer" or "digits". Parsed once and
// cached (thread-safe). Throws std::invalid_argument for an unknown name.
const Dataset& dataset(std::string_view name);
std::vector<std::string> dataset_names();

// Parses scikit-learn's CSV layout (with header when `has_header`); `file` names the source in
// messages, which give the line and what was expected. Throws std::invalid_argument.
Dataset parse_dataset_csv(std::string_view text, std::string_view file, bool has_header);

// Column j of X standardized: (x − mean) / sd, with the population sd (divisor n).
Vec standardized(const Mat& X, int j);

namespace detail {
struct EmbeddedFile {
  const char* name;  // file name in assets/data
  const char* text;
};
const std::vector<EmbeddedFile>& embedded_datasets();  // generated at configure time
}  // namespace detail

}  // namespace vi
