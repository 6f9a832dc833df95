#pragma once
// Text generation: prefill a prompt, then decode token by token with a Sampler until EOS/EOT,
// the token limit, or cancellation from another thread. Text is streamed in whole UTF-8
// characters (a multi-byte character split across tokens is held back until complete).
#include <atomic>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sampler.h"
#include "transformer.h"

namespace gleaner {

struct GenerationResult {
    std::string text;
    std::vector<int32_t> tokens;
    // Probability the model gave each generated token (softmax of the raw logits, before any
    // sampling settings): how sure it was of the answer it wrote.
    std::vector<float> token_probs;
    int prompt_tokens = 0;
    double prefill_s = 0.0;   // prompt processing, until the first token is sampled
    double decode_s = 0.0;
    bool stopped_by_eog = false;
    bool stopped_by_loop = false;  // stop_on_loop: the answer began to repeat itself (repeats cut)
    bool cancelled = false;
};

struct GenerationOptions {
    int max_tokens = 256;
    SamplingParams sampling;
    const std::atomic<bool>* cancel = nullptr;           // polled between tokens
    std::function<void(const std::string&)> on_text;     // streamed pieces
    // Stop when the output loops: its last L tokens repeated 8 times in a row (L = 1), 3 times
    // (L <= 8) or twice (L > 8, up to 48); the repeats are cut from the result (text already
    // streamed stays streamed).
    bool stop_on_loop = false;
    // Tokens the output may not begin with: an answer starts with words, not with the
    // citation mark a small model opens a copied passage with (qa_prompt.h).
    std::vector<int32_t> not_first;
};

// softmax(logits)[token], computed stably: the probability the model gave a token.
float token_probability(std::span<const float> logits, int32_t token);

// Length L of the block the tokens end with when it repeats as stop_on_loop says, else 0.
int trailing_loop_length(const std::vector<int32_t>& tokens);

// Runs the prompt tokens through the transformer (after whatever it already holds) and
// generates a continuation.
GenerationResult generate(Transformer& tf, const std::vector<int32_t>& prompt, const GenerationOptions& opt);

// The sampling loop every generator shares: samples from `logits` (the prompt's last position)
// on, streams whole UTF-8 characters through opt.on_text, and calls step(token, logits) for the
// next position's logits until EOG, opt.max_tokens, cancellation, or step returning false (no
// room left). Fills r's text, tokens, decode_s and stop flags.
void sample_continuation(std::vector<float> logits, std::vector<int32_t> history, const Tokenizer& tok,
                         const GenerationOptions& opt, const std::function<bool(int32_t, std::vector<float>&)>& step,
                         GenerationResult& r);

// Bytes of s that form complete UTF-8 characters, counted from the start.
size_t complete_utf8_prefix(const std::string& s);

}  // namespace gleaner
