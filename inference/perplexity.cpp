#include "perplexity.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "vocab.h"

namespace gleaner {

double token_nll(const float* logits, int n_vocab, int32_t target) {
    const float max_l = *std::max_element(logits, logits + n_vocab);
    double sum = 0.0;
    for (int i = 0; i < n_vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max_l);
    return std::log(sum) - (static_cast<double>(logits[target]) - max_l);
}

PerplexityResult compute_perplexity(Transformer& tf, const std::vector<int32_t>& tokens, int n_ctx, int max_chunks,
                                    const std::function<void(int, int, double)>& progress,
                                    const std::function<void()>& before_chunk) {
    const Vocab& vocab = tf.model().tokenizer().vocab();
    const int n_vocab = tf.config().n_vocab;
    PerplexityResult r;
    r.chunks = static_cast<int>(tokens.size() / n_ctx);
    if (max_chunks > 0) r.chunks = std::min(r.chunks, max_chunks);
    if (r.chunks == 0)
        throw std::runtime_error("the text has " + std::to_string(tokens.size()) + " tokens, fewer than one chunk of " +
                                 std::to_string(n_ctx));
    const int first = n_ctx / 2;
    double nll = 0.0;
    for (int c = 0; c < r.chunks; ++c) {
        std::vector<int32_t> chunk(tokens.begin() + static_cast<long>(c) * n_ctx,
                                   tokens.begin() + static_cast<long>(c + 1) * n_ctx);
        if (vocab.add_bos) chunk[0] = vocab.bos;
        tf.reset();
        if (before_chunk) before_chunk();
        const std::vector<float>& logits = tf.forward(chunk, Logits::All, nullptr, first);
        for (int j = first; j < n_ctx - 1; ++j) {
            nll += token_nll(logits.data() + static_cast<size_t>(j) * n_vocab, n_vocab, chunk[j + 1]);
            ++r.scored;
        }
        if (progress) progress(c + 1, r.chunks, std::exp(nll / r.scored));
    }
    r.ppl = std::exp(nll / r.scored);
    return r;
}

}  // namespace gleaner
