// Quadrature references: log Z = 0 for every normalized target, exact moments, stated errors.
#include "vi/reference.hpp"
#include "vi/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;

TEST_CASE("Quadrature gives log Z = 0 for every normalized target, within its stated error", "[reference]") {
  int normalized = 0;
  for (const auto& info : target_registry()) {
    auto p = make_target(info.name);
    if (!p->exact_log_z()) continue;
    ++normalized;
    const TargetReference ref = compute_reference(*p, 256);
    INFO(info.name << ": log Z = " << ref.log_z << ", stated grid error " << ref.log_z_error << ", edge mass "
                   << ref.edge_mass);
    // The grid error (n vs n/2) plus the mass the reference box cuts off bounds the error.
    const double truncation = -std::log1p(-std::min(0.5, 50 * ref.edge_mass));
    CHECK(std::abs(ref.log_z - *p->exact_log_z()) <= ref.log_z_error + truncation + 1e-9);
    CHECK(std::abs(ref.log_z) < 5e-3);  // and in absolute terms, small against any KL we plot
  }
  CHECK(normalized >= 7);
}

TEST_CASE("Quadrature moments of the Gaussians are exact", "[reference]") {
  auto g = make_target("correlated", {{"rho", 0.9}});
  const TargetReference ref = compute_reference(*g, 256);
  // The midpoint rule is spectrally accurate here; what remains is the mass beyond the
  // reference box (about 1e-7 for the box the target chose).
  INFO("log Z " << ref.log_z << ", cov " << ref.moments.cov);
  CHECK(ref.log_z == Approx(0).margin(1e-6));
  CHECK(ref.moments.mean.norm() < 1e-10);
  CHECK(ref.moments.cov(0, 0) == Approx(1).epsilon(1e-6));
  CHECK(ref.moments.cov(1, 1) == Approx(1).epsilon(1e-6));
  CHECK(ref.moments.cov(0, 1) == Approx(0.9).epsilon(1e-6));
}

TEST_CASE("Quadrature moments agree with every closed form a target states", "[reference]") {
  for (const auto& info : target_registry()) {
    auto p = make_target(info.name);
    const auto exact = p->exact_moments();
    if (!exact) continue;
    const TargetReference ref = compute_reference(*p, 512);
    // Tolerance relative to the scale of the target (its largest standard deviation).
    const double scale = std::sqrt(exact->cov.diagonal().maxCoeff());
    const double tol = info.name == "funnel" ? 0.5 : 1e-4;  // the funnel's x-tails leave any finite box
    INFO(info.name << ": mean " << ref.moments.mean.transpose() << " vs " << exact->mean.transpose() << "; cov "
                   << ref.moments.cov << " vs " << exact->cov);
    CHECK((ref.moments.mean - exact->mean).norm() <= tol * scale);
    if (info.name != "funnel")
      CHECK((ref.moments.cov - exact->cov).norm() <= tol * scale * scale);
    else
      CHECK(ref.moments.cov(1, 1) == Approx(exact->cov(1, 1)).epsilon(0.02));
  }
}

TEST_CASE("The stated quadrature error shrinks as the grid is refined", "[reference]") {
  auto p = make_target("banana");
  const double e64 = compute_reference(*p, 64).log_z_error;
  const double e256 = compute_reference(*p, 256).log_z_error;
  CHECK(e256 < e64);
  CHECK(e256 < 1e-6);
}
