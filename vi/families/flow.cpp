// vi/families/flow.cpp — the machinery every flow shares (see vi/families/flow.hpp).
//
// [SECTION] Layout, names and initialization
// [SECTION] Forward pass and tape
// [SECTION] Reverse pass
// [SECTION] Inverse: log q at arbitrary points
// [SECTION] Fixed draws: moments and mass box
// [SECTION] Validity and the layer scrubber
#include "vi/families/flow.hpp"

#include "vi/core/check.hpp"
#include "vi/core/math.hpp"

#include <limits>

namespace vi {

namespace {
constexpr uint64_t kDrawSeed = 0x5EEDF10Bull;  // the fixed draws of moments() and mass_box()
constexpr uint64_t kInitSeed = 0x1417F10Bull;  // initial layer weights

// Columns [c, c + n) of a block loop over `total` columns.
template <class F>
void for_blocks(Eigen::Index total, F&& f) {
  constexpr Eigen::Index B = FlowFamily::kChunk;
  for (Eigen::Index c = 0; c < total; c += B) f(c, std::min(B, total - c));
}
}  // namespace

// [SECTION] Layout, names and initialization

FamilyParam flow_layers_param(std::string label, std::string help) {
  return {.spec = {"K", 8, 1, 64, std::move(help), true}, .label = std::move(label), .field = &FamilyOptions::K};
}

FlowFamily::FlowFamily(int dim, int layers) : Family(dim), layers_(layers) {
  // Antithetic pairs (ε, −ε): the Monte Carlo moments of a symmetric q are then exactly centred.
  Rng rng(kDrawSeed);
  Mat half(dim, kDraws / 2);
  rng.fill_normal(half);
  draws_eps_.resize(dim, kDraws);
  draws_eps_.leftCols(kDraws / 2) = half;
  draws_eps_.rightCols(kDraws / 2) = -half;
  draws_z_.resize(dim, kDraws);
  draws_ld_.resize(kDraws);
  xs_.resize(kChunk, dim);
  block_ld_.resize(kChunk);
  prod_.resize(kChunk);
}

void FlowFamily::set_layer_sizes(const std::vector<int>& sizes) {
  offsets_.assign(1, 2 * dim());
  for (int s : sizes) offsets_.push_back(offsets_.back() + s);
  key_phi_.resize(num_params());
  draws_key_.resize(num_params());
}

std::vector<std::string> FlowFamily::param_names() const {
  std::vector<std::string> n;
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("μ", {i + 1}));
  for (int i = 0; i < dim(); ++i) n.push_back(indexed_name("log σ", {i + 1}));
  for (int k = 0; k < layers_; ++k) layer_names(k, indexed_name("[", {k + 1}) + "]", n);
  return n;
}

Vec FlowFamily::initial_params(const Vec& mean, double log_sd) const {
  Vec phi(num_params());
  phi.head(dim()) = mean;
  phi.segment(dim(), dim()).setConstant(log_sd);
  Rng rng(kInitSeed);
  for (int k = 0; k < layers_; ++k) layer_init(k, mean, std::exp(log_sd), rng, phi.data() + layer_offset(k));
  return phi;
}

// [SECTION] Forward pass and tape

void FlowFamily::base_transform(const Vec& phi, const Mat& eps, Mat& z0) const {
  z0.resize(dim(), eps.cols());
  z0.noalias() = phi.segment(dim(), dim()).array().exp().matrix().asDiagonal() * eps;
  z0.colwise() += phi.head(dim());
}

Eigen::Index FlowFamily::max_tape_rows() const {
  // The shared tape (each layer's input) and scratch, plus what the layers keep.
  const Eigen::Index per_point = Eigen::Index(dim()) * (layers_ + 4) + 4 + tape_doubles_per_point();
  return std::max<Eigen::Index>(1, tape_bytes_ / (Eigen::Index(sizeof(double)) * per_point));
}

void FlowFamily::ensure_tape(Eigen::Index rows) const {
  if (tape_rows_ == rows) return;
  // First use, or a new batch size: the only allocations of the training path.
  tape_rows_ = rows;
  tape_valid_ = false;
  const Eigen::Index d = dim();
  tape_x_.resize(rows, d * layers_);
  key_eps_.resize(d, rows);
  work_z_.resize(d, rows);
  g_x_.resize(rows, d);
  work_ld_.resize(rows);
  g_ld_.resize(rows);
  xs_.resize(std::max<Eigen::Index>(rows, kChunk), d);
  prod_.resize(std::max<Eigen::Index>(rows, kChunk));
  resize_tape(rows);
}

