// app/cli/gui_absent.cpp — run_gui in a vilab built without the GUI (-DVILAB_BUILD_APP=OFF): the
// headless commands work, and `vilab gui` / `vilab shot` say why they cannot.
#include "app/io/gui_options.hpp"

#include <iostream>

namespace vilab {

int run_gui(const GuiOptions&) {
  std::cerr << "vilab: this vilab was built without the GUI (cmake -DVILAB_BUILD_APP=OFF); `gui` and `shot` "
               "need a build with it. The headless commands (run, list, grid, bench, …) work.\n";
  return 1;
}

}  // namespace vilab
