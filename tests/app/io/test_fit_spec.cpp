// tests/app/io/test_fit_spec.cpp — fit specs ("planar:K=16"): the comparison fits of the command
// line, scene files and the controls, read without a window.
#include "app/io/fit_spec.hpp"

#include <catch2/catch.hpp>

TEST_CASE("comparison specs name a family and its sizes", "[fit_spec]") {
  const vi::Scene primary;
  const vi::Scene planar = vilab::parse_fit_spec("planar:K=16", primary);
  CHECK(planar.family == "planar");
  CHECK(planar.family_options.K == 16);
  CHECK(planar.target == primary.target);
  CHECK(vilab::fit_label(planar) == "planar K=16");
  const vi::Scene mix = vilab::parse_fit_spec("mixture:components=2,component=meanfield", primary);
  CHECK(mix.family_options.components == 2);
  CHECK(mix.family_options.component == "meanfield");
  CHECK(vilab::fit_label(mix) == "mixture K=2 diag");
  CHECK(vilab::parse_fit_spec("meanfield", primary).family == "meanfield");
  CHECK_THROWS_WITH(vilab::parse_fit_spec("planar:rank=2", primary), Catch::Contains("does not use 'rank'"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("planar:K=0", primary), Catch::Contains("depth K"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("nope", primary), Catch::Contains("unknown family"));
  CHECK_THROWS_WITH(vilab::parse_fit_spec("realnvp:hidden=x", primary), Catch::Contains("integer"));
}
