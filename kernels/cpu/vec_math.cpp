#include "cpu/vec_math.h"

#include <cstdint>

#include "quant/fp16.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GLEANER_F16C 1
#endif

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

namespace {
// exp(v) = 2^k * 2^f with k = round(v*log2(e)), f in [-0.5, 0.5]: 2^f from a degree-6
// polynomial (Taylor coefficients of e^(f ln 2)), 2^k by building the float's exponent field.
// Relative error ~2e-7; v is clamped to [-87, 88] where float neither under- nor overflows.
// Inline and branch-free, so the loops that call it vectorize.
inline float exp_poly(float v) {
    v = v < -87.0f ? -87.0f : (v > 88.0f ? 88.0f : v);
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
    const uint32_t bits = static_cast<uint32_t>(static_cast<int>(k) + 127) << 23;
    float scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}
}  // namespace

GLEANER_MULTIVERSION float exp_shifted_f32(const float* x, float m, float* y, size_t n) {
    float sum = 0.0f;
    for (size_t i = 0; i < n; ++i) {
        y[i] = exp_poly(x[i] - m);
        sum += y[i];
    }
    return sum;
}

GLEANER_MULTIVERSION void silu_mul_f32(const float* gate, const float* up, float* out, size_t n) {
    for (size_t i = 0; i < n; ++i) out[i] = gate[i] / (1.0f + exp_poly(-gate[i])) * up[i];
}

// gelu_tanh(x) = 0.5 x (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3), with
// tanh(u) = 1 - 2 / (exp(2u) + 1), which saturates correctly at both ends.
GLEANER_MULTIVERSION void gelu_tanh_mul_f32(const float* gate, const float* up, float* out, size_t n) {
    constexpr float kSqrt2OverPi = 0.79788456080286535588f;
    for (size_t i = 0; i < n; ++i) {
        const float x = gate[i];
        const float u = kSqrt2OverPi * x * (1.0f + 0.044715f * x * x);
        const float th = 1.0f - 2.0f / (exp_poly(2.0f * u) + 1.0f);
        out[i] = 0.5f * x * (1.0f + th) * up[i];
    }
}

namespace {
#ifdef GLEANER_F16C
// vcvtph2ps / vcvtps2ph, 8 lanes at a time; the tail goes through the portable conversion.
__attribute__((target("avx,f16c"))) void f16_to_f32_f16c(const uint16_t* x, float* y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
    for (; i < n; ++i) y[i] = fp16_to_fp32(x[i]);
}
__attribute__((target("avx,f16c"))) void f32_to_f16_f16c(const float* x, uint16_t* y, size_t n) {
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    for (; i < n; ++i) y[i] = fp32_to_fp16(x[i]);
}
bool has_f16c() {
    static const bool v = __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
    return v;
}
#endif
}  // namespace

void f16_to_f32_row(const uint16_t* x, float* y, size_t n) {
#ifdef GLEANER_F16C
    if (has_f16c()) return f16_to_f32_f16c(x, y, n);
#endif
    for (size_t i = 0; i < n; ++i) y[i] = fp16_to_fp32(x[i]);
}

void f32_to_f16_row(const float* x, uint16_t* y, size_t n) {
#ifdef GLEANER_F16C
    if (has_f16c()) return f32_to_f16_f16c(x, y, n);
#endif
    for (size_t i = 0; i < n; ++i) y[i] = fp32_to_fp16(x[i]);
}

}  // namespace gleaner::cpu
