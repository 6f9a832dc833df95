#pragma once
// InfLLM (arXiv 2402.04617; thunlp/InfLLM @12b7079): training-free block memory. Every layer keeps
// its own memory of raw (pre-RoPE) keys and values:
//   init     the first n_init tokens,
//   blocks   the older tokens cut into blocks of block_size, each with one representative key per
//            query head (the mean of the repr_topk keys that received the most local attention),
//   remainder the local window (the last n_local tokens) plus fewer than block_size older tokens.
// Tokens are processed in execution blocks of exc_block tokens. A query sees the local window with
// exact relative RoPE, and - as "distant tokens", all at the single relative position n_local-1 -
// the init tokens, the topk blocks whose representatives score highest against the exc block's
// mean query, and the remainder tokens older than the window. One softmax covers both parts.
// Selected blocks are copied into a bounded LRU cache (fast memory) from the full store.
//
// Differences from the reference, on purpose: each query is masked individually, so no token is
// seen twice (reference_mask = true reproduces the reference's duplicated remainder tokens);
// keys and values are stored as f16 (kv_type; f32 on request) and computed in float32, where the
// reference keeps bf16. See ../shared/reference/qllm_infllm.md for the specification.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "context_method.h"
#include "growable_array.h"
#include "kv_cache.h"
#include "rope.h"
#include "transformer.h"

namespace gleaner {

struct ModelConfig;

struct InfLlmConfig {
    int n_init = 128;
    int n_local = 4096;
    int topk = 16;
    int block_size = 128;
    int repr_topk = 4;
    int max_cached_blocks = 32;
    int exc_block = 512;
    int chunk_size = 8192;        // tokens per forward call when a prompt is prefilled
    float question_weight = 0.0f; // Q-LLM: weight of the question term in block scores
    bool reference_mask = false;  // reproduce the reference's duplicated remainder tokens
    DType kv_type = kDefaultKvType; // elements of the stored raw keys and values: F16 or F32

    void validate() const;  // throws std::invalid_argument
    std::string describe() const;
};

// The reference configurations, scaled to the model: they were written for 8k-context models
// (Llama-3-8B), which is SmolLM2's context too; smaller contexts scale every window down.
//   infllm: InfLLM's llama-3-inf-llm.yaml  (n_init 128, n_local 4096, topk 16, bs 128, repr 4, cache 32, exc 512)
//   qllm:   Q-LLM's llama3 quick-start     (n_init 128, n_local 1024, topk 8,  bs 128, repr 4, cache 32, exc 512, w 4)
InfLlmConfig infllm_defaults(const ModelConfig& c);
InfLlmConfig qllm_defaults(const ModelConfig& c);

// The blocks one layer retrieved for one execution block (or one decode step), with scores.
struct BlockRetrieval {
    int layer = 0;
    int first_token = 0;  // first token of the execution block
    int n_tokens = 0;
    std::vector<int> blocks;    // selected block ids, best first (all blocks when #blocks <= topk)
    std::vector<float> scores;  // their scores
};

// Counters that, with the arrays, are the whole state of a layer's memory (for checkpoints).
struct InfLlmLayerState {
    int64_t n_tokens = 0;   // tokens processed
    int64_t init_len = 0;   // tokens [0, init_len) are init tokens
    int64_t n_blocks = 0;   // block b holds tokens [init_len + b*bs, init_len + (b+1)*bs)
    int64_t rem_start = 0;  // the remainder is [rem_start, n_tokens)
};

class InfLlmLayer;

// Extension points for methods built on InfLLM (Q-LLM).
struct InfLlmHooks {
    virtual ~InfLlmHooks() = default;
    // Adds a method's own terms to the scores of n_blocks representatives (H*D each): scores[b]
    // holds qbar . representative (Backend::score_blocks_topk). Returns whether it changed any
    // (the blocks are then ranked again on the host). The default adds nothing.
    virtual bool add_block_scores(const InfLlmLayer& layer, const float* block_k, int64_t n_blocks, float* scores) {
        (void)layer, (void)block_k, (void)n_blocks, (void)scores;
        return false;
    }
    // After an execution block was attended: qg (m, H, D) its queries at the global position.
    virtual void after_exc_block(InfLlmLayer& layer, const float* qg, int64_t first_token, int m) {
        (void)layer, (void)qg, (void)first_token, (void)m;
    }
};

// Storage for a layer's memory: heap by default, files for a persistent reading memory.
// what: "k", "v" (elements of kv_type), "acc", "repr" (floats).
using ArrayFactory = std::function<std::unique_ptr<GrowableBytes>(int layer, const std::string& what)>;
ArrayFactory heap_arrays();

struct LayerGeometry {
    int layer = 0;
    int n_heads = 0, n_kv_heads = 0, head_dim = 0;
    float scale = 1.0f;
    RopeParams rope;
    int sliding_window = 0;  // > 0: a sliding-window layer (Gemma 3 local): exact window only
};

// The memory of one layer (InfLLM's ContextManager).
class InfLlmLayer {
public:
    InfLlmLayer(const InfLlmConfig& cfg, const LayerGeometry& geo, const ArrayFactory& arrays);

