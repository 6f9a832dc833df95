#pragma once
// GemFilter's selection (arXiv 2409.17422; SalesforceAIResearch/GemFilter @5f79b1a), shared by the
// gemfilter method and Gleaner's reading memory.
#include <cstdint>
#include <string>
#include <vector>

#include "transformer.h"

namespace gleaner {

struct ModelConfig;

// The reference's filter layer (13 of LLaMA-3.1-8B's 32, 0-based) scaled to the model's depth.
int gemfilter_default_layer(const ModelConfig& c);

// s[i] = sum over query heads h of q[h] . k_i[h's KV head]: raw logits (no 1/sqrt(d), no
// softmax), computed with the group-summed query (one dot per KV head): the first step of
// Backend::gemfilter_select, with its per-element math (cuda/math/longctx.h). q (H*D), keys n
// rows of `stride` floats (Hkv*D used), both already rotated as the caller wants.
std::vector<float> gemfilter_raw_scores(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv,
                                        int D);
enum class ScoreRope {
    Absolute,  // RoPE at the real distance q_pos - (key_pos0 + i), as GemFilter's post-RoPE logits
    Fixed,     // every key at one distance (InfLLM's "distant tokens" position)
    None,      // raw q . k
};
ScoreRope parse_score_rope(const std::string& s);  // "absolute" | "fixed" | "none"

// Gleaner's probe scores: A raw queries (A, H*D) at positions q_pos (RoPE as in `mode`: the keys
// of an Absolute score sit at key_pos0 + i; Fixed puts every key at fixed_distance from every
// query) against n raw f16 keys.
enum class ProbeScore {
    RawSum,      // sum over queries and heads of the raw logits (GemFilter's score when A = 1)
    SoftmaxMax,  // per query and head a softmax over all n keys (logits * scale); a key's score is
                 // its highest probability under any query and head, so one sharp retrieval head
                 // outweighs many diffuse ones
    SoftmaxSum,  // the same probabilities; per query the best head, summed over the queries, so a
                 // passage several queries find (several words of a question) outranks one that
                 // only one query finds
};
std::vector<float> probe_scores_f16(Backend& be, const float* q, const std::vector<int64_t>& q_pos, const uint16_t* keys,
                                    int64_t n, int H, int Hkv, int D, float scale, const RopeParams& rp, ScoreRope mode,
                                    int64_t key_pos0, int64_t fixed_distance, ProbeScore score);

// avg_pool1d(kernel 5, stride 1, padding 2, count_include_pad): edges are divided by 5.
std::vector<float> avg_pool5(const std::vector<float>& s);
// The min(k, n) indices with the highest scores (ties to the lower index), sorted ascending
// (top_k_ascending of top_k.h).
std::vector<int32_t> top_k_sorted(const std::vector<float>& s, int k);

}  // namespace gleaner
