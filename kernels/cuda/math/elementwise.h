#pragma once
// Per-element math of the CUDA backend's elementwise kernels (gates, RMSNorm), shared with the
// CPU-side tests (tests/unit/test_gpu_math compares them with the CPU backend). expf/tanhf are
// the C library's on the host and CUDA's on the device (both within a few ulp).
#include <math.h>

#include "quant/hd.h"

namespace gleaner::gpu {

// silu(g) * u, as the CPU backend: g / (1 + exp(-g)) * u.
GLEANER_HD inline float silu_mul(float g, float u) { return g / (1.0f + expf(-g)) * u; }

// gelu_tanh(g) * u with tanh(x) = 1 - 2 / (exp(2x) + 1) (saturates without NaN at both ends).
GLEANER_HD inline float gelu_tanh_mul(float g, float u) {
    const float k = 0.79788456080286535588f;  // sqrt(2/pi)
    const float x = k * g * (1.0f + 0.044715f * g * g);
    const float th = 1.0f - 2.0f / (expf(2.0f * x) + 1.0f);
    return 0.5f * g * (1.0f + th) * u;
}

// RMSNorm's scale from a row's sum of squares (accumulated in double, as the CPU backend does).
GLEANER_HD inline float rms_inv(double sum_squares, int n, float eps) {
    return static_cast<float>(1.0 / sqrt(sum_squares / n + eps));
}

// One element of a normed row: x * s * w (w = 1 when the norm has no weight).
GLEANER_HD inline float rms_apply(float x, float s, const float* w, int i) { return w ? x * s * w[i] : x * s; }

// Activations go to cuBLAS as fp16: saturate instead of overflowing to inf (|x| > 65504 only
// happens in models whose activations need bf16; the value is then clipped, not NaN).
GLEANER_HD inline float clamp_fp16_range(float x) { return x > 65504.0f ? 65504.0f : (x < -65504.0f ? -65504.0f : x); }

}  // namespace gleaner::gpu