    // Processes one execution block of m <= exc_block tokens: q (m, H, D) is overwritten; k, v
    // (m, Hkv, D) raw. Writes out (m, H*D).
    void process(Backend& be, const RopeTable& rope, float* q, const float* k, const float* v, int m, float* out,
                 InfLlmHooks& hooks, std::vector<BlockRetrieval>* record);

    const InfLlmConfig& config() const { return cfg_; }
    const LayerGeometry& geometry() const { return geo_; }
    const InfLlmLayerState& state() const { return st_; }
    // Restores counters saved with state() over arrays that hold at least that much data (the
    // score array is grown with zeros when shorter: scores are restored with set_scores()).
    void restore(const InfLlmLayerState& s);
    // Overwrites the accumulated scores of tokens [first, first + n) with rows (n, H).
    void set_scores(int64_t first, const float* rows, int64_t n);
    void flush();

    int64_t n_tokens() const { return st_.n_tokens; }
    int64_t init_len() const { return st_.init_len; }
    int64_t n_blocks() const { return st_.n_blocks; }
    int64_t rem_start() const { return st_.rem_start; }
    int64_t block_start(int64_t b) const { return st_.init_len + b * cfg_.block_size; }
    // (Hkv*D) raw key and value of a token, as stored: elements of config().kv_type.
    const void* raw_k(int64_t token) const { return k_->data() + token * kv_row_bytes_; }
    const void* raw_v(int64_t token) const { return v_->data() + token * kv_row_bytes_; }
    size_t kv_row_bytes() const { return kv_row_bytes_; }
    // The same rows as floats, into out (Hkv*D).
    void raw_k_f32(int64_t token, float* out) const { kv_elements_to_f32(raw_k(token), cfg_.kv_type, row_, out); }
    void raw_v_f32(int64_t token, float* out) const { kv_elements_to_f32(raw_v(token), cfg_.kv_type, row_, out); }
    // (H) accumulated local attention of a token, per query head.
    const float* score(int64_t token) const { return acc_.data() + token * geo_.n_heads; }
    // (H*D) representative of a block.
    const float* representative(int64_t b) const { return repr_.data() + b * geo_.n_heads * geo_.head_dim; }

    // The block cache: ids held (-1: free), and the LRU counter of each slot.
    const std::vector<int64_t>& cached_blocks() const { return slot_block_; }
    int cache_misses() const { return cache_misses_; }

private:
    void freeze();
    void make_representative(int64_t b);
    int slot_of(int64_t b) const;
    int ensure_cached(int64_t b, const std::vector<int64_t>& keep);

    InfLlmConfig cfg_;
    LayerGeometry geo_;
    size_t row_ = 0;           // Hkv * D
    size_t kv_row_bytes_ = 0;  // row_ elements of cfg_.kv_type
    InfLlmLayerState st_;
    std::unique_ptr<GrowableBytes> k_, v_;  // (n_tokens, Hkv*D) elements of kv_type
    GrowableArray<float> acc_;              // (n_tokens, H)
    GrowableArray<float> repr_;             // (n_blocks, H*D)

    // Block cache (fast memory): slots of block_size rows of K and V, elements of kv_type.
    std::vector<uint8_t> cache_k_, cache_v_;
    std::vector<int64_t> slot_block_;
    std::vector<uint64_t> slot_lru_;
    uint64_t lru_clock_ = 0;
    int cache_misses_ = 0;

    // Scratch
    std::vector<float> local_k_, local_v_, qg_, qbar_, block_scores_;
    std::vector<int32_t> block_top_;
    std::vector<int32_t> local_pos_, q_local_pos_, q_abs_pos_, rem_pos_;
};

// InfLLM as an attention policy for the Transformer (every layer that runs has a memory).
class InfLlmPolicy : public AttentionPolicy {
public:
    // n_layers: layers with a memory (the first n_layers; all when <= 0).
    InfLlmPolicy(const Transformer& tf, const InfLlmConfig& cfg, ArrayFactory arrays = heap_arrays(),
                 int n_layers = 0);
    void attend(int layer, float* q, float* k, float* v, int n_tokens, const int32_t* pos, float* out) override;

