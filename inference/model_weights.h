#pragma once
// Views of a model's weights inside the memory-mapped GGUF (nothing is copied, except small
// vectors stored in a type other than F32, which are widened once).
#include <memory>
#include <vector>

#include "backend.h"
#include "model_config.h"

namespace gleaner {

class GgufFile;

struct LayerWeights {
    const float* attn_norm = nullptr;       // (E)
    WeightView wq, wk, wv, wo;              // (E -> H*D), (E -> Hkv*D) x2, (H*D -> E)
    const float* bq = nullptr;              // (H*D)   qwen2 only
    const float* bk = nullptr;              // (Hkv*D) qwen2 only
    const float* bv = nullptr;              // (Hkv*D) qwen2 only
    const float* q_norm = nullptr;          // (D)     gemma3: per-head RMSNorm before RoPE
    const float* k_norm = nullptr;          // (D)     gemma3
    const float* post_attn_norm = nullptr;  // (E)     gemma3
    const float* ffn_norm = nullptr;        // (E)
    WeightView w_gate, w_up, w_down;        // (E -> F) x2, (F -> E)
    const float* post_ffn_norm = nullptr;   // (E)     gemma3
};

struct ModelWeights {
    WeightView token_embd;                  // (V rows of E)
    const float* output_norm = nullptr;     // (E)
    WeightView output;                      // (E -> V); the embedding table when tied
    const float* rope_freqs = nullptr;      // (n_rot/2) Llama 3, or nullptr
    std::vector<LayerWeights> layers;       // (n_layers)

    // Checks every tensor the architecture needs (presence, shape, type) with clear errors.
    static ModelWeights from_gguf(const GgufFile& f, const ModelConfig& c);

private:
    std::vector<std::unique_ptr<std::vector<float>>> widened_;  // storage for non-F32 vectors
};

}  // namespace gleaner
