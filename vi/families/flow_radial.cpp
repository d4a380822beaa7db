// vi/families/flow_radial.cpp — the radial flow (Rezende & Mohamed 2015).
//
// Layer k: f(x) = x + β h(α, r)(x − c),  r = ‖x − c‖,  h = 1/(α + r),
// θ_k = [c (D), α_raw, β_raw] with α = softplus(α_raw) > 0 and β = −α + γ, γ = softplus(β_raw) > 0,
// so β > −α holds for every θ (the paper's invertibility condition). In terms of α and γ:
//   f(x) = c + ρ(r)·(x − c),  ρ(r) = (r + γ)/(α + r)                (1 + βh = ρ)
//   log|det| = (D − 1) log ρ + log(Q/(α + r)²),  Q = r(2α + r) + αγ  (1 + βh + βh'r = Q/(α+r)²)
// Every term is a sum of positive numbers: no cancellation anywhere, even as β → −α. Both ρ and
// Q/(α + r)² run monotonically from γ/α at r = 0 to 1 as r → ∞, which bounds the determinant.
//
// [SECTION] Layer parameters
// [SECTION] Forward and reverse pass
// [SECTION] Inverse (closed-form root along the ray from c)
// [SECTION] Names, initialization, factory
#include "vi/core/check.hpp"
#include "vi/families/flow.hpp"
#include "vi/core/math.hpp"

namespace vi {

namespace {

// [SECTION] Layer parameters

struct RadialLayer {
  Eigen::Map<const Vec> c;
  double alpha, gamma;
  RadialLayer(const double* theta, int d)
      : c(theta, d), alpha(softplus(theta[d])), gamma(softplus(theta[d + 1])) {}
  // The determinant of every point lies in [lo, hi].
  double lo(int d) const { return std::pow(std::min(1.0, gamma / alpha), d); }
  double hi(int d) const { return std::pow(std::max(1.0, gamma / alpha), d); }
  // softplus underflows to 0 below about −745: then α or γ is 0 and the layer is singular.
  bool valid() const { return alpha > 0 && gamma > 0 && std::isfinite(alpha) && std::isfinite(gamma); }
};

class RadialFlow final : public FlowFamily {
 public:
  RadialFlow(int dim, int layers) : FlowFamily(dim, layers), gc_(dim) {
    set_layer_sizes(std::vector<int>(size_t(layers), dim + 2));
    resize_work(kChunk);
  }
  std::string name() const override { return "radial"; }

 protected:
  void layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const override;
  void layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const override;
  void layer_inverse(const double* theta, int k, MatRef y, LogDetSum& acc) const override;
  bool layer_valid(const double* theta, int k) const override;
  void layer_names(int k, const std::string& tag, std::vector<std::string>& out) const override;
  void layer_init(int k, const Vec& mean, double sd, Rng& rng, double* theta) const override;
  void resize_tape(Eigen::Index rows) const override {
    tape_r_.resize(rows, num_layers());
    resize_work(std::max<Eigen::Index>(rows, kChunk));
  }
  Eigen::Index tape_doubles_per_point() const override { return num_layers() + dim() + 8; }

 private:
  void resize_work(Eigen::Index n) const {
    d_.resize(n, dim());
    for (Vec* v : {&r_, &f_, &det_, &gf_, &coef_, &is_, &irg_, &iQ_}) v->resize(n);
  }
  // r = ‖d‖ row by row, as a sum over the (contiguous) coordinate columns.
  template <class R>
  static void row_norms(const Eigen::Block<Mat>& d, R&& r) {
    r = d.col(0).array().square();
    for (Eigen::Index i = 1; i < d.cols(); ++i) r += d.col(i).array().square();
    r = r.sqrt();
  }
  // ρ(r) into f and the determinant into det, for radii r.
  template <class R>
  void ratio_and_det(const RadialLayer& L, const R& r, Eigen::Index n) const {
    auto f = f_.head(n).array(), det = det_.head(n).array();
    const auto s = L.alpha + r;
    f = (r + L.gamma) / s;
    det = (r * (2.0 * L.alpha + r) + L.alpha * L.gamma) / s.square();
    for (int i = 1; i < dim(); ++i) det *= f;
  }

