#pragma once
// Small float32 vector primitives for the CPU backend's non-matmul ops. Each is compiled for
// AVX2/FMA and for baseline x86-64, and the loader picks one at run time (GCC target_clones).
#include <cstddef>
#include <cstdint>

namespace gleaner::cpu {

float dot_f32(const float* a, const float* b, size_t n);
// y += a * x
void axpy_f32(float a, const float* x, float* y, size_t n);
// y *= a
void scale_f32(float* y, float a, size_t n);
float sum_squares_f32(const float* x, size_t n);
// y[i] = exp(x[i] - m), for x[i] - m <= 0 (softmax numerators); returns the sum of y. A
// polynomial exp (relative error ~2e-7) that vectorizes, unlike std::exp.
float exp_shifted_f32(const float* x, float m, float* y, size_t n);
// out = silu(gate) * up and out = gelu_tanh(gate) * up, elementwise (out may alias gate).
void silu_mul_f32(const float* gate, const float* up, float* out, size_t n);
void gelu_tanh_mul_f32(const float* gate, const float* up, float* out, size_t n);
// IEEE half <-> float rows (the F16 KV cache): y = x, rounded to nearest even on the way down.
void f16_to_f32_row(const uint16_t* x, float* y, size_t n);
void f32_to_f16_row(const float* x, uint16_t* y, size_t n);

}  // namespace gleaner::cpu
