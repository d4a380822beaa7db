// tests/app/io/test_scene_lessons.cpp — the lesson library (scenes/*.toml): every shipped lesson
// loads, says what it shows, and runs; the lessons that make a claim about numbers are checked
// against those numbers (headless: no window, no GL). The GUI test that opens every lesson is in
// test_gui.cpp's style at the bottom ([gui][lessons]).
#include "app/ui/panels/controls.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/ui/windows/lesson_browser.hpp"
#include "app/io/lessons.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/fit_grid.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace {

// The lesson named `name`, with the fits it runs (the primary first, then its comparisons as the
// engine gets them).
std::vector<vi::Scene> fits_of(const vilab::SceneFile& f) {
  std::vector<vi::Scene> fits{f.scene};
  for (const vi::Scene& c : vilab::comparison_scenes(f.scene, f.compare)) fits.push_back(c);
  return fits;
}

// Each fit of the lesson stepped `steps` times with vi::Run (the fits share the primary's target).
std::vector<vi::Metrics> run_fits(const vilab::SceneFile& f, int64_t steps) {
  const std::vector<vi::Scene> fits = fits_of(f);
  std::vector<vi::Metrics> out;
  std::shared_ptr<const vi::TargetData> target;
  for (const vi::Scene& s : fits) {
    vi::Run run(s, target, false);
    target = run.target_data();
    run.step(steps);
    INFO(f.name << " / " << s.family << " · " << s.objective << ": " << run.message());
    REQUIRE(run.status() == vi::RunStatus::Ok);
    out.push_back(run.metrics());
  }
  return out;
}

}  // namespace

// [SECTION] Every lesson

TEST_CASE("every shipped lesson loads, has a title, a one-line summary and a text with Try and Look for", "[lessons][scenes]") {
  const std::vector<vilab::SceneFile>& all = vilab::lessons();
  REQUIRE(all.size() >= 12);
  REQUIRE(all.size() == vilab::detail::embedded_scene_files().size());
  std::set<std::string> names;
  for (const vilab::SceneFile& f : all) {
    INFO(f.name);
    CHECK(names.insert(f.name).second);
    CHECK(&vilab::find_lesson(f.name) == &f);
    CHECK_FALSE(f.title.empty());
    CHECK_FALSE(f.summary.empty());
    CHECK(f.summary.find('\n') == std::string::npos);
    CHECK(f.summary.size() < 120);  // one line in the browser at the default width
    CHECK(f.text.find("Try:") != std::string::npos);
    CHECK(f.text.find("Look for:") != std::string::npos);
    CHECK(f.text.find("XX") == std::string::npos);  // no placeholder left for a measured number
    CHECK(int(f.compare.size()) <= vilab::kMaxCompare);
  }
  // The four lessons that were C++ presets keep their names (the CLI's --preset values).
  for (const char* old : {"bimodal-reverse-forward", "blr-wine", "minibatch-svi", "logreg-data"})
    CHECK_NOTHROW(vilab::find_lesson(old));
}

TEST_CASE("every shipped lesson runs 100 steps in the engine with its comparison fits without diverging", "[lessons][scenes]") {
  for (const vilab::SceneFile& f : vilab::lessons()) {
    INFO(f.name);
    vi::Engine engine(f.scene);
    const std::vector<vi::Scene> fits = vilab::comparison_scenes(f.scene, f.compare);
    if (!fits.empty()) engine.compare(fits);
    engine.step(100);
    engine.sync();
    const auto snap = engine.snapshot();
    INFO(snap->message);
    CHECK(snap->state == vi::EngineState::Paused);
    CHECK(snap->step == 100);
    REQUIRE(snap->comparison.size() == fits.size());
    for (size_t i = 0; i < fits.size(); ++i) {
      INFO("comparison fit " << i + 1 << ": " << snap->comparison[i]->message);
      CHECK(snap->comparison[i]->state == vi::EngineState::Paused);
      CHECK(snap->comparison[i]->step == 100);
    }
  }
}

// [SECTION] The lessons' claims

TEST_CASE("lesson elbo-gap: the ELBO rises from the offset start and a full-rank Gaussian keeps a gap on banana", "[lessons][scenes]") {
  const vilab::SceneFile& f = vilab::find_lesson("elbo-gap");
  const vi::Metrics m0 = run_fits(f, 0)[0], m = run_fits(f, 300)[0];
  INFO("ELBO " << m0.elbo << " -> " << m.elbo << ", log Z " << m.log_z << ", KL " << m.kl_q_p);
  CHECK(m0.elbo < -4);
  CHECK(m.elbo > -0.4);
  CHECK(m.kl_q_p > 0.25);  // the gap a Gaussian cannot close
  CHECK(m.log_z - m.elbo == Approx(m.kl_q_p).margin(1e-6));
}

