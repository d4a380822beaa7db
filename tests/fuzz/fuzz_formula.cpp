// tests/fuzz/fuzz_formula.cpp — the libFuzzer target for the formula parser (fuzz subject
// "formula", tests/fuzz/fuzz_subjects.hpp). Built with clang and -DVILAB_FUZZ=ON only:
//   cmake --preset fuzz && cmake --build --preset fuzz
//   mkdir -p /tmp/fuzz-formula && ./build-fuzz/tests/fuzz_formula -max_total_time=60 /tmp/fuzz-formula
// Input bytes are the formula. Half of the mutations are libFuzzer's own (bytes), half the Catch
// test's grammar-aware ones (tests/fuzz/formula_generator.hpp).
#include "tests/fuzz/formula_generator.hpp"
#include "tests/fuzz/fuzz_subjects.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vilab::fuzz::subject("formula").run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (seed % 2 == 0) return LLVMFuzzerMutate(data, size, max_size);
  vilab::fuzz::FormulaGenerator gen(seed);
  std::string f(reinterpret_cast<const char*>(data), size);
  if (f.empty() || seed % 8 == 1) f = gen.next();  // now and then a fresh formula
  else gen.mutate(f);
  if (f.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, f.data(), f.size());
  return f.size();
}
