#include "generator.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace gleaner {

size_t complete_utf8_prefix(const std::string& s) {
    // Walk back over at most 3 continuation bytes to the last lead byte and check whether its
    // sequence is complete.
    size_t n = s.size();
    size_t i = n;
    int cont = 0;
    while (i > 0 && cont < 4 && (static_cast<unsigned char>(s[i - 1]) & 0xC0) == 0x80) {
        --i;
        ++cont;
    }
    if (i == 0) return cont ? 0 : n;
    const auto lead = static_cast<unsigned char>(s[i - 1]);
    const int need = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : -1;
    if (need < 0 || cont >= need) return n;  // complete, or invalid (emit as is)
    return i - 1;
}

float token_probability(std::span<const float> logits, int32_t token) {
    float mx = -INFINITY;
    for (float v : logits) mx = std::max(mx, v);
    double z = 0;
    for (float v : logits) z += std::exp(static_cast<double>(v - mx));
    return static_cast<float>(std::exp(static_cast<double>(logits[token] - mx)) / z);
}

namespace {
// How many back-to-back copies of an L-token block make a loop: one token may repeat a few times
// ("very, very"), a short phrase twice; a long block repeated even once is a loop.
int loop_copies(int L) { return L == 1 ? 8 : L <= 8 ? 3 : 2; }
}  // namespace

void sample_continuation(std::vector<float> logits, std::vector<int32_t> history, const Tokenizer& tok,
                         const GenerationOptions& opt, const std::function<bool(int32_t, std::vector<float>&)>& step,
                         GenerationResult& r) {
    const auto t0 = std::chrono::steady_clock::now();
    Sampler sampler(opt.sampling);
    std::string pending;  // decoded bytes not yet streamed
    for (int32_t t : opt.not_first)
        if (t >= 0 && static_cast<size_t>(t) < logits.size()) logits[t] = -INFINITY;
    for (int i = 0; i < opt.max_tokens; ++i) {
        if (opt.cancel && opt.cancel->load()) {
            r.cancelled = true;
            break;
        }
        const int32_t next = sampler.sample(logits, history);
        if (tok.vocab().is_eog(next)) {
            r.stopped_by_eog = true;
            break;
        }
        r.tokens.push_back(next);
        r.token_probs.push_back(token_probability(logits, next));
        history.push_back(next);
        pending += tok.decode_token(next);
        const size_t ready = complete_utf8_prefix(pending);
        if (ready > 0) {
            const std::string piece = pending.substr(0, ready);
            r.text += piece;
            if (opt.on_text) opt.on_text(piece);
            pending.erase(0, ready);
        }
        if (opt.stop_on_loop) {
            if (const int L = trailing_loop_length(r.tokens); L > 0) {
                const int copies = loop_copies(L);
                r.tokens.resize(r.tokens.size() - static_cast<size_t>(L) * (copies - 1));
                r.token_probs.resize(r.tokens.size());
                r.text.clear();
                for (int32_t t : r.tokens) r.text += tok.decode_token(t);
                pending.clear();
                r.stopped_by_loop = true;
                break;
            }
        }
        if (i + 1 == opt.max_tokens || !step(next, logits)) break;
    }
    if (!pending.empty()) {
        r.text += pending;
        if (opt.on_text) opt.on_text(pending);
    }
    r.decode_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int trailing_loop_length(const std::vector<int32_t>& t) {
    const int n = static_cast<int>(t.size());
    for (int L = 1; L <= 48; ++L) {
        const int copies = loop_copies(L);
        if (n < L * copies) continue;
        bool loop = true;
        for (int c = 1; c < copies && loop; ++c)
            for (int k = 0; k < L && loop; ++k) loop = t[n - 1 - k] == t[n - 1 - k - c * L];
        if (loop) return L;
    }
    return 0;
}

GenerationResult generate(Transformer& tf, const std::vector<int32_t>& prompt, const GenerationOptions& opt) {
    GenerationResult r;
    r.prompt_tokens = static_cast<int>(prompt.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> logits = tf.forward(prompt, Logits::Last);
    r.prefill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sample_continuation(std::move(logits), prompt, tf.model().tokenizer(), opt,
                        [&tf](int32_t token, std::vector<float>& next) {
                            if (tf.cache().n_used >= tf.n_ctx()) return false;  // the context is full
                            const int32_t one[1] = {token};
                            next = tf.forward(one, Logits::Last);
                            return true;
                        },
                        r);
    return r;
}

}  // namespace gleaner
