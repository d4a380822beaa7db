// app/cli.hpp — the headless command line: list, run, shot (and the app with no arguments).
#pragma once

namespace vilab {
int cli_main(int argc, char** argv);
}
