// tests/fuzz/fuzz_scene.cpp — the libFuzzer target for the scene-file reader (fuzz subject
// "scene", tests/fuzz/fuzz_subjects.hpp). Built with clang and -DVILAB_FUZZ=ON only:
//   cmake --preset fuzz && cmake --build --preset fuzz
//   mkdir -p /tmp/fuzz-scene && ./build-fuzz/tests/fuzz_scene -max_total_time=60 /tmp/fuzz-scene
// Input bytes are a scene file's text. Half of the mutations are libFuzzer's own (bytes), half a
// fresh file from the Catch test's generator (tests/fuzz/scene_generator.hpp: valid files mutated
// by line, key and value).
#include "tests/fuzz/fuzz_subjects.hpp"
#include "tests/fuzz/scene_generator.hpp"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  vilab::fuzz::subject("scene").run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (seed % 2 == 0) return LLVMFuzzerMutate(data, size, max_size);
  const std::string text = vilab::fuzz::SceneGenerator(seed).next();
  if (text.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, text.data(), text.size());
  return text.size();
}
