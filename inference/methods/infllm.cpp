// InfLLM: block memory per layer, top-k block retrieval, distant tokens at one fixed position.
// The steps follow ContextManager._append / append_global / calc_block_topk of thunlp/InfLLM
// (numbered as in ../shared/reference/qllm_infllm.md section 1.4).
#include "methods/infllm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "methods/method_steps.h"
#include "model_config.h"
#include "top_k.h"

namespace gleaner {

// ---- configuration ------------------------------------------------------------------------------

void InfLlmConfig::validate() const {
    auto need = [](bool ok, const char* what) {
        if (!ok) throw std::invalid_argument(std::string("infllm settings: ") + what);
    };
    need(n_init >= 0, "n_init must be >= 0");
    need(n_local >= 1, "n_local must be >= 1");
    need(topk >= 0, "topk must be >= 0");
    need(block_size >= 1, "block_size must be >= 1");
    need(repr_topk >= 1, "repr_topk must be >= 1");
    need(exc_block >= 1 && exc_block <= n_local, "exc_block must be in 1..n_local (the reference asserts it)");
    need(max_cached_blocks >= topk, "max_cached_blocks must be >= topk (the reference fails otherwise)");
    need(chunk_size >= 1, "chunk_size must be >= 1");
    need(kv_type == DType::F16 || kv_type == DType::F32, "kv_type must be f16 or f32");
}

std::string InfLlmConfig::describe() const {
    std::ostringstream s;
    s << "n_init=" << n_init << " n_local=" << n_local << " topk=" << topk << " block_size=" << block_size
      << " repr_topk=" << repr_topk << " max_cached_blocks=" << max_cached_blocks << " exc_block=" << exc_block
      << " chunk_size=" << chunk_size << " kv=" << kv_type_name(kv_type);
    if (question_weight != 0.0f) s << " question_weight=" << question_weight;
    if (reference_mask) s << " reference_mask=1";
    return s.str();
}

namespace {
// Scales a window written for an 8k-context model to this model's context (never up).
int scaled(int v, const ModelConfig& c, int min_value) {
    if (c.n_ctx_train <= 0 || c.n_ctx_train >= 8192) return v;
    return std::max(min_value, static_cast<int>(static_cast<int64_t>(v) * c.n_ctx_train / 8192));
}
}  // namespace

InfLlmConfig infllm_defaults(const ModelConfig& c) {
    InfLlmConfig k;  // InfLLM llama-3-inf-llm.yaml
    k.n_init = scaled(128, c, 4);
    k.n_local = scaled(4096, c, 64);
    k.topk = 16;
    k.block_size = scaled(128, c, 8);
    k.repr_topk = 4;
    k.max_cached_blocks = 32;
    k.exc_block = std::min(k.n_local, scaled(512, c, 16));
    k.chunk_size = scaled(8192, c, k.exc_block);
    return k;
}

InfLlmConfig qllm_defaults(const ModelConfig& c) {
    InfLlmConfig k;  // Q-LLM llama3-qllm-...-l1k-bs128-topk8-w4 (the quick-start config)
    k.n_init = scaled(128, c, 4);
    k.n_local = scaled(1024, c, 64);
    k.topk = 8;
    k.block_size = scaled(128, c, 8);
    k.repr_topk = 4;
    k.max_cached_blocks = 32;
    k.exc_block = std::min(k.n_local, scaled(512, c, 16));
    k.chunk_size = scaled(8192, c, k.exc_block);
    k.question_weight = 4.0f;
    return k;
}

ArrayFactory heap_arrays() {
    return [](int, const std::string&) { return make_heap_bytes(); };
}

std::vector<int64_t> top_blocks(const float* scores, int64_t n, int k) {
    std::vector<int64_t> idx(static_cast<size_t>(std::max<int64_t>(n, 0)));
    std::iota(idx.begin(), idx.end(), int64_t{0});
    if (n <= k) return idx;
    const std::vector<int32_t> best = top_k(scores, n, k);
    return std::vector<int64_t>(best.begin(), best.end());
}

// ---- one layer ----------------------------------------------------------------------------------

InfLlmLayer::InfLlmLayer(const InfLlmConfig& cfg, const LayerGeometry& geo, const ArrayFactory& arrays)
    : cfg_(cfg),
      geo_(geo),
      row_(static_cast<size_t>(geo.n_kv_heads) * geo.head_dim),
      kv_row_bytes_(dtype_row_bytes(cfg.kv_type, static_cast<int64_t>(row_))),
      k_(arrays(geo.layer, "k")),
      v_(arrays(geo.layer, "v")),
      acc_(arrays(geo.layer, "acc")),
      repr_(arrays(geo.layer, "repr")) {
    cfg_.validate();
    if (geo_.sliding_window <= 0) {
        const size_t slot = static_cast<size_t>(cfg_.block_size) * kv_row_bytes_;
        cache_k_.resize(slot * cfg_.max_cached_blocks);
        cache_v_.resize(slot * cfg_.max_cached_blocks);
        slot_block_.assign(cfg_.max_cached_blocks, -1);
        slot_lru_.assign(cfg_.max_cached_blocks, 0);
    }
}

void InfLlmLayer::restore(const InfLlmLayerState& s) {
    const size_t H = geo_.n_heads, D = geo_.head_dim;
    if (k_->size() < s.n_tokens * kv_row_bytes_ || v_->size() < s.n_tokens * kv_row_bytes_ ||
        repr_.size() < s.n_blocks * H * D)
        throw std::runtime_error("layer " + std::to_string(geo_.layer) + ": the saved memory is shorter than its state");
    st_ = s;
    k_->resize(s.n_tokens * kv_row_bytes_);
    v_->resize(s.n_tokens * kv_row_bytes_);
    acc_.resize(s.n_tokens * H);
    repr_.resize(s.n_blocks * H * D);
    std::fill(slot_block_.begin(), slot_block_.end(), -1);
}

void InfLlmLayer::set_scores(int64_t first, const float* rows, int64_t n) {
    if (first < 0 || first + n > st_.n_tokens) throw std::out_of_range("set_scores outside the memory");
    std::memcpy(acc_.data() + first * geo_.n_heads, rows, static_cast<size_t>(n) * geo_.n_heads * sizeof(float));
}

void InfLlmLayer::flush() {
    k_->flush();
    v_->flush();
    acc_.flush();
    repr_.flush();
}

int InfLlmLayer::slot_of(int64_t b) const {
    for (size_t i = 0; i < slot_block_.size(); ++i)
        if (slot_block_[i] == b) return static_cast<int>(i);
    return -1;
}

// Step 4: the LRU cache. Evicts least-recently-used blocks that are not selected until the
// missing ones fit, then copies each missing block from the store.
int InfLlmLayer::ensure_cached(int64_t b, const std::vector<int64_t>& keep) {
    int s = slot_of(b);
    if (s >= 0) return s;
    s = slot_of(-1);
    if (s < 0) {
        uint64_t best = UINT64_MAX;
        for (size_t i = 0; i < slot_block_.size(); ++i) {
            if (std::find(keep.begin(), keep.end(), slot_block_[i]) != keep.end()) continue;
            if (slot_lru_[i] < best) {
                best = slot_lru_[i];
                s = static_cast<int>(i);
            }
        }
        if (s < 0) throw std::logic_error("infllm: block cache smaller than topk");
    }
    const size_t slot = static_cast<size_t>(cfg_.block_size) * kv_row_bytes_;
    std::memcpy(cache_k_.data() + s * slot, raw_k(block_start(b)), slot);
    std::memcpy(cache_v_.data() + s * slot, raw_v(block_start(b)), slot);
    slot_block_[s] = b;
    ++cache_misses_;
    return s;
}

void InfLlmLayer::process(Backend& be, const RopeTable& rope, float* q, const float* k, const float* v, int m,
                          float* out, InfLlmHooks& hooks, std::vector<BlockRetrieval>* record) {
    const int H = geo_.n_heads, Hkv = geo_.n_kv_heads, D = geo_.head_dim;
    const size_t qrow = static_cast<size_t>(H) * D;
    const bool window_only = geo_.sliding_window > 0;
    const int W = window_only ? geo_.sliding_window : cfg_.n_local;
    const int64_t xs = st_.n_tokens, xe = xs + m;

    // Append the raw keys and values to the store; new tokens start with no score.
    const DType kt = cfg_.kv_type;
    const size_t rb = kv_row_bytes_;
    k_->resize(xe * rb);
    v_->resize(xe * rb);
    acc_.resize(xe * H);
    kv_elements_from_f32(k, kt, m * row_, k_->data() + xs * rb);
    kv_elements_from_f32(v, kt, m * row_, v_->data() + xs * rb);
    std::fill(acc_.data() + xs * H, acc_.data() + xe * H, 0.0f);

    // 1. LOCAL: keys [lo, xe) rotated at positions 0..L-1, queries at their offsets from lo, so
    //    relative positions are exact; query t sees key s iff 0 <= t - s < W.
    const int64_t lo = std::max<int64_t>(0, xs - W + 1);
    const int L = static_cast<int>(xe - lo);
    local_k_.resize(static_cast<size_t>(L) * row_);
    kv_elements_to_f32(raw_k(lo), kt, local_k_.size(), local_k_.data());
    local_v_.resize(local_k_.size());  // one element type per segment: the window's keys are floats
    kv_elements_to_f32(raw_v(lo), kt, local_v_.size(), local_v_.data());
    local_pos_.resize(L);
    std::iota(local_pos_.begin(), local_pos_.end(), 0);
    rope.rotate(local_k_.data(), L, Hkv, D, local_pos_.data());
    q_local_pos_.resize(m);
    for (int i = 0; i < m; ++i) q_local_pos_[i] = static_cast<int32_t>(xs + i - lo);

    std::vector<KvSegment> segs;
    segs.reserve(cfg_.topk + 3);
    if (!window_only) {
        // 2. GLOBAL QUERY: every distant key sits at relative distance W-1 (keys unrotated).
        qg_.assign(q, q + m * qrow);
        rope.rotate_all(qg_.data(), m, H, D, W - 1);
    }
    rope.rotate(q, m, H, D, q_local_pos_.data());

    KvSegment local;
    local.q = q;
    local.k = local_k_.data();
    local.v = local_v_.data();
    local.stride = row_;
    local.n_kv = L;
    local.q_pos = q_local_pos_.data();
    local.kv_pos = local_pos_.data();
    local.min_dist = 0;
    local.max_dist = W;
    local.score_acc = window_only ? nullptr : acc_.data() + lo * H;
    segs.push_back(local);

    if (!window_only) {
        // 3. SELECT: the exc block's mean global query against every representative.
        const int64_t nb = st_.n_blocks;
        std::vector<int64_t> sel;
        if (nb > 0) {
            qbar_.assign(qrow, 0.0f);
            for (int i = 0; i < m; ++i)
                for (size_t j = 0; j < qrow; ++j) qbar_[j] += qg_[i * qrow + j];
            for (float& x : qbar_) x /= static_cast<float>(m);
            // on the backend (the GPU holds no copy of the representatives: they are uploaded)
            block_scores_.resize(nb);
            block_top_.resize(static_cast<size_t>(std::min<int64_t>(nb, std::max(cfg_.topk, 0))));
            be.score_blocks_topk(qbar_.data(), repr_.data(), nb, static_cast<int>(qrow), cfg_.topk,
                                 block_scores_.data(), block_top_.data());
            if (hooks.add_block_scores(*this, repr_.data(), nb, block_scores_.data()) || nb <= cfg_.topk)
                sel = top_blocks(block_scores_.data(), nb, cfg_.topk);  // ranked again, or all in order
            else
                sel.assign(block_top_.begin(), block_top_.end());
            if (record) {
                BlockRetrieval r;
                r.layer = geo_.layer;
                r.first_token = static_cast<int>(xs);
                r.n_tokens = m;
                r.blocks.assign(sel.begin(), sel.end());
                for (int64_t b : sel) r.scores.push_back(block_scores_[b]);
                record->push_back(std::move(r));
            }
            // 4. CACHE
            const uint64_t stamp = ++lru_clock_;
            const size_t slot = static_cast<size_t>(cfg_.block_size) * rb;
            for (int64_t b : sel) {
                const int s = ensure_cached(b, sel);
                slot_lru_[s] = stamp;
                KvSegment g;
                g.q = qg_.data();
                g.k = cache_k_.data() + s * slot;
                g.v = cache_v_.data() + s * slot;
                g.kv_type = kt;
                g.stride = row_;
                g.n_kv = cfg_.block_size;
                segs.push_back(g);
            }
        }
        // 5. GLOBAL KEYS: [selected blocks][init][remainder older than xe - W]
        if (st_.init_len > 0) {
            KvSegment g;
            g.q = qg_.data();
            g.k = raw_k(0);
            g.v = raw_v(0);
            g.kv_type = kt;
            g.stride = row_;
            g.n_kv = static_cast<int>(st_.init_len);
            segs.push_back(g);
        }
        const int64_t r0 = st_.rem_start, r1 = xe - W;
        if (r1 > r0) {
            KvSegment g;
            g.q = qg_.data();
            g.k = raw_k(r0);
            g.v = raw_v(r0);
            g.kv_type = kt;
            g.stride = row_;
            g.n_kv = static_cast<int>(r1 - r0);
            if (!cfg_.reference_mask) {  // each query sees only what its window does not
                rem_pos_.resize(r1 - r0);
                std::iota(rem_pos_.begin(), rem_pos_.end(), static_cast<int32_t>(r0));
                q_abs_pos_.resize(m);
                std::iota(q_abs_pos_.begin(), q_abs_pos_.end(), static_cast<int32_t>(xs));
                g.q_pos = q_abs_pos_.data();
                g.kv_pos = rem_pos_.data();
                g.min_dist = W;
            }
            segs.push_back(g);
        }
    }

    // 6./7. one softmax over local and global keys; local keys accumulate their attention.
    SegmentAttentionParams ap;
    ap.n_tokens = m;
    ap.n_heads = H;
    ap.n_kv_heads = Hkv;
    ap.head_dim = D;
    ap.scale = geo_.scale;
    be.attention_segments(segs.data(), static_cast<int>(segs.size()), ap, out);

    st_.n_tokens = xe;
    if (!window_only) {
        hooks.after_exc_block(*this, qg_.data(), xs, m);
        freeze();  // 8.
    }
}

// Step 8: move the oldest remainder tokens into init, then cut blocks while the remainder holds
// a whole block beyond the local window.
void InfLlmLayer::freeze() {
    const int64_t n = st_.n_tokens;
    if (st_.init_len < cfg_.n_init && n - st_.rem_start > cfg_.n_local) {
        const int64_t mv = std::min<int64_t>(cfg_.n_init - st_.init_len, n - st_.rem_start - cfg_.n_local);
        st_.init_len += mv;
        st_.rem_start += mv;
    }
    while (n - st_.rem_start - cfg_.block_size >= cfg_.n_local) {
        make_representative(st_.n_blocks);
        ++st_.n_blocks;
        st_.rem_start += cfg_.block_size;
    }
}

// Per query head: the repr_topk tokens of the block with the highest accumulated score; the
// mean of their raw keys (GQA: the KV head of that query head) is the head's representative.
void InfLlmLayer::make_representative(int64_t b) {
    const int H = geo_.n_heads, D = geo_.head_dim, G = H / geo_.n_kv_heads;
    const int bs = cfg_.block_size;
    const int64_t first = block_start(b);
    if (first != st_.rem_start) throw std::logic_error("infllm: blocks must follow the init tokens");
    repr_.resize((b + 1) * static_cast<size_t>(H) * D);
    float* r = repr_.data() + b * static_cast<size_t>(H) * D;
    const int take = std::min(cfg_.repr_topk, bs);
    std::vector<float> sc(bs), key(row_);
    for (int h = 0; h < H; ++h) {
        for (int i = 0; i < bs; ++i) sc[i] = acc_.data()[(first + i) * H + h];
        const std::vector<int32_t> idx = top_k(sc.data(), bs, take);
        float* rh = r + static_cast<size_t>(h) * D;
        std::fill(rh, rh + D, 0.0f);
        const int g = h / G;
        for (int i = 0; i < take; ++i) {
            raw_k_f32(first + idx[i], key.data());
            const float* kk = key.data() + static_cast<size_t>(g) * D;
            for (int d = 0; d < D; ++d) rh[d] += kk[d];
        }
        for (int d = 0; d < D; ++d) rh[d] /= static_cast<float>(take);
    }
}

// ---- the policy ---------------------------------------------------------------------------------

InfLlmPolicy::InfLlmPolicy(const Transformer& tf, const InfLlmConfig& cfg, ArrayFactory arrays, int n_layers)
    : cfg_(cfg), backend_(tf.backend()) {
    cfg_.validate();
    const ModelConfig& c = tf.config();
    const int n = n_layers > 0 ? std::min(n_layers, c.n_layers) : c.n_layers;
    for (int il = 0; il < n; ++il) {
        LayerGeometry g;
        g.layer = il;
        g.n_heads = c.n_heads;
        g.n_kv_heads = c.n_kv_heads;
        g.head_dim = c.head_dim;
        g.scale = c.attn_scale;
        g.rope = tf.rope_params(il);
        g.sliding_window = c.layer_is_local[il] ? c.sliding_window : 0;
        layers_.push_back(std::make_unique<InfLlmLayer>(cfg_, g, arrays));
        // one table per distinct RoPE (Gemma 3 has two)
        const int need = std::max(cfg_.n_local, g.sliding_window) + cfg_.exc_block + 1;
        int found = -1;
        for (size_t i = 0; i < rope_.size(); ++i) {
            const RopeParams& p = rope_[i]->params();
            if (p.freq_base == g.rope.freq_base && p.freq_scale == g.rope.freq_scale && p.style == g.rope.style &&
                rope_[i]->size() >= need)
                found = static_cast<int>(i);
        }
        if (found < 0) {
            rope_.push_back(std::make_unique<RopeTable>(g.rope, need));
            found = static_cast<int>(rope_.size()) - 1;
        }
        rope_index_.push_back(found);
    }
}

void InfLlmPolicy::attend(int il, float* q, float* k, float* v, int T, const int32_t* pos, float* out) {
    (void)pos;  // InfLLM numbers tokens itself (position ids are ignored, as in the reference)
    if (il >= static_cast<int>(layers_.size())) throw std::logic_error("infllm: no memory for this layer");
    InfLlmLayer& L = *layers_[il];
    const LayerGeometry& g = L.geometry();
    const size_t qrow = static_cast<size_t>(g.n_heads) * g.head_dim, kvrow = static_cast<size_t>(g.n_kv_heads) * g.head_dim;
    for (int off = 0; off < T; off += cfg_.exc_block) {
        const int m = std::min(cfg_.exc_block, T - off);
        L.process(backend_, *rope_[rope_index_[il]], q + off * qrow, k + off * kvrow, v + off * kvrow, m,
                  out + off * qrow, *hooks_, recording_ ? &retrievals_ : nullptr);
    }
}

void InfLlmPolicy::flush() {
    for (auto& l : layers_) l->flush();
}

}  // namespace gleaner

