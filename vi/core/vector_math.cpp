// vi/core/vector_math.cpp — tanh through glibc's libmvec, dispatched on the CPU at first use.
#include "vi/core/vector_math.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

// Not under clang (only the libFuzzer build uses it): clang refuses these declarations' vector
// arguments outside a function compiled for AVX, and a fuzz build needs no fast tanh.
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__clang__)
#define VILAB_LIBMVEC 1
#include <immintrin.h>
// libmvec's vector ABI names (x86_64 vector function ABI): b = SSE 2 lanes, d = AVX2 4 lanes,
// e = AVX-512 8 lanes; N = unmasked, v = one vector argument.
extern "C" {
__m128d _ZGVbN2v_tanh(__m128d);
__m256d _ZGVdN4v_tanh(__m256d);
__m512d _ZGVeN8v_tanh(__m512d);
}
#endif

namespace vi {

namespace {

using Index = Eigen::Index;
using Kernel = void (*)(double*, Index);

// The tail (n not a multiple of the width) goes through a zero-padded register-sized buffer,
// so every call sees whole vectors and no lane reads past the array.
#ifdef VILAB_LIBMVEC
void tanh_sse(double* p, Index n) {
  Index i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(p + i, _ZGVbN2v_tanh(_mm_loadu_pd(p + i)));
  if (i < n) p[i] = _mm_cvtsd_f64(_ZGVbN2v_tanh(_mm_set_sd(p[i])));
}

__attribute__((target("avx2,fma"))) void tanh_avx2(double* p, Index n) {
  Index i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(p + i, _ZGVdN4v_tanh(_mm256_loadu_pd(p + i)));
  if (i < n) {
    alignas(32) double buf[4] = {0, 0, 0, 0};
    std::copy(p + i, p + n, buf);
    _mm256_store_pd(buf, _ZGVdN4v_tanh(_mm256_load_pd(buf)));
    std::copy(buf, buf + (n - i), p + i);
  }
}

__attribute__((target("avx512f"))) void tanh_avx512(double* p, Index n) {
  Index i = 0;
  for (; i + 8 <= n; i += 8) _mm512_storeu_pd(p + i, _ZGVeN8v_tanh(_mm512_loadu_pd(p + i)));
  if (i < n) {
    alignas(64) double buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::copy(p + i, p + n, buf);
    _mm512_store_pd(buf, _ZGVeN8v_tanh(_mm512_load_pd(buf)));
    std::copy(buf, buf + (n - i), p + i);
  }
}
#endif

struct Choice {
  Kernel tanh;
  const char* isa;
};

void tanh_scalar(double* p, Index n) {
  for (Index i = 0; i < n; ++i) p[i] = std::tanh(p[i]);
}

// Every implementation this CPU can run, widest first.
std::vector<Choice> available() {
  std::vector<Choice> v;
#ifdef VILAB_LIBMVEC
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) v.push_back({tanh_avx512, "avx512"});
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) v.push_back({tanh_avx2, "avx2"});
  v.push_back({tanh_sse, "sse"});
#endif
  v.push_back({tanh_scalar, "scalar"});
  return v;
}

const Choice& chosen() {
  static const Choice c = available().front();  // thread-safe initialization, read-only after
  return c;
}

}  // namespace

void tanh_span(double* p, Index n) {
  if (n > 0) chosen().tanh(p, n);
}

const char* vector_math_isa() { return chosen().isa; }

bool tanh_span_with(const char* isa, double* p, Index n) {
  for (const Choice& c : available())
    if (std::string_view(c.isa) == isa) {
      if (n > 0) c.tanh(p, n);
      return true;
    }
  return false;
}

}  // namespace vi
