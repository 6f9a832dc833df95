#include "transformer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

namespace gleaner {

namespace {
size_t weight_bytes(const WeightView& w) { return w.data ? w.row_bytes() * static_cast<size_t>(w.n_out) : 0; }
size_t scratch_floats(const ModelConfig& c, size_t t) {
    return t * (3 * static_cast<size_t>(c.n_embd) + 2 * static_cast<size_t>(c.n_heads) * c.head_dim +
                2 * static_cast<size_t>(c.n_kv_heads) * c.head_dim + 2 * static_cast<size_t>(c.n_ff));
}
}  // namespace

ModelFootprint model_footprint(const Model& model, int n_ctx, int max_batch, DType kv_type) {
    const ModelConfig& c = model.config();
    const ModelWeights& w = model.weights();
    ModelFootprint f;
    auto track = [&](const WeightView& wv) {
        f.largest_weight_elems = std::max(f.largest_weight_elems, static_cast<size_t>(wv.n_in) * wv.n_out);
        return weight_bytes(wv);
    };
    const size_t E = static_cast<size_t>(c.n_embd);
    for (const LayerWeights& l : w.layers) {
        size_t b = track(l.wq) + track(l.wk) + track(l.wv) + track(l.wo) + track(l.w_gate) + track(l.w_up) +
                   track(l.w_down);
        b += 4 * E * sizeof(float);  // norms (an upper bound: not every architecture has four)
        f.layer_bytes.push_back(b);
    }
    f.other_bytes = weight_bytes(w.token_embd) + (w.output.data != w.token_embd.data ? track(w.output) : 0) +
                    E * sizeof(float);
    const int ctx = n_ctx > 0 ? n_ctx : c.n_ctx_train;
    f.kv_bytes = KvCache::bytes_for(c.n_layers, ctx, c.n_kv_heads, c.head_dim, kv_type);
    const size_t T = static_cast<size_t>(std::max(1, max_batch));
    f.scratch_bytes = scratch_floats(c, T) * sizeof(float) + T * static_cast<size_t>(c.n_vocab) * sizeof(float);
    return f;
}

Transformer::Transformer(const Model& model, Backend& backend, int n_ctx, int max_batch, DType kv_type)
    : model_(model),
      backend_(backend),
      plan_(backend.plan_model(model_footprint(model, n_ctx, max_batch, kv_type))),
      cache_(backend, model.config().n_layers, n_ctx > 0 ? n_ctx : model.config().n_ctx_train,
             model.config().n_kv_heads, model.config().head_dim, kv_type),
      max_batch_(std::max(1, max_batch)) {}

void Transformer::ensure_scratch(int T) {
    const ModelConfig& c = config();
    const size_t t = static_cast<size_t>(T);
    if (x_.size() >= t * c.n_embd) return;
    x_.reset(backend_, t * c.n_embd);
    xn_.reset(backend_, t * c.n_embd);
    out_.reset(backend_, t * c.n_embd);
    q_.reset(backend_, t * c.n_heads * c.head_dim);
    attn_.reset(backend_, t * c.n_heads * c.head_dim);
    k_.reset(backend_, t * c.n_kv_heads * c.head_dim);
    v_.reset(backend_, t * c.n_kv_heads * c.head_dim);
    gate_.reset(backend_, t * c.n_ff);
    up_.reset(backend_, t * c.n_ff);
}

const std::vector<float>& Transformer::forward(std::span<const int32_t> tokens, Logits mode,
                                               const int32_t* positions, int logits_from) {
    const ModelConfig& c = config();
    const int n = static_cast<int>(tokens.size());
    if (n == 0) throw std::invalid_argument("forward() needs at least one token");
    if (layer_limit_ > 0 && layer_limit_ < c.n_layers && mode != Logits::None)
        throw std::invalid_argument("a forward pass cut short at a layer limit has no logits");
    if (!policy_ && cache_.n_used + n > cache_.capacity)
        throw ContextFullError("the text needs " + std::to_string(cache_.n_used + n) + " tokens but the context holds " +
                               std::to_string(cache_.capacity) + " (use a long-context method, or a shorter text)");
    for (int32_t id : tokens)
        if (id < 0 || id >= c.n_vocab) throw std::invalid_argument("token id " + std::to_string(id) + " out of range");

    const int32_t first_pos = policy_ ? policy_next_pos_ : cache_.n_used == 0 ? 0 : cache_.pos[cache_.n_used - 1] + 1;
    pos_.resize(n);
    for (int i = 0; i < n; ++i) pos_[i] = positions ? positions[i] : first_pos + i;
    if (policy_) policy_next_pos_ = pos_[n - 1] + 1;

    const size_t V = static_cast<size_t>(c.n_vocab);
    logits_.assign(mode == Logits::All ? V * n : mode == Logits::Last ? V : 0, 0.0f);
    for (int b = 0; b < n; b += max_batch_) {
        const int T = std::min(max_batch_, n - b);
        const bool last_batch = b + T == n;
        const Logits m = mode == Logits::All ? Logits::All : (mode == Logits::Last && last_batch ? Logits::Last : Logits::None);
        forward_batch(tokens.data() + b, pos_.data() + b, T, m, b, std::clamp(logits_from - b, 0, T - 1));
    }
    // Callers read the cache and the logits on the host (a no-op on the CPU).
    backend_.synchronize();
    return logits_;
}

void Transformer::forward_batch(const int32_t* tokens, const int32_t* pos, int T, Logits mode, int out_row,
                                int first_row) {
    const ModelConfig& c = config();
    const ModelWeights& w = model_.weights();
    ensure_scratch(T);
    const size_t E = static_cast<size_t>(c.n_embd);

    backend_.get_rows(w.token_embd, tokens, T, x_.data());
    if (c.embed_scale_sqrt) backend_.scale(x_.data(), T * E, std::sqrt(static_cast<float>(c.n_embd)));

    const int n_run = layer_limit_ > 0 ? std::min(layer_limit_, c.n_layers) : c.n_layers;
    for (int il = 0; il < n_run; ++il) {
        const bool qk_only = qk_sink_ && il == n_run - 1;
        attention_block(il, T, pos, qk_only);
        if (qk_only) break;
        ffn_block(il, T);
    }
    if (!policy_) cache_.n_used += T;

    if (mode == Logits::None) return;
    // Only the rows whose logits were asked for go through the final norm and the LM head.
    const int first = mode == Logits::Last ? T - 1 : first_row;
    const int rows = T - first;
    backend_.rms_norm(x_.data() + first * E, w.output_norm, rows, c.n_embd, c.norm_eps, xn_.data());
    float* dst = logits_.data() + (mode == Logits::All ? static_cast<size_t>(out_row + first) * c.n_vocab : 0);
    backend_.matmul(w.output, xn_.data(), rows, dst);
}

void Transformer::embed(std::span<const int32_t> tokens, float* x) {
    const ModelConfig& c = config();
    const int T = static_cast<int>(tokens.size());
    for (int32_t id : tokens)
        if (id < 0 || id >= c.n_vocab) throw std::invalid_argument("token id " + std::to_string(id) + " out of range");
    ensure_scratch(T);
    const size_t E = static_cast<size_t>(c.n_embd);
    backend_.get_rows(model_.weights().token_embd, tokens.data(), T, x_.data());
    if (c.embed_scale_sqrt) backend_.scale(x_.data(), T * E, std::sqrt(static_cast<float>(c.n_embd)));
    backend_.copy(x, x_.data(), T * E * sizeof(float));
    backend_.synchronize();
}

void Transformer::run_layer(int layer, float* x, int T, const int32_t* pos, AttentionPolicy& attend) {
    const size_t E = static_cast<size_t>(config().n_embd);
    ensure_scratch(T);
    backend_.copy(x_.data(), x, T * E * sizeof(float));
    AttentionPolicy* const saved = policy_;
    policy_ = &attend;  // attention_block hands the attention to the policy
    attention_block(layer, T, pos, false);
    policy_ = saved;
    ffn_block(layer, T);
    backend_.copy(x, x_.data(), T * E * sizeof(float));
    backend_.synchronize();
}

std::vector<float> Transformer::logits_of(const float* x) {
    const ModelConfig& c = config();
    const ModelWeights& w = model_.weights();
    ensure_scratch(1);
    backend_.copy(x_.data(), x, static_cast<size_t>(c.n_embd) * sizeof(float));
    backend_.rms_norm(x_.data(), w.output_norm, 1, c.n_embd, c.norm_eps, xn_.data());
    std::vector<float> logits(static_cast<size_t>(c.n_vocab));
    backend_.matmul(w.output, xn_.data(), 1, logits.data());
    backend_.synchronize();
    return logits;
}

RopeParams layer_rope_params(const Model& model, int il) {
    const ModelConfig& c = model.config();
    const bool local = c.layer_is_local[il];
    RopeParams rp;
    rp.style = c.rope_style;
    rp.n_rot = c.n_rot;
    rp.freq_base = local ? c.rope_freq_base_local : c.rope_freq_base;
    rp.freq_scale = local ? 1.0f : c.rope_freq_scale;
    rp.freq_factors = model.weights().rope_freqs;
    return rp;
}

void Transformer::attention_block(int il, int T, const int32_t* pos, bool qk_only) {
    const ModelConfig& c = config();
    const LayerWeights& l = model_.weights().layers[il];
    const int H = c.n_heads, Hkv = c.n_kv_heads, D = c.head_dim;
    const size_t E = static_cast<size_t>(c.n_embd);

    backend_.rms_norm(x_.data(), l.attn_norm, T, c.n_embd, c.norm_eps, xn_.data());
    const WeightView qkv[3] = {l.wq, l.wk, l.wv};
    float* const qkv_out[3] = {q_.data(), k_.data(), v_.data()};
    backend_.matmul_same_input(qkv, qkv_out, 3, xn_.data(), T);
    if (l.bq) backend_.add_bias(q_.data(), l.bq, T, H * D);
    if (l.bk) backend_.add_bias(k_.data(), l.bk, T, Hkv * D);
    if (l.bv) backend_.add_bias(v_.data(), l.bv, T, Hkv * D);
    if (l.q_norm) backend_.rms_norm(q_.data(), l.q_norm, T * H, D, c.norm_eps, q_.data());
    if (l.k_norm) backend_.rms_norm(k_.data(), l.k_norm, T * Hkv, D, c.norm_eps, k_.data());

    if (qk_only) {
        backend_.synchronize();  // the sink reads q and k on the host
        qk_sink_->on_qk(il, q_.data(), k_.data(), T, pos);
        return;
    }
    if (policy_) {
        backend_.synchronize();  // policies read q, k and v on the host
        policy_->attend(il, q_.data(), k_.data(), v_.data(), T, pos, attn_.data());
    } else {
        attention_cached(il, T, pos);
    }
    backend_.matmul(l.wo, attn_.data(), T, out_.data());
    if (l.post_attn_norm) backend_.rms_norm(out_.data(), l.post_attn_norm, T, c.n_embd, c.norm_eps, out_.data());
    backend_.add(x_.data(), out_.data(), T * E);
}

void Transformer::attention_cached(int il, int T, const int32_t* pos) {
    const ModelConfig& c = config();
    const int H = c.n_heads, Hkv = c.n_kv_heads, D = c.head_dim;
    const bool local = c.layer_is_local[il];
    const RopeParams rp = rope_params(il);
    backend_.rope(q_.data(), T, H, D, pos, rp);
    backend_.rope(k_.data(), T, Hkv, D, pos, rp);

    // Append this batch's keys and values to the cache.
    const int slot0 = cache_.n_used;
    const size_t row = static_cast<size_t>(Hkv) * D;
    // Through the backend, ordered with its ops (on a GPU these buffers are device-resident).
    backend_.store_as(cache_.k_row(il, slot0), cache_.type, k_.data(), T * row);
    backend_.store_as(cache_.v_row(il, slot0), cache_.type, v_.data(), T * row);
    if (il == 0) backend_.copy(cache_.pos.data() + slot0, pos, T * sizeof(int32_t));

    AttentionParams ap;
    ap.n_tokens = T;
    ap.n_heads = H;
    ap.n_kv_heads = Hkv;
    ap.head_dim = D;
    ap.n_kv = slot0 + T;
    ap.scale = c.attn_scale;
    ap.q_pos = pos;
    ap.kv_pos = cache_.pos.data();
    ap.sliding_window = local ? c.sliding_window : 0;
    ap.kv_row_stride = row;
    ap.kv_type = cache_.type;
    backend_.attention(q_.data(), cache_.k_data(il), cache_.v_data(il), ap, attn_.data());
}

void Transformer::ffn_block(int il, int T) {
    const ModelConfig& c = config();
    const LayerWeights& l = model_.weights().layers[il];
    const size_t E = static_cast<size_t>(c.n_embd), F = static_cast<size_t>(c.n_ff);

    backend_.rms_norm(x_.data(), l.ffn_norm, T, c.n_embd, c.norm_eps, xn_.data());
    const WeightView gate_up[2] = {l.w_gate, l.w_up};
    float* const gate_up_out[2] = {gate_.data(), up_.data()};
    backend_.matmul_same_input(gate_up, gate_up_out, 2, xn_.data(), T);
    if (c.arch == Architecture::Gemma3)
        backend_.gelu_tanh_mul(gate_.data(), up_.data(), T * F, gate_.data());
    else
        backend_.silu_mul(gate_.data(), up_.data(), T * F, gate_.data());
    backend_.matmul(l.w_down, gate_.data(), T, out_.data());
    if (l.post_ffn_norm) backend_.rms_norm(out_.data(), l.post_ffn_norm, T, c.n_embd, c.norm_eps, out_.data());
    backend_.add(x_.data(), out_.data(), T * E);
}

}  // namespace gleaner
