// vi/families/flow_planar.cpp — the planar flow (Rezende & Mohamed 2015).
//
// Layer k: f(x) = x + û h(wᵀx + b), h = tanh, θ_k = [w (D), u (D), b].
// Invertibility needs wᵀû ≥ −1; the paper's reparameterization gives it for every θ:
//   û = u + (m(wᵀu) − wᵀu) w/‖w‖²,  m(t) = −1 + softplus(t),  so  wᵀû = m(wᵀu) > −1.
// With sp = softplus(wᵀu) = 1 + wᵀû and a = wᵀx + b, the Jacobian determinant is
//   det = 1 + h'(a) wᵀû = h² + (1 − h²)·sp,
// a sum of two non-negative terms (no cancellation even when wᵀû is near −1), inside
// [min(1, sp), max(1, sp)].
//
// [SECTION] Layer parameters
// [SECTION] Forward and reverse pass
// [SECTION] Inverse (safeguarded Newton on the scalar wᵀx)
// [SECTION] Names, initialization, factory
#include "vi/core/check.hpp"
#include "vi/families/flow.hpp"
#include "vi/core/math.hpp"

namespace vi {

namespace {

// [SECTION] Layer parameters

// θ_k unpacked: the constrained û and the scalars of the reparameterization.
struct PlanarLayer {
  Eigen::Map<const Vec> w, u;
  double b = 0;
  double t = 0;   // wᵀu
  double sp = 0;  // softplus(t) = 1 + wᵀû > 0
  double n2 = 0;  // ‖w‖²
  double r = 0;   // (m(t) − t)/‖w‖², so û = u + r w

  PlanarLayer(const double* theta, int d, Vec& uhat) : w(theta, d), u(theta + d, d), b(theta[2 * d]) {
    t = w.dot(u);
    sp = softplus(t);
    n2 = w.squaredNorm();
    r = (sp - 1.0 - t) / n2;
    uhat = u + r * w;
  }
  double c() const { return sp - 1.0; }  // wᵀû
};

class PlanarFlow final : public FlowFamily {
 public:
  PlanarFlow(int dim, int layers) : FlowFamily(dim, layers), uhat_(dim), gu_(dim) {
    set_layer_sizes(std::vector<int>(size_t(layers), 2 * dim + 1));
    resize_block_scratch();
  }
  std::string name() const override { return "planar"; }

 protected:
  void layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const override;
  void layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const override;
  void layer_inverse(const double* theta, int k, MatRef y, LogDetSum& acc) const override;
  bool layer_valid(const double* theta, int k) const override;
  void layer_names(int k, const std::string& tag, std::vector<std::string>& out) const override;
  void layer_init(int k, const Vec& mean, double sd, Rng& rng, double* theta) const override;
  void resize_tape(Eigen::Index rows) const override {
    tape_h_.resize(rows, num_layers());
    tape_det_.resize(rows, num_layers());
    ga_.resize(rows);
    q_.resize(rows);
  }
  Eigen::Index tape_doubles_per_point() const override { return 2 * num_layers() + 2; }