    const InfLlmConfig& config() const { return cfg_; }
    int n_layers() const { return static_cast<int>(layers_.size()); }
    InfLlmLayer& layer(int i) { return *layers_[i]; }
    const InfLlmLayer& layer(int i) const { return *layers_[i]; }
    void set_hooks(InfLlmHooks* h) { hooks_ = h ? h : &default_hooks_; }
    InfLlmHooks* hooks() const { return hooks_; }

    // Retrievals are recorded while recording is on (each layer, each execution block).
    void set_recording(bool on) { recording_ = on; }
    const std::vector<BlockRetrieval>& retrievals() const { return retrievals_; }
    void clear_retrievals() { retrievals_.clear(); }

    void flush();

private:
    InfLlmConfig cfg_;
    Backend& backend_;
    std::vector<std::unique_ptr<InfLlmLayer>> layers_;
    std::vector<std::unique_ptr<RopeTable>> rope_;  // per layer (shared pointers would do; few)
    std::vector<int> rope_index_;
    InfLlmHooks default_hooks_;
    InfLlmHooks* hooks_ = &default_hooks_;
    bool recording_ = false;
    std::vector<BlockRetrieval> retrievals_;
};

// Reads the InfLLM settings (n_init, n_local, topk, block_size, repr_topk, max_cached_blocks,
// exc_block, chunk_size, reference_mask, question_weight) over the given defaults.
InfLlmConfig infllm_config_from(const MethodSettings& s, InfLlmConfig defaults);

// InfLLM as a ContextMethod: prompt[:-1] in forward calls of chunk_size tokens, the last token
// alone, then one token per decode step (utils/greedy_search.py). The trace is the blocks each
// layer retrieved while the answer was produced (the last prompt token and every decode step),
// plus the init tokens and the local window, which every query sees.
class InfLlmMethod : public ContextMethod {
public:
    InfLlmMethod(const Model& model, Backend& backend, const InfLlmConfig& cfg, std::string name);
    std::string name() const override { return name_; }
    std::string describe() const override { return name_ + ": " + cfg_.describe(); }
    std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) override;
    std::vector<float> decode(int32_t token) override;
    SelectionTrace trace() const override;

    // Record every retrieval, prefill included (tests).
    void set_record_all(bool on) { record_all_ = on; }
    InfLlmPolicy* policy() { return policy_.get(); }
    const InfLlmConfig& config() const { return cfg_; }

protected:
    // Called once the policy exists, before the prompt runs (Q-LLM installs its hooks here).
    virtual void on_prefill_start(const QaPrompt& prompt) { (void)prompt; }

    const Model& model_;
    Backend& backend_;
    InfLlmConfig cfg_;
    std::string name_;
    std::unique_ptr<Transformer> tf_;
    std::unique_ptr<InfLlmPolicy> policy_;
    int prompt_len_ = 0;
    bool record_all_ = false;
};

// Q-LLM's additions (methods/qllm.cpp): the question's span in the prompt and, per layer, the
// question vector set once (see there); block score = current query term + w * question term.
class QLlmHooks : public InfLlmHooks {
public:
    QLlmHooks(int n_layers, std::pair<int, int> question_span, float weight);
    bool add_block_scores(const InfLlmLayer& layer, const float* block_k, int64_t n_blocks, float* scores) override;
    void after_exc_block(InfLlmLayer& layer, const float* qg, int64_t first_token, int m) override;
    // (H*D) the question vector of a layer, or nullptr while it is not set.
    const float* question(int layer) const;
    std::pair<int, int> span() const { return span_; }

private:
    std::pair<int, int> span_;
    float weight_;
    struct PerLayer {
        std::vector<float> qg;  // global queries of the question tokens seen so far
        int64_t first = -1;     // token of qg's first row
        std::vector<float> question;
        bool closed = false;    // init is full: the question can no longer be set
    };
    std::vector<PerLayer> layers_;
};

// The blocks a query would retrieve: indices of the top-k scores, best first, ties to the lower
// index (all indices in order when n <= k).
std::vector<int64_t> top_blocks(const float* scores, int64_t n, int k);

}  // namespace gleaner
