#pragma once
// The one top-k of the project: the methods' selections (InfLLM's blocks and representative
// keys, Q-LLM's question tokens, GemFilter's and Gleaner's tokens) and the Backend's host
// defaults all rank with it, in the order the GPU's stable radix sort gives, so a selection
// does not depend on the backend or on which code path made it.
#include <cstdint>
#include <vector>

namespace gleaner {

// The indices of the min(k, n) highest scores, highest first, equal scores to the lower index
// (-0 and +0 are equal: the order of gpu::descending_key).
std::vector<int32_t> top_k(const float* scores, int64_t n, int64_t k);

// The same indices in ascending order (a selection read in document order).
std::vector<int32_t> top_k_ascending(const float* scores, int64_t n, int64_t k);

}  // namespace gleaner
