#include "cpu/vec_math.h"

#include <cstdint>

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

// exp(v) = 2^k * 2^f with k = round(v*log2(e)), f in [-0.5, 0.5]: 2^f from a degree-6
// polynomial (Taylor coefficients of e^(f ln 2)), 2^k by building the float's exponent field.
GLEANER_MULTIVERSION float exp_shifted_f32(const float* x, float m, float* y, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        float v = x[i] - m;
        v = v < -87.0f ? -87.0f : v;  // below this e^v underflows float anyway
        const float t = v * 1.44269504088896341f;
        const float k = __builtin_roundevenf(t);
        const float f = (t - k) * 0.693147180559945309f;
        float p = 1.0f / 720.0f;
        p = p * f + 1.0f / 120.0f;
        p = p * f + 1.0f / 24.0f;
        p = p * f + 1.0f / 6.0f;
        p = p * f + 0.5f;
        p = p * f + 1.0f;
        p = p * f + 1.0f;
        const int ki = static_cast<int>(k);
        float scale;
        const uint32_t bits = static_cast<uint32_t>(ki + 127) << 23;
        __builtin_memcpy(&scale, &bits, sizeof scale);
        y[i] = p * scale;
        sum += y[i];
    }
    return sum;
}

}  // namespace gleaner::cpu
