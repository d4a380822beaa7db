// app/ui/windows/layer_scrubber.cpp — see layer_scrubber.hpp.
#include "app/ui/windows/layer_scrubber.hpp"

#include "vi/engine/run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

namespace vilab {

namespace {

constexpr Eigen::Index kBlock = 512;  // columns per push: the stop token is polled between blocks

struct Cancelled {};

void poll(const std::stop_token& stop) {
  if (stop.stop_requested()) throw Cancelled{};
}

// Layers [first, last) on every column of x, block by block, adding log-dets to ld.
void push(const vi::Family& fam, const vi::Vec& phi, int first, int last, vi::Mat& x, vi::Vec& ld,
          const std::stop_token& stop) {
  if (last <= first) return;
  vi::Mat block;
  vi::Vec block_ld;
  for (Eigen::Index c = 0; c < x.cols(); c += kBlock) {
    poll(stop);
    const Eigen::Index n = std::min(kBlock, x.cols() - c);
    block = x.middleCols(c, n);
    block_ld = ld.segment(c, n);
    fam.push_layers(phi, first, last, block, block_ld);
    x.middleCols(c, n) = block;
    ld.segment(c, n) = block_ld;
  }
}

// The bounding box of the finite columns of x, padded by 8 % of its size on each side.
vi::Box padded_box(const vi::Mat& x) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double x0 = kInf, x1 = -kInf, y0 = kInf, y1 = -kInf;
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const double a = x(0, c), b = x(1, c);
    if (!std::isfinite(a) || !std::isfinite(b)) continue;
    x0 = std::min(x0, a), x1 = std::max(x1, a), y0 = std::min(y0, b), y1 = std::max(y1, b);
  }
  if (!(x1 >= x0) || !(y1 >= y0)) return {};
  const double px = std::max(0.08 * (x1 - x0), 1e-3), py = std::max(0.08 * (y1 - y0), 1e-3);
  return {x0 - px, x1 + px, y0 - py, y1 + py};
}

vi::Box union_box(const vi::Box& a, const vi::Box& b) {
  if (!(b.x1 > b.x0 && b.y1 > b.y0)) return a;
  return {std::min(a.x0, b.x0), std::max(a.x1, b.x1), std::min(a.y0, b.y0), std::max(a.y1, b.y1)};
}

}  // namespace

