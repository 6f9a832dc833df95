#include "top_k.h"

#include <algorithm>
#include <numeric>

#include "cuda/math/longctx.h"

namespace gleaner {

std::vector<int32_t> top_k(const float* s, int64_t n, int64_t k) {
    n = std::max<int64_t>(n, 0);
    k = std::clamp<int64_t>(k, 0, n);
    std::vector<int32_t> idx(static_cast<size_t>(n));
    std::iota(idx.begin(), idx.end(), 0);
    // a strict total order, so the k best and their order are unique
    auto better = [&](int32_t a, int32_t b) {
        const uint32_t ka = gpu::descending_key(s[a]), kb = gpu::descending_key(s[b]);
        return ka < kb || (ka == kb && a < b);
    };
    // O(n) to find the k best, then sort only those (k is small next to a book's n)
    if (k < n) std::nth_element(idx.begin(), idx.begin() + k, idx.end(), better);
    idx.resize(static_cast<size_t>(k));
    std::sort(idx.begin(), idx.end(), better);
    return idx;
}

std::vector<int32_t> top_k_ascending(const float* s, int64_t n, int64_t k) {
    std::vector<int32_t> idx = top_k(s, n, k);
    std::sort(idx.begin(), idx.end());
    return idx;
}

}  // namespace gleaner
