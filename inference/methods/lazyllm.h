#pragma once
// LazyLLM (arXiv 2407.14057; no official code, the per-step algorithm follows the Lazy-Llama
// reimplementation, selection_methods.md section 6): the prompt runs layer by layer, and after
// each layer from start_layer on the tokens the last token attends to least (attention
// probabilities, mean over heads) stop: later layers never compute them. A pruned token's output
// of the layer where it stopped goes to that layer's aux cache. Every decode step starts again
// from all tokens and prunes with the new token's attention; a token that is selected at a layer
// which never computed it is revived from the aux cache of the layer before (its hidden state is
// reused, nothing is recomputed), so each (token, layer) is computed at most once. Positions are
// the tokens' own (RoPE at the original position); revived keys are appended to a layer's cache.
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "context_method.h"

namespace gleaner {

struct ModelConfig;
class Transformer;

struct LazyLlmConfig {
    int start_layer = 0;  // layers 0..start_layer see every token; pruning starts after start_layer
    double keep = 1.0;    // share of the prunable prompt tokens still active at the last layer
    double rate = -1.0;   // >= 0: the share pruned after every layer from start_layer on (Lazy-Llama's
                          // fixed rate); < 0: the rate that leaves `keep` at the last layer
    std::string describe() const;
};

// The defaults (method_registry.cpp): pruning starts after an eighth of the depth and a tenth of
// the document is left at the last layer.
LazyLlmConfig lazyllm_defaults(const ModelConfig& c);
LazyLlmConfig lazyllm_config_from(const MethodSettings& s, const ModelConfig& c);

// rate[l] (n_layers): the share of a layer's prunable tokens pruned after layer l. Zero up to
// start_layer and at the last layer; a fixed rate in between, so the pruned set grows with depth
// (geometrically: (1 - rate)^m of the tokens are left after m pruning layers).
std::vector<double> lazyllm_rates(const LazyLlmConfig& cfg, int n_layers);

// How many of `prunable` tokens a layer with this rate prunes: floor(rate * prunable).
inline int lazyllm_pruned_count(double rate, int prunable) {
    return static_cast<int>(rate * prunable + 1e-9);
}

// One layer's view of the sequence.
struct LazyLayer {
    std::vector<float> k;         // (rows, Hkv*D) keys after RoPE at each token's position, in the order computed
    std::vector<float> v;         // (rows, Hkv*D)
    std::vector<int32_t> pos;     // (rows) the token (= its position) of each row
    std::vector<int32_t> row_of;  // (tokens) row of each token here, -1: this layer never computed it
    // token -> (E) its output of this layer, saved when it was pruned after this layer (the aux
    // cache: the input the next layer needs to revive it). Dropped once the next layer has it.
    std::unordered_map<int32_t, std::vector<float>> aux;
};

class LazyLlmMethod final : public ContextMethod {
public:
    LazyLlmMethod(const Model& model, Backend& backend, const LazyLlmConfig& cfg);
    ~LazyLlmMethod() override;
    std::string name() const override { return "lazyllm"; }
    std::string describe() const override;
    std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) override;
    std::vector<float> decode(int32_t token) override;
    SelectionTrace trace() const override;

    // For tests and measurements.
    const std::vector<double>& rates() const { return rates_; }
    const LazyLayer& layer(int l) const { return layers_[l]; }
    // Tokens the prompt's prefill ran through layer l (every token up to start_layer, fewer after).
    const std::vector<int32_t>& prefill_active(int l) const { return prefill_active_[l]; }
    // Positions >= this are never pruned (the question and the answer so far; the last token).
    int32_t protected_from() const { return protect_from_; }
    struct Revival {
        int step = 0;     // decode step (1 = the first decode() call)
        int layer = 0;    // the layer that computed the token from Aux[layer - 1]
        int32_t token = 0;
    };
    const std::vector<Revival>& revivals() const { return revivals_; }

private:
    struct Policy;
    // Runs rows x (T, E) at positions pos through layer l (in chunks), their keys and values
    // appended to the layer; `visible` (tokens) says which keys the queries may see (null: all).
    void run_rows(int l, float* x, int T, const int32_t* pos, const std::vector<uint8_t>* visible);
    // imp (rows of layer l) = the last computed query's attention probabilities, mean over heads;
    // zero for rows it may not see.
    std::vector<float> last_token_attention(int l, const std::vector<uint8_t>* visible) const;
    // The `count` lowest-scoring of the candidate rows (ties: the later position goes first).
    static std::vector<int32_t> lowest(const std::vector<float>& imp, std::vector<int32_t> rows, int count,
                                       const LazyLayer& L);

    const Model& model_;
    Backend& backend_;
    LazyLlmConfig cfg_;
    std::vector<double> rates_;
    std::unique_ptr<Transformer> tf_;
    std::unique_ptr<Policy> policy_;
    std::vector<LazyLayer> layers_;
    std::vector<std::vector<int32_t>> prefill_active_;  // (layer) tokens, ascending
    std::vector<std::vector<float>> prefill_scores_;    // (layer) importance of prefill_active_, normalised
    std::vector<Revival> revivals_;
    int32_t n_prompt_ = 0, n_tokens_ = 0, protect_from_ = 0;
    int step_ = 0;
};

std::unique_ptr<ContextMethod> make_lazyllm_method(const Model& model, Backend& backend, const MethodSettings& s);

}  // namespace gleaner
