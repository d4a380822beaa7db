// tests/app/ui/test_formula_app.cpp — formula targets in the CLI ([cli][formula]) and the app
// ([gui][formula]): `vilab run --target formula` prints the fit of the formula, bad formulas and
// boxes exit 2 with the message, and the app opens on a formula and renders it.
// VILAB_TEST_SHOTS=dir keeps a copy of the shot there, to look at.
#include "tests/app/run_vilab.hpp"
#include "app/cli/cli.hpp"
#include "app/ui/panels/density_view.hpp"
#include "app/ui/panels/formula_box.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/ui/shell/screenshot.hpp"
#include "app/ui/widgets/style.hpp"
#include "vi/targets/formula.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image.h>

#include <GLFW/glfw3.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

vilab::CliCheck check(std::vector<const char*> args, std::string& err) {
  args.insert(args.begin(), "vilab");
  std::ostringstream out, e;
  const vilab::CliCheck c = vilab::check_cli(int(args.size()), args.data(), out, e);
  err = e.str();
  return c;
}

// `vilab ARGS` (the built executable), its stdout; stderr discarded.
std::string run_vilab(const std::string& args, int& code) {
  const vilab_test::VilabResult r = vilab_test::run_vilab(args);
  code = r.code;
  return r.out;
}

}  // namespace

TEST_CASE("CLI: --target formula checks the formula and the box and names what is wrong", "[cli][formula]") {
  std::string err;
  CHECK(check({"run", "--target", "formula", "--formula", "-0.5*(z1^2 + z2^2)"}, err).valid);
  CHECK(check({"run", "--target", "formula", "--formula", "-0.5*(x^2 + y^2)", "--formula-box", "-3,3,-2,2"}, err).valid);
  struct Case {
    std::vector<const char*> args;
    const char* expect;
  };
  const std::vector<Case> bad = {
      {{"run", "--target", "formula", "--formula", "-0.5*(z1^2 + *z2)"}, "unexpected operator '*' at position 14"},
      {{"run", "--target", "formula"}, "formula: empty"},
      {{"run", "--target", "formula", "--formula", "w"}, "unknown variable 'w'"},
      {{"run", "--target", "formula", "--formula", "z1", "--formula-box", "1,2,3"}, "--formula-box: expected x0,x1,y0,y1"},
      {{"run", "--target", "formula", "--formula", "z1", "--formula-box", "1,-1,0,1"}, "x0 = 1 must be less than x1 = -1"},
      {{"run", "--target", "formula", "--formula", "z1", "--formula-box", "a,1,0,1"}, "--formula-box: 'a' is not a number"},
      {{"run", "--target", "banana", "--formula", "z1"}, "only --target formula uses a formula"},
      {{"run", "--target", "formula", "--formula", "-z1^2 - z2^2", "--set", "b=1"}, "takes no parameters"},
  };
  for (const auto& c : bad) {
    const vilab::CliCheck r = check(c.args, err);
    INFO(c.args.back() << ": " << err);
    CHECK_FALSE(r.valid);
    CHECK(r.exit_code == 2);
    CHECK_THAT(err, Catch::Contains(c.expect));
  }
}

TEST_CASE("CLI: vilab run on the banana formula gives the banana target's ELBO", "[cli][formula]") {
  int code_f = -1, code_b = -1;
  const auto& banana = vi::formula_examples().front();
  const std::string formula_args = "run --json --steps 300 --target formula --formula \"" + banana.formula +
                                   "\" --formula-box -12,12,-7,41";
  const auto f = nlohmann::json::parse(run_vilab(formula_args, code_f));
  const auto b = nlohmann::json::parse(run_vilab("run --json --steps 300 --target banana", code_b));
  REQUIRE(code_f == 0);
  REQUIRE(code_b == 0);
  CHECK(f["target"] == "formula");
  CHECK(f["formula"] == banana.formula);
  CHECK(f["formula_box"] == nlohmann::json({-12, 12, -7, 41}));
  CHECK(f["elbo"].get<double>() == Approx(b["elbo"].get<double>()).margin(1e-6));
  CHECK(f["kl_q_p"].get<double>() == Approx(b["kl_q_p"].get<double>()).margin(1e-3));
  int code_l = -1;
  const std::string list = run_vilab("list", code_l);
  CHECK(code_l == 0);
  CHECK_THAT(list, Catch::Contains("formula") && Catch::Contains("--formula-box"));
}

