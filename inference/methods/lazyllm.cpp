// LazyLLM: progressive token pruning in the prefill, with an aux cache for revival (lazyllm.h).
#include "methods/lazyllm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "methods/method_steps.h"
#include "model_config.h"
#include "transformer.h"

namespace gleaner {

namespace {

// kv_pos of a row its queries may not see: q_pos - kHidden < 0, below min_dist.
constexpr int32_t kHidden = 1 << 30;
constexpr int kChunk = 512;  // rows per run_layer call, as the full method's forward batches

std::string fmt(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", x);
    return b;
}

}  // namespace

std::string LazyLlmConfig::describe() const {
    return "start_layer=" + std::to_string(start_layer) + " keep=" + fmt(keep) +
           (rate >= 0 ? " rate=" + fmt(rate) : std::string());
}

LazyLlmConfig lazyllm_defaults(const ModelConfig& c) {
    LazyLlmConfig cfg;
    cfg.start_layer = std::clamp(static_cast<int>(std::lround(c.n_layers / 8.0)), 0, std::max(0, c.n_layers - 1));
    cfg.keep = 0.1;
    return cfg;
}

LazyLlmConfig lazyllm_config_from(const MethodSettings& s, const ModelConfig& c) {
    LazyLlmConfig cfg = lazyllm_defaults(c);
    cfg.start_layer = s.get_int("start_layer", cfg.start_layer);
    cfg.keep = s.get_double("keep", cfg.keep);
    cfg.rate = s.get_double("rate", cfg.rate);
    if (cfg.start_layer < 0 || cfg.start_layer >= c.n_layers)
        throw std::invalid_argument("lazyllm: start_layer must be in 0.." + std::to_string(c.n_layers - 1));
    if (!(cfg.keep > 0.0 && cfg.keep <= 1.0)) throw std::invalid_argument("lazyllm: keep must be in (0, 1]");
    if (s.has("rate") && !(cfg.rate >= 0.0 && cfg.rate < 1.0))
        throw std::invalid_argument("lazyllm: rate must be in [0, 1)");
    return cfg;
}

std::vector<double> lazyllm_rates(const LazyLlmConfig& cfg, int n_layers) {
    std::vector<double> r(static_cast<size_t>(std::max(0, n_layers)), 0.0);
    // pruning after layers start..n-2: the last layer has no later layer to spare
    const int m = n_layers - 1 - cfg.start_layer;
    if (m <= 0) return r;
    const double rate = cfg.rate >= 0 ? cfg.rate : 1.0 - std::pow(cfg.keep, 1.0 / m);
    for (int l = cfg.start_layer; l < n_layers - 1; ++l) r[l] = rate;
    return r;
}

// The layer-l attention: keys and values of this call's rows appended to the layer, then the
// queries attend to the rows they may see, at the tokens' own positions.
struct LazyLlmMethod::Policy final : AttentionPolicy {
    LazyLlmMethod* m = nullptr;
    const std::vector<uint8_t>* visible = nullptr;  // (tokens) null: every computed row
    std::vector<float> last_q;                      // (H*D) rotated query of the last row of the last call
    int32_t last_pos = 0;
    std::vector<int32_t> masked;                    // (rows) kv_pos with the unseen rows hidden

