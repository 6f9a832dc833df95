#pragma once
// The forward pass of a decoder-only transformer (llama, qwen2, gemma3) over a KV cache.
// Batched prefill and one-token decode are the same call: forward() appends its tokens to the
// cache at the positions given and returns the logits the caller asks for.
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
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

// Replaces RoPE, the KV cache and attention in every layer: a long-context method that keeps its
// own per-layer memory (StreamingLLM, InfLLM, Q-LLM) decides which keys each query sees and at
// which positions. While a policy is set the transformer's KvCache is neither used nor checked.
struct AttentionPolicy {
    virtual ~AttentionPolicy() = default;
    // q (T, H, D), k and v (T, Hkv, D): this call's tokens after the projections, biases and q/k
    // norms, before RoPE (the policy rotates them as it needs and may overwrite them). pos (T):
    // the positions given to forward(). Writes out (T, H*D), the input of the output projection.
    virtual void attend(int layer, float* q, float* k, float* v, int n_tokens, const int32_t* pos, float* out) = 0;
};

// Receives the queries and keys of the last layer that runs when the transformer is cut short
// (set_layer_limit): GemFilter's filter layer.
struct QkSink {
    virtual ~QkSink() = default;
    // q (T, H, D) and k (T, Hkv, D) before RoPE (rope_params(layer) rotates them); pos (T).
    virtual void on_qk(int layer, const float* q, const float* k, int n_tokens, const int32_t* pos) = 0;
};

// RoPE of a layer as the forward pass applies it (local layers of Gemma 3 differ).
RopeParams layer_rope_params(const Model& model, int layer);

// What a model with a cache of n_ctx tokens and batches of max_batch needs in backend memory.
ModelFootprint model_footprint(const Model& model, int n_ctx, int max_batch, DType kv_type = kDefaultKvType);

class Transformer {
public:
    // n_ctx: cache capacity in tokens (<= 0 means the model's trained context); kv_type: the
    // cache's elements (F16 or F32).
    Transformer(const Model& model, Backend& backend, int n_ctx = 0, int max_batch = 512,
                DType kv_type = kDefaultKvType);

    const Model& model() const { return model_; }
    const ModelConfig& config() const { return model_.config(); }
    KvCache& cache() { return cache_; }
    int n_ctx() const { return cache_.capacity; }

    // Appends tokens at the given positions (nullptr: continue after the last cached position)
    // and returns logits: (1, V) for Last, (T, V) for All. Throws ContextFullError when the
    // tokens do not fit in the cache.
    // With Logits::All, logits_from skips the first rows (they are left zero): perplexity
    // scores only the second half of a chunk, and the LM head is the largest matmul.
    const std::vector<float>& forward(std::span<const int32_t> tokens, Logits mode,
                                      const int32_t* positions = nullptr, int logits_from = 0);
    void reset() {
        cache_.clear();
        policy_next_pos_ = 0;
    }

    // With a policy, forward() hands every layer's attention to it; positions continue from the
    // last forward() call (reset() restarts them at 0). nullptr restores the KV cache.
    void set_attention_policy(AttentionPolicy* p) {
        policy_ = p;
        policy_next_pos_ = 0;
    }
    AttentionPolicy* attention_policy() const { return policy_; }
    // Runs only layers 0..n_layers-1 (0: all). The final norm and the LM head are skipped, so
    // forward() must be called with Logits::None. With a sink, the last of these layers stops
    // after its query/key projections and hands them to the sink (no RoPE, cache or attention).
    void set_layer_limit(int n_layers, QkSink* sink = nullptr) {
        layer_limit_ = n_layers;
        qk_sink_ = sink;
    }
    RopeParams rope_params(int layer) const { return layer_rope_params(model_, layer); }

    // Layer by layer, for a method whose token set changes between layers (LazyLLM prunes tokens
    // as the depth grows): the caller keeps each token's residual stream and does the attention
    // through `attend` (its attend() is called once per run_layer, as a policy's would be). The
    // KV cache and any policy set on the transformer are left alone.
    // embed: x (T, E) = the tokens' input embeddings. run_layer: x (T, E), the input of `layer`,
    // is replaced by its output. logits_of: the final norm and LM head of one row x (E) -> (V).
    void embed(std::span<const int32_t> tokens, float* x);
    void run_layer(int layer, float* x, int T, const int32_t* pos, AttentionPolicy& attend);
    std::vector<float> logits_of(const float* x);
    Backend& backend() const { return backend_; }
    // The backend's memory plan for this model ("all 30 layers on the GPU ..."; "" on the CPU).
    const std::string& memory_plan() const { return plan_; }

private:
    void forward_batch(const int32_t* tokens, const int32_t* pos, int T, Logits mode, int out_row, int first_row);
    void attention_block(int il, int T, const int32_t* pos, bool qk_only);
    void attention_cached(int il, int T, const int32_t* pos);
    void ffn_block(int il, int T);
    void ensure_scratch(int T);

    const Model& model_;
    Backend& backend_;
    std::string plan_;  // the backend's memory plan for this model (before the cache is allocated)
    KvCache cache_;
    int max_batch_;
    AttentionPolicy* policy_ = nullptr;
    int32_t policy_next_pos_ = 0;
    int layer_limit_ = 0;
    QkSink* qk_sink_ = nullptr;

    // Scratch in the backend's shared memory (device-resident on a GPU), sized for the
    // largest batch seen so far.
    SharedArray<float> x_;      // (T, E) residual stream
    SharedArray<float> xn_;     // (T, E) normed input of a block
    SharedArray<float> q_;      // (T, H*D)
    SharedArray<float> k_;      // (T, Hkv*D)
    SharedArray<float> v_;      // (T, Hkv*D)
    SharedArray<float> attn_;   // (T, H*D)
    SharedArray<float> out_;    // (T, E) block output before the residual add
    SharedArray<float> gate_;   // (T, F)
    SharedArray<float> up_;     // (T, F)
    std::vector<float> logits_; // (rows, V)
    std::vector<int32_t> pos_;  // (T)
};

}  // namespace gleaner