TEST_CASE("lesson meanfield-correlated: mean-field's sd is about sqrt(1 - rho^2), full-rank fits exactly", "[lessons][scenes]") {
  const vilab::SceneFile& f = vilab::find_lesson("meanfield-correlated");
  REQUIRE(f.scene.family == "meanfield");
  const double rho = f.scene.target_params.at("rho");
  vi::Run mf(f.scene, nullptr, false);
  mf.step(1000);
  REQUIRE(mf.params().size() == 4);  // μ1, μ2, log σ1, log σ2
  const double sd1 = std::exp(mf.params()[2]), sd2 = std::exp(mf.params()[3]);
  INFO("mean-field sd " << sd1 << ", " << sd2 << " (p's marginal sd 1)");
  CHECK(sd1 < 0.5);
  CHECK(sd2 < 0.5);
  CHECK(sd1 == Approx(std::sqrt(1 - rho * rho)).margin(0.05));
  const std::vector<vi::Metrics> m = run_fits(f, 1000);
  REQUIRE(m.size() == 2);
  CHECK(m[0].kl_q_p > 1.0);
  CHECK(m[1].kl_q_p < 0.05);
}

TEST_CASE("lesson bimodal-reverse-forward: each fit wins on the divergence it minimizes", "[lessons][scenes]") {
  const std::vector<vi::Metrics> m = run_fits(vilab::find_lesson("bimodal-reverse-forward"), 2000);
  REQUIRE(m.size() == 2);
  INFO("KL(q‖p) " << m[0].kl_q_p << " vs " << m[1].kl_q_p << ", KL(p‖q) " << m[0].kl_p_q << " vs " << m[1].kl_p_q);
  CHECK(m[0].kl_q_p < m[1].kl_q_p);
  CHECK(m[1].kl_p_q < m[0].kl_p_q / 5);
}

TEST_CASE("lesson score-vs-reparam: the score-function fit ends further from p than the reparameterized one", "[lessons][scenes]") {
  const std::vector<vi::Metrics> m = run_fits(vilab::find_lesson("score-vs-reparam"), 2000);
  REQUIRE(m.size() == 3);
  INFO("KL(q‖p): reparam " << m[0].kl_q_p << ", score " << m[1].kl_q_p << ", score + LOO " << m[2].kl_q_p);
  CHECK(m[0].kl_q_p < m[1].kl_q_p);
  CHECK(m[2].kl_q_p < m[1].kl_q_p);  // the baseline helps
}

TEST_CASE("lesson funnel: the Gaussian misses most of p, the planar flow much less", "[lessons][scenes]") {
  const std::vector<vi::Metrics> m = run_fits(vilab::find_lesson("funnel"), 1000);
  REQUIRE(m.size() == 2);
  INFO("KL(q‖p) " << m[0].kl_q_p << " vs " << m[1].kl_q_p << ", KL(p‖q) " << m[0].kl_p_q << " vs " << m[1].kl_p_q);
  CHECK(m[0].kl_p_q > 10);
  CHECK(m[1].kl_q_p < m[0].kl_q_p / 2);
  CHECK(m[1].kl_p_q < m[0].kl_p_q / 2);
}

TEST_CASE("lesson flows-banana: both flows beat the full-rank Gaussian several times over", "[lessons][scenes]") {
  const std::vector<vi::Metrics> m = run_fits(vilab::find_lesson("flows-banana"), 1000);
  REQUIRE(m.size() == 3);
  INFO("KL(q‖p): fullrank " << m[0].kl_q_p << ", planar " << m[1].kl_q_p << ", radial " << m[2].kl_q_p);
  CHECK(m[0].kl_q_p > 0.25);
  CHECK(m[1].kl_q_p < m[0].kl_q_p / 3);
  CHECK(m[2].kl_q_p < m[0].kl_q_p / 3);
}

TEST_CASE("lesson renyi-alpha: smaller alpha covers the second mode", "[lessons][scenes]") {
  const std::vector<vi::Metrics> m = run_fits(vilab::find_lesson("renyi-alpha"), 1000);
  REQUIRE(m.size() == 3);
  INFO("KL(p‖q): α = 1 " << m[0].kl_p_q << ", α = 0.5 " << m[1].kl_p_q << ", α = 0 " << m[2].kl_p_q);
  CHECK(m[1].kl_p_q < m[0].kl_p_q / 5);
  CHECK(m[2].kl_p_q < m[0].kl_p_q / 5);
  CHECK(m[0].kl_q_p < m[1].kl_q_p);
}

TEST_CASE("lesson flows-u1-u4 opens the paper-fig3 grid", "[lessons][scenes]") {
  const vilab::SceneFile& f = vilab::find_lesson("flows-u1-u4");
  CHECK(f.panels.grid == "paper-fig3");
  CHECK_NOTHROW(vi::make_fit_grid(f.panels.grid));
}

