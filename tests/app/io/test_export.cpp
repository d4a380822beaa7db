// tests/app/io/test_export.cpp — exports: the traces CSV (header, rows, φ), the run summary JSON
// from a snapshot against the CLI's, bad output paths, and a panel PNG's size ([gui][export]).
#include "tests/app/run_vilab.hpp"
#include "app/io/export_csv.hpp"
#include "app/ui/shell/export_menu.hpp"
#include "app/ui/windows/file_dialog.hpp"
#include "app/ui/shell/gui.hpp"
#include "app/io/run_summary.hpp"
#include "vi/engine/engine.hpp"
#include "vi/engine/run.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stb_image.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using Result = vilab_test::VilabResult;
using vilab_test::run_vilab;

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("vilab_export_" + std::to_string(getpid()) + "_" + name);
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p);
  return {std::istreambuf_iterator<char>(f), {}};
}

// A CSV without quoted cells (the traces' numbers; the header is checked separately).
struct Csv {
  std::vector<std::string> comments;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

Csv parse_csv(const std::string& text) {
  Csv c;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("#", 0) == 0) c.comments.push_back(line);
    else if (c.header.empty()) c.header = split(line);
    else c.rows.push_back(split(line));
  }
  return c;
}

double cell(const std::vector<std::string>& row, size_t i) {
  REQUIRE(i < row.size());
  REQUIRE(!row[i].empty());
  return std::stod(row[i]);
}

const std::vector<std::string> kFixedColumns{"step", "elbo_estimate", "objective_estimate", "elbo",
                                             "kl_q_p", "kl_p_q", "e_log_p", "entropy"};

}  // namespace

TEST_CASE("export: vilab run --csv writes the header, a row every N steps and the last, phi equal to the JSON's", "[export][cli]") {
  const fs::path csv = temp_path("traces.csv"), js = temp_path("summary.json");
  const Result r = run_vilab("run --target banana --family fullrank --steps 200 --csv " + csv.string() +
                         " --csv-every 7 --json-out " + js.string() + " --json");
  REQUIRE(r.code == 0);
  // --json-out writes what --json prints.
  CHECK(slurp(js) == r.out);
  const json j = json::parse(r.out);
  const Csv c = parse_csv(slurp(csv));
  CHECK(c.comments.size() >= 3);
  const auto names = j["param_names"].get<std::vector<std::string>>();
  REQUIRE(c.header.size() == kFixedColumns.size() + names.size());
  for (size_t i = 0; i < kFixedColumns.size(); ++i) CHECK(c.header[i] == kFixedColumns[i]);
  for (size_t i = 0; i < names.size(); ++i) CHECK(c.header[kFixedColumns.size() + i] == vilab::csv_cell(names[i]));
  // Step 0, every 7th step (7 … 196) and the last (200).
  REQUIRE(c.rows.size() == 1 + 28 + 1);
  for (const auto& row : c.rows) REQUIRE(row.size() == c.header.size());
  CHECK(cell(c.rows.front(), 0) == 0);
  CHECK(cell(c.rows[1], 0) == 7);
  CHECK(cell(c.rows.back(), 0) == 200);
  // The estimates from step 1 on; the metrics exactly at multiples of metrics_every (10).
  CHECK(c.rows.front()[1].empty());
  CHECK(std::isfinite(cell(c.rows[1], 1)));
  for (const auto& row : c.rows) {
    const bool due = std::stoll(row[0]) % 10 == 0;
    CHECK(row[3].empty() == !due);
    CHECK(row[4].empty() == !due);
  }
  // The last row's φ is the run's final φ, to the last bit (%.17g round-trips).
  const auto params = j["params"].get<std::vector<double>>();
  for (size_t i = 0; i < params.size(); ++i) CHECK(cell(c.rows.back(), kFixedColumns.size() + i) == params[i]);
  // The final row's metrics (step 200) are those the summary reports (its KL is the full one; for
  // a Gaussian the same number).
  CHECK(cell(c.rows.back(), 4) == Approx(j["kl_q_p"].get<double>()).epsilon(1e-9));
  fs::remove(csv);
  fs::remove(js);
}