void FlowFamily::record(const Vec& phi, MatRef x, VecRef ld) const {
  const Eigen::Index n = x.rows();
  LogDetSum acc(ld, prod_.head(n));
  for (int k = 0; k < layers_; ++k) {
    tape_x_.block(0, Eigen::Index(k) * dim(), n, dim()) = x;
    layer_forward(phi.data() + layer_offset(k), k, x, acc, /*record=*/true);
  }
  acc.flush();
}

void FlowFamily::push_blocks(const Vec& phi, int first, int last, Mat& z, VecRef ld) const {
  for_blocks(z.cols(), [&](Eigen::Index c, Eigen::Index n) {
    auto x = xs_.topRows(n);
    x = z.middleCols(c, n).transpose();
    LogDetSum acc(ld.segment(c, n), prod_.head(n));
    for (int k = first; k < last; ++k) layer_forward(phi.data() + layer_offset(k), k, x, acc, /*record=*/false);
    acc.flush();
    z.middleCols(c, n) = x.transpose();
  });
}

void FlowFamily::forward(const Vec& phi, const Mat& eps, Mat& z, Vec& log_q) const {
  const Eigen::Index S = eps.cols();
  base_transform(phi, eps, z);
  log_q.setZero();  // Σ_k log det_k first
  // A batch of the size backward() last taped is recorded, so that the step's backward() can
  // reuse it; anything else (metric draws, display draws) runs untaped in cache-sized blocks.
  if (S > 0 && S == tape_rows_) {
    auto x = xs_.topRows(S);
    x = z.transpose();
    record(phi, x, log_q);
    z = x.transpose();
    key_phi_ = phi;
    key_eps_ = eps;
    tape_valid_ = true;
  } else {
    push_blocks(phi, 0, layers_, z, log_q);
  }
  const double c = -0.5 * dim() * kLog2Pi - phi.segment(dim(), dim()).sum();
  log_q.array() = c - 0.5 * eps.colwise().squaredNorm().transpose().array() - log_q.array();
}

// [SECTION] Reverse pass

void FlowFamily::backward(const Vec& phi, const Mat& eps, const Mat& g_z, const Vec& g_lq, Vec& g_phi) const {
  const Eigen::Index S = eps.cols();
  const int d = dim();
  const Eigen::Index rows = std::min(S, max_tape_rows());
  ensure_tape(rows);
  if (rows == S && tape_valid_ && key_phi_.size() == phi.size() && key_phi_ == phi && key_eps_ == eps) {
    // forward() just recorded this (φ, ε): reverse its tape.
    g_x_ = g_z.transpose();
    reverse(phi, eps, g_lq, g_phi);
    return;
  }
  // Record (and reverse) here, in blocks of `rows` points when the whole batch's tape would not
  // fit in kTapeBytes.
  tape_valid_ = false;
  for (Eigen::Index c = 0; c < S; c += rows) {
    const Eigen::Index n = std::min(rows, S - c);
    auto z0 = work_z_.leftCols(n);
    z0.noalias() = phi.segment(d, d).array().exp().matrix().asDiagonal() * eps.middleCols(c, n);
    z0.colwise() += phi.head(d);
    auto x = xs_.topRows(n);
    x = z0.transpose();
    work_ld_.head(n).setZero();
    record(phi, x, work_ld_.head(n));
    g_x_.topRows(n) = g_z.middleCols(c, n).transpose();
    reverse(phi, eps.middleCols(c, n), g_lq.segment(c, n), g_phi);
  }
  if (rows == S) {  // one block: the tape holds the whole batch, reusable like forward()'s
    key_phi_ = phi;
    key_eps_ = eps;
    tape_valid_ = true;
  }
}

void FlowFamily::reverse(const Vec& phi, const Eigen::Ref<const Mat>& eps, CVecRef g_lq, Vec& g_phi) const {
  const Eigen::Index n = eps.cols();
  const int d = dim();
  auto g = g_x_.topRows(n);
  // log q = log N(ε) − Σ log σ − Σ_k log det_k: every layer's log det has gradient −g_lq.
  g_ld_.head(n) = -g_lq;
  for (int k = layers_ - 1; k >= 0; --k)
    layer_backward(phi.data() + layer_offset(k), k, g, g_ld_.head(n), g_phi.data() + layer_offset(k));
  // z₀ = μ + σ ⊙ ε:  ∂/∂μ_i = Σ_s g_si,  ∂/∂log σ_i = σ_i Σ_s g_si ε_is − Σ_s g_lq(s).
  const double sum_glq = g_lq.sum();
  for (int i = 0; i < d; ++i) {
    g_phi(i) += g.col(i).sum();
    g_phi(d + i) += std::exp(phi(d + i)) * eps.row(i).dot(g.col(i)) - sum_glq;
  }
}

