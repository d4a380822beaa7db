// tests/vi/families/test_family_registry.cpp — each family's registry entry against itself and
// against the family's objects: options tables consistent, Scene::validate taking their bounds and
// refusing one past them by name, and capabilities equal to what a built family reports.
#include "vi/engine/scene.hpp"
#include "vi/families/family.hpp"
#include "vi/objectives/objective_spec.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>
#include <string>
#include <vector>

using namespace vi;

namespace {

// The options with one size at `value` and the rest at their defaults.
FamilyOptions with(const FamilyParam& p, int value) {
  FamilyOptions o;
  o.*p.field = value;
  return o;
}

// Every options value a family's table allows at its edges: the defaults, then each size at its
// lower and upper bound, then each named option at each of its names.
std::vector<FamilyOptions> edge_options(const FamilyInfo& f) {
  std::vector<FamilyOptions> all{FamilyOptions{}};
  for (const FamilyParam& p : f.params) {
    all.push_back(with(p, int(p.spec.lo)));
    all.push_back(with(p, int(p.spec.hi)));
  }
  for (const FamilyChoice& c : f.choices)
    for (const std::string& name : c.allowed) {
      FamilyOptions o;
      o.*c.field = name;
      all.push_back(o);
    }
  return all;
}

std::string range_text(const FamilyParam& p) {
  return "must be in [" + std::to_string(int(p.spec.lo)) + ", " + std::to_string(int(p.spec.hi)) + "]";
}

}  // namespace

TEST_CASE("Family registry: every option table is consistent with itself and with FamilyOptions", "[families][registry]") {
  const FamilyOptions defaults;
  for (const FamilyInfo& f : family_registry()) {
    INFO(f.name);
    CHECK(!f.summary.empty());
    REQUIRE(f.make != nullptr);
    std::set<std::string> names;
    for (const FamilyParam& p : f.params) {
      INFO(p.spec.name);
      CHECK(names.insert(p.spec.name).second);  // one entry per name
      REQUIRE(p.field != nullptr);
      CHECK(!p.label.empty());
      CHECK(!p.spec.help.empty());
      CHECK(p.spec.integer);  // FamilyOptions' sizes are ints
      CHECK(p.spec.lo == std::floor(p.spec.lo));
      CHECK(p.spec.hi == std::floor(p.spec.hi));
      CHECK(p.spec.lo <= p.spec.hi);
      CHECK(p.spec.lo <= p.spec.default_value);
      CHECK(p.spec.default_value <= p.spec.hi);
      // The table's default is the one a default Scene carries.
      CHECK(defaults.*p.field == int(p.spec.default_value));
      CHECK(family_uses(f.name, p.spec.name));
    }
    for (const FamilyChoice& c : f.choices) {
      INFO(c.name);
      CHECK(names.insert(c.name).second);
      REQUIRE(c.field != nullptr);
      REQUIRE(!c.allowed.empty());
      CHECK(!c.label.empty());
      CHECK(!c.help.empty());
      CHECK(defaults.*c.field == c.allowed.front());
      CHECK(family_uses(f.name, c.name));
    }
    CHECK_FALSE(family_uses(f.name, "no-such-option"));
  }
}

TEST_CASE("Family registry: an option several families read is one option (range, default, field, key)", "[families][registry]") {
  // all_family_params() is what the CLI, scene files and run summaries read; each family's own entry
  // must say the same, or a value one reader accepts another refuses.
  for (const FamilyInfo& f : family_registry()) {
    for (const FamilyParam& p : f.params) {
      INFO(f.name << " " << p.spec.name);
      const FamilyParam* shared = nullptr;
      for (const FamilyParam& a : all_family_params())
        if (a.spec.name == p.spec.name) shared = &a;
      REQUIRE(shared);
      CHECK(shared->spec.lo == p.spec.lo);
      CHECK(shared->spec.hi == p.spec.hi);
      CHECK(shared->spec.default_value == p.spec.default_value);
      CHECK(shared->field == p.field);
      CHECK(shared->key() == p.key());
      CHECK(families_using(p.spec.name).find(f.name) != std::string::npos);
    }
    for (const FamilyChoice& c : f.choices) {
      INFO(f.name << " " << c.name);
      const FamilyChoice* shared = nullptr;
      for (const FamilyChoice& a : all_family_choices())
        if (a.name == c.name) shared = &a;
      REQUIRE(shared);
      CHECK(shared->allowed == c.allowed);
      CHECK(shared->field == c.field);
    }
  }
  // Each FamilyOptions field belongs to one option name, and the names and scene-file keys are unique.
  std::set<std::string> names, keys;
  for (const FamilyParam& p : all_family_params()) {
    CHECK(names.insert(p.spec.name).second);
    CHECK(keys.insert(p.key()).second);
  }
  for (const FamilyChoice& c : all_family_choices()) CHECK(names.insert(c.name).second);
  for (size_t i = 0; i < all_family_params().size(); ++i)
    for (size_t j = 0; j < i; ++j) CHECK(all_family_params()[i].field != all_family_params()[j].field);
}

