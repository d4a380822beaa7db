// vi/models/datasets.cpp — parsing the embedded CSVs and naming their columns.
#include "vi/models/datasets.hpp"

#include "vi/core/check.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <mutex>

namespace vi {

namespace {

// Column names of the files (not in the CSVs themselves): scikit-learn's, from its dataset docs.
const std::vector<std::string> kWineFeatures = {
    "alcohol", "malic acid", "ash", "alcalinity of ash", "magnesium", "total phenols", "flavanoids",
    "nonflavanoid phenols", "proanthocyanins", "colour intensity", "hue", "OD280/OD315", "proline"};
const std::vector<std::string> kCancerFeatures = {
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness",
    "mean compactness", "mean concavity", "mean concave points", "mean symmetry",
    "mean fractal dimension", "radius error", "texture error", "perimeter error", "area error",
    "smoothness error", "compactness error", "concavity error", "concave points error",
    "symmetry error", "fractal dimension error", "worst radius", "worst texture",
    "worst perimeter", "worst area", "worst smoothness", "worst compactness", "worst concavity",
    "worst concave points", "worst symmetry", "worst fractal dimension"};

struct Source {
  const char* file;
  bool header;
  const std::vector<std::string>* features;
};
const std::map<std::string, Source, std::less<>> kSources = {
    {"wine", {"wine_data.csv", true, &kWineFeatures}},
    {"breast_cancer", {"breast_cancer.csv", true, &kCancerFeatures}},
    {"digits", {"digits.csv", false, nullptr}},
};

// Splits one line at commas into fields (no quoting: the files hold numbers and plain names).
std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    out.push_back(line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

double parse_number(std::string_view field, const std::string& where) {
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc() || end != field.data() + field.size() || !std::isfinite(v))
    throw_invalid(where, "expected a finite number, found '" + std::string(field) + "'");
  return v;
}

}  // namespace

Dataset parse_dataset_csv(std::string_view text, std::string_view file, bool has_header) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    start = nl + 1;
  }
  const std::string f(file);
  if (lines.empty()) throw_invalid(f, "the file is empty");
  Dataset ds;
  int n = 0, d = 0;
  size_t first = 0;
  if (has_header) {
    const auto head = split(lines[0]);
    if (head.size() < 3) throw_invalid(f + ":1", "expected a header 'n,d,class names…'");
    n = int(parse_number(head[0], f + ":1 (n)"));
    d = int(parse_number(head[1], f + ":1 (d)"));
    for (size_t i = 2; i < head.size(); ++i) ds.class_names.emplace_back(head[i]);
    first = 1;
    if (int(lines.size()) - 1 != n)
      throw_invalid(f, "the header says " + std::to_string(n) + " rows, the file has " + std::to_string(lines.size() - 1));
  } else {
    n = int(lines.size());
    d = int(split(lines[0]).size()) - 1;
  }
  if (n < 1 || d < 1) throw_invalid(f, "needs at least one row and one feature");
  ds.X.resize(n, d);
  ds.label.resize(n);
  int max_label = 0;
  for (int i = 0; i < n; ++i) {
    const std::string where = f + ":" + std::to_string(first + size_t(i) + 1);
    const auto fields = split(lines[first + size_t(i)]);
    if (int(fields.size()) != d + 1)
      throw_invalid(where, "expected " + std::to_string(d + 1) + " fields, found " + std::to_string(fields.size()));
    for (int j = 0; j < d; ++j) ds.X(i, j) = parse_number(fields[size_t(j)], where);
    const double l = parse_number(fields[size_t(d)], where);
    if (l < 0 || l != std::floor(l)) throw_invalid(where, "expected a class label 0, 1, …");
    ds.label(i) = int(l);
    max_label = std::max(max_label, int(l));
  }
  if (ds.class_names.empty())
    for (int c = 0; c <= max_label; ++c) ds.class_names.push_back(std::to_string(c));
  if (max_label >= int(ds.class_names.size()))
    throw_invalid(f, "a class label exceeds the " + std::to_string(ds.class_names.size()) + " classes of the header");
  for (int j = 0; j < d; ++j) {
    std::string name = "x";  // appended, not "x" + …: GCC 12 warns falsely (-Wrestrict, PR 105329)
    name += std::to_string(j + 1);
    ds.feature_names.push_back(std::move(name));
  }
  return ds;
}

std::vector<std::string> dataset_names() {
  std::vector<std::string> names;
  for (const auto& [name, src] : kSources) names.push_back(name);
  return names;
}

const Dataset& dataset(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, Dataset, std::less<>> cache;
  const auto src = kSources.find(name);
  if (src == kSources.end()) check_member("dataset", "dataset", name, dataset_names());
  std::lock_guard lock(mutex);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  for (const auto& file : detail::embedded_datasets()) {
    if (std::string_view(file.name) != src->second.file) continue;
    Dataset ds = parse_dataset_csv(file.text, file.name, src->second.header);
    ds.name = std::string(name);
    if (const auto* names = src->second.features; names && int(names->size()) == ds.d()) ds.feature_names = *names;
    return cache.emplace(std::string(name), std::move(ds)).first->second;
  }
  throw_invalid("dataset", std::string("the file ") + src->second.file + " was not embedded at build time");
}

Vec standardized(const Mat& X, int j) {
  const Vec c = X.col(j);
  const double mean = c.mean();
  const double sd = std::sqrt((c.array() - mean).square().mean());
  if (!(sd > 0)) throw_invalid("standardized", "column " + std::to_string(j) + " is constant");
  return (c.array() - mean) / sd;
}

}  // namespace vi
