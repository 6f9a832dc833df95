// Kernels that read quantized weights: the decode mat-vec (dequantize on the fly, one warp per
// output row), the fp16 conversion feeding cuBLAS for prefill, and get_rows. All of them decode
// weights through math/dequant8.h, the functions the CPU tests check against quant/dequant.h.
#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/dequant8.h"
#include "math/elementwise.h"
#include "math/matvec_unit.h"

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

// The staged mat-vec for the common types (math/matvec_unit.h has the per-lane math and the
// design notes). Warp w of the block belongs to group w / split, which owns kStagedRows rows;
// it takes steps sub, sub + split, ... (sub = w % split) of those rows. Per step it copies each
// row's step (a contiguous byte range) into its own shared-memory buffer with aligned 16-byte
// read-only loads, prefetching the next step into registers while it decodes this one; each
// lane then decodes one 32-weight unit per row. Partial sums: warp shuffles, then the group's
// warps in shared memory, added in a fixed order (deterministic).
template <DType T, int NT>
__global__ void __launch_bounds__(kStagedWarps * 32)
    matvec_staged_kernel(const uint8_t* __restrict__ w, size_t row_bytes, int64_t n_in, int64_t n_out,
                         const float* __restrict__ x, int n_tokens, int split, float* __restrict__ y) {
    using U = MatvecUnit<T>;
    constexpr int R = kStagedRows;
    constexpr int kPer = (staged_max_chunks<T>() + 31) / 32;  // 16-byte chunks per lane per row
    __shared__ __align__(16) uint8_t stage[kStagedWarps][R][staged_buffer_bytes<T>()];
    __shared__ float part[kStagedWarps][R * NT];

    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int group = warp / split, sub = warp % split;
    const int64_t row0 = (static_cast<int64_t>(blockIdx.x) * (kStagedWarps / split) + group) * R;
    const int64_t units = n_in / U::kBlockElems * U::kUnits;
    const int64_t steps = (units + 31) / 32;

    const uint8_t* rows[R];
#pragma unroll
    for (int r = 0; r < R; ++r) {
        const int64_t row = row0 + r < n_out ? row0 + r : n_out - 1;  // past the end: read, never written
        rows[r] = w + row * row_bytes;
    }
    float acc[R][NT];
#pragma unroll
    for (int r = 0; r < R; ++r)
#pragma unroll
        for (int t = 0; t < NT; ++t) acc[r][t] = 0.0f;

    uint4 pre[R][kPer];
    int pre_mis[R], pre_chunks[R];
    auto fetch = [&](int64_t step) {
#pragma unroll
        for (int r = 0; r < R; ++r) {
            const StagedRange g = staged_range<T>(rows[r], row_bytes, step);
            pre_mis[r] = g.mis;
            pre_chunks[r] = g.chunks;
            const uint4* src = reinterpret_cast<const uint4*>(g.aligned);
#pragma unroll
            for (int k = 0; k < kPer; ++k) {
                const int c = lane + 32 * k;
                if (c < g.chunks) pre[r][k] = __ldg(src + c);
            }
        }
    };

    const uint8_t* bufs[R];
#pragma unroll
    for (int r = 0; r < R; ++r) bufs[r] = stage[warp][r];
    int64_t step = sub;
    if (step < steps) fetch(step);
    for (; step < steps; step += split) {
        int mis[R];
        __syncwarp();  // every lane is done with the previous step's buffers
#pragma unroll
        for (int r = 0; r < R; ++r) {
            mis[r] = pre_mis[r];
#pragma unroll
            for (int k = 0; k < kPer; ++k) {
                const int c = lane + 32 * k;
                if (c < pre_chunks[r]) *reinterpret_cast<uint4*>(stage[warp][r] + 16 * c) = pre[r][k];
            }
        }
        __syncwarp();
        if (step + split < steps) fetch(step + split);  // in flight while this step is decoded
        staged_lane_step<T, R, NT>(bufs, mis, lane, step, units, x, n_in, n_tokens, acc);
    }

#pragma unroll
    for (int r = 0; r < R; ++r)
#pragma unroll
        for (int t = 0; t < NT; ++t) {
            const float v = warp_sum(acc[r][t]);
            if (lane == 0) part[warp][r * NT + t] = v;
        }
    __syncthreads();
    const int per_group = R * NT;
    const int idx = threadIdx.x;
    if (idx < (kStagedWarps / split) * per_group) {
        const int g = idx / per_group, rt = idx % per_group;
        float v = 0.0f;
        for (int k = 0; k < split; ++k) v += part[g * split + k][rt];
        const int r = rt / NT, t = rt % NT;
        const int64_t row = (static_cast<int64_t>(blockIdx.x) * (kStagedWarps / split) + g) * R + r;
        if (row < n_out && t < n_tokens) y[static_cast<int64_t>(t) * n_out + row] = v;
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
        if constexpr (has_matvec_unit(T)) {
            if ((reinterpret_cast<size_t>(x) & 15) == 0 && n_in % MatvecUnit<T>::kBlockElems == 0 &&
                row_bytes % 2 == 0 && (reinterpret_cast<size_t>(w) & 1) == 0) {
                staged<T>();
                return;
            }
        }
        const unsigned blocks = static_cast<unsigned>(matvec_blocks(n_out));
        for (int t0 = 0; t0 < n_tokens; t0 += kMatvecMaxTokens) {
            const int nt = n_tokens - t0 < kMatvecMaxTokens ? n_tokens - t0 : kMatvecMaxTokens;
            matvec_kernel<T><<<blocks, kMatvecWarps * 32, 0, s>>>(w, row_bytes, n_in, n_out,
                                                                 x + static_cast<int64_t>(t0) * n_in, nt,
                                                                 y + static_cast<int64_t>(t0) * n_out);
            GLEANER_CUDA_CHECK_LAUNCH();
        }
    }
    // One token: the NT = 1 kernel; more: chunks of up to kMatvecMaxTokens through NT = 8.
    template <DType T>
    void staged() const {
        const int64_t units = n_in / MatvecUnit<T>::kBlockElems * MatvecUnit<T>::kUnits;
        const int split = staged_split((units + 31) / 32);
        const unsigned blocks = static_cast<unsigned>(staged_blocks(n_out, split));
        for (int t0 = 0; t0 < n_tokens; t0 += kMatvecMaxTokens) {
            const int nt = n_tokens - t0 < kMatvecMaxTokens ? n_tokens - t0 : kMatvecMaxTokens;
            const float* xt = x + static_cast<int64_t>(t0) * n_in;
            float* yt = y + static_cast<int64_t>(t0) * n_out;
            if (nt == 1)
                matvec_staged_kernel<T, 1><<<blocks, kStagedWarps * 32, 0, s>>>(w, row_bytes, n_in, n_out, xt, nt,
                                                                               split, yt);
            else
                matvec_staged_kernel<T, kMatvecMaxTokens>
                    <<<blocks, kStagedWarps * 32, 0, s>>>(w, row_bytes, n_in, n_out, xt, nt, split, yt);
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