    void attend(int il, float* q, float* k, float* v, int T, const int32_t* pos, float* out) override {
        const ModelConfig& c = m->model_.config();
        const int H = c.n_heads, Hkv = c.n_kv_heads, D = c.head_dim;
        const size_t row = static_cast<size_t>(Hkv) * D, qrow = static_cast<size_t>(H) * D;
        const RopeParams rp = layer_rope_params(m->model_, il);
        m->backend_.rope(q, T, H, D, pos, rp);
        m->backend_.rope(k, T, Hkv, D, pos, rp);
        LazyLayer& L = m->layers_[il];
        for (int t = 0; t < T; ++t) {
            if (L.row_of[pos[t]] >= 0) throw std::logic_error("lazyllm: a (token, layer) computed twice");
            L.row_of[pos[t]] = static_cast<int32_t>(L.pos.size());
            L.pos.push_back(pos[t]);
        }
        L.k.insert(L.k.end(), k, k + T * row);
        L.v.insert(L.v.end(), v, v + T * row);
        const int n = static_cast<int>(L.pos.size());
        const int32_t* kv_pos = L.pos.data();
        if (visible) {
            masked.resize(n);
            for (int j = 0; j < n; ++j) masked[j] = (*visible)[L.pos[j]] ? L.pos[j] : kHidden;
            kv_pos = masked.data();
        }
        KvSegment s;
        s.q = q;
        s.k = L.k.data();
        s.v = L.v.data();
        s.stride = row;
        s.n_kv = n;
        s.q_pos = pos;
        s.kv_pos = kv_pos;
        s.min_dist = 0;
        if (c.layer_is_local[il] && c.sliding_window > 0) s.max_dist = c.sliding_window;
        m->backend_.attention_segments(&s, 1, SegmentAttentionParams{T, H, Hkv, D, c.attn_scale}, out);
        last_q.assign(q + (T - 1) * qrow, q + T * qrow);
        last_pos = pos[T - 1];
    }
};

LazyLlmMethod::LazyLlmMethod(const Model& model, Backend& backend, const LazyLlmConfig& cfg)
    : model_(model), backend_(backend), cfg_(cfg), rates_(lazyllm_rates(cfg, model.config().n_layers)) {}

LazyLlmMethod::~LazyLlmMethod() = default;

std::string LazyLlmMethod::describe() const { return "lazyllm: " + cfg_.describe(); }

void LazyLlmMethod::run_rows(int l, float* x, int T, const int32_t* pos, const std::vector<uint8_t>* visible) {
    const size_t E = static_cast<size_t>(model_.config().n_embd);
    policy_->visible = visible;
    for (int off = 0; off < T; off += kChunk)
        tf_->run_layer(l, x + off * E, std::min(kChunk, T - off), pos + off, *policy_);
}

// The hot loop of the pruning: per head a softmax of the last query over the rows it sees.
std::vector<float> LazyLlmMethod::last_token_attention(int l, const std::vector<uint8_t>* visible) const {
    const ModelConfig& c = model_.config();
    const int H = c.n_heads, Hkv = c.n_kv_heads, D = c.head_dim, G = H / Hkv;
    const LazyLayer& L = layers_[l];
    const int n = static_cast<int>(L.pos.size());
    const int32_t qp = policy_->last_pos;
    const int window = c.layer_is_local[l] ? c.sliding_window : 0;
    std::vector<uint8_t> sees(n);
    for (int j = 0; j < n; ++j) {
        const int32_t p = L.pos[j];
        sees[j] = (!visible || (*visible)[p]) && p <= qp && (window <= 0 || qp - p < window);
    }
    std::vector<float> imp(n, 0.0f), logit(n);
    const size_t row = static_cast<size_t>(Hkv) * D;
    for (int h = 0; h < H; ++h) {
        const float* q = policy_->last_q.data() + static_cast<size_t>(h) * D;
        const float* k0 = L.k.data() + static_cast<size_t>(h / G) * D;
        float mx = -INFINITY;
        for (int j = 0; j < n; ++j) {
            if (!sees[j]) continue;
            const float* kj = k0 + j * row;
            float d = 0.0f;
            for (int e = 0; e < D; ++e) d += q[e] * kj[e];
            logit[j] = d * c.attn_scale;
            mx = std::max(mx, logit[j]);
        }
        double z = 0.0;
        for (int j = 0; j < n; ++j)
            if (sees[j]) z += std::exp(static_cast<double>(logit[j] - mx));
        const float inv = static_cast<float>(1.0 / (z * H));
        for (int j = 0; j < n; ++j)
            if (sees[j]) imp[j] += std::exp(logit[j] - mx) * inv;
    }
    return imp;
}

std::vector<int32_t> LazyLlmMethod::lowest(const std::vector<float>& imp, std::vector<int32_t> rows, int count,
                                           const LazyLayer& L) {
    count = std::min<int>(count, static_cast<int>(rows.size()));
    auto less = [&](int32_t a, int32_t b) { return imp[a] != imp[b] ? imp[a] < imp[b] : L.pos[a] > L.pos[b]; };
    std::nth_element(rows.begin(), rows.begin() + count, rows.end(), less);
    rows.resize(count);
    return rows;
}

std::vector<float> LazyLlmMethod::prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) {
    const ModelConfig& c = model_.config();
    const std::vector<int32_t>& ids = prompt.ids;
    const int n = static_cast<int>(ids.size());
    if (n == 0) throw std::invalid_argument("empty prompt");
    const size_t E = static_cast<size_t>(c.n_embd), row = static_cast<size_t>(c.n_kv_heads) * c.head_dim;
    const int cap = n + std::max(1, max_new_tokens);
    // The question and the template after the document are kept (and always the last token).
    protect_from_ = std::clamp(prompt.doc_end > 0 ? prompt.doc_end : n - 1, 0, n - 1);
    n_prompt_ = n_tokens_ = n;
    step_ = 0;
    revivals_.clear();
    tf_ = std::make_unique<Transformer>(model_, backend_, 1, kChunk);
    policy_ = std::make_unique<Policy>();
    policy_->m = this;
    layers_.assign(c.n_layers, LazyLayer{});
    prefill_active_.assign(c.n_layers, {});
    prefill_scores_.assign(c.n_layers, {});

    std::vector<int32_t> active(n);  // tokens still computed, ascending (= the rows of this layer)
    for (int i = 0; i < n; ++i) active[i] = i;
    std::vector<float> x(static_cast<size_t>(n) * E);  // (active, E) residual stream
    for (int off = 0; off < n; off += kChunk)
        tf_->embed(std::span<const int32_t>(ids.data() + off, std::min(kChunk, n - off)), x.data() + off * E);

    for (int l = 0; l < c.n_layers; ++l) {
        throw_if_cancelled(progress);
        LazyLayer& L = layers_[l];
        const size_t expect = active.size() + std::max(1, max_new_tokens);
        L.k.reserve(expect * row);
        L.v.reserve(expect * row);
        L.pos.reserve(expect);
        L.row_of.assign(cap, -1);
        const int T = static_cast<int>(active.size());
        run_rows(l, x.data(), T, active.data(), nullptr);
        prefill_active_[l] = active;
        if (progress.on_progress) progress.on_progress(static_cast<int64_t>(n) * (l + 1) / c.n_layers, n);
        if (l == c.n_layers - 1) break;

        // rows of layer l are the active tokens in order: imp[j] belongs to active[j]
        const std::vector<float> imp = last_token_attention(l, nullptr);
        {
            const float mx = *std::max_element(imp.begin(), imp.end());
            std::vector<float>& s = prefill_scores_[l];
            s.resize(T);
            for (int j = 0; j < T; ++j) s[j] = mx > 0 ? imp[j] / mx : 1.0f;
        }
        std::vector<int32_t> candidates;
        for (int j = 0; j < T; ++j)
            if (active[j] < protect_from_) candidates.push_back(j);
        const int drop = lazyllm_pruned_count(rates_[l], static_cast<int>(candidates.size()));
        if (drop == 0) continue;
        std::vector<uint8_t> pruned(T, 0);
        for (int32_t j : lowest(imp, std::move(candidates), drop, L)) pruned[j] = 1;
        // the pruned tokens' outputs of this layer go to its aux cache; the rest move up
        int w = 0;
        for (int j = 0; j < T; ++j) {
            const float* xj = x.data() + j * E;
            if (pruned[j]) {
                L.aux.emplace(active[j], std::vector<float>(xj, xj + E));
                continue;
            }
            if (w != j) std::copy(xj, xj + E, x.data() + w * E);
            active[w++] = active[j];
        }
        active.resize(w);
        x.resize(static_cast<size_t>(w) * E);
    }
    return tf_->logits_of(x.data() + (active.size() - 1) * E);
}

