// History: bounded memory and a deterministic thinning.
#include "vi/engine/history.hpp"

#include <catch2/catch.hpp>

using namespace vi;

TEST_CASE("History keeps at most its capacity and spans the whole run", "[history]") {
  History h(64, 10);
  for (int64_t step = 0; step <= 1000000; ++step)
    if (h.due(step)) h.add({step, 0, double(step), 0, 0});
  const auto& p = h.points();
  CHECK(int(p.size()) <= 64);
  CHECK(p.size() >= 32);
  CHECK(p.front().step == 0);
  CHECK(p.back().step > 1000000 - h.stride() - 1);
  for (size_t k = 1; k < p.size(); ++k) CHECK(p[k].step - p[k - 1].step == h.stride());
}
