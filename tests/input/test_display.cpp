// tests/input/test_display.cpp — what the app shows about a fit, driven by hand: a learning rate
// that blows the fit up leaves readable axes and the kept φ's numbers; the gradient-variance
// window never shows a measurement of a fit that is gone (a lesson reopened by its key); a formula
// outside its support says where log p̃ is undefined instead of blaming the learning rate.
#include "tests/input/app_driver.hpp"

#include "app/io/lessons.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

namespace {

using namespace vilab::input_test;

// Code points of a UTF-8 string.
int chars(const std::string& s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool diverged(const json& r) { return r["state"]["engine"] == "diverged"; }

}  // namespace

TEST_CASE("A learning rate that blows up: the axes stay readable and the table shows the kept phi",
          "[input][display]") {
  // SGD on the funnel at the largest rate the control takes blows up within a few steps.
  App app({.args = {"--target", "funnel", "--family", "fullrank", "--optimizer", "sgd", "--lr", "0.01"}});
  app.wait_for([](const json& r) { return r["state"]["engine"] == "paused" || r["state"]["engine"] == "playing"; },
               "the fit");
  if (app.state()["engine"] == "playing") app.click("\u275A\u275A Pause");
  // Type a huge rate into the learning-rate slider; the control clamps it to its largest value.
  app.click_with("ctrl", "learning rate \u03B7##lr");  // Ctrl+click: the slider's text field
  app.wait_for([](const json& r) { return r["text_input"] == true; }, "the slider's text field");
  app.wait_frames(2);  // ImGui reads no keys in a field's first active frame
  app.key("ctrl+a");
  app.type("1e6");
  app.key("Return");
  app.wait_for([](const json& r) { return r["text_input"] == false; }, "the rate typed");
  app.hover_window();
  app.key("space");  // Play (the button has scrolled out of view with the panel)
  app.wait_for(diverged, "the fit diverges", 60);
  app.wait_frames(5);
  const json report = app.report();
  app.screenshot("display_diverged_lr");
  INFO(describe(report));
  const json& st = report["state"];
  CHECK_THAT(st["message"].get<std::string>(), Catch::Contains("Lower the learning rate"));
  CHECK(st["status"] == "DIVERGED");
  // Every plot's tick labels are short (the anatomy plot's once read "−4999…592k").
  int plots = 0;
  for (auto it = st.begin(); it != st.end(); ++it) {
    if (it.key().rfind("plot:", 0) != 0) continue;
    ++plots;
    for (const char* axis : {"y_ticks", "x_ticks"})
      for (const auto& t : it.value()[axis]) {
        INFO(it.key() << " " << axis << ": " << t.get<std::string>());
        CHECK(chars(t.get<std::string>()) <= 11);
      }
  }
  CHECK(plots >= 2);
  // The numbers table shows the kept φ's q: finite numbers, not NaN or ∞.
  REQUIRE(st.contains("numbers"));
  const json& n = st["numbers"];
  CHECK(n["step"] == st["step"]);
  for (const char* key : {"elbo", "mean1", "mean2", "var11", "var22", "cov12"}) {
    const std::string v = n[key].get<std::string>();
    INFO(key << " = " << v);
    CHECK(v.find("NaN") == std::string::npos);
    CHECK(v.find("\u221E") == std::string::npos);
  }
}

TEST_CASE("A lesson reopened by its key: the gradient-variance window shows only the new fit's measurement",
          "[input][display]") {
  const auto& all = vilab::lessons();
  int key = 0;
  for (size_t i = 0; i < all.size() && i < 9; ++i)
    if (all[i].panels.window("gradvar")) key = int(i) + 1;
  REQUIRE(key > 0);
  const std::string name = all[size_t(key - 1)].name;
  App app({.args = {"--lesson", name}});
  // The lesson opens the window, which measures the fit at once.
  const json first = app.wait_for([](const json& r) { return r["state"].contains("gradvar.measured_for") &&
                                                             !r["state"]["gradvar.measured_for"].is_null(); },
                                  "the first measurement", 60);
  const uint64_t old_fit = first["state"]["fit_id"].get<uint64_t>();
  CHECK(first["state"]["gradvar.measured_for"]["fit_id"] == old_fit);
  app.wait_for([](const json& r) { return r["state"]["step"].get<int64_t>() > 50; }, "the fit moves on");
  // Reopen the lesson by its key: a new fit, of the same target and family.
  app.hover_window();
  app.key(std::to_string(key));
  app.wait_for([&](const json& r) { return r["state"]["fit_id"].get<uint64_t>() != old_fit; }, "the new fit");
  // From now on, every report: the measurement shown (if any) is of the fit on screen.
  for (int i = 0; i < 20; ++i) {
    const json r = app.report();
    const json& m = r["state"]["gradvar.measured_for"];
    INFO("frame " << r["frame"] << ": measured_for " << m.dump() << ", fit " << r["state"]["gradvar.fit"].dump());
    if (!m.is_null()) CHECK(m["fit_id"] == r["state"]["gradvar.fit"]["fit_id"]);
    app.wait_frames(1);
  }
  // … and the window measures the new fit by itself.
  const json done = app.wait_for(
      [](const json& r) {
        const json& m = r["state"]["gradvar.measured_for"];
        return !m.is_null() && m["fit_id"] == r["state"]["fit_id"];
      },
      "a measurement of the new fit", 60);
  CHECK(done["state"]["gradvar.measured_for"]["fit_id"].get<uint64_t>() != old_fit);
  app.screenshot("display_gradvar_new_fit");
}

TEST_CASE("A formula outside its support: the status says where log p~ is undefined", "[input][display]") {
  App app({.args = {"--target", "formula", "--formula", "-0.5*(z1^2 + z2^2)"}});
  app.wait_for([](const json& r) { return r["state"]["target"] == "formula"; }, "the formula target");
  // Type the formula into the box and apply it (q is around the origin: half of it has z1 < 0).
  app.click("##formula");
  app.wait_frames(2);  // ImGui reads no keys in a field's first active frame
  app.key("ctrl+a");
  app.type("log(z1) - z2^2");
  app.click("Apply  (Ctrl+Enter)");
  app.wait_for([](const json& r) { return r["state"]["engine"] == "paused" || r["state"]["engine"] == "diverged"; },
               "the formula applied");
  if (app.state()["engine"] == "paused") app.click("\u25B6 Play");
  app.hover_window();
  app.wait_for(diverged, "the fit stops", 60);
  app.wait_frames(3);
  const json report = app.report();
  app.screenshot("display_formula_support");
  const std::string message = report["state"]["message"].get<std::string>();
  INFO(message);
  CHECK_THAT(message, Catch::Contains("log p\u0303(z) is NaN at z = ("));
  CHECK_THAT(message, Catch::Contains("outside the formula's support"));
  CHECK_THAT(message, !Catch::Contains("Lower the learning rate"));
  CHECK(report["state"]["status"] == "TARGET UNDEFINED");
  CHECK(report["state"]["failure_target"] == true);
}
