#pragma once
// The steps the context methods have in common, in one place: the chunked prefill loop (cancel
// and progress between forward calls), the filter-layer capture pass (GemFilter and Gleaner run
// layers 0..r and keep the queries and keys of layer r), decoding one token, and the trace of a
// scored selection.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "context_method.h"
#include "transformer.h"

namespace gleaner {

// Throws CancelledError when the caller asked to stop. Methods poll it between their steps.
void throw_if_cancelled(const PrefillProgress& progress);

// Feeds ids to tf in forward calls of at most `chunk` tokens, so that a long prompt can be
// cancelled and shows progress: the cancel flag is polled before each call, on_progress(done,
// total) reported after each (total < 0: ids.size()). positions: one per id, as forward() takes
// them (nullptr: continue after the last position). last: the logits of the final call
// (returned; empty for Logits::None).
std::vector<float> prefill_in_chunks(Transformer& tf, std::span<const int32_t> ids, int chunk, Logits last,
                                     const PrefillProgress& progress, int64_t total = -1,
                                     const int32_t* positions = nullptr);

// The filter layer's raw queries and keys, collected while a transformer cut at that layer runs.
class QkCapture final : public QkSink {
public:
    void on_qk(int layer, const float* q, const float* k, int n_tokens, const int32_t* pos) override;
    std::vector<float> keys;     // (n, Hkv*D) raw keys of every token
    std::vector<float> last_q;   // (H*D) raw query of the last token seen
    std::vector<float> call_q;   // (T, H*D) raw queries of the last forward call
    std::vector<int32_t> pos;    // (n)
    int q_row = 0, k_row = 0;    // H*D and Hkv*D
};

// The capture pass: runs ids through layers 0..layer of tf (the filter layer stops after its
// query/key projections) in chunks as prefill_in_chunks does, and returns what that layer saw.
// tf runs every layer again afterwards.
QkCapture capture_filter_layer(Transformer& tf, int layer, std::span<const int32_t> ids, int chunk,
                               const PrefillProgress& progress, const int32_t* positions = nullptr);

// One generated token through tf; returns the next token's logits. Without an attention policy
// the KV cache bounds the answer: ContextFullError ("<method>: the context is full") when full.
std::vector<float> decode_token(Transformer& tf, int32_t token, const std::string& method);

// Selected tokens (offset by `first` into the prompt) with their scores min-max normalised over
// every scored token (1 when all scores are equal): the evidence of a selecting method.
std::vector<TokenScore> normalised_selection(const std::vector<int32_t>& selected, const std::vector<float>& scores,
                                             int32_t first);
// The trace of a method that selects once at one filter layer: the tokens, that layer's
// selection (the same tokens), and `attended` tokens seen by the answer.
SelectionTrace filter_layer_trace(std::vector<TokenScore> tokens, int layer, int64_t attended);

}  // namespace gleaner
