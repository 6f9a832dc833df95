#pragma once
// Picks the next token from logits: greedy, or sampling with temperature, top-k, top-p, min-p
// and a repetition penalty, from a seeded generator so runs are reproducible.
#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace gleaner {

struct SamplingParams {
    float temperature = 0.0f;    // 0 = greedy
    int top_k = 40;              // 0 = off
    float top_p = 0.95f;         // 1 = off
    float min_p = 0.05f;         // 0 = off
    float repeat_penalty = 1.0f; // 1 = off; divides positive logits, multiplies negative ones
    int repeat_last_n = 64;      // tokens the penalty looks back over
    uint64_t seed = 0;
};

class Sampler {
public:
    explicit Sampler(SamplingParams p);
    // recent: previously generated/prompt tokens, for the repetition penalty.
    int32_t sample(std::span<const float> logits, std::span<const int32_t> recent);
    const SamplingParams& params() const { return p_; }

private:
    SamplingParams p_;
    std::mt19937_64 rng_;
    std::vector<float> work_;
    std::vector<std::pair<float, int32_t>> cand_;
};

// Index of the largest value (lowest index on ties).
int32_t argmax(std::span<const float> logits);

}  // namespace gleaner