std::vector<float> LazyLlmMethod::decode(int32_t token) {
    if (!tf_) throw std::logic_error("lazyllm: decode before prefill");
    const ModelConfig& c = model_.config();
    const size_t E = static_cast<size_t>(c.n_embd);
    ++step_;
    const int32_t p = n_tokens_++;
    for (LazyLayer& L : layers_)
        if (static_cast<int32_t>(L.row_of.size()) < n_tokens_) L.row_of.resize(n_tokens_ + 64, -1);

    // Selection restarts from every token; cur: the tokens this layer computes (the new token
    // last, so the policy's last query is its), x their residual streams (cur, E).
    std::vector<uint8_t> selected(n_tokens_, 1), in_cur(n_tokens_, 0);
    std::vector<int32_t> cur = {p};
    in_cur[p] = 1;
    std::vector<float> x(E);
    const int32_t one[1] = {token};
    tf_->embed(one, x.data());

    for (int l = 0; l < c.n_layers; ++l) {
        LazyLayer& L = layers_[l];
        if (l > 0) {
            // revive: selected tokens this layer never computed come back from Aux[l-1]
            std::vector<int32_t> revived;
            std::vector<float> rx;
            LazyLayer& prev = layers_[l - 1];
            for (int32_t t = 0; t < p; ++t) {
                if (!selected[t] || in_cur[t] || L.row_of[t] >= 0) continue;
                auto it = prev.aux.find(t);
                if (it == prev.aux.end()) throw std::logic_error("lazyllm: a selected token has no state at this layer");
                revived.push_back(t);
                rx.insert(rx.end(), it->second.begin(), it->second.end());
                prev.aux.erase(it);  // layer l now caches it: never needed from Aux[l-1] again
                in_cur[t] = 1;
                revivals_.push_back({step_, l, t});
            }
            if (!revived.empty()) {
                revived.insert(revived.end(), cur.begin(), cur.end());
                rx.insert(rx.end(), x.begin(), x.end());
                cur = std::move(revived);
                x = std::move(rx);
            }
        }
        run_rows(l, x.data(), static_cast<int>(cur.size()), cur.data(), &selected);
        if (l == c.n_layers - 1 || rates_[l] <= 0) continue;

        const std::vector<float> imp = last_token_attention(l, &selected);
        std::vector<int32_t> candidates;
        const int rows = static_cast<int>(L.pos.size());
        for (int j = 0; j < rows; ++j)
            if (selected[L.pos[j]] && L.pos[j] < protect_from_) candidates.push_back(j);
        const int drop = lazyllm_pruned_count(rates_[l], static_cast<int>(candidates.size()));
        if (drop == 0) continue;
        for (int32_t j : lowest(imp, std::move(candidates), drop, L)) selected[L.pos[j]] = 0;
        // pruned tokens computed here keep their output in Aux[l]; the others already have a
        // state for layer l + 1 (cached there, or in Aux[l] from an earlier pruning)
        size_t w = 0;
        for (size_t i = 0; i < cur.size(); ++i) {
            const int32_t t = cur[i];
            const float* xi = x.data() + i * E;
            if (!selected[t]) {
                L.aux.emplace(t, std::vector<float>(xi, xi + E));
                in_cur[t] = 0;
                continue;
            }
            if (w != i) std::copy(xi, xi + E, x.data() + w * E);
            cur[w++] = t;
        }
        cur.resize(w);
        x.resize(w * E);
    }
    return tf_->logits_of(x.data() + (cur.size() - 1) * E);
}

