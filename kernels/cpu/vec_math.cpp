#include "cpu/vec_math.h"

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GLEANER_MULTIVERSION __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define GLEANER_MULTIVERSION
#endif

namespace gleaner::cpu {

// Eight partial sums let the compiler keep independent FMA chains in flight.
GLEANER_MULTIVERSION float dot_f32(const float* a, const float* b, size_t n) {
    float acc[16] = {};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; ++k) acc[k] += a[i + k] * b[i + k];
    float s = 0.0f;
    for (; i < n; ++i) s += a[i] * b[i];
    for (int k = 0; k < 16; ++k) s += acc[k];
    return s;
}

GLEANER_MULTIVERSION void axpy_f32(float a, const float* x, float* y, size_t n) {
    for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

GLEANER_MULTIVERSION void scale_f32(float* y, float a, size_t n) {
    for (size_t i = 0; i < n; ++i) y[i] *= a;
}

GLEANER_MULTIVERSION float sum_squares_f32(const float* x, size_t n) {
    float acc[16] = {};
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (int k = 0; k < 16; ++k) acc[k] += x[i + k] * x[i + k];
    float s = 0.0f;
    for (; i < n; ++i) s += x[i] * x[i];
    for (int k = 0; k < 16; ++k) s += acc[k];
    return s;
}

}  // namespace gleaner::cpu
