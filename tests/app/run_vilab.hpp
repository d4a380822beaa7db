// tests/app/run_vilab.hpp — the one way tests run the built `vilab` binary (VILAB_EXE) in its own
// process: its exit code, stdout and stderr.
#pragma once

#include <string>

namespace vilab_test {

struct VilabResult {
  int code = -1;  // the exit code; −1 when it did not exit normally (a signal)
  std::string out, err;
};

// Runs `vilab ARGS` through the shell (ARGS may quote and redirect as a shell line does),
// capturing stdout and stderr apart. Throws std::runtime_error when it cannot be started.
VilabResult run_vilab(const std::string& args);

}  // namespace vilab_test
