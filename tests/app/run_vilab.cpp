// tests/app/run_vilab.cpp — see run_vilab.hpp.
#include "tests/app/run_vilab.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

namespace vilab_test {

VilabResult run_vilab(const std::string& args) {
  // stderr goes to a file of its own (a pipe for each would need a poll loop to avoid a deadlock).
  char err_template[] = "/tmp/vilab-test-stderr-XXXXXX";
  const int fd = mkstemp(err_template);
  if (fd < 0) throw std::runtime_error("run_vilab: cannot create a temporary file for stderr");
  close(fd);
  const std::string err_file = err_template;
  const std::string cmd = std::string(VILAB_EXE) + " " + args + " 2>" + err_file;
  VilabResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    std::remove(err_file.c_str());
    throw std::runtime_error("run_vilab: cannot start '" + cmd + "'");
  }
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (FILE* f = std::fopen(err_file.c_str(), "r")) {
    while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) r.err.append(buf.data(), n);
    std::fclose(f);
  }
  std::remove(err_file.c_str());
  return r;
}

}  // namespace vilab_test