 private:
  void resize_block_scratch() {
    for (Vec* v : {&h_, &det_, &alpha_, &lo_, &hi_, &th_, &res_, &step_, &prev_}) v->resize(kChunk);
  }
  mutable Vec uhat_, gu_;
  mutable Mat tape_h_, tape_det_;  // S × K: h = tanh(a) and det of each layer
  mutable Vec ga_, q_;             // S: reverse-pass scratch
  mutable Vec h_, det_, alpha_, lo_, hi_, th_, res_, step_, prev_;  // kChunk: untaped and inverse scratch
};

// [SECTION] Forward and reverse pass

void PlanarFlow::layer_forward(const double* theta, int k, MatRef x, LogDetSum& acc, bool record) const {
  const Eigen::Index n = x.rows();
  const PlanarLayer L(theta, dim(), uhat_);
  VecRef h = record ? VecRef(tape_h_.col(k).head(n)) : VecRef(h_.head(n));
  VecRef det = record ? VecRef(tape_det_.col(k).head(n)) : VecRef(det_.head(n));
  h.noalias() = x * L.w;  // a = wᵀx + b for every point
  h.array() += L.b;
  tanh_in_place(h);
  x.noalias() += h * uhat_.transpose();
  det.array() = h.array().square() + (1.0 - h.array().square()) * L.sp;
  acc.multiply(det.array(), std::min(1.0, L.sp), std::max(1.0, L.sp));
}

void PlanarFlow::layer_backward(const double* theta, int k, MatRef g, CVecRef g_ld, double* g_theta) const {
  const int d = dim();
  const Eigen::Index n = g.rows();
  const PlanarLayer L(theta, d, uhat_);
  const auto x = layer_input(k, n);
  const auto h = tape_h_.col(k).head(n).array();
  const auto det = tape_det_.col(k).head(n).array();
  auto ga = ga_.head(n), q = q_.head(n);
  Eigen::Map<Vec> gw(g_theta, d), gu(g_theta + d, d);
  double& gb = g_theta[2 * d];
  // y = x + û h(a):  ∂/∂h = ûᵀg;  ld = log det, ∂det/∂h = −2h·wᵀû,  ∂det/∂sp = 1 − h².
  q.array() = g_ld.array() / det;                                  // g_ld / det
  ga.noalias() = g * uhat_;                                         // ûᵀ g
  ga.array() -= 2.0 * L.c() * h * q.array();                        // ∂L/∂h
  ga.array() *= 1.0 - h.square();                                   // ∂L/∂a
  const double g_sp = ((1.0 - h.square()) * q.array()).sum();
  gu_.noalias() = g.transpose() * tape_h_.col(k).head(n);           // ∂L/∂û = Σ_s g_s h_s
  gw.noalias() += x.transpose() * ga;                               // a = wᵀx + b
  gb += ga.sum();
  g.noalias() += ga * L.w.transpose();                              // ∂L/∂x = g + w ∂L/∂a
  // û = u + r w with r = (sp(t) − 1 − t)/‖w‖², t = wᵀu; sp'(t) = σ(t).
  const double sig = sigmoid(L.t);
  const double g_r = L.w.dot(gu_);
  const double g_t = g_r * (sig - 1.0) / L.n2 + g_sp * sig;
  const double g_n2 = -g_r * L.r / L.n2;
  gu += gu_ + g_t * L.w;
  gw += L.r * gu_ + (2.0 * g_n2) * L.w + g_t * L.u;
}

// [SECTION] Inverse

// y = x + û h(wᵀx + b). With α = wᵀx, wᵀy = α + c·tanh(α + b) where c = wᵀû > −1: a scalar
// equation per point whose left side is strictly increasing (slope h² + (1 − h²)·sp > 0) and
// within |c| of α, so the root lies in [wᵀy − |c|, wᵀy + |c|]. Safeguarded Newton in that
// bracket (rtsafe), at most kMaxIter iterations; then x = y − û tanh(α + b).
void PlanarFlow::layer_inverse(const double* theta, int /*k*/, MatRef y, LogDetSum& acc) const {
  constexpr int kMaxIter = 200;  // bisection alone halves 2|c| to 1e-16 relative in < 120 steps
  const Eigen::Index n = y.rows();
  const PlanarLayer L(theta, dim(), uhat_);
  const double c = L.c(), b = L.b;
  det_.head(n).noalias() = y * L.w;  // wᵀy
  auto target = det_.head(n).array();
  auto res = res_.head(n).array();
  auto a = alpha_.head(n).array(), lo = lo_.head(n).array(), hi = hi_.head(n).array();
  auto th = th_.head(n).array(), st = step_.head(n).array(), prev = prev_.head(n).array();
  lo = target - std::abs(c);
  hi = target + std::abs(c);
  a = target;
  prev = hi - lo;
  for (int it = 0; it < kMaxIter; ++it) {
    th = a + b;
    tanh_in_place(th_.head(n));
    res = a + c * th - target;
    lo = (res < 0).select(a, lo);
    hi = (res > 0).select(a, hi);
    st = res / (th.square() + (1.0 - th.square()) * L.sp);  // Newton step
    // A Newton step that leaves the bracket, is not finite, or is not at most half the previous
    // step (Newton bouncing between the flat tails of tanh) becomes a bisection: the bracket
    // then shrinks geometrically whatever the shape of the curve (rtsafe's rule).
    st = ((a - st > lo) && (a - st < hi) && (st.abs() <= 0.5 * prev)).select(st, a - 0.5 * (lo + hi));
    prev = st.abs();
    a -= st;
    // Converged when the step is at round-off level (the bracket then has collapsed as well).
    if ((st.abs() <= 4e-16 * (1.0 + a.abs())).all() || ((hi - lo) <= 4e-16 * (1.0 + a.abs())).all()) break;
  }
  th = a + b;
  tanh_in_place(th_.head(n));
  y.noalias() -= th_.head(n) * uhat_.transpose();
  acc.multiply(th.square() + (1.0 - th.square()) * L.sp, std::min(1.0, L.sp), std::max(1.0, L.sp));
}

bool PlanarFlow::layer_valid(const double* theta, int /*k*/) const {
  const PlanarLayer L(theta, dim(), uhat_);
  // ‖w‖ = 0 leaves û undefined; sp = 0 (wᵀu below about −745) makes the layer singular.
  return L.n2 > 0 && L.sp > 0 && std::isfinite(L.r) && uhat_.allFinite();
}

// [SECTION] Names, initialization, factory

void PlanarFlow::layer_names(int /*k*/, const std::string& tag, std::vector<std::string>& out) const {
  for (int i = 0; i < dim(); ++i) out.push_back(indexed_name("w", {i + 1}) + tag);
  for (int i = 0; i < dim(); ++i) out.push_back(indexed_name("u", {i + 1}) + tag);
  out.push_back("b" + tag);
}

// The hyperplane wᵀx + b = 0 passes through the initial mean with a random normal of length
// ~1/σ (so a spans a few units over the base), and û is small and random: the layer starts near
// the identity but every layer bends a different way once trained. u is solved from û:
// wᵀû = m(wᵀu) gives wᵀu = softplus⁻¹(1 + wᵀû), then u = û + (wᵀu − wᵀû) w/‖w‖².
void PlanarFlow::layer_init(int /*k*/, const Vec& mean, double sd, Rng& rng, double* theta) const {
  const int d = dim();
  Eigen::Map<Vec> w(theta, d), u(theta + d, d);
  for (int i = 0; i < d; ++i) w(i) = rng.normal() / (sd * std::sqrt(double(d)));
  for (int i = 0; i < d; ++i) uhat_(i) = 0.01 * sd * rng.normal();
  const double c = w.dot(uhat_);
  const double t = softplus_inv(1.0 + c);
  u = uhat_ + ((t - c) / w.squaredNorm()) * w;
  theta[2 * d] = -w.dot(mean);
}

}  // namespace

FamilyInfo planar_family_info() {
  return {"planar", "planar flow: K bends z + u·tanh(wᵀz + b) of a Gaussian, each folding space along a line",
          [](int dim, const FamilyOptions& o) -> std::unique_ptr<Family> { return std::make_unique<PlanarFlow>(dim, o.K); },
          {flow_layers_param("depth K",
                             "Depth K: the number of planar layers f(z) = z + u\u00B7tanh(w\u1D40z + b) on top of a "
                             "Gaussian. Each layer can fold space along one line, so more layers bend q into more "
                             "complex shapes (Rezende & Mohamed 2015), at more cost per step.")},
          {},
          kFlowCapabilities};
}

}  // namespace vi