  mutable Vec gc_;
  mutable Mat tape_r_;  // S × K: r = ‖x − c‖ of each layer's input
  mutable Mat d_;       // max(S, kChunk) × D: x − c
  mutable Vec r_, f_, det_, gf_, coef_, is_, irg_, iQ_;
};

// [SECTION] Forward and reverse pass

void RadialFlow::layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const {
  const Eigen::Index n = x.rows();
  const RadialLayer L(theta, dim());
  auto d = d_.topRows(n);
  VecRef r = record ? VecRef(tape_r_.col(k).head(n)) : VecRef(r_.head(n));
  d = x.rowwise() - L.c.transpose();
  row_norms(d, r.array());
  ratio_and_det(L, r.array(), n);
  x.array() = d.array().colwise() * f_.head(n).array();
  x.rowwise() += L.c.transpose();
  acc.multiply(det_.head(n).array(), L.lo(dim()), L.hi(dim()));
}

void RadialFlow::layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const {
  const int D = dim();
  const Eigen::Index S = g.rows();
  const RadialLayer L(theta, D);
  const double a = L.alpha, gm = L.gamma, dm1 = D - 1;
  auto d = d_.topRows(S);
  d = layer_input(k, S).rowwise() - L.c.transpose();
  const auto r = tape_r_.col(k).head(S).array();
  const auto gld = g_ld.array();
  // Reciprocals once (a division costs several multiplies): 1/s with s = α + r, 1/(r + γ), 1/Q.
  auto is = is_.head(S).array(), irg = irg_.head(S).array(), iQ = iQ_.head(S).array();
  is = 1.0 / (a + r);
  irg = 1.0 / (r + gm);
  iQ = 1.0 / (r * (2.0 * a + r) + a * gm);
  auto f = f_.head(S).array(), gf = gf_.head(S).array(), coef = coef_.head(S).array();
  f = (r + gm) * is;
  // y = c + ρ(r) d:  ∂L/∂ρ = gᵀd;  ρ = (r + γ)/(α + r).
  gf = (g.array() * d.array()).rowwise().sum();
  // ∂L/∂r through ρ and through the log-determinant.
  coef = gf * (a - gm) * is.square() + gld * (dm1 * (irg - is) + 2.0 * (a + r) * iQ - 2.0 * is);
  const double g_gamma = (gf * is + gld * (dm1 * irg + a * iQ)).sum();
  const double g_alpha = (-gf * f * is + gld * ((2.0 * r + gm) * iQ - (dm1 + 2.0) * is)).sum();
  // r = ‖d‖: ∂r/∂d = d/r (zero at the centre itself, where the norm has no derivative).
  coef = (r > 0).select(coef / r, 0.0);
  gc_ = g.colwise().sum().transpose();
  g.array() = g.array().colwise() * f + d.array().colwise() * coef;
  gc_ -= g.colwise().sum().transpose();  // d = x − c:  ∂/∂c = Σ (∂/∂y − ∂/∂d)
  Eigen::Map<Vec>(g_theta, D) += gc_;
  g_theta[D] += g_alpha * sigmoid(theta[D]);  // α = softplus(α_raw)
  g_theta[D + 1] += g_gamma * sigmoid(theta[D + 1]);
}

// [SECTION] Inverse

// Along the ray from c the layer maps radius r to r' = r ρ(r), i.e. r² + (γ − r') r − r'α = 0,
// whose non-negative root is taken in the form that never subtracts nearly equal numbers:
//   p = γ − r',  r = 2r'α / (p + √(p² + 4r'α))  if p ≥ 0,  else (√(p² + 4r'α) − p)/2.
// Exact to a few ulps, with no iteration; then x = c + (r/r')(y − c).
void RadialFlow::layer_inverse(const double* theta, int /*k*/, MatRef y, LogDetSum& acc) const {
  const Eigen::Index n = y.rows();
  const RadialLayer L(theta, dim());
  auto d = d_.topRows(n);
  auto rp = r_.head(n).array(), r = gf_.head(n).array(), scale = coef_.head(n).array();
  d = y.rowwise() - L.c.transpose();
  row_norms(d, rp);
  const auto p = L.gamma - rp;
  const auto disc = (p.square() + 4.0 * L.alpha * rp).sqrt();
  r = (p >= 0).select(2.0 * L.alpha * rp / (p + disc), 0.5 * (disc - p));
  scale = (rp > 0).select(r / rp, L.alpha / L.gamma);  // r/r' → α/γ at the centre
  y.array() = d.array().colwise() * scale;
  y.rowwise() += L.c.transpose();
  ratio_and_det(L, r, n);
  acc.multiply(det_.head(n).array(), L.lo(dim()), L.hi(dim()));
}

bool RadialFlow::layer_valid(const double* theta, int /*k*/) const { return RadialLayer(theta, dim()).valid(); }

// [SECTION] Names, initialization, factory

void RadialFlow::layer_names(int /*k*/, const std::string& tag, std::vector<std::string>& out) const {
  for (int i = 0; i < dim(); ++i) out.push_back(indexed_name("c", {i + 1}) + tag);
  out.push_back("α_raw" + tag);
  out.push_back("β_raw" + tag);
}

// Centres scattered around the initial mean at the base's scale, α = σ (the layer acts at the
// scale of q), and β small and random (|β| ≤ ~0.03 α): every layer starts near the identity.
void RadialFlow::layer_init(int /*k*/, const Vec& mean, double sd, Rng& rng, double* theta) const {
  const int d = dim();
  for (int i = 0; i < d; ++i) theta[i] = mean(i) + sd * rng.normal();
  const double alpha = sd;
  const double beta = 0.01 * alpha * rng.normal();
  theta[d] = softplus_inv(alpha);
  theta[d + 1] = softplus_inv(alpha + beta);  // γ = α + β
}

}  // namespace

FamilyInfo radial_family_info() {
  return {"radial", "radial flow: K pulls toward / pushes away from learned centres, bending a Gaussian into rings",
          [](int dim, const FamilyOptions& o) -> std::unique_ptr<Family> { return std::make_unique<RadialFlow>(dim, o.K); },
          {flow_layers_param("depth K",
                             "Depth K: the number of radial layers f(z) = z + \u03B2\u00B7(z \u2212 z\u2080) / (\u03B1 + "
                             "\u2016z \u2212 z\u2080\u2016). Each pulls space toward a learned centre z\u2080 or pushes it "
                             "away; stacked, they bend a Gaussian into rings and crescents.")},
          {},
          kFlowCapabilities};
}

}  // namespace vi