// ---- InfLLM as a ContextMethod --------------------------------------------------------------------

namespace gleaner {

InfLlmConfig infllm_config_from(const MethodSettings& s, InfLlmConfig d) {
    d.n_init = s.get_int("n_init", d.n_init);
    d.n_local = s.get_int("n_local", d.n_local);
    d.topk = s.get_int("topk", d.topk);
    d.block_size = s.get_int("block_size", d.block_size);
    d.repr_topk = s.get_int("repr_topk", d.repr_topk);
    d.max_cached_blocks = s.get_int("max_cached_blocks", std::max(d.max_cached_blocks, d.topk));
    d.exc_block = s.get_int("exc_block", std::min(d.exc_block, d.n_local));
    d.chunk_size = s.get_int("chunk_size", d.chunk_size);
    d.question_weight = static_cast<float>(s.get_double("question_weight", d.question_weight));
    d.reference_mask = s.get_bool("reference_mask", d.reference_mask);
    if (s.has("kv_type")) d.kv_type = parse_kv_type(s.get_string("kv_type", ""));
    d.validate();
    return d;
}

InfLlmMethod::InfLlmMethod(const Model& model, Backend& backend, const InfLlmConfig& cfg, std::string name)
    : model_(model), backend_(backend), cfg_(cfg), name_(std::move(name)) {
    cfg_.validate();
}

std::vector<float> InfLlmMethod::prefill(const QaPrompt& prompt, int, const PrefillProgress& progress) {
    const std::vector<int32_t>& ids = prompt.ids;
    if (ids.empty()) throw std::invalid_argument("empty prompt");
    tf_ = std::make_unique<Transformer>(model_, backend_, 1, cfg_.exc_block);
    policy_ = std::make_unique<InfLlmPolicy>(*tf_, cfg_);
    on_prefill_start(prompt);
    tf_->set_attention_policy(policy_.get());
    policy_->set_recording(record_all_);
    prompt_len_ = static_cast<int>(ids.size());
    const int n = prompt_len_;
    // chunks that are a multiple of exc_block keep execution blocks aligned as in the reference
    prefill_in_chunks(*tf_, std::span<const int32_t>(ids).first(n - 1), cfg_.chunk_size, Logits::None, progress, n);
    policy_->set_recording(true);
    if (!record_all_) policy_->clear_retrievals();
    std::vector<float> logits = tf_->forward(std::span<const int32_t>(ids.data() + n - 1, 1), Logits::Last);
    if (progress.on_progress) progress.on_progress(n, n);
    return logits;
}

std::vector<float> InfLlmMethod::decode(int32_t token) { return decode_token(*tf_, token, name_); }

SelectionTrace InfLlmMethod::trace() const {
    SelectionTrace t;
    if (!policy_) return t;
    const int n = prompt_len_;
    const int bs = cfg_.block_size;
    std::vector<float> total(n, 0.0f);
    std::vector<int> steps_per_layer(policy_->n_layers(), 0);
    std::vector<std::vector<float>> per_layer(policy_->n_layers());
    for (const BlockRetrieval& r : policy_->retrievals()) {
        if (r.first_token < n - 1) continue;  // prefill retrievals (only recorded with record_all)
        ++steps_per_layer[r.layer];
        auto& pl = per_layer[r.layer];
        if (pl.empty()) pl.assign(n, 0.0f);
        const InfLlmLayer& L = policy_->layer(r.layer);
        for (int b : r.blocks)
            for (int64_t i = L.block_start(b), e = std::min<int64_t>(L.block_start(b) + bs, n); i < e; ++i)
                pl[i] += 1.0f;
    }
    // Tokens every answer query saw in full: the init tokens and what is not in a block yet.
    const InfLlmLayer& L0 = policy_->layer(0);
    std::vector<char> always(n, 0);
    for (int64_t i = 0; i < std::min<int64_t>(L0.init_len(), n); ++i) always[i] = 1;
    for (int64_t i = L0.rem_start(); i < n; ++i) always[i] = 1;
    int layers_with_steps = 0;
    for (int l = 0; l < policy_->n_layers(); ++l) {
        if (steps_per_layer[l] == 0) continue;
        ++layers_with_steps;
        LayerSelection ls;
        ls.layer = l;
        for (int i = 0; i < n; ++i) {
            const float s = per_layer[l][i] / steps_per_layer[l];
            if (s > 0.0f) ls.tokens.push_back({i, s});
            total[i] += s;
        }
        t.layers.push_back(std::move(ls));
    }
    for (int i = 0; i < n; ++i) {
        float s = always[i] ? 1.0f : layers_with_steps ? total[i] / layers_with_steps : 0.0f;
        if (s > 0.0f) t.tokens.push_back({i, s});
    }
    t.attended = static_cast<int64_t>(t.tokens.size());
    return t;
}

std::unique_ptr<ContextMethod> make_infllm_method(const Model& model, Backend& backend, const MethodSettings& s) {
    InfLlmConfig cfg = infllm_config_from(s, infllm_defaults(model.config()));
    cfg.question_weight = 0.0f;
    return std::make_unique<InfLlmMethod>(model, backend, cfg, "infllm");
}

}  // namespace gleaner
