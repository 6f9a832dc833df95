// RMSNorm, RoPE, the gated activations and the small vector ops: one thread per element (or per
// rotated pair), the per-element math from math/*.h shared with the CPU tests.
#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/elementwise.h"
#include "math/rope.h"

namespace gleaner::gpu {

namespace {

// RMSNorm. The sum of squares is taken in double (as the CPU backend) and reduced with warp
// shuffles: no shared-memory tree. Decode normalizes one row (the hidden state) or a few short
// ones (per-head q/k norms), so the latency of the one pass over memory is what counts: every
// load is issued up front (float4 when the rows allow), the values stay in registers for the
// scaling pass, and the weights are fetched in the same round trip.
// x and y may be the same buffer: every element is read and written by the same thread.

__device__ inline double warp_sum_double(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Short rows (n <= kNormWarpMaxN): one warp per row, kNormWarpRows rows per block.
constexpr int kNormWarpRows = 8;
constexpr int kNormWarpMaxN = 1024;
__global__ void __launch_bounds__(kNormWarpRows * 32)
    rms_norm_warp_kernel(const float* x, const float* __restrict__ w, int n_rows, int n, float eps, float* y) {
    const int lane = threadIdx.x & 31;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kNormWarpRows + threadIdx.x / 32;
    if (row >= n_rows) return;  // whole warps leave together
    const float* xr = x + row * n;
    float* yr = y + row * n;
    constexpr int kPer = kNormWarpMaxN / 32;  // up to 32 values per lane, kept in registers
    float v[kPer];
#pragma unroll
    for (int k = 0; k < kPer; ++k) {
        const int i = lane + 32 * k;
        v[k] = i < n ? xr[i] : 0.0f;
    }
    double ss = 0.0;
#pragma unroll
    for (int k = 0; k < kPer; ++k) ss += static_cast<double>(v[k]) * v[k];
    const float s = rms_inv(warp_sum_double(ss), n, eps);
#pragma unroll
    for (int k = 0; k < kPer; ++k) {
        const int i = lane + 32 * k;
        if (i < n) yr[i] = rms_apply(v[k], s, w, i);
    }
}

// Long rows: one block of kNormThreads per row; each thread keeps up to kNormCache float4 of x
// (and of the weight) in registers, rows beyond kNormThreads * kNormCache * 4 = 16384 floats are
// re-read in the second pass. vec: rows and pointers allow float4 (n % 4 == 0, 16-byte aligned).
constexpr int kNormThreads = 1024;
constexpr int kNormCache = 4;
__global__ void __launch_bounds__(kNormThreads)
    rms_norm_block_kernel(const float* x, const float* __restrict__ w, int n, float eps, bool vec, float* y) {
    __shared__ double warp_ss[kNormThreads / 32];
    __shared__ float scale;
    const float* xr = x + static_cast<int64_t>(blockIdx.x) * n;
    float* yr = y + static_cast<int64_t>(blockIdx.x) * n;
    const int tid = threadIdx.x;
    double ss = 0.0;
    if (vec) {
        const int n4 = n / 4;
        const float4* x4 = reinterpret_cast<const float4*>(xr);
        float4 c[kNormCache], cw[kNormCache];
#pragma unroll
        for (int k = 0; k < kNormCache; ++k) {
            const int i = tid + kNormThreads * k;
            c[k] = i < n4 ? x4[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            cw[k] = w && i < n4 ? __ldg(reinterpret_cast<const float4*>(w) + i) : make_float4(1.0f, 1.0f, 1.0f, 1.0f);
        }
#pragma unroll
        for (int k = 0; k < kNormCache; ++k)
            ss += static_cast<double>(c[k].x) * c[k].x + static_cast<double>(c[k].y) * c[k].y +
                  static_cast<double>(c[k].z) * c[k].z + static_cast<double>(c[k].w) * c[k].w;
        for (int i = tid + kNormThreads * kNormCache; i < n4; i += kNormThreads) {
            const float4 a = x4[i];
            ss += static_cast<double>(a.x) * a.x + static_cast<double>(a.y) * a.y + static_cast<double>(a.z) * a.z +
                  static_cast<double>(a.w) * a.w;
        }
        ss = warp_sum_double(ss);
        if ((tid & 31) == 0) warp_ss[tid / 32] = ss;
        __syncthreads();
        if (tid < 32) {
            const double t = warp_sum_double(warp_ss[tid]);
            if (tid == 0) scale = rms_inv(t, n, eps);
        }
        __syncthreads();
        const float s = scale;
        float4* y4 = reinterpret_cast<float4*>(yr);
#pragma unroll
        for (int k = 0; k < kNormCache; ++k) {
            const int i = tid + kNormThreads * k;
            if (i < n4) {
                // rms_apply: x * s * w (w = 1 when there is no weight: x * s * 1 == x * s)
                float4 o;
                o.x = w ? c[k].x * s * cw[k].x : c[k].x * s;
                o.y = w ? c[k].y * s * cw[k].y : c[k].y * s;
                o.z = w ? c[k].z * s * cw[k].z : c[k].z * s;
                o.w = w ? c[k].w * s * cw[k].w : c[k].w * s;
                y4[i] = o;
            }
        }
        for (int i = tid + kNormThreads * kNormCache; i < n4; i += kNormThreads) {
            const float4 a = x4[i];
            for (int j = 0; j < 4; ++j) yr[4 * i + j] = rms_apply((&a.x)[j], s, w, 4 * i + j);
        }
    } else {
        for (int i = tid; i < n; i += kNormThreads) ss += static_cast<double>(xr[i]) * xr[i];
        ss = warp_sum_double(ss);
        if ((tid & 31) == 0) warp_ss[tid / 32] = ss;
        __syncthreads();
        if (tid < 32) {
            const double t = warp_sum_double(warp_ss[tid]);
            if (tid == 0) scale = rms_inv(t, n, eps);
        }
        __syncthreads();
        const float s = scale;
        for (int i = tid; i < n; i += kNormThreads) yr[i] = rms_apply(xr[i], s, w, i);
    }
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
    if (n <= kNormWarpMaxN) {
        const unsigned blocks = static_cast<unsigned>((n_rows + kNormWarpRows - 1) / kNormWarpRows);
        rms_norm_warp_kernel<<<blocks, kNormWarpRows * 32, 0, s>>>(x, w, n_rows, n, eps, y);
    } else {
        const bool vec = n % 4 == 0 && (reinterpret_cast<size_t>(x) & 15) == 0 &&
                         (reinterpret_cast<size_t>(y) & 15) == 0 && (reinterpret_cast<size_t>(w) & 15) == 0;
        rms_norm_block_kernel<<<n_rows, kNormThreads, 0, s>>>(x, w, n, eps, vec, y);
    }
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