TEST_CASE("lesson flows-u1-u4 names a way back to the grid that the app has", "[lessons][scenes][models]") {
  // The grid view has no "Back" for the single view to return to: the text names the Models
  // menu's grid item (app/ui/shell/models_menu.cpp: "Grid: " + the preset) and the controls' button.
  const std::string& text = vilab::find_lesson("flows-u1-u4").text;
  CHECK(text.find("Back returns") == std::string::npos);
  CHECK(text.find("Models \u2192 Grid: paper-fig3") != std::string::npos);
  CHECK(text.find("\"Open the grid view\"") != std::string::npos);
}

TEST_CASE("the windows the lessons promise are open in their files", "[lessons][scenes]") {
  CHECK(vilab::find_lesson("reparam-step-through").panels.window("step_through"));
  CHECK(vilab::find_lesson("score-vs-reparam").panels.window("gradvar"));
  CHECK(vilab::find_lesson("elbo-landscape").panels.window("landscape"));
  CHECK(vilab::find_lesson("cavi-normal-gamma").panels.window("normal_gamma"));
  CHECK(vilab::find_lesson("vae-amortization").panels.window("vae"));
}

// [SECTION] The browser's filter and keys (headless)

TEST_CASE("the lesson browser's filter matches every word in the title, summary or text, ignoring case", "[lessons][scenes]") {
  const std::vector<vilab::SceneFile>& all = vilab::lessons();
  CHECK(vilab::filter_lessons(all, "").size() == all.size());
  CHECK(vilab::filter_lessons(all, "   ").size() == all.size());
  CHECK(vilab::filter_lessons(all, "no-such-word-anywhere").empty());
  const std::vector<int> funnel = vilab::filter_lessons(all, "FUNNEL");
  REQUIRE_FALSE(funnel.empty());
  CHECK(all[size_t(funnel.front())].name == "funnel");
  // Every word must match: "flow" alone finds several lessons, "flow banana" fewer.
  const size_t flow = vilab::filter_lessons(all, "flow").size(), flow_banana = vilab::filter_lessons(all, "flow banana").size();
  CHECK(flow >= 2);
  CHECK(flow_banana >= 1);
  CHECK(flow_banana <= flow);
  vilab::SceneFile f;
  f.title = "Reverse vs forward KL";
  CHECK(vilab::lesson_matches(f, "reverse kl"));
  CHECK_FALSE(vilab::lesson_matches(f, "reverse gaussian"));
}

TEST_CASE("keys 1 to 9 name the first nine lessons and no others", "[lessons][scenes]") {
  CHECK(vilab::lesson_key(0) == "1");
  CHECK(vilab::lesson_key(8) == "9");
  CHECK(vilab::lesson_key(9).empty());
  CHECK(vilab::lesson_key(-1).empty());
}

// [SECTION] Every lesson on screen (under xvfb-run, with the other GUI tests)

namespace {

// Runs a shot of `opt` into a temporary PNG; returns the PNG's size in bytes (the file is removed).
std::uintmax_t shot_bytes(vilab::GuiOptions opt, const std::string& name) {
  const std::filesystem::path png = std::filesystem::temp_directory_path() / ("vilab-test-lesson-" + name + ".png");
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  REQUIRE(std::filesystem::exists(png));
  const std::uintmax_t n = std::filesystem::file_size(png);
  std::filesystem::remove(png);
  return n;
}

}  // namespace

TEST_CASE("every lesson opens in the app, renders a frame and shows its text window", "[gui][lessons]") {
  for (const vilab::SceneFile& f : vilab::lessons()) {
    INFO(f.name);
    vilab::GuiOptions opt;
    opt.scene_file = f;
    opt.scene = f.scene;
    opt.shot_steps = 10;  // steps (epochs for the VAE window) before the frame
    CHECK(shot_bytes(opt, f.name) > 10000);
    const vilab::LessonWindowsReport r = vilab::last_lesson_windows();
    CHECK(r.text_drawn);
    CHECK(r.text_title == f.title);
    CHECK(r.text_width > 200);
    CHECK(r.text_height > 200);
    CHECK_FALSE(r.browser_drawn);
  }
}

TEST_CASE("--lessons shows the lesson browser with every lesson listed", "[gui][lessons]") {
  vilab::GuiOptions opt;
  opt.lessons = true;
  opt.shot_steps = 0;
  CHECK(shot_bytes(opt, "browser") > 10000);
  const vilab::LessonWindowsReport r = vilab::last_lesson_windows();
  CHECK(r.browser_drawn);
  CHECK(r.browser_rows == int(vilab::lessons().size()));
  CHECK_FALSE(r.text_drawn);  // the default scene has no lesson text
}
