// Host defaults of the long-context hot paths (Backend::score_blocks_topk, gemfilter_select),
// written with the same per-element functions as the CUDA kernels
// (cuda/math/longctx.h) and ranked by top_k.h (the order of the GPU's stable radix sort), so the
// two backends select the same blocks and tokens.
#include <algorithm>
#include <numeric>
#include <vector>

#include "backend.h"
#include "cuda/math/longctx.h"
#include "top_k.h"

namespace gleaner {

void Backend::score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, int k, float* scores,
                                int32_t* top) {
    for (int64_t b = 0; b < n_blocks; ++b) scores[b] = gpu::block_score(qbar, reprs + b * n, n);
    const std::vector<int32_t> best = top_k(scores, n_blocks, k);
    std::copy(best.begin(), best.end(), top);
}

void Backend::gemfilter_select(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv, int D,
                               int k, float* pooled, int32_t* selected) {
    const int m = Hkv * D;
    std::vector<float> qs(static_cast<size_t>(m)), raw(static_cast<size_t>(n));
    for (int j = 0; j < m; ++j) qs[j] = gpu::group_sum_query(q, j, H, Hkv, D);
    for (int64_t i = 0; i < n; ++i) raw[i] = gpu::block_score(qs.data(), keys + i * stride, m);
    for (int64_t i = 0; i < n; ++i) pooled[i] = gpu::avg_pool5_at(raw.data(), n, i);
    const std::vector<int32_t> best = top_k_ascending(pooled, n, k);
    std::copy(best.begin(), best.end(), selected);
}

}  // namespace gleaner