ScrubResult compute_scrub(const vi::Scene& scene, const vi::Vec& phi, const vi::Mat& samples, ScrubKey key,
                          const vi::Box* cover, std::stop_token stop) {
  const auto t0 = std::chrono::steady_clock::now();
  ScrubResult r;
  r.key = key;
  r.family = scene.family;
  r.options = scene.family_options;
  try {
    const std::unique_ptr<vi::Family> fam = vi::make_family(scene.family, 2, scene.family_options);
    r.layers = fam->num_layers();
    if (r.layers <= 0 || fam->base_dim() != 2) throw std::invalid_argument(scene.family + " is not a flow");
    if (phi.size() != fam->num_params()) throw std::invalid_argument("φ does not match the family's sizes");
    const int k = std::clamp(key.k, 0, r.layers);

    // Base draws: the display draws, then the grid lines of ε over [−3, 3]² (the base's ±3σ box
    // once base_transform maps ε to z₀ = μ + σ ⊙ ε).
    constexpr int L = ScrubResult::kGridLines, P = ScrubResult::kLinePoints;
    const vi::Mat draws = vi::display_draws(scene, 2).eps;  // the run's own cloud (vi/engine/run.hpp)
    const Eigen::Index n_cloud = draws.cols();
    vi::Mat eps(2, n_cloud + 2 * L * P);
    eps.leftCols(n_cloud) = draws;
    for (int l = 0; l < L; ++l) {
      const double c = -3.0 + 6.0 * l / (L - 1);
      for (int p = 0; p < P; ++p) {
        const double t = -3.0 + 6.0 * p / (P - 1);
        const Eigen::Index h = n_cloud + Eigen::Index(l) * P + p;  // constant ε₂
        const Eigen::Index v = n_cloud + Eigen::Index(L + l) * P + p;  // constant ε₁
        eps(0, h) = t, eps(1, h) = c;
        eps(0, v) = c, eps(1, v) = t;
      }
    }
    vi::Mat x;
    fam->base_transform(phi, eps, x);
    vi::Vec ld = vi::Vec::Zero(x.cols());

    // Layers 0 … k−2 (to layer k's input), then layer k's map over its input region, then
    // layer k itself.
    for (int j = 0; j + 1 < k; ++j) push(*fam, phi, j, j + 1, x, ld, stop);
    if (k >= 1) {
      // Over the input region and the view: a map over the input region alone left the rest of
      // the frame black (e.g. z₂ from 6 to 8 on the banana).
      r.log_det = vi::Grid2D{cover ? union_box(padded_box(x), *cover) : padded_box(x), ScrubResult::kMapCells,
                             ScrubResult::kMapCells, {}};
      vi::Mat pts = r.log_det.points();
      vi::Vec map_ld = vi::Vec::Zero(pts.cols());
      push(*fam, phi, k - 1, k, pts, map_ld, stop);
      r.log_det.values.assign(map_ld.data(), map_ld.data() + map_ld.size());
      std::vector<double> mags;
      mags.reserve(r.log_det.values.size());
      for (double v : r.log_det.values)
        if (std::isfinite(v)) mags.push_back(std::abs(v));
      if (!mags.empty()) {
        const size_t q = size_t(0.98 * double(mags.size() - 1));
        std::nth_element(mags.begin(), mags.begin() + long(q), mags.end());
        r.log_det_scale = mags[q];
      }
      r.log_det_scale = std::max(r.log_det_scale, 0.05);  // a near-identity layer stays pale
      push(*fam, phi, k - 1, k, x, ld, stop);
    }
    r.cloud = x.leftCols(n_cloud);
    r.grid = x.rightCols(2 * L * P);
    if (k == r.layers && samples.rows() == 2 && samples.cols() == n_cloud)
      r.sample_mismatch = (r.cloud - samples).cwiseAbs().maxCoeff();
  } catch (const Cancelled&) {
    r.error = "cancelled";
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

namespace {

// The box the view shows: the target's.
const vi::Box* cover_of(const vi::Snapshot& snap) { return snap.target ? &snap.target->view : nullptr; }

}  // namespace

void LayerScrubber::collect(bool wait) {
  if (!job_.busy()) return;
  std::optional<ScrubResult> r = wait ? std::optional<ScrubResult>(job_.wait()) : job_.poll();
  if (!r || r->error == "cancelled") return;
  last_seconds_ = r->seconds;
  done_ = std::make_shared<const ScrubResult>(std::move(*r));
}

std::shared_ptr<const ScrubResult> LayerScrubber::update(const vi::Snapshot& snap, int k, bool may_block) {
  const ScrubKey want{snap.serial, k};
  collect(false);
  if (done_ && done_->key == want) return done_;
  if (job_.busy()) {
    // A job for another layer is stale: stop it. One for an older snapshot of this layer
    // finishes (while playing, every frame has a newer snapshot: cancelling would starve it).
    if (job_key_.k != want.k) job_.request_stop();
    if (!may_block) return done_;
    collect(true);
    if (done_ && done_->key == want) return done_;
  }
  // A newer snapshot of the same layer (the fit is playing) waits a little between slow
  // recomputations, so the worker takes at most about a third of a core.
  const auto now = std::chrono::steady_clock::now();
  const bool same_layer = done_ && done_->key.k == want.k;
  if (!may_block && same_layer && last_seconds_ >= kInlineSeconds &&
      now - last_launch_ < std::chrono::duration<double>(std::max(kMinInterval, 2 * last_seconds_)))
    return done_;
  if (may_block || (last_seconds_ >= 0 && last_seconds_ < kInlineSeconds)) {
    ScrubResult r = compute_scrub(snap.scene, snap.phi, snap.samples, want, cover_of(snap));
    last_seconds_ = r.seconds;
    done_ = std::make_shared<const ScrubResult>(std::move(r));
    return done_;
  }
  job_key_ = want;
  last_launch_ = now;
  const std::optional<vi::Box> cover = snap.target ? std::optional<vi::Box>(snap.target->view) : std::nullopt;
  job_.start([scene = snap.scene, phi = snap.phi, samples = snap.samples, want, cover](std::stop_token stop) {
    return compute_scrub(scene, phi, samples, want, cover ? &*cover : nullptr, stop);
  });
  return done_;
}

}  // namespace vilab
