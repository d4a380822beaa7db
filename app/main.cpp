// app/main.cpp — `vilab`: the app with no arguments, the command line otherwise.
#include "app/cli/cli.hpp"

int main(int argc, char** argv) { return vilab::cli_main(argc, argv); }
