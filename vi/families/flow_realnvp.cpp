// vi/families/flow_realnvp.cpp — RealNVP affine coupling layers (Dinh, Sohl-Dickstein & Bengio 2017).
//
// Layer k splits the axes into a conditioning block A and a transformed block B (alternating):
//   y_A = x_A,   y_B = x_B ⊙ exp(s(x_A)) + t(x_A),   log|det| = Σ_B s,
// with [s_raw; t] = MLP(x_A): `depth` tanh hidden layers of width `hidden`, a linear output.
// The scale is bounded, s = kScale·tanh(s_raw/kScale) ∈ (−kScale, kScale), so exp(s) can never
// overflow however the weights move; near 0 it is s ≈ s_raw. The inverse is closed-form:
//   x_B = (y_B − t(y_A)) ⊙ exp(−s(y_A)).
// Blocks: D ≥ 2 splits into halves [0, ⌊D/2⌋) and [⌊D/2⌋, D); even layers transform the second
// half given the first (for D = 2: z₂ given z₁), odd layers the first given the second. D = 1
// has nothing to condition on: every layer is an elementwise affine map with learned s and t.
//
// θ_k = [W1 (H × |A|), b1 (H), W2 (H × H), b2 (H), …, Wo (2|B| × H), bo (2|B|)], column-major;
// Wo's first |B| rows give s_raw, the last |B| rows t.
//
// [SECTION] Layer shapes
// [SECTION] Conditioner
// [SECTION] Forward and reverse pass
// [SECTION] Inverse
// [SECTION] Names, initialization, factory
#include "vi/core/check.hpp"
#include "vi/families/flow.hpp"

namespace vi {

namespace {

constexpr double kScale = 2.0;  // |s| < 2 per layer: each layer scales an axis by at most e² ≈ 7.4

// [SECTION] Layer shapes

struct Coupling {
  int a0 = 0, na = 0, b0 = 0, nb = 0;  // A = [a0, a0 + na), B = [b0, b0 + nb)
  std::vector<int> w, bias;            // offsets in θ_k of W_l and b_l; the last pair is the output layer
  int size = 0;                        // |θ_k|
};

Coupling coupling_shape(int dim, int k, int hidden, int depth) {
  Coupling c;
  const int half = dim / 2;
  if (dim == 1) {
    c.nb = 1;
  } else if (k % 2 == 0) {
    c = {0, half, half, dim - half, {}, {}, 0};
  } else {
    c = {half, dim - half, 0, half, {}, {}, 0};
  }
  int off = 0, in = c.na;
  for (int l = 0; l <= depth; ++l) {
    const int out = l < depth ? hidden : 2 * c.nb;
    c.w.push_back(off);
    off += out * in;
    c.bias.push_back(off);
    off += out;
    in = hidden;
  }
  c.size = off;
  return c;
}

class RealNvpFlow final : public FlowFamily {
 public:
  RealNvpFlow(int dim, int layers, int hidden, int depth)
      : FlowFamily(dim, layers), hidden_(hidden), depth_(depth) {
    std::vector<int> sizes;
    for (int k = 0; k < layers; ++k) {
      shapes_.push_back(coupling_shape(dim, k, hidden, depth));
      sizes.push_back(shapes_.back().size);
      max_nb_ = std::max(max_nb_, shapes_.back().nb);
    }
    set_layer_sizes(sizes);
    hid_.assign(size_t(depth), Mat(kChunk, hidden));
    out_.resize(kChunk, 2 * max_nb_);
    s_.resize(kChunk, max_nb_);
    es_.resize(kChunk, max_nb_);
  }
  std::string name() const override { return "realnvp"; }

 protected:
  void layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const override;
  void layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const override;
  void layer_inverse(const double* theta, int k, MatRef y, LogDetSum& acc) const override;
  bool layer_valid(const double* /*theta*/, int /*k*/) const override { return true; }  // finite θ suffices
  void layer_names(int k, const std::string& tag, std::vector<std::string>& out) const override;
  void layer_init(int k, const Vec& mean, double sd, Rng& rng, double* theta) const override;
  void resize_tape(Eigen::Index rows) const override;
  Eigen::Index tape_doubles_per_point() const override {
    Eigen::Index n = 4 * max_nb_ + 2 * hidden_;  // out_, gout_, gh_
    for (const Coupling& c : shapes_) n += depth_ * hidden_ + 2 * c.nb;
    return n;
  }

