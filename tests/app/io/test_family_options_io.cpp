// tests/app/io/test_family_options_io.cpp — scene files, fit specs and run-summary keys take the
// family options' names and ranges from the families' tables (vi::FamilyInfo::params), so no
// reader accepts what another refuses.
#include "app/io/fit_spec.hpp"
#include "app/io/scene_file.hpp"
#include "vi/families/family.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string scene_with_option(const std::string& family, const std::string& key, const std::string& value) {
  return "vilab_scene = 1\n[fit]\nfamily = \"" + family + "\"\nfamily_options = { " + key + " = " + value + " }\n";
}

std::string range_words(const vi::FamilyParam& p) {
  return std::to_string(int(p.spec.lo)) + " \u2026 " + std::to_string(int(p.spec.hi));
}

}  // namespace

TEST_CASE("family options in scene files: each table's bounds are read, one past them refused with its range", "[scenefile][families]") {
  for (const vi::FamilyInfo& f : vi::family_registry()) {
    for (const vi::FamilyParam& p : f.params) {
      INFO(f.name << " " << p.key());
      for (const double bound : {p.spec.lo, p.spec.hi}) {
        const vilab::SceneFile file = vilab::parse_scene_file(scene_with_option(f.name, p.key(), std::to_string(int(bound))), "t.toml");
        CHECK(file.scene.family_options.*p.field == int(bound));
      }
      for (const int bad : {int(p.spec.lo) - 1, int(p.spec.hi) + 1}) {
        try {
          (void)vilab::parse_scene_file(scene_with_option(f.name, p.key(), std::to_string(bad)), "t.toml");
          FAIL("accepted " << bad);
        } catch (const vilab::SceneFileError& e) {
          CHECK(e.field() == "fit.family_options." + p.key());
          CHECK(e.line() == 4);
          CHECK_THAT(e.what(), Catch::Contains(range_words(p)));
        }
      }
    }
  }
  // Written and read back: every option, at values other than its default.
  vilab::SceneFile f;  // fullrank reads none of them: a 64-layer RealNVP of width 256 is not built
  for (const vi::FamilyParam& p : vi::all_family_params()) f.scene.family_options.*p.field = int(p.spec.hi);
  f.scene.family_options.component = "meanfield";
  f.scene.samples = 64;
  const std::string text = vilab::format_scene_file(f);
  CHECK_THAT(text, Catch::Contains("family_options = { K = 64, hidden = 256, depth = 4, rank = 64, components = 16, component = \"meanfield\" }"));
  CHECK(vilab::parse_scene_file(text, "t.toml").scene.family_options == f.scene.family_options);
}

TEST_CASE("family options in fit specs: each table's bounds are taken, one past them refused naming the option", "[lessons][families]") {
  const vi::Scene primary;
  for (const vi::FamilyInfo& f : vi::family_registry()) {
    for (const vi::FamilyParam& p : f.params) {
      INFO(f.name << " " << p.spec.name);
      for (const double bound : {p.spec.lo, p.spec.hi}) {
        const vi::Scene s = vilab::parse_fit_spec(f.name + ":" + p.spec.name + "=" + std::to_string(int(bound)), primary);
        CHECK(s.family_options.*p.field == int(bound));
      }
      for (const int bad : {int(p.spec.lo) - 1, int(p.spec.hi) + 1})
        CHECK_THROWS_WITH(vilab::parse_fit_spec(f.name + ":" + p.spec.name + "=" + std::to_string(bad), primary),
                          Catch::Contains(p.label) && Catch::Contains(std::to_string(bad)));
    }
    // An option of another family is refused by name.
    for (const vi::FamilyParam& p : vi::all_family_params())
      if (!vi::family_uses(f.name, p.spec.name))
        CHECK_THROWS_WITH(vilab::parse_fit_spec(f.name + ":" + p.spec.name + "=1", primary),
                          Catch::Contains(f.name + " does not use '" + p.spec.name + "'"));
  }
}