TEST_CASE("formula box: a bad formula leaves the scene as it was, a good one switches the target", "[formula]") {
  vi::Scene scene;  // banana
  const vi::Scene before = scene;
  const std::string msg = vilab::apply_formula("-0.5*(z1^2 + *z2)", {-4, 4, -4, 4}, scene);
  CHECK_THAT(msg, Catch::Contains("unexpected operator '*'"));
  CHECK(scene == before);
  CHECK_THAT(vilab::apply_formula("z1", {4, -4, -4, 4}, scene), Catch::Contains("formula box"));
  CHECK(scene == before);
  scene.target_params["b"] = 0.5;
  CHECK(vilab::apply_formula("-0.5*(z1^2 + z2^2)", {-3, 3, -3, 3}, scene).empty());
  CHECK(scene.target == "formula");
  CHECK(scene.formula == "-0.5*(z1^2 + z2^2)");
  CHECK(scene.formula_box == vi::Box{-3, 3, -3, 3});
  CHECK(scene.target_params.empty());  // the banana's b does not apply to a formula
  scene.validate();
}

TEST_CASE("a shot of a formula target shows its density and q's contours", "[gui][formula]") {
  const fs::path png = fs::temp_directory_path() / ("vilab_test_formula_" + std::to_string(getpid()) + ".png");
  vilab::GuiOptions opt;
  const auto& ex = vi::formula_examples()[2];  // two moons
  REQUIRE(ex.name == "two moons");
  opt.scene.target = "formula";
  opt.scene.formula = ex.formula;
  opt.scene.formula_box = ex.box;
  opt.scene.family = "planar";
  opt.scene.family_options.K = 16;
  opt.shot_steps = 300;
  opt.shot_path = png.string();
  REQUIRE(vilab::run_gui(opt) == 0);
  REQUIRE(fs::exists(png));
  if (const char* dir = std::getenv("VILAB_TEST_SHOTS")) fs::copy_file(png, fs::path(dir) / "formula.png", fs::copy_options::overwrite_existing);
  const auto size = fs::file_size(png);
  fs::remove(png);
  CHECK(size > 50000);  // a full window of detail, not a blank frame
  const vilab::PixelRect r = vilab::last_density_view_rect();
  CHECK(r.x1 - r.x0 >= 200);
  CHECK(r.y1 - r.y0 >= 200);
}

TEST_CASE("the formula box shows a bad formula's message in red with a caret, and keeps the target", "[gui][formula]") {
  // The box alone in a window of its own (the same GLFW + ImGui set-up as the app), a bad formula
  // applied through it: the scene keeps its target and the message is drawn.
  REQUIRE(glfwInit());
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  constexpr int kW = 480, kH = 360;
  GLFWwindow* window = glfwCreateWindow(kW, kH, "formula box", nullptr, nullptr);
  REQUIRE(window);
  glfwMakeContextCurrent(window);
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  vilab::load_fonts(1.0f);
  vilab::apply_theme(1.0f);
  ImGui_ImplGlfw_InitForOpenGL(window, false);
  ImGui_ImplOpenGL3_Init("#version 330 core");

  vi::Scene scene;  // banana
  const vi::Scene before = scene;
  vilab::FormulaBoxState st;
  st.open = true;
  const std::string bad = "-0.5*(z1^2 + *z2)";
  const fs::path png = fs::temp_directory_path() / ("vilab_test_formula_box_" + std::to_string(getpid()) + ".png");
  for (int frame = 0; frame < 3; ++frame) {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(float(kW), float(kH)));
    ImGui::Begin("formula", nullptr, ImGuiWindowFlags_NoDecoration);
    ImGui::PushItemWidth(ImGui::GetFontSize() * 14);
    if (frame == 1) {
      // As the Apply button does: the text is the bad formula.
      std::snprintf(st.text.data(), st.text.size(), "%s", bad.c_str());
      st.error = vilab::apply_formula(st.text.data(), {-4, 4, -4, 4}, scene);
    }
    vilab::draw_formula_box(st, scene);
    ImGui::PopItemWidth();
    ImGui::End();
    ImGui::Render();
    int w = 0, h = 0;
    glfwGetFramebufferSize(window, &w, &h);
    glViewport(0, 0, w, h);
    glClearColor(0.1f, 0.1f, 0.12f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    if (frame == 2) {
      std::string error;
      REQUIRE(vilab::save_back_buffer_png(png.string(), w, h, error));
    }
    glfwSwapBuffers(window);
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();

  CHECK(scene == before);  // the previous target keeps running
  CHECK_THAT(st.error, Catch::Contains("unexpected operator '*' at position 14"));
  if (const char* dir = std::getenv("VILAB_TEST_SHOTS"))
    fs::copy_file(png, fs::path(dir) / "formula_box_error.png", fs::copy_options::overwrite_existing);
  int w = 0, h = 0, n = 0;
  unsigned char* rgb = stbi_load(png.c_str(), &w, &h, &n, 3);
  fs::remove(png);
  REQUIRE(rgb);
  long red = 0;  // the message's red (1.0, 0.42, 0.38)
  for (long i = 0; i < long(w) * h; ++i) red += rgb[3 * i] > 200 && rgb[3 * i + 1] < 140 && rgb[3 * i + 2] < 130;
  stbi_image_free(rgb);
  INFO("red pixels: " << red);
  CHECK(red > 300);
}