 private:
  using CMap = Eigen::Map<const Mat>;
  CMap weight(const double* theta, int k, int l) const {
    const Coupling& c = shapes_[size_t(k)];
    const int rows = l < depth_ ? hidden_ : 2 * c.nb, cols = l == 0 ? c.na : hidden_;
    return CMap(theta + c.w[size_t(l)], rows, cols);
  }
  Eigen::Map<const Vec> bias(const double* theta, int k, int l) const {
    const Coupling& c = shapes_[size_t(k)];
    return {theta + c.bias[size_t(l)], l < depth_ ? hidden_ : 2 * c.nb};
  }
  // The hidden activations (n × H) of layer k's hidden layer l: taped, or block scratch.
  MatRef hidden_block(int k, int l, Eigen::Index n, bool record) const {
    return record ? MatRef(tape_hid_[size_t(k * depth_ + l)].topRows(n)) : MatRef(hid_[size_t(l)].topRows(n));
  }
  // Runs the conditioner on x_A (n × |A|): fills the hidden activations, s (n × |B|) into `s`
  // and the shift t into columns |B| … 2|B| − 1 of out_.
  void conditioner(const double* theta, int k, const Eigen::Ref<const Mat>& xa, Eigen::Index n, bool record,
                   MatRef s) const;

  int hidden_, depth_, max_nb_ = 0;
  std::vector<Coupling> shapes_;
  mutable std::vector<Mat> tape_hid_;          // K·depth of S × H
  mutable std::vector<Mat> tape_s_, tape_es_;  // K of S × |B|: s and exp(s)
  mutable std::vector<Mat> hid_;               // depth of kChunk × H
  mutable Mat out_, s_, es_;                   // conditioner output; s and exp(s) for untaped blocks
  mutable Mat gout_, gh_[2];                   // reverse-pass scratch (S rows)
};

void RealNvpFlow::resize_tape(Eigen::Index rows) const {
  const size_t K = size_t(num_layers());
  tape_hid_.resize(K * size_t(depth_));
  for (Mat& m : tape_hid_) m.resize(rows, hidden_);
  tape_s_.resize(K);
  tape_es_.resize(K);
  for (size_t k = 0; k < K; ++k) {
    tape_s_[k].resize(rows, shapes_[k].nb);
    tape_es_[k].resize(rows, shapes_[k].nb);
  }
  out_.resize(std::max<Eigen::Index>(rows, kChunk), 2 * max_nb_);
  gout_.resize(rows, 2 * max_nb_);
  gh_[0].resize(rows, hidden_);
  gh_[1].resize(rows, hidden_);
}

// [SECTION] Conditioner

void RealNvpFlow::conditioner(const double* theta, int k, const Eigen::Ref<const Mat>& xa, Eigen::Index n,
                              bool record, MatRef s) const {
  const Coupling& c = shapes_[size_t(k)];
  for (int l = 0; l < depth_; ++l) {
    MatRef h = hidden_block(k, l, n, record);
    if (l == 0 && c.na == 0)
      h.setZero();  // D = 1: no input, the MLP is a constant
    else if (l == 0)
      h.noalias() = xa * weight(theta, k, 0).transpose();
    else
      h.noalias() = hidden_block(k, l - 1, n, record) * weight(theta, k, l).transpose();
    h.rowwise() += bias(theta, k, l).transpose();
    tanh_in_place(h);
  }
  auto o = out_.topLeftCorner(n, 2 * c.nb);
  o.noalias() = hidden_block(k, depth_ - 1, n, record) * weight(theta, k, depth_).transpose();
  o.rowwise() += bias(theta, k, depth_).transpose();
  s = o.leftCols(c.nb) * (1.0 / kScale);
  tanh_in_place(s);
  s *= kScale;
}

// [SECTION] Forward and reverse pass

void RealNvpFlow::layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const {
  const Coupling& c = shapes_[size_t(k)];
  const Eigen::Index n = x.rows();
  MatRef s = record ? MatRef(tape_s_[size_t(k)].topRows(n)) : MatRef(s_.topLeftCorner(n, c.nb));
  MatRef es = record ? MatRef(tape_es_[size_t(k)].topRows(n)) : MatRef(es_.topLeftCorner(n, c.nb));
  conditioner(theta, k, x.middleCols(c.a0, c.na), n, record, s);
  es = s.array().exp().matrix();
  auto xb = x.middleCols(c.b0, c.nb);
  xb.array() = xb.array() * es.array() + out_.block(0, c.nb, n, c.nb).array();
  acc.add_log(s.rowwise().sum().array());
}

void RealNvpFlow::layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const {
  const Coupling& c = shapes_[size_t(k)];
  const Eigen::Index S = g.rows();
  const auto s = tape_s_[size_t(k)].topRows(S).array();
  const auto es = tape_es_[size_t(k)].topRows(S).array();
  const auto xb = layer_input(k, S).middleCols(c.b0, c.nb).array();
  auto gb = g.middleCols(c.b0, c.nb);
  // y_B = x_B e^s + t,  log det = Σ s,  s = kScale·tanh(s_raw/kScale): ∂s/∂s_raw = 1 − (s/kScale)².
  auto go = gout_.topLeftCorner(S, 2 * c.nb);
  go.leftCols(c.nb).array() = (gb.array() * xb * es).colwise() + g_ld.array();
  go.leftCols(c.nb).array() *= 1.0 - (s * (1.0 / kScale)).square();
  go.rightCols(c.nb) = gb;
  gb.array() *= es;
  // Back through the MLP: output layer, then the tanh hidden layers (gh: ∂L/∂activations).
  auto map_grad = [&](int l) {
    const CMap w = weight(theta, k, l);
    return Eigen::Map<Mat>(g_theta + c.w[size_t(l)], w.rows(), w.cols());
  };
  auto hid = [&](int l) { return tape_hid_[size_t(k * depth_ + l)].topRows(S); };
  map_grad(depth_).noalias() += go.transpose() * hid(depth_ - 1);
  Eigen::Map<Vec>(g_theta + c.bias[size_t(depth_)], 2 * c.nb) += go.colwise().sum().transpose();
  int cur = 0;
  auto gh = [&](int i) { return gh_[i].topRows(S); };
  gh(cur).noalias() = go * weight(theta, k, depth_);
  for (int l = depth_ - 1; l >= 0; --l) {
    gh(cur).array() *= 1.0 - hid(l).array().square();  // through tanh: ∂/∂(pre-activation)
    Eigen::Map<Vec>(g_theta + c.bias[size_t(l)], hidden_) += gh(cur).colwise().sum().transpose();
    if (l > 0) {
      map_grad(l).noalias() += gh(cur).transpose() * hid(l - 1);
      gh(1 - cur).noalias() = gh(cur) * weight(theta, k, l);
      cur = 1 - cur;
    } else if (c.na > 0) {
      map_grad(0).noalias() += gh(cur).transpose() * layer_input(k, S).middleCols(c.a0, c.na);
      g.middleCols(c.a0, c.na).noalias() += gh(cur) * weight(theta, k, 0);
    }
  }
}

// [SECTION] Inverse

void RealNvpFlow::layer_inverse(const double* theta, int k, MatRef y, LogDetSum& acc) const {
  const Coupling& c = shapes_[size_t(k)];
  const Eigen::Index n = y.rows();
  MatRef s = s_.topLeftCorner(n, c.nb);
  conditioner(theta, k, y.middleCols(c.a0, c.na), n, /*record=*/false, s);  // y_A = x_A
  auto yb = y.middleCols(c.b0, c.nb);
  yb.array() = (yb.array() - out_.block(0, c.nb, n, c.nb).array()) * (-s.array()).exp();
  acc.add_log(s.rowwise().sum().array());
}

// [SECTION] Names, initialization, factory

void RealNvpFlow::layer_names(int k, const std::string& tag, std::vector<std::string>& out) const {
  const Coupling& c = shapes_[size_t(k)];
  for (int l = 0; l < depth_; ++l) {
    const int cols = l == 0 ? c.na : hidden_;
    const std::string w = indexed_name("W", {l + 1}), b = indexed_name("b", {l + 1});
    for (int j = 0; j < cols; ++j)
      for (int i = 0; i < hidden_; ++i) out.push_back(w + indexed_name("(", {i + 1, j + 1}, ",") + ")" + tag);
    for (int i = 0; i < hidden_; ++i) out.push_back(b + indexed_name("(", {i + 1}) + ")" + tag);
  }
  // Output rows: s_raw then t, named by the axis they act on ("Ws2(5)": s of z2 from unit 5).
  for (int j = 0; j < hidden_; ++j)
    for (int i = 0; i < 2 * c.nb; ++i)
      out.push_back(indexed_name(i < c.nb ? "Ws" : "Wt", {c.b0 + i % c.nb + 1}) +
                    indexed_name("(", {j + 1}) + ")" + tag);
  for (int i = 0; i < 2 * c.nb; ++i) out.push_back(indexed_name(i < c.nb ? "bs" : "bt", {c.b0 + i % c.nb + 1}) + tag);
}

// The output layer starts at zero, so every coupling layer is exactly the identity; the hidden
// weights are random (fixed seed) so the units differ and learn different features. The first
// layer standardizes its input for the initial base: pre-activation = W(x_A − mean_A)/σ·(1/√|A|)
// is O(1), keeping tanh out of saturation at the start.
void RealNvpFlow::layer_init(int k, const Vec& mean, double sd, Rng& rng, double* theta) const {
  const Coupling& c = shapes_[size_t(k)];
  Eigen::Map<Vec>(theta, c.size).setZero();
  for (int l = 0; l < depth_; ++l) {
    const int cols = l == 0 ? c.na : hidden_;
    if (cols == 0) continue;
    Eigen::Map<Mat> w(theta + c.w[size_t(l)], hidden_, cols);
    const double scale = (l == 0 ? 1.0 / sd : 1.0) / std::sqrt(double(cols));
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = scale * rng.normal();
    if (l == 0) Eigen::Map<Vec>(theta + c.bias[0], hidden_) = -w * mean.segment(c.a0, c.na);
  }
}

}  // namespace

FamilyInfo realnvp_family_info() {
  return {"realnvp", "RealNVP: K coupling layers, each shifting and scaling half the axes by a small network of the rest",
          [](int dim, const FamilyOptions& o) -> std::unique_ptr<Family> {
            return std::make_unique<RealNvpFlow>(dim, o.K, o.hidden, o.depth);
          },
          {flow_layers_param("coupling layers K",
                             "Coupling layers K: each layer keeps one axis and shifts and scales the other by a small "
                             "network of the kept one, z\u2082 \u2190 z\u2082\u00B7e^s(z\u2081) + t(z\u2081); the axes "
                             "alternate from layer to layer (Dinh et al. 2017)."),
           {.spec = {"hidden", 32, 1, 256,
             "Units in each hidden layer of the conditioner, the small tanh network that computes a coupling's "
             "shift t and log-scale s from the kept axis. Wider = more flexible couplings and more parameters.",
             true},
            .label = "hidden width",
            .field = &FamilyOptions::hidden,
            .log_slider = true},
           // "layers" on the command line, in fit specs and run summaries; "depth" in scene files
           // (and FamilyOptions), as files written before kept it.
           {.spec = {"layers", 2, 1, 4,
             "Hidden layers of each coupling's conditioner network. Deeper networks make sharper shifts and "
             "scales; they are slower.",
             true},
            .label = "hidden depth",
            .field = &FamilyOptions::depth,
            .file_key = "depth"}},
          {},
          kFlowCapabilities};
}

}  // namespace vi
