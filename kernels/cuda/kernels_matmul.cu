// Kernels that read quantized weights: the decode mat-vec (dequantize on the fly, one warp per
// output row), the fp16 conversion feeding cuBLAS for prefill, and get_rows. All of them decode
// weights through math/dequant8.h, the functions the CPU tests check against quant/dequant.h.
#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/dequant8.h"
#include "math/elementwise.h"

namespace gleaner::gpu {

namespace {

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// y[t, row] for the warp's row and up to kMatvecMaxTokens tokens. Lane l takes the 8-element
// groups l, l+32, ...: neighbouring lanes read neighbouring bytes of the same block, and each
// weight byte is read once for all the tokens (the kernel is bound by weight bandwidth).
template <DType T>
__global__ void matvec_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t n_in, int64_t n_out,
                              const float* __restrict__ x, int n_tokens, float* __restrict__ y) {
    const int lane = threadIdx.x & 31;
    const int64_t row = static_cast<int64_t>(blockIdx.x) * kMatvecWarps + threadIdx.x / 32;
    if (row >= n_out) return;  // whole warps leave together: row is uniform within a warp
    const uint8_t* wr = w + row * row_bytes;
    float acc[kMatvecMaxTokens];
#pragma unroll
    for (int t = 0; t < kMatvecMaxTokens; ++t) acc[t] = 0.0f;
    const int64_t groups = n_in / 8;
    for (int64_t g = lane; g < groups; g += 32) {
        float v[8];
        dequant_group8<T>(wr, g, v);
#pragma unroll
        for (int t = 0; t < kMatvecMaxTokens; ++t) {
            if (t < n_tokens) {
                const float* xt = x + t * n_in + g * 8;
#pragma unroll
                for (int i = 0; i < 8; ++i) acc[t] += v[i] * xt[i];
            }
        }
    }
#pragma unroll
    for (int t = 0; t < kMatvecMaxTokens; ++t) {
        if (t < n_tokens) {
            const float s = warp_sum(acc[t]);
            if (lane == 0) y[t * n_out + row] = s;
        }
    }
}

// One thread per 8-element group of rows [row0, row0 + rows).
template <DType T>
__global__ void dequant_f16_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t n_in, int64_t row0,
                                   int64_t rows, __half* __restrict__ dst) {
    const int64_t groups = n_in / 8;
    const int64_t total = rows * groups;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t r = i / groups, g = i % groups;
        float v[8];
        dequant_group8<T>(w + (row0 + r) * row_bytes, g, v);
        __half* o = dst + r * n_in + g * 8;
#pragma unroll
        for (int k = 0; k < 8; ++k) o[k] = __float2half_rn(v[k]);
    }
}

template <DType T>
__global__ void get_rows_kernel(const uint8_t* __restrict__ table, size_t row_bytes, int64_t n,
                                const int32_t* __restrict__ ids, int n_tokens, float* __restrict__ out) {
    const int64_t groups = n / 8;
    const int64_t total = static_cast<int64_t>(n_tokens) * groups;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t t = i / groups, g = i % groups;
        float v[8];
        dequant_group8<T>(table + static_cast<int64_t>(ids[t]) * row_bytes, g, v);
#pragma unroll
        for (int k = 0; k < 8; ++k) out[t * n + g * 8 + k] = v[k];
    }
}

__global__ void f32_to_f16_kernel(const float* __restrict__ src, size_t n, __half* __restrict__ dst) {
    for (size_t i = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<size_t>(gridDim.x) * blockDim.x)
        dst[i] = __float2half_rn(clamp_fp16_range(src[i]));
}

// Per-type launches: functors whose operator()<T> dispatch_weight_type instantiates for each
// weight type (C++17: no templated lambdas in nvcc's dialect here).
struct MatvecLaunch {
    const uint8_t* w;
    size_t row_bytes;
    int64_t n_in, n_out;
    const float* x;
    int n_tokens;
    float* y;
    cudaStream_t s;
    template <DType T>
    void operator()() const {
        const unsigned blocks = static_cast<unsigned>(matvec_blocks(n_out));
        for (int t0 = 0; t0 < n_tokens; t0 += kMatvecMaxTokens) {
            const int nt = n_tokens - t0 < kMatvecMaxTokens ? n_tokens - t0 : kMatvecMaxTokens;
            matvec_kernel<T><<<blocks, kMatvecWarps * 32, 0, s>>>(w, row_bytes, n_in, n_out,
                                                                 x + static_cast<int64_t>(t0) * n_in, nt,
                                                                 y + static_cast<int64_t>(t0) * n_out);
            GLEANER_CUDA_CHECK_LAUNCH();
        }
    }
};

struct DequantF16Launch {
    const uint8_t* w;
    size_t row_bytes;
    int64_t n_in, row0, rows;
    __half* dst;
    cudaStream_t s;
    template <DType T>
    void operator()() const {
        const size_t work = static_cast<size_t>(rows) * static_cast<size_t>(n_in / 8);
        dequant_f16_kernel<T><<<elementwise_blocks(work), kElementwiseThreads, 0, s>>>(w, row_bytes, n_in, row0, rows,
                                                                                       dst);
        GLEANER_CUDA_CHECK_LAUNCH();
    }
};

struct GetRowsLaunch {
    const uint8_t* table;
    size_t row_bytes;
    int64_t n;
    const int32_t* ids;
    int n_tokens;
    float* out;
    cudaStream_t s;
    template <DType T>
    void operator()() const {
        const size_t work = static_cast<size_t>(n_tokens) * static_cast<size_t>(n / 8);
        get_rows_kernel<T><<<elementwise_blocks(work), kElementwiseThreads, 0, s>>>(table, row_bytes, n, ids, n_tokens,
                                                                                    out);
        GLEANER_CUDA_CHECK_LAUNCH();
    }
};

}  // namespace

bool launch_matvec(DType type, const uint8_t* w, size_t row_bytes, int64_t n_in, int64_t n_out, const float* x,
                   int n_tokens, float* y, cudaStream_t s) {
    if (n_in % 8 != 0 || matvec_blocks(n_out) > 0x7fffffff) return false;
    return dispatch_weight_type(type, MatvecLaunch{w, row_bytes, n_in, n_out, x, n_tokens, y, s});
}

bool launch_dequant_f16(DType type, const uint8_t* w, size_t row_bytes, int64_t n_in, int64_t row0, int64_t rows,
                        __half* dst, cudaStream_t s) {
    if (n_in % 8 != 0) return false;
    return dispatch_weight_type(type, DequantF16Launch{w, row_bytes, n_in, row0, rows, dst, s});
}

bool launch_get_rows(DType type, const uint8_t* table, size_t row_bytes, int64_t n, const int32_t* ids, int n_tokens,
                     float* out, cudaStream_t s) {
    if (n % 8 != 0) return false;
    return dispatch_weight_type(type, GetRowsLaunch{table, row_bytes, n, ids, n_tokens, out, s});
}

void launch_f32_to_f16(const float* src, size_t n, __half* dst, cudaStream_t s) {
    f32_to_f16_kernel<<<elementwise_blocks(n), kElementwiseThreads, 0, s>>>(src, n, dst);
    GLEANER_CUDA_CHECK_LAUNCH();
}

}  // namespace gleaner::gpu
