#include "sampler.h"

#include <algorithm>
#include <cmath>

namespace gleaner {

int32_t argmax(std::span<const float> logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

Sampler::Sampler(SamplingParams p) : p_(p), rng_(p.seed) {}

int32_t Sampler::sample(std::span<const float> logits, std::span<const int32_t> recent) {
    work_.assign(logits.begin(), logits.end());
    if (p_.repeat_penalty != 1.0f && p_.repeat_last_n > 0) {
        const size_t from = recent.size() > static_cast<size_t>(p_.repeat_last_n) ? recent.size() - p_.repeat_last_n : 0;
        std::vector<int32_t> seen(recent.begin() + from, recent.end());
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        for (int32_t id : seen) {
            if (id < 0 || static_cast<size_t>(id) >= work_.size()) continue;
            float& l = work_[id];
            l = l > 0 ? l / p_.repeat_penalty : l * p_.repeat_penalty;
        }
    }
    if (p_.temperature <= 0.0f) return argmax(work_);

    // Candidates sorted by logit, cut by top-k, then softmax at the temperature, then min-p
    // (relative to the best) and top-p (smallest set with cumulative mass >= p).
    cand_.clear();
    cand_.reserve(work_.size());
    for (size_t i = 0; i < work_.size(); ++i) cand_.emplace_back(work_[i], static_cast<int32_t>(i));
    size_t k = p_.top_k > 0 ? std::min(cand_.size(), static_cast<size_t>(p_.top_k)) : cand_.size();
    std::partial_sort(cand_.begin(), cand_.begin() + k, cand_.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    cand_.resize(k);
    const float max_l = cand_[0].first;
    double sum = 0.0;
    for (auto& c : cand_) {
        c.first = std::exp((c.first - max_l) / p_.temperature);
        sum += c.first;
    }
    for (auto& c : cand_) c.first = static_cast<float>(c.first / sum);
    if (p_.min_p > 0.0f) {
        const float floor = cand_[0].first * p_.min_p;
        size_t keep = 1;
        while (keep < cand_.size() && cand_[keep].first >= floor) ++keep;
        cand_.resize(keep);
    }
    if (p_.top_p < 1.0f) {
        double cum = 0.0;
        size_t keep = 0;
        while (keep < cand_.size()) {
            cum += cand_[keep++].first;
            if (cum >= p_.top_p) break;
        }
        cand_.resize(keep);
    }
    double total = 0.0;
    for (const auto& c : cand_) total += c.first;
    std::uniform_real_distribution<double> u(0.0, total);
    double r = u(rng_);
    for (const auto& c : cand_) {
        r -= c.first;
        if (r <= 0.0) return c.second;
    }
    return cand_.back().second;
}

}  // namespace gleaner
