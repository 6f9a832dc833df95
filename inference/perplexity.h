#pragma once
// Perplexity exactly as llama.cpp's perplexity tool computes it, so the two are comparable:
// non-overlapping chunks of n_ctx tokens, each chunk's first token replaced by BOS when the
// model uses one, each chunk evaluated from an empty cache, only its second half scored.
#include <cstdint>
#include <functional>
#include <vector>

#include "transformer.h"

namespace gleaner {

struct PerplexityResult {
    double ppl = 0.0;
    int chunks = 0;
    long long scored = 0;  // predictions that entered the mean
};

// tokens: the whole text, tokenized with BOS first when the vocabulary adds one.
// max_chunks <= 0: every whole chunk. progress(chunk_done, chunks, ppl_so_far) after each chunk.
// before_chunk, when given, is called after the transformer's reset and before each chunk (to
// give it a fresh attention policy, e.g. a long-context method's empty memory).
PerplexityResult compute_perplexity(Transformer& tf, const std::vector<int32_t>& tokens, int n_ctx,
                                    int max_chunks = 0,
                                    const std::function<void(int, int, double)>& progress = {},
                                    const std::function<void()>& before_chunk = {});

// -log softmax(logits)[target], accumulated in double.
double token_nll(const float* logits, int n_vocab, int32_t target);

}  // namespace gleaner
