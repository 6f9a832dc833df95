// The long-context methods' GPU hot paths: InfLLM / Q-LLM block scores against representative
// keys and top-k selection, GemFilter's group-summed scores, 5-wide pooling and top-k, and the
// gather of selected rows into a contiguous buffer. Top-k is a stable CUB radix sort of
// (descending_key(score), index) pairs: highest first, ties to the lower index, as on the CPU.
#include <cub/device/device_radix_sort.cuh>

#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/longctx.h"

namespace gleaner::gpu {

namespace {

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// One warp per row: scores[r] = q . rows[r] (n floats), lanes striding over the row (coalesced).
// The per-element math is block_score's; the order of the sum is the warp's.
__global__ void row_dot_kernel(const float* __restrict__ q, const float* __restrict__ rows, int64_t n_rows,
                               size_t stride, int n, float* __restrict__ scores, uint32_t* __restrict__ keys,
                               int32_t* __restrict__ idx) {
    const int lane = threadIdx.x & 31;
    const int64_t r = static_cast<int64_t>(blockIdx.x) * (blockDim.x / 32) + threadIdx.x / 32;
    if (r >= n_rows) return;
    const float* row = rows + r * stride;
    float s = 0.0f;
    for (int i = lane; i < n; i += 32) s += q[i] * row[i];
    s = warp_sum(s);
    if (lane == 0) {
        scores[r] = s;
        if (keys) {
            keys[r] = descending_key(s);
            idx[r] = static_cast<int32_t>(r);
        }
    }
}

__global__ void group_sum_kernel(const float* __restrict__ q, int H, int Hkv, int D, float* __restrict__ qs) {
    const int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < Hkv * D) qs[j] = group_sum_query(q, j, H, Hkv, D);
}

__global__ void pool5_kernel(const float* __restrict__ raw, int64_t n, float* __restrict__ pooled,
                             uint32_t* __restrict__ keys, int32_t* __restrict__ idx) {
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const float p = avg_pool5_at(raw, n, i);
        pooled[i] = p;
        keys[i] = descending_key(p);
        idx[i] = static_cast<int32_t>(i);
    }
}

}  // namespace

size_t topk_scratch_bytes(int64_t n) {
    size_t temp = 0;
    GLEANER_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp, static_cast<const uint32_t*>(nullptr),
                                                       static_cast<uint32_t*>(nullptr),
                                                       static_cast<const int32_t*>(nullptr),
                                                       static_cast<int32_t*>(nullptr), n));
    // keys in/out, indices in/out, CUB's temporary storage (each 256-byte aligned)
    auto al = [](size_t b) { return (b + 255) / 256 * 256; };
    return 2 * al(static_cast<size_t>(n) * 4) + 2 * al(static_cast<size_t>(n) * 4) + al(temp);
}

// Sorts the (key, index) pairs prepared by the scoring kernels; sorted indices land in idx_out.
static void sort_pairs(uint8_t* scratch, int64_t n, uint32_t* keys, int32_t* idx, int32_t** idx_out, cudaStream_t s) {
    auto al = [](size_t b) { return (b + 255) / 256 * 256; };
    uint8_t* p = scratch + 2 * al(static_cast<size_t>(n) * 4);  // keys and idx inputs come first
    uint32_t* keys_out = reinterpret_cast<uint32_t*>(p);
    p += al(static_cast<size_t>(n) * 4);
    int32_t* sorted = reinterpret_cast<int32_t*>(p);
    p += al(static_cast<size_t>(n) * 4);
    size_t temp = 0;
    GLEANER_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp, keys, keys_out, idx, sorted, n, 0, 32, s));
    GLEANER_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(p, temp, keys, keys_out, idx, sorted, n, 0, 32, s));
    *idx_out = sorted;
}

void launch_score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, float* scores,
                              uint8_t* scratch, int32_t** sorted_idx, cudaStream_t s) {
    auto al = [](size_t b) { return (b + 255) / 256 * 256; };
    uint32_t* keys = reinterpret_cast<uint32_t*>(scratch);
    int32_t* idx = reinterpret_cast<int32_t*>(scratch + al(static_cast<size_t>(n_blocks) * 4));
    const unsigned blocks = static_cast<unsigned>((n_blocks + 3) / 4);
    row_dot_kernel<<<blocks, 128, 0, s>>>(qbar, reprs, n_blocks, static_cast<size_t>(n), n, scores, keys, idx);
    GLEANER_CUDA_CHECK_LAUNCH();
    sort_pairs(scratch, n_blocks, keys, idx, sorted_idx, s);
}

void launch_gemfilter_select(const float* q, const float* keys_f, int64_t n, size_t stride, int H, int Hkv, int D,
                             float* qs, float* raw, float* pooled, uint8_t* scratch, int32_t** sorted_idx,
                             cudaStream_t s) {
    auto al = [](size_t b) { return (b + 255) / 256 * 256; };
    const int m = Hkv * D;
    group_sum_kernel<<<(m + 255) / 256, 256, 0, s>>>(q, H, Hkv, D, qs);
    GLEANER_CUDA_CHECK_LAUNCH();
    row_dot_kernel<<<static_cast<unsigned>((n + 3) / 4), 128, 0, s>>>(qs, keys_f, n, stride, m, raw, nullptr, nullptr);
    GLEANER_CUDA_CHECK_LAUNCH();
    uint32_t* keys = reinterpret_cast<uint32_t*>(scratch);
    int32_t* idx = reinterpret_cast<int32_t*>(scratch + al(static_cast<size_t>(n) * 4));
    pool5_kernel<<<elementwise_blocks(static_cast<size_t>(n)), kElementwiseThreads, 0, s>>>(raw, n, pooled, keys, idx);
    GLEANER_CUDA_CHECK_LAUNCH();
    sort_pairs(scratch, n, keys, idx, sorted_idx, s);
}

}  // namespace gleaner::gpu
