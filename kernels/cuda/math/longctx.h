#pragma once
// Per-element math of the long-context methods' GPU hot paths, shared with CPU tests:
// InfLLM/Q-LLM block scores (representative keys against the mean query), GemFilter's
// group-summed query score and its 5-wide average pooling, and the sort key that makes a radix
// sort give "highest score first, ties to the lower index" (the CPU methods' order).
#include <stdint.h>

#include "quant/hd.h"

namespace gleaner::gpu {

// InfLLM: score of one block = qbar . repr over n = H*D floats (q and r both (H*D)).
GLEANER_HD inline float block_score(const float* qbar, const float* repr, int n) {
    float s = 0.0f;
    for (int i = 0; i < n; ++i) s += qbar[i] * repr[i];
    return s;
}

// GemFilter: group-summed query element j (of Hkv*D): sum over the G = H/Hkv query heads of
// KV head j / D, in head order.
GLEANER_HD inline float group_sum_query(const float* q, int j, int H, int Hkv, int D) {
    const int G = H / Hkv, g = j / D, d = j % D;
    float s = 0.0f;
    for (int hh = 0; hh < G; ++hh) s += q[(g * G + hh) * D + d];
    return s;
}

// avg_pool1d(kernel 5, stride 1, padding 2, count_include_pad=True) at i: edges divide by 5.
GLEANER_HD inline float avg_pool5_at(const float* s, int64_t n, int64_t i) {
    float acc = 0.0f;
    for (int64_t j = i - 2; j <= i + 2; ++j)
        if (j >= 0 && j < n) acc += s[j];
    return acc / 5.0f;
}

// An unsigned key that orders scores descending under an ascending radix sort: the float's
// bits made monotonic (flip all bits of negatives, the sign bit of positives), then inverted.
// A stable sort on this key keeps equal scores in index order: ties go to the lower index.
GLEANER_HD inline uint32_t descending_key(float s) {
    const uint32_t u = float_to_bits(s == 0.0f ? 0.0f : s);  // -0 and +0 are the same score
    const uint32_t mono = (u & 0x80000000u) ? ~u : (u | 0x80000000u);
    return ~mono;
}

}  // namespace gleaner::gpu
