#pragma once
// The forward pass of a decoder-only transformer (llama, qwen2, gemma3) over a KV cache.
// Batched prefill and one-token decode are the same call: forward() appends its tokens to the
// cache at the positions given and returns the logits the caller asks for.
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <vector>

#include "backend.h"
#include "kv_cache.h"
#include "model.h"

namespace gleaner {

class ContextFullError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class Logits {
    None,  // only fill the cache (reading a document)
    Last,  // logits of the last token (generation)
    All,   // logits of every token (perplexity, evaluation)
};

// Called for every layer after RoPE, before attention: the long-context methods read the
// queries and the cache here (per-layer selection, scores for the evidence).
struct LayerObserver {
    virtual ~LayerObserver() = default;
    // q (T, H, D) rotated queries of this call's tokens; the cache already holds their keys
    // in slots [first_slot, first_slot + T).
    virtual void on_layer(int layer, const float* q, int n_tokens, int first_slot, const KvCache& cache) = 0;
};

class Transformer {
public:
    // n_ctx: cache capacity in tokens (<= 0 means the model's trained context).
    Transformer(const Model& model, Backend& backend, int n_ctx = 0, int max_batch = 512);

    const Model& model() const { return model_; }
    const ModelConfig& config() const { return model_.config(); }
    KvCache& cache() { return cache_; }
    int n_ctx() const { return cache_.capacity; }

    // Appends tokens at the given positions (nullptr: continue after the last cached position)
    // and returns logits: (1, V) for Last, (T, V) for All. Throws ContextFullError when the
    // tokens do not fit in the cache.
    const std::vector<float>& forward(std::span<const int32_t> tokens, Logits mode,
                                      const int32_t* positions = nullptr);
    void reset() { cache_.clear(); }
    void set_observer(LayerObserver* o) { observer_ = o; }

private:
    void forward_batch(const int32_t* tokens, const int32_t* pos, int T, Logits mode, int out_row);
    void attention_block(int il, int T, const int32_t* pos);
    void ffn_block(int il, int T);
    void ensure_scratch(int T);

    const Model& model_;
    Backend& backend_;
    KvCache cache_;
    int max_batch_;
    LayerObserver* observer_ = nullptr;

    // Scratch, sized for max_batch tokens.
    std::vector<float> x_;      // (T, E) residual stream
    std::vector<float> xn_;     // (T, E) normed input of a block
    std::vector<float> q_;      // (T, H*D)
    std::vector<float> k_;      // (T, Hkv*D)
    std::vector<float> v_;      // (T, Hkv*D)
    std::vector<float> attn_;   // (T, H*D)
    std::vector<float> out_;    // (T, E) block output before the residual add
    std::vector<float> gate_;   // (T, F)
    std::vector<float> up_;     // (T, F)
    std::vector<float> logits_; // (rows, V)
    std::vector<int32_t> pos_;  // (T)
};

}  // namespace gleaner