TEST_CASE("export: the run summary of an engine snapshot equals vilab run --json for the same scene and steps", "[export][cli]") {
  for (const char* family : {"fullrank", "planar"}) {
    SECTION(family) {
      const std::string fam = family;
      const Result r = run_vilab("run --target banana --family " + fam + " --steps 300 --json");
      REQUIRE(r.code == 0);
      json cli = json::parse(r.out);
      vi::Scene scene;
      scene.target = "banana";
      scene.family = fam;
      vi::Engine engine(scene, 0);
      engine.step(300);
      engine.sync();
      json app = vilab::run_summary_json(*engine.snapshot());
      // Timing is the CLI's own.
      CHECK(app["seconds"].is_null());
      for (json* j : {&cli, &app}) {
        j->erase("seconds");
        j->erase("steps_per_s");
      }
      std::vector<std::string> cli_keys, app_keys;
      for (auto it = cli.begin(); it != cli.end(); ++it) cli_keys.push_back(it.key());
      for (auto it = app.begin(); it != app.end(); ++it) app_keys.push_back(it.key());
      CHECK(cli_keys == app_keys);
      for (auto it = cli.begin(); it != cli.end(); ++it) {
        INFO("key " << it.key() << ": CLI " << it.value().dump() << ", app " << app[it.key()].dump());
        CHECK(app[it.key()].dump() == it.value().dump());  // text: NaN (null) equals itself
      }
    }
  }
}

TEST_CASE("export: the app's traces CSV (the engine's history) has the CLI's numbers at the same steps", "[export][cli]") {
  const fs::path csv = temp_path("cli.csv");
  REQUIRE(run_vilab("run --target banana --family fullrank --steps 120 --csv " + csv.string()).code == 0);
  const Csv cli = parse_csv(slurp(csv));
  fs::remove(csv);
  vi::Scene scene;
  scene.target = "banana";
  scene.family = "fullrank";
  vi::Engine engine(scene, 0);
  engine.step(120);
  engine.sync();
  std::ostringstream out;
  vilab::write_snapshot_traces(out, *engine.snapshot());
  const Csv app = parse_csv(out.str());
  CHECK(app.header == cli.header);
  // A row per history point (steps 0, 10, …, 120), each with φ (a Gaussian's φ is short).
  REQUIRE(app.rows.size() == 13);
  for (const auto& row : app.rows) {
    const int64_t step = std::stoll(row[0]);
    REQUIRE(size_t(step) < cli.rows.size());
    const auto& c = cli.rows[size_t(step)];  // the CLI wrote every step
    REQUIRE(std::stoll(c[0]) == step);
    INFO("step " << step);
    for (size_t i = 1; i < row.size(); ++i) CHECK(row[i] == c[i]);
  }
}

TEST_CASE("export: csv cells with commas or quotes are quoted", "[export]") {
  CHECK(vilab::csv_cell("μ1") == "μ1");
  CHECK(vilab::csv_cell("L[2,1]") == "\"L[2,1]\"");
  CHECK(vilab::csv_cell("a\"b") == "\"a\"\"b\"");
  std::ostringstream out;
  vilab::TraceRow row;
  row.step = 3;
  row.objective_estimate = -1.5;
  row.has_metrics = true;
  row.elbo = -std::numeric_limits<double>::infinity();
  const std::vector<double> phi{0.25, 1e-300};
  row.phi = phi;
  vilab::write_traces_row(out, row, 3);
  CHECK(out.str() == "3,,-1.5,-inf,,,,,0.25,1e-300,\n");
}

TEST_CASE("export: bad output paths give one line and exit 1, nothing run", "[export][cli]") {
  for (const std::string flag : {"--csv", "--json-out"}) {
    const Result missing = run_vilab("run --steps 10 " + flag + " /nonexistent-vilab-dir/x.out");
    CHECK(missing.code == 1);
    CHECK(missing.out.empty());
    CHECK(std::count(missing.err.begin(), missing.err.end(), '\n') == 1);
    CHECK(missing.err.find(flag) != std::string::npos);
    CHECK(missing.err.find("No such file or directory") != std::string::npos);
    const Result folder = run_vilab("run --steps 10 " + flag + " /tmp");
    CHECK(folder.code == 1);
    CHECK(folder.err.find("Is a directory") != std::string::npos);
  }
  const Result every = run_vilab("run --steps 10 --csv-every 5");
  CHECK(every.code != 0);  // --csv-every needs --csv
  const Result panel = run_vilab("shot --out /tmp/x.png --panel nowhere");
  CHECK(panel.code != 0);
  CHECK(panel.err.find("--panel") != std::string::npos);
  const Result shot = run_vilab("shot --steps 5 --out /nonexistent-vilab-dir/x.png --panel density");
  CHECK(shot.code == 1);  // with or without a display: one line, exit 1
  CHECK(std::count(shot.err.begin(), shot.err.end(), '\n') == 1);
}

