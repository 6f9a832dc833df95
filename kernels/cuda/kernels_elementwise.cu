// RMSNorm, RoPE, the gated activations and the small vector ops: one thread per element (or per
// rotated pair), the per-element math from math/*.h shared with the CPU tests.
#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/elementwise.h"
#include "math/rope.h"

namespace gleaner::gpu {

namespace {

constexpr int kNormThreads = 256;

// One block per row: the sum of squares in double (as the CPU backend), then the scaled row.
// x and y may be the same buffer: every element is read and written by the same thread.
__global__ void rms_norm_kernel(const float* x, const float* __restrict__ w, int n, float eps, float* y) {
    __shared__ double partial[kNormThreads];
    const float* xr = x + static_cast<int64_t>(blockIdx.x) * n;
    float* yr = y + static_cast<int64_t>(blockIdx.x) * n;
    double ss = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) ss += static_cast<double>(xr[i]) * xr[i];
    partial[threadIdx.x] = ss;
    __syncthreads();
    for (int stride = blockDim.x / 2; stride > 0; stride >>= 1) {
        if (static_cast<int>(threadIdx.x) < stride) partial[threadIdx.x] += partial[threadIdx.x + stride];
        __syncthreads();
    }
    const float s = rms_inv(partial[0], n, eps);
    for (int i = threadIdx.x; i < n; i += blockDim.x) yr[i] = rms_apply(xr[i], s, w, i);
}

// One thread per (token, head, pair).
__global__ void rope_kernel(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* __restrict__ pos,
                            bool neox, int n_rot, float freq_base, float freq_scale,
                            const float* __restrict__ factors) {
    const int half = n_rot / 2;
    const int64_t total = static_cast<int64_t>(n_tokens) * n_heads * half;
    for (int64_t idx = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; idx < total;
         idx += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int i = static_cast<int>(idx % half);
        const int64_t th = idx / half;  // token * n_heads + head
        const int t = static_cast<int>(th / n_heads);
        float* v = x + th * head_dim;
        const float theta = rope_theta(pos[t], i, n_rot, freq_base, freq_scale, factors);
        float sn, cs;
        sincosf(theta, &sn, &cs);
        int i0, i1;
        rope_pair(neox, i, half, &i0, &i1);
        float o0, o1;
        rope_rotate(v[i0], v[i1], cs, sn, &o0, &o1);
        v[i0] = o0;
        v[i1] = o1;
    }
}

#define GLEANER_GRID_STRIDE(i, n)                                                                    \
    for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
         i += static_cast<size_t>(gridDim.x) * blockDim.x)

// out may alias gate (the transformer writes the gate in place).
__global__ void silu_mul_kernel(const float* gate, const float* __restrict__ up, size_t n, float* out) {
    GLEANER_GRID_STRIDE(i, n) out[i] = silu_mul(gate[i], up[i]);
}

__global__ void gelu_tanh_mul_kernel(const float* gate, const float* __restrict__ up, size_t n, float* out) {
    GLEANER_GRID_STRIDE(i, n) out[i] = gelu_tanh_mul(gate[i], up[i]);
}

__global__ void add_kernel(float* y, const float* x, size_t n) {
    GLEANER_GRID_STRIDE(i, n) y[i] += x[i];
}

__global__ void add_bias_kernel(float* x, const float* __restrict__ bias, size_t n_total, int n) {
    GLEANER_GRID_STRIDE(i, n_total) x[i] += bias[i % n];
}

__global__ void scale_kernel(float* x, size_t n, float f) {
    GLEANER_GRID_STRIDE(i, n) x[i] *= f;
}

}  // namespace

void launch_rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y, cudaStream_t s) {
    if (n_rows <= 0) return;
    rms_norm_kernel<<<n_rows, kNormThreads, 0, s>>>(x, w, n, eps, y);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, bool neox, int n_rot,
                 float freq_base, float freq_scale, const float* freq_factors, cudaStream_t s) {
    const size_t total = static_cast<size_t>(n_tokens) * n_heads * (n_rot / 2);
    if (total == 0) return;
    rope_kernel<<<elementwise_blocks(total), kElementwiseThreads, 0, s>>>(x, n_tokens, n_heads, head_dim, pos, neox,
                                                                         n_rot, freq_base, freq_scale, freq_factors);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_silu_mul(const float* gate, const float* up, size_t n, float* out, cudaStream_t s) {
    if (n == 0) return;
    silu_mul_kernel<<<elementwise_blocks(n), kElementwiseThreads, 0, s>>>(gate, up, n, out);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out, cudaStream_t s) {
    if (n == 0) return;
    gelu_tanh_mul_kernel<<<elementwise_blocks(n), kElementwiseThreads, 0, s>>>(gate, up, n, out);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_add(float* y, const float* x, size_t n, cudaStream_t s) {
    if (n == 0) return;
    add_kernel<<<elementwise_blocks(n), kElementwiseThreads, 0, s>>>(y, x, n);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_add_bias(float* x, const float* bias, int n_rows, int n, cudaStream_t s) {
    const size_t total = static_cast<size_t>(n_rows) * n;
    if (total == 0) return;
    add_bias_kernel<<<elementwise_blocks(total), kElementwiseThreads, 0, s>>>(x, bias, total, n);
    GLEANER_CUDA_CHECK_LAUNCH();
}

void launch_scale(float* x, size_t n, float f, cudaStream_t s) {
    if (n == 0) return;
    scale_kernel<<<elementwise_blocks(n), kElementwiseThreads, 0, s>>>(x, n, f);
    GLEANER_CUDA_CHECK_LAUNCH();
}

}  // namespace gleaner::gpu
