// A step allocates nothing after warm-up: vi/ is compiled here with EIGEN_RUNTIME_NO_MALLOC, so
// any Eigen heap allocation while allocation is forbidden aborts with an assertion.
#include "vi/run.hpp"
#include "vi/targets.hpp"
#include "vi/family.hpp"

#include <catch2/catch.hpp>

using namespace vi;

TEST_CASE("Run::step allocates nothing after warm-up, for every target and family", "[nomalloc]") {
  for (const auto& target : target_names())
    for (const auto& family : family_names()) {
      Scene s;
      s.target = target;
      s.family = family;
      s.samples = 100;  // not a multiple of the targets' chunk size
      s.grid = 32;
      s.lr = 1e-3;
      Run run(s, nullptr, /*record_history=*/false);
      run.step(2);  // warm-up
      INFO(target << " / " << family);
      Eigen::internal::set_is_malloc_allowed(false);
      run.step(20);
      Eigen::internal::set_is_malloc_allowed(true);
      CHECK(run.steps() == 22);
    }
}
