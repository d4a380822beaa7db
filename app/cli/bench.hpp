// app/cli/bench.hpp — `vilab bench`: fixed workloads, timed single-threaded, optionally side by side
// with the PyTorch reference (../shared/bench/peer_torch_vi.py).
#pragma once

#include <string>

namespace vilab {

struct BenchOptions {
  int repeats = 5;           // repetitions per workload; the median is reported
  int steps = 2000;          // optimizer steps per repetition (the peer's default)
  bool json = false;
  bool peer = false;         // also run the PyTorch reference, interleaved with ours
  std::string peer_script;   // path to peer_torch_vi.py (default: ../shared/bench/ beside the source tree)
  std::string only;          // run only this workload (W1, W2, W3)
};

int run_bench(const BenchOptions& options);

}  // namespace vilab
