#pragma once
// The online-softmax update shared by the attention kernels (and their CPU tests): a running
// maximum m, a running sum l of exp(s - m) and an accumulator of exp(s - m) * v, rescaled when
// the maximum grows, so no row of scores is ever stored. Also which keys a query sees.
#include <math.h>
#include <stdint.h>

#include "quant/hd.h"

namespace gleaner::gpu {

// The factor that moves sums taken under maximum m_old to maximum m_new >= m_old (0 when
// nothing was accumulated yet: m_old = -inf).
GLEANER_HD inline float rescale_factor(float m_old, float m_new) {
    return m_old == -INFINITY ? 0.0f : expf(m_old - m_new);
}

struct SoftmaxState {
    float m = -INFINITY;  // running maximum of the scores seen
    float l = 0.0f;       // sum of exp(score - m)
};

// Folds a tile of scores whose maximum is tile_max into the state; returns the factor the
// accumulator must be multiplied by before the tile's exp(s - m) * v terms are added. The
// caller adds exp(s_j - st.m) to st.l for each score after this call.
GLEANER_HD inline float softmax_begin_tile(SoftmaxState& st, float tile_max) {
    if (tile_max <= st.m) return 1.0f;
    const float c = rescale_factor(st.m, tile_max);
    st.l *= c;
    st.m = tile_max;
    return c;
}

// Merges two partial states over disjoint key sets (split-K attention): returns the merged
// state and the factors for the two accumulators.
GLEANER_HD inline SoftmaxState softmax_merge(SoftmaxState a, SoftmaxState b, float* ca, float* cb) {
    SoftmaxState r;
    r.m = a.m > b.m ? a.m : b.m;
    if (r.m == -INFINITY) {
        *ca = *cb = 0.0f;
        return r;
    }
    *ca = rescale_factor(a.m, r.m);
    *cb = rescale_factor(b.m, r.m);
    r.l = a.l * *ca + b.l * *cb;
    return r;
}

// Causal attention with an optional sliding window: key at kp visible to the query at qp.
GLEANER_HD inline bool causal_visible(int32_t qp, int32_t kp, int window) {
    return kp <= qp && !(window > 0 && qp - kp >= window);
}

// attention_segments: visible iff min_dist <= qp - kp < max_dist (always when unmasked).
GLEANER_HD inline bool segment_visible(bool masked, int32_t qp, int32_t kp, int32_t min_dist, int32_t max_dist) {
    if (!masked) return true;
    const int64_t dist = static_cast<int64_t>(qp) - kp;
    return dist >= min_dist && dist < max_dist;
}

}  // namespace gleaner::gpu
