// StreamingLLM (mit-han-lab/streaming-llm @2e50426): the cache is the first `sinks` tokens (the
// attention sinks) plus the most recent `window` tokens (StartRecentKVCache, defaults 4 + 2000
// from examples/run_streaming_llama.py). Keys are cached before RoPE and rotated at their cache
// slots 0..len-1 on every step (pos_shift/modify_llama.py). Before each forward call the cache
// is trimmed so that, with the new tokens, it holds at most sinks + window (evict_for_space);
// a long prompt is fed in chunks of chunk_size (<= window) tokens so that no slot position the
// model was not trained for is ever used.
#include <algorithm>
#include <cstring>
#include <numeric>

#include "context_method.h"
#include "methods/method_steps.h"
#include "model_config.h"
#include "rope.h"
#include "transformer.h"

namespace gleaner {

namespace {

class StreamingPolicy final : public AttentionPolicy {
public:
    StreamingPolicy(const Transformer& tf, int sinks, int window)
        : be_(tf.backend()), sinks_(sinks), window_(window), layers_(tf.config().n_layers) {
        const ModelConfig& c = tf.config();
        H_ = c.n_heads, Hkv_ = c.n_kv_heads, D_ = c.head_dim;
        scale_ = c.attn_scale;
        for (int il = 0; il < c.n_layers; ++il) {
            Layer& L = layers_[il];
            L.rope = std::make_unique<RopeTable>(tf.rope_params(il), sinks + window + 1);
            L.sliding = c.layer_is_local[il] ? c.sliding_window : 0;
        }
    }

    void attend(int il, float* q, float* k, float* v, int T, const int32_t* pos, float* out) override {
        if (T > window_) throw std::logic_error("streaming: a forward call longer than the window");
        Layer& L = layers_[il];
        const size_t row = static_cast<size_t>(Hkv_) * D_;
        // evict_for_space: keep the sinks and the newest window - T tokens
        const int n = static_cast<int>(L.pos.size());
        const int keep_recent = window_ - T;
        if (n > sinks_ + keep_recent) {
            const int drop = n - sinks_ - keep_recent;
            const int from = sinks_ + drop;
            L.k.erase(L.k.begin() + sinks_ * row, L.k.begin() + from * row);
            L.v.erase(L.v.begin() + sinks_ * row, L.v.begin() + from * row);
            L.pos.erase(L.pos.begin() + sinks_, L.pos.begin() + from);
        }
        L.k.insert(L.k.end(), k, k + T * row);
        L.v.insert(L.v.end(), v, v + T * row);
        L.pos.insert(L.pos.end(), pos, pos + T);
        const int len = static_cast<int>(L.pos.size());
        // rotate at cache slots
        rot_k_.assign(L.k.begin(), L.k.end());
        slots_.resize(len);
        std::iota(slots_.begin(), slots_.end(), 0);
        L.rope->rotate(rot_k_.data(), len, Hkv_, D_, slots_.data());
        L.rope->rotate(q, T, H_, D_, slots_.data() + len - T);
        KvSegment s;
        s.q = q;
        s.k = rot_k_.data();
        s.v = L.v.data();
        s.stride = row;
        s.n_kv = len;
        s.q_pos = slots_.data() + len - T;
        s.kv_pos = slots_.data();
        s.min_dist = 0;
        if (L.sliding > 0) s.max_dist = L.sliding;
        SegmentAttentionParams ap;
        ap.n_tokens = T;
        ap.n_heads = H_;
        ap.n_kv_heads = Hkv_;
        ap.head_dim = D_;
        ap.scale = scale_;
        be_.attention_segments(&s, 1, ap, out);
    }

    // Positions (as given to forward) of the tokens cached in layer 0.
    const std::vector<int32_t>& cached_positions() const { return layers_[0].pos; }

private:
    struct Layer {
        std::vector<float> k, v;  // raw keys and values of the cached tokens, in cache order
        std::vector<int32_t> pos;
        std::unique_ptr<RopeTable> rope;
        int sliding = 0;
    };
    Backend& be_;
    int sinks_, window_;
    int H_ = 0, Hkv_ = 0, D_ = 0;
    float scale_ = 1.0f;
    std::vector<Layer> layers_;
    std::vector<float> rot_k_;
    std::vector<int32_t> slots_;
};

class StreamingMethod final : public ContextMethod {
public:
    StreamingMethod(const Model& model, Backend& backend, int sinks, int window, int chunk)
        : model_(model), backend_(backend), sinks_(sinks), window_(window), chunk_(chunk) {}
    std::string name() const override { return "streaming"; }
    std::string describe() const override {
        return "streaming: sinks=" + std::to_string(sinks_) + " window=" + std::to_string(window_) +
               " chunk_size=" + std::to_string(chunk_);
    }

    std::vector<float> prefill(const QaPrompt& prompt, int, const PrefillProgress& progress) override {
        const std::vector<int32_t>& ids = prompt.ids;
        if (ids.empty()) throw std::invalid_argument("empty prompt");
        tf_ = std::make_unique<Transformer>(model_, backend_, 1, chunk_);
        policy_ = std::make_unique<StreamingPolicy>(*tf_, sinks_, window_);
        tf_->set_attention_policy(policy_.get());
        std::vector<float> logits = prefill_in_chunks(*tf_, ids, chunk_, Logits::Last, progress);
        prompt_len_ = static_cast<int>(ids.size());
        return logits;
    }

    std::vector<float> decode(int32_t token) override { return decode_token(*tf_, token, "streaming"); }

    SelectionTrace trace() const override {
        SelectionTrace t;
        if (!policy_) return t;
        for (int32_t p : policy_->cached_positions())
            if (p < prompt_len_) t.tokens.push_back({p, 1.0f});
        t.attended = static_cast<int64_t>(t.tokens.size());
        return t;
    }

private:
    const Model& model_;
    Backend& backend_;
    int sinks_, window_, chunk_;
    int prompt_len_ = 0;
    std::unique_ptr<Transformer> tf_;
    std::unique_ptr<StreamingPolicy> policy_;
};

}  // namespace

std::unique_ptr<ContextMethod> make_streaming_method(const Model& model, Backend& backend, const MethodSettings& s) {
    const int sinks = s.get_int("sinks", 4);
    const int window = s.get_int("window", std::min(2000, std::max(16, model.config().n_ctx_train - sinks)));
    const int chunk = s.get_int("chunk_size", std::min(512, window));
    if (sinks < 0 || window < 1 || chunk < 1 || chunk > window)
        throw std::invalid_argument("streaming: need sinks >= 0, window >= 1 and 1 <= chunk_size <= window");
    if (sinks + window > model.config().n_ctx_train)
        throw std::invalid_argument("streaming: sinks + window exceed the model's context");
    return std::make_unique<StreamingMethod>(model, backend, sinks, window, chunk);
}

}  // namespace gleaner