TEST_CASE("Family registry: Scene::validate takes each option's bounds and refuses one past them, naming it", "[families][registry]") {
  for (const FamilyInfo& f : family_registry()) {
    for (const FamilyParam& p : f.params) {
      INFO(f.name << " " << p.spec.name);
      Scene s;
      s.family = f.name;
      s.samples = 64;  // a mixture needs S ≥ its K: 64 ≥ 16 components
      s.family_options = with(p, int(p.spec.lo));
      CHECK_NOTHROW(s.validate());
      s.family_options = with(p, int(p.spec.hi));
      CHECK_NOTHROW(s.validate());
      for (const int bad : {int(p.spec.lo) - 1, int(p.spec.hi) + 1}) {
        s.family_options = with(p, bad);
        CHECK_THROWS_WITH(s.validate(), Catch::Contains(f.name + ": " + p.label + " is " + std::to_string(bad)) &&
                                            Catch::Contains(range_text(p)));
        // make_family says the same (the engine, the CLI's checks and the fit specs all end here).
        CHECK_THROWS_WITH(make_family(f.name, 2, s.family_options), Catch::Contains(p.label) && Catch::Contains(range_text(p)));
      }
    }
    for (const FamilyChoice& c : f.choices) {
      INFO(f.name << " " << c.name);
      Scene s;
      s.family = f.name;
      for (const std::string& name : c.allowed) {
        s.family_options.*c.field = name;
        CHECK_NOTHROW(s.validate());
      }
      s.family_options.*c.field = "bogus";
      CHECK_THROWS_WITH(s.validate(), Catch::Contains(f.name + ": " + c.label + " 'bogus'") && Catch::Contains(c.allowed.front()));
    }
  }
  // A family ignores the options it does not read, whatever their values.
  Scene s;
  s.family = "fullrank";
  for (const FamilyParam& p : all_family_params()) s.family_options.*p.field = int(p.spec.hi) + 1;
  CHECK_NOTHROW(s.validate());
}

TEST_CASE("Family registry: the capabilities are what the family objects report", "[families][registry]") {
  // Built here, in the test: the UI asks the registry instead, so a wrong entry must fail here.
  for (const FamilyInfo& f : family_registry()) {
    for (const int dim : {1, 2, 3}) {
      for (const FamilyOptions& o : edge_options(f)) {
        INFO(f.name << " in " << dim << "D, K " << o.K << ", hidden " << o.hidden << ", depth " << o.depth << ", rank "
                    << o.rank << ", components " << o.components << " " << o.component);
        const auto family = make_family(f.name, dim, o);
        CHECK(family->name() == f.name);
        const FamilyCapabilities is = capabilities_of(*family);
        CHECK(is.score == f.capabilities.score);
        CHECK(is.analytic_entropy == f.capabilities.analytic_entropy);
        CHECK(is.stratified == f.capabilities.stratified);
        CHECK(is.gaussian == f.capabilities.gaussian);
        CHECK(is.cheap_density == f.capabilities.cheap_density);
        CHECK(is.layered == f.capabilities.layered);
        CHECK(family_num_layers(f.name, o) == family->num_layers());
      }
    }
  }
}

TEST_CASE("Family registry: what the capabilities serve is what the family objects serve", "[families][registry]") {
  // check_objective_supported by name and capabilities (the UI's question) against the same check
  // on a built family (the engine's), over every objective, estimator, baseline and sampling.
  for (const FamilyInfo& f : family_registry()) {
    const auto family = make_family(f.name, 2);
    for (const std::string& objective : objective_names())
      for (const std::string& estimator : estimator_names())
        for (const std::string& baseline : baseline_names())
          for (const std::string& sampling : sampling_names())
            for (const int samples : {1, 64}) {
              Scene s;
              s.family = f.name;
              s.objective = objective;
              s.estimator = estimator;
              s.baseline = baseline;
              s.sampling = sampling;
              s.samples = samples;
              INFO(f.name << " " << objective << " " << estimator << " " << baseline << " " << sampling << " S = " << samples);
              const ObjectiveSpec spec = objective_spec(s);
              std::string by_object, by_registry;
              try {
                check_objective_supported(*family, spec, 2, samples);
              } catch (const std::invalid_argument& e) {
                by_object = e.what();
              }
              try {
                check_objective_supported(f.name, f.capabilities, spec, 2, samples);
              } catch (const std::invalid_argument& e) {
                by_registry = e.what();
              }
              CHECK(by_registry == by_object);
            }
  }
}

TEST_CASE("Family registry: the most layers is the layered families' largest K", "[families][registry]") {
  const int most = max_family_layers();
  CHECK(most > 0);
  for (const FamilyInfo& f : family_registry()) {
    if (!f.capabilities.layered) continue;
    for (const FamilyParam& p : f.params)
      if (p.field == &FamilyOptions::K) {
        CHECK(p.spec.hi <= most);
        FamilyOptions o;
        o.K = most;
        if (p.spec.hi == most) CHECK(make_family(f.name, 2, o)->num_layers() == most);
      }
  }
}