TEST_CASE("export: the Save-as dialog's path checks", "[export]") {
  const fs::path dir = temp_path("dialog");
  fs::remove_all(dir);
  CHECK(vilab::check_path("", vilab::FileDialogMode::Save) == "type a file name");
  CHECK(vilab::check_path("/tmp", vilab::FileDialogMode::Save).find("is a folder") != std::string::npos);
  // Save creates the missing folders; Open wants the file.
  CHECK(vilab::check_path((dir / "a" / "b.csv").string(), vilab::FileDialogMode::Save).empty());
  CHECK(fs::is_directory(dir / "a"));
  CHECK(vilab::check_path((dir / "a" / "b.csv").string(), vilab::FileDialogMode::Open).find("no file") != std::string::npos);
  CHECK(vilab::check_path("/proc/vilab-no/x.png", vilab::FileDialogMode::Save).find("cannot create the folder") !=
        std::string::npos);
  CHECK(vilab::write_text_file("/proc/vilab-no-such-dir/x.json", "{}").find("cannot write") != std::string::npos);
  if (const char* home = std::getenv("HOME")) CHECK(vilab::expand_home("~/x.png") == std::string(home) + "/x.png");
  CHECK(vilab::expand_home("/abs/~/x") == "/abs/~/x");
  fs::remove_all(dir);
}

TEST_CASE("export: a panel PNG is the panel's rectangle", "[gui][export]") {
  for (const std::string panel : {"density", "metrics", "controls"}) {
    SECTION(panel) {
      const fs::path png = temp_path(panel + ".png");
      vilab::GuiOptions opt;
      opt.shot_path = png.string();
      opt.shot_steps = 50;
      opt.shot_panel = panel;
      REQUIRE(vilab::run_gui(opt) == 0);
      const vilab::PixelRect r = vilab::last_panel_rect(panel);
      int w = 0, h = 0, n = 0;
      unsigned char* data = stbi_load(png.c_str(), &w, &h, &n, 3);
      REQUIRE(data != nullptr);
      stbi_image_free(data);
      CHECK(w == r.width());
      CHECK(h == r.height());
      CHECK(w > 200);
      CHECK(h > 400);
      CHECK(w < opt.width);  // a crop, not the window
      fs::remove(png);
    }
  }
}

TEST_CASE("export: the Save-as dialog renders over the app, with an error in red", "[gui][export]") {
  const fs::path png = temp_path("dialog.png");
  vilab::GuiOptions opt;
  opt.shot_path = png.string();
  opt.shot_steps = 50;
  opt.shot_export_dialog = "density";
  opt.shot_export_error = "cannot write '/usr/x.png': Permission denied";
  REQUIRE(vilab::run_gui(opt) == 0);
  int w = 0, h = 0, n = 0;
  unsigned char* data = stbi_load(png.c_str(), &w, &h, &n, 3);
  REQUIRE(data != nullptr);
  // The error's red (255, 107, 97) appears somewhere in the middle third of the window.
  int red = 0;
  for (int y = h / 3; y < 2 * h / 3; ++y)
    for (int x = w / 4; x < 3 * w / 4; ++x) {
      const unsigned char* p = data + (size_t(y) * size_t(w) + size_t(x)) * 3;
      red += p[0] > 200 && p[1] < 140 && p[2] < 130;
    }
  stbi_image_free(data);
  CHECK(red > 50);
  if (const char* keep = std::getenv("VILAB_TEST_SHOTS")) fs::copy_file(png, fs::path(keep) / png.filename(), fs::copy_options::overwrite_existing);
  fs::remove(png);
}
