// tests/fuzz/fuzz_cli.cpp — the libFuzzer target: the CLI parser (and any other fuzz subject) for
// runs longer than the Catch test's time box. Built with clang and -DVILAB_FUZZ=ON only:
//   cmake --preset fuzz && cmake --build --preset fuzz
//   mkdir -p /tmp/fuzz-cli && ./build-fuzz/tests/fuzz_cli -max_total_time=60 /tmp/fuzz-cli
// Input bytes are an argv, arguments separated by '\0'. Half of the mutations are libFuzzer's own
// (bytes), half are the Catch test's grammar-aware ones (tests/fuzz/cli_generator.hpp: real flag
// names, edge-case values), so coverage feedback steers both.
#include "tests/fuzz/cli_generator.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exception escaping a subject is a finding: let it terminate (libFuzzer reports the input).
  vilab::fuzz::subject("cli").run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (seed % 2 == 0) return LLVMFuzzerMutate(data, size, max_size);
  vilab::fuzz::CliGenerator gen(seed);
  std::vector<std::string> args = vilab::fuzz::split_args(std::string_view(reinterpret_cast<const char*>(data), size));
  if (args.empty() || seed % 8 == 1) args = gen.next();  // now and then a fresh command line
  else gen.mutate(args);
  const std::string bytes = vilab::fuzz::join_args(args);
  if (bytes.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, bytes.data(), bytes.size());
  return bytes.size();
}