// [SECTION] Inverse

void FlowFamily::pull_block(const Vec& phi, int first, int last, MatRef x, VecRef ld) const {
  LogDetSum acc(ld, prod_.head(x.rows()));
  for (int k = last - 1; k >= first; --k) layer_inverse(phi.data() + layer_offset(k), k, x, acc);
  acc.flush();
}

void FlowFamily::pull_layers(const Vec& phi, int first, int last, Mat& y, Vec& log_det) const {
  check_range(name(), "first layer", first, 0, layers_);
  check_range(name(), "last layer", last, first, layers_);
  for_blocks(y.cols(), [&](Eigen::Index c, Eigen::Index n) {
    auto x = xs_.topRows(n);
    x = y.middleCols(c, n).transpose();
    pull_block(phi, first, last, x, log_det.segment(c, n));
    y.middleCols(c, n) = x.transpose();
  });
}

void FlowFamily::log_density(const Vec& phi, const Mat& z, Vec& log_q) const {
  const int d = dim();
  const double c = -0.5 * d * kLog2Pi - phi.segment(d, d).sum();
  for_blocks(z.cols(), [&](Eigen::Index c0, Eigen::Index n) {
    auto x = xs_.topRows(n);
    auto ld = block_ld_.head(n);
    x = z.middleCols(c0, n).transpose();
    ld.setZero();
    pull_block(phi, 0, layers_, x, ld);
    // x now holds z₀; log q = log N((z₀ − μ)/σ) − Σ log σ − Σ_k log det_k.
    auto lq = log_q.segment(c0, n).array();
    lq = c - ld.array();
    for (int i = 0; i < d; ++i) lq -= 0.5 * ((x.col(i).array() - phi(i)) * std::exp(-phi(d + i))).square();
  });
}

// [SECTION] Fixed draws

const Mat& FlowFamily::pushed_draws(const Vec& phi) const {
  if (draws_valid_ && draws_key_.size() == phi.size() && draws_key_ == phi) return draws_z_;
  base_transform(phi, draws_eps_, draws_z_);
  draws_ld_.setZero();
  push_blocks(phi, 0, layers_, draws_z_, draws_ld_);
  draws_key_ = phi;
  draws_valid_ = true;
  return draws_z_;
}

Moments FlowFamily::moments(const Vec& phi) const {
  const Mat& z = pushed_draws(phi);
  Moments m;
  m.mean = z.rowwise().mean();
  const Mat c = z.colwise() - m.mean;
  m.cov = c * c.transpose() / double(z.cols());
  return m;
}

Box FlowFamily::mass_box(const Vec& phi) const {
  const Mat& z = pushed_draws(phi);
  constexpr double inf = std::numeric_limits<double>::infinity();
  double lo[2] = {inf, inf}, hi[2] = {-inf, -inf};
  const int rows = std::min(dim(), 2);
  for (Eigen::Index s = 0; s < z.cols(); ++s)
    for (int i = 0; i < rows; ++i)
      if (std::isfinite(z(i, s))) {
        lo[i] = std::min(lo[i], z(i, s));
        hi[i] = std::max(hi[i], z(i, s));
      }
  if (rows < 2) lo[1] = -1, hi[1] = 1;  // 1D: a unit band, so a 2D grid still has height
  Box b;  // the default box if no draw is finite
  if (!(lo[0] <= hi[0] && lo[1] <= hi[1])) return b;
  double pad[2];
  for (int i = 0; i < 2; ++i) pad[i] = 0.25 * std::max(hi[i] - lo[i], 1e-9 * (1 + std::abs(lo[i])));
  return {lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]};
}

// [SECTION] Validity and the layer scrubber

bool FlowFamily::valid(const Vec& phi) const {
  if (phi.size() != num_params() || !phi.allFinite()) return false;
  // σ = e^{log σ} must be a positive finite number.
  for (int i = 0; i < dim(); ++i) {
    const double s = std::exp(phi(dim() + i));
    if (!(s > 0 && std::isfinite(s))) return false;
  }
  for (int k = 0; k < layers_; ++k)
    if (!layer_valid(phi.data() + layer_offset(k), k)) return false;
  return true;
}

void FlowFamily::push_layers(const Vec& phi, int first, int last, Mat& x, Vec& log_det) const {
  check_range(name(), "first layer", first, 0, layers_);
  check_range(name(), "last layer", last, first, layers_);
  push_blocks(phi, first, last, x, log_det);
}

}  // namespace vi
