#include "methods/method_steps.h"

#include <algorithm>

namespace gleaner {

void throw_if_cancelled(const PrefillProgress& progress) {
    if (progress.cancel && progress.cancel->load()) throw CancelledError();
}

std::vector<float> prefill_in_chunks(Transformer& tf, std::span<const int32_t> ids, int chunk, Logits last,
                                     const PrefillProgress& progress, int64_t total, const int32_t* positions) {
    const int n = static_cast<int>(ids.size());
    if (total < 0) total = n;
    std::vector<float> logits;
    for (int off = 0; off < n; off += chunk) {
        throw_if_cancelled(progress);
        const int len = std::min(chunk, n - off);
        const bool final_call = off + len == n;
        const int32_t* pos = positions ? positions + off : nullptr;
        if (final_call && last != Logits::None)
            logits = tf.forward(ids.subspan(off, len), last, pos);
        else
            tf.forward(ids.subspan(off, len), Logits::None, pos);
        if (progress.on_progress) progress.on_progress(off + len, total);
    }
    return logits;
}

void QkCapture::on_qk(int, const float* q, const float* k, int T, const int32_t* p) {
    keys.insert(keys.end(), k, k + static_cast<size_t>(T) * k_row);
    call_q.assign(q, q + static_cast<size_t>(T) * q_row);
    last_q.assign(q + static_cast<size_t>(T - 1) * q_row, q + static_cast<size_t>(T) * q_row);
    pos.insert(pos.end(), p, p + T);
}

QkCapture capture_filter_layer(Transformer& tf, int layer, std::span<const int32_t> ids, int chunk,
                               const PrefillProgress& progress, const int32_t* positions) {
    const ModelConfig& c = tf.config();
    QkCapture cap;
    cap.q_row = c.n_heads * c.head_dim;
    cap.k_row = c.n_kv_heads * c.head_dim;
    cap.keys.reserve(ids.size() * static_cast<size_t>(cap.k_row));
    tf.set_layer_limit(layer + 1, &cap);
    prefill_in_chunks(tf, ids, chunk, Logits::None, progress, -1, positions);
    tf.set_layer_limit(0);
    return cap;
}

std::vector<float> decode_token(Transformer& tf, int32_t token, const std::string& method) {
    if (!tf.attention_policy() && tf.cache().n_used >= tf.n_ctx())
        throw ContextFullError(method + ": the context is full");
    const int32_t one[1] = {token};
    return tf.forward(one, Logits::Last);
}

std::vector<TokenScore> normalised_selection(const std::vector<int32_t>& selected, const std::vector<float>& scores,
                                             int32_t first) {
    std::vector<TokenScore> out;
    if (scores.empty()) return out;
    const auto [mn, mx] = std::minmax_element(scores.begin(), scores.end());
    const float range = *mx - *mn;
    out.reserve(selected.size());
    for (int32_t i : selected) out.push_back({first + i, range > 0 ? (scores[i] - *mn) / range : 1.0f});
    return out;
}

SelectionTrace filter_layer_trace(std::vector<TokenScore> tokens, int layer, int64_t attended) {
    SelectionTrace t;
    t.tokens = std::move(tokens);
    LayerSelection ls;
    ls.layer = layer;
    ls.tokens = t.tokens;
    t.layers.push_back(std::move(ls));
    t.attended = attended;
    return t;
}

}  // namespace gleaner