SelectionTrace LazyLlmMethod::trace() const {
    SelectionTrace t;
    if (layers_.empty()) return t;
    const int nl = static_cast<int>(layers_.size());
    // a token's score: its share of the last prompt token's attention (normalised by the
    // layer's largest) at the deepest layer that ranked it in the prefill
    std::vector<float> score(n_prompt_, 1.0f);
    for (int l = 0; l < nl; ++l)
        for (size_t j = 0; j < prefill_scores_[l].size(); ++j) score[prefill_active_[l][j]] = prefill_scores_[l][j];
    for (int l = 0; l < nl; ++l) {
        LayerSelection ls;
        ls.layer = l;
        std::vector<int32_t> toks;
        for (int32_t p : layers_[l].pos)
            if (p < n_prompt_) toks.push_back(p);
        std::sort(toks.begin(), toks.end());
        for (int32_t p : toks) ls.tokens.push_back({p, score[p]});
        t.layers.push_back(std::move(ls));
    }
    // the main evidence: what the last layer attended to
    t.tokens = t.layers.back().tokens;
    t.attended = static_cast<int64_t>(t.tokens.size());
    return t;
}

std::unique_ptr<ContextMethod> make_lazyllm_method(const Model& model, Backend& backend, const MethodSettings& s) {
    return std::make_unique<LazyLlmMethod>(model, backend, lazyllm_config_from(s, model.config()));
}

}  // namespace gleaner
