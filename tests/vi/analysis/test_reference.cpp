// Quadrature references: log Z = 0 for every normalized target, exact moments, stated errors.
#include "vi/analysis/reference.hpp"
#include "vi/targets/targets.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vi;

TEST_CASE("Quadrature gives log Z = 0 for every normalized target, within its stated error", "[reference]") {
  // On the reference box the expected value is log P(box): 0 up to a negligible tail, except
  // for the funnel, whose tails leave any box (it states its box mass).
  int normalized = 0;
  for (const auto& info : target_registry()) {
    auto p = make_target(info.name);
    if (!p->exact_log_z()) continue;
    ++normalized;
    const double expected = *p->exact_log_z() + std::log(p->reference_box_mass().value_or(1.0));
    const TargetReference ref = compute_reference(*p, 256);
    INFO(info.name << ": log Z = " << ref.log_z << ", expected " << expected << ", stated grid error "
                   << ref.log_z_error << ", edge mass " << ref.edge_mass);
    // The stated grid error (n vs n/2) bounds the error...
    CHECK(std::abs(ref.log_z - expected) <= ref.log_z_error + 1e-6);
    // ... and a finer grid makes it small in absolute terms. Only the funnel needs 1024 cells:
    // its neck is thinner than a cell of the 256-grid.
    const TargetReference fine = info.name == "funnel" ? compute_reference(*p, 1024) : ref;
    CHECK(std::abs(fine.log_z - expected) < 5e-3);
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
    INFO(info.name << ": mean " << ref.moments.mean.transpose() << " vs " << exact->mean.transpose() << "; cov "
                   << ref.moments.cov << " vs " << exact->cov);
    if (p->reference_box_mass()) {
      // The funnel's exact moments are those of the whole funnel (var x = e^{σ²/2} = 90 comes
      // from the mouth, outside any box): only the symmetry of x survives truncation.
      CHECK(std::abs(ref.moments.mean(0)) < 1e-9);
      CHECK(std::abs(ref.moments.cov(0, 1)) < 1e-9);
      continue;
    }
    CHECK((ref.moments.mean - exact->mean).norm() <= 1e-4 * scale);
    CHECK((ref.moments.cov - exact->cov).norm() <= 1e-4 * scale * scale);
  }
}

TEST_CASE("The stated quadrature error shrinks as the grid is refined", "[reference]") {
  auto p = make_target("banana");
  const double e64 = compute_reference(*p, 64).log_z_error;
  const double e256 = compute_reference(*p, 256).log_z_error;
  CHECK(e256 < e64);
  CHECK(e256 < 1e-6);
}
