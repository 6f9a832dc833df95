// GemFilter: pass 1 runs layers 0..r over the whole prompt; at the filter layer r the last token's
// query is scored against every key (raw post-RoPE logits summed over heads), the scores are
// average-pooled (5 wide) and the top k tokens, in document order, are the whole input of pass 2:
// a fresh forward of all layers over just those tokens at positions 0..k-1, then normal decoding.
// Nothing is force-kept. Pass 1 writes no KV that pass 2 uses.
//
// Pass 1 is exact (full causal attention, positions 0..n-1) when the prompt fits the model's
// context, as in the reference. Longer prompts would need positions the model was never trained
// for, so there pass 1 uses Q-LLM's bounded block memory in layers 0..r-1 ("bounded pass 1" of
// selection_methods.md section 7); pass1=full|bounded forces either.
//
// On the default model (SmolLM2-135M, 30 layers) the depth-scaled filter layer 12 does not find
// a pass key (16k tokens: the answer quotes the filler); --filter-layer 15 does. The last prompt
// token's query barely attends to a needle at any layer of this small model (Gleaner's method
// adds a probe for that reason, see gleaner.cpp).
#include "methods/gemfilter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "context_method.h"
#include "cuda/math/longctx.h"
#include "methods/infllm.h"
#include "methods/method_steps.h"
#include "model_config.h"
#include "quant/fp16.h"
#include "rope.h"
#include "top_k.h"

namespace gleaner {

int gemfilter_default_layer(const ModelConfig& c) {
    const int r = static_cast<int>(std::lround(13.0 * c.n_layers / 32.0));
    return std::clamp(r, 0, c.n_layers - 1);
}

std::vector<float> gemfilter_raw_scores(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv,
                                        int D) {
    const int m = Hkv * D;
    std::vector<float> qs(static_cast<size_t>(m));  // group-summed queries
    for (int j = 0; j < m; ++j) qs[j] = gpu::group_sum_query(q, j, H, Hkv, D);
    std::vector<float> s(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) s[i] = gpu::block_score(qs.data(), keys + i * stride, m);
    return s;
}

ScoreRope parse_score_rope(const std::string& s) {
    if (s == "absolute") return ScoreRope::Absolute;
    if (s == "fixed") return ScoreRope::Fixed;
    if (s == "none") return ScoreRope::None;
    throw std::invalid_argument("score_rope must be absolute, fixed or none");
}

namespace {

// l (rows, B) = q (rows, D) . kt (D, B): rows are (query, head) pairs of one KV group; the keys
// of a block are transposed so the inner loop runs over keys and vectorizes.
__attribute__((target_clones("avx2", "default"))) void block_logits(const float* q, int rows, const float* kt,
                                                                      int D, int B, float* l) {
    for (int r = 0; r < rows; ++r) {
        float* lr = l + static_cast<size_t>(r) * B;
        for (int j = 0; j < B; ++j) lr[j] = 0.0f;
        const float* qr = q + static_cast<size_t>(r) * D;
        for (int d = 0; d < D; ++d) {
            const float qd = qr[d];
            const float* kd = kt + static_cast<size_t>(d) * B;
            for (int j = 0; j < B; ++j) lr[j] += qd * kd[j];
        }
    }
}

}  // namespace

std::vector<float> probe_scores_f16(Backend& be, const float* q, const std::vector<int64_t>& q_pos, const uint16_t* keys,
                                    int64_t n, int H, int Hkv, int D, float scale, const RopeParams& rp, ScoreRope mode,
                                    int64_t key_pos0, int64_t fixed_distance, ProbeScore score) {
    const int A = static_cast<int>(q_pos.size());
    const int G = H / Hkv, half = rp.n_rot / 2;
    const size_t qrow = static_cast<size_t>(H) * D, krow = static_cast<size_t>(Hkv) * D;
    // queries rotated once: at their positions (Absolute), at the fixed distance, or not at all
    std::vector<float> qr(q, q + A * qrow);
    for (int a = 0; a < A; ++a) {
        if (mode == ScoreRope::Absolute) rotate_exact(qr.data() + a * qrow, H, D, rp, q_pos[a]);
        if (mode == ScoreRope::Fixed) rotate_exact(qr.data() + a * qrow, H, D, rp, fixed_distance);
    }
    std::vector<double> theta(half);
    for (int i = 0; i < half; ++i) theta[i] = rope_theta(rp, i);
    const int AH = A * H;
    // Queries grouped by KV head: rows (g, a, hh) so each group's rows are contiguous.
    std::vector<float> qg(static_cast<size_t>(AH) * D);
    {
        int r = 0;
        for (int g = 0; g < Hkv; ++g)
            for (int a = 0; a < A; ++a)
                for (int hh = 0; hh < G; ++hh, ++r) {
                    const int h = g * G + hh;
                    std::copy(qr.begin() + a * qrow + static_cast<size_t>(h) * D, qr.begin() + a * qrow + static_cast<size_t>(h + 1) * D,
                              qg.begin() + static_cast<size_t>(r) * D);
                }
    }
    const int rows_per_group = A * G;
    constexpr int B = 256;
    // Each thread walks a key range in blocks of B keys: decoded from f16, rotated at key_pos0 + i
    // (Absolute; angle recurrence in double, re-anchored at every block), transposed, then the
    // logits of every (query, head) for the block: lg (AH rows in qg order, B).
    auto for_blocks = [&](int64_t b0, int64_t b1, const std::function<void(int64_t, int, const float*)>& fn) {
        std::vector<float> k(krow), kt(static_cast<size_t>(Hkv) * D * B), lg(static_cast<size_t>(AH) * B);
        std::vector<double> c(half), s(half), dc(half), ds(half);
        for (int i = 0; i < half; ++i) dc[i] = std::cos(theta[i]), ds[i] = std::sin(theta[i]);
        for (int64_t t0 = b0; t0 < b1; t0 += B) {
            const int nb = static_cast<int>(std::min<int64_t>(B, b1 - t0));
            for (int j = 0; j < nb; ++j) {
                const int64_t t = t0 + j;
                const uint16_t* kr = keys + t * krow;
                for (size_t e = 0; e < krow; ++e) k[e] = fp16_to_fp32(kr[e]);
                if (mode == ScoreRope::Absolute) {
                    if (j == 0)
                        for (int i = 0; i < half; ++i) {
                            c[i] = std::cos(static_cast<double>(key_pos0 + t) * theta[i]);
                            s[i] = std::sin(static_cast<double>(key_pos0 + t) * theta[i]);
                        }
                    else
                        for (int i = 0; i < half; ++i) {
                            const double nc = c[i] * dc[i] - s[i] * ds[i], ns = c[i] * ds[i] + s[i] * dc[i];
                            c[i] = nc, s[i] = ns;
                        }
                    for (int i = 0; i < half; ++i) {
                        int i0, i1;
                        rope_pair(rp, i, i0, i1);
                        const float cc = static_cast<float>(c[i]), ss = static_cast<float>(s[i]);
                        for (int g = 0; g < Hkv; ++g) {
                            float* v = k.data() + static_cast<size_t>(g) * D;
                            const float x0 = v[i0], x1 = v[i1];
                            v[i0] = x0 * cc - x1 * ss;
                            v[i1] = x0 * ss + x1 * cc;
                        }
                    }
                }
                for (int g = 0; g < Hkv; ++g)
                    for (int d = 0; d < D; ++d) kt[(static_cast<size_t>(g) * D + d) * B + j] = k[static_cast<size_t>(g) * D + d];
            }
            for (int j = nb; j < B; ++j)
                for (size_t e = 0; e < static_cast<size_t>(Hkv) * D; ++e) kt[e * B + j] = 0.0f;
            for (int g = 0; g < Hkv; ++g)
                block_logits(qg.data() + static_cast<size_t>(g) * rows_per_group * D, rows_per_group,
                             kt.data() + static_cast<size_t>(g) * D * B, D, B,
                             lg.data() + static_cast<size_t>(g) * rows_per_group * B);
            fn(t0, nb, lg.data());
        }
    };
    std::vector<float> out(static_cast<size_t>(n), 0.0f);
    const int nt = n < 4096 ? 1 : std::max(1, be.threads());
    auto run = [&](const std::function<void(int, int)>& fn) {
        if (nt == 1) fn(0, 1);
        else be.run_parallel([&](int ti, int m) { if (m == nt) fn(ti, m); });
    };
    // thread ranges start at multiples of B
    auto range = [&](int ti, int m, int64_t& b0, int64_t& b1) {
        const int64_t blocks = (n + B - 1) / B;
        b0 = std::min<int64_t>(n, blocks * ti / m * B);
        b1 = std::min<int64_t>(n, blocks * (ti + 1) / m * B);
    };
    if (score == ProbeScore::RawSum) {
        run([&](int ti, int m) {
            int64_t b0, b1;
            range(ti, m, b0, b1);
            for_blocks(b0, b1, [&](int64_t t0, int nb, const float* lg) {
                for (int j = 0; j < nb; ++j) {
                    float sum = 0;
                    for (int r = 0; r < AH; ++r) sum += lg[static_cast<size_t>(r) * B + j];
                    out[t0 + j] = sum;
                }
            });
        });
        return out;
    }
    // pass 1: log-sum-exp of every (query, head) over all keys
    std::vector<std::vector<double>> mx(nt, std::vector<double>(AH, -INFINITY)), sm(nt, std::vector<double>(AH, 0.0));
    run([&](int ti, int m) {
        int64_t b0, b1;
        range(ti, m, b0, b1);
        for_blocks(b0, b1, [&](int64_t, int nb, const float* lg) {
            for (int r = 0; r < AH; ++r) {
                const float* l = lg + static_cast<size_t>(r) * B;
                float bm = -INFINITY;
                for (int j = 0; j < nb; ++j) bm = std::max(bm, l[j]);
                const double x = static_cast<double>(bm) * scale;
                if (x > mx[ti][r]) {
                    sm[ti][r] *= std::exp(mx[ti][r] - x);
                    mx[ti][r] = x;
                }
                double z = 0;
                for (int j = 0; j < nb; ++j) z += std::exp(static_cast<double>(l[j]) * scale - mx[ti][r]);
                sm[ti][r] += z;
            }
        });
    });
    std::vector<float> lse(AH);
    for (int r = 0; r < AH; ++r) {
        double m = -INFINITY;
        for (int ti = 0; ti < nt; ++ti) m = std::max(m, mx[ti][r]);
        double z = 0;
        for (int ti = 0; ti < nt; ++ti)
            if (sm[ti][r] > 0) z += sm[ti][r] * std::exp(mx[ti][r] - m);
        lse[r] = static_cast<float>(m + std::log(z));
    }
    // pass 2: each key's best log-probability per query (SoftmaxSum) or over all queries (SoftmaxMax)
    const int n_best = score == ProbeScore::SoftmaxSum ? A : 1;
    run([&](int ti, int m) {
        int64_t b0, b1;
        range(ti, m, b0, b1);
        std::vector<float> best(static_cast<size_t>(n_best) * B);
        for_blocks(b0, b1, [&](int64_t t0, int nb, const float* lg) {
            std::fill(best.begin(), best.end(), -INFINITY);
            for (int r = 0; r < AH; ++r) {
                const int a = n_best == 1 ? 0 : (r % rows_per_group) / G;  // rows are (g, a, hh)
                const float* l = lg + static_cast<size_t>(r) * B;
                float* bj = best.data() + static_cast<size_t>(a) * B;
                for (int j = 0; j < nb; ++j) bj[j] = std::max(bj[j], l[j] * scale - lse[r]);
            }
            for (int j = 0; j < nb; ++j) {
                float s = 0.0f;
                for (int a = 0; a < n_best; ++a) s += std::exp(best[static_cast<size_t>(a) * B + j]);
                out[t0 + j] = s;
            }
        });
    });
    return out;
}

std::vector<float> avg_pool5(const std::vector<float>& s) {
    const int64_t n = static_cast<int64_t>(s.size());
    std::vector<float> out(s.size());
    for (int64_t i = 0; i < n; ++i) out[i] = gpu::avg_pool5_at(s.data(), n, i);
    return out;
}

std::vector<int32_t> top_k_sorted(const std::vector<float>& s, int k) {
    return top_k_ascending(s.data(), static_cast<int64_t>(s.size()), k);
}

namespace {

class GemFilterMethod final : public ContextMethod {
public:
    GemFilterMethod(const Model& model, Backend& backend, int layer, int k, std::string pass1, std::string score_rope,
                    const InfLlmConfig& bounded)
        : model_(model), backend_(backend), layer_(layer), k_(k), pass1_(std::move(pass1)),
          score_rope_(std::move(score_rope)), bounded_(bounded) {}
    std::string name() const override { return "gemfilter"; }
    std::string describe() const override {
        return "gemfilter: filter_layer=" + std::to_string(layer_) + " k=" + std::to_string(k_) + " pass1=" + pass1_ +
               " score_rope=" + score_rope_ + " (bounded pass 1: " + bounded_.describe() + ")";
    }

    std::vector<float> prefill(const QaPrompt& prompt, int max_new_tokens, const PrefillProgress& progress) override {
        const ModelConfig& c = model_.config();
        const std::vector<int32_t>& ids = prompt.ids;
        const int n = static_cast<int>(ids.size());
        if (n == 0) throw std::invalid_argument("empty prompt");
        const bool exact = pass1_ == "full" || (pass1_ == "auto" && n <= c.n_ctx_train);
        used_pass1_ = exact ? "full" : "bounded";

        // PASS 1: layers 0..r, the filter layer only up to its query/key projections.
        QkCapture cap;
        {
            std::unique_ptr<Transformer> tf;
            std::unique_ptr<InfLlmPolicy> policy;
            std::unique_ptr<QLlmHooks> hooks;
            int chunk = 512;
            if (exact) {
                tf = std::make_unique<Transformer>(model_, backend_, n, 512, bounded_.kv_type);
            } else {
                tf = std::make_unique<Transformer>(model_, backend_, 1, bounded_.exc_block);
                policy = std::make_unique<InfLlmPolicy>(*tf, bounded_, heap_arrays(), std::max(1, layer_));
                auto span = locate_question(ids, model_.tokenizer().encode(prompt.question, false, false));
                hooks = std::make_unique<QLlmHooks>(policy->n_layers(), span, bounded_.question_weight);
                policy->set_hooks(hooks.get());
                tf->set_attention_policy(policy.get());
                chunk = bounded_.chunk_size;
            }
            cap = capture_filter_layer(*tf, layer_, ids, chunk, progress);
        }

        // Scores at the filter layer.
        const RopeParams rp = layer_rope_params(model_, layer_);
        std::vector<float> q = cap.last_q;
        if (score_rope_ == "absolute") {  // the reference: post-RoPE at positions 0..n-1
            std::vector<int32_t> pos(n);
            std::iota(pos.begin(), pos.end(), 0);
            backend_.rope(cap.keys.data(), n, c.n_kv_heads, c.head_dim, pos.data(), rp);
            const int32_t last = n - 1;
            backend_.rope(q.data(), 1, c.n_heads, c.head_dim, &last, rp);
        } else if (score_rope_ == "fixed") {  // keys unrotated, the query at InfLLM's distance
            const int32_t d = bounded_.n_local - 1;
            backend_.rope(q.data(), 1, c.n_heads, c.head_dim, &d, rp);
        }
        // raw scores, 5-wide average pooling and the top k in document order, on the backend
        pooled_.resize(n);
        selected_.resize(std::min(k_, n));
        backend_.gemfilter_select(q.data(), cap.keys.data(), n, cap.k_row, c.n_heads, c.n_kv_heads, c.head_dim, k_,
                                  pooled_.data(), selected_.data());

        // PASS 2: the selected tokens alone, positions 0..k-1.
        std::vector<int32_t> new_ids;
        new_ids.reserve(selected_.size());
        for (int32_t i : selected_) new_ids.push_back(ids[i]);
        // (the same kv_type as pass 1's caches: the knob says how this method keeps keys and values)
        tf2_ = std::make_unique<Transformer>(model_, backend_, static_cast<int>(new_ids.size()) + std::max(1, max_new_tokens),
                                             512, bounded_.kv_type);
        return tf2_->forward(new_ids, Logits::Last);
    }

    std::vector<float> decode(int32_t token) override { return decode_token(*tf2_, token, "gemfilter"); }

    SelectionTrace trace() const override {
        if (pooled_.empty()) return {};
        return filter_layer_trace(normalised_selection(selected_, pooled_, 0), layer_,
                                  static_cast<int64_t>(selected_.size()));
    }

    const std::string& used_pass1() const { return used_pass1_; }

private:
    const Model& model_;
    Backend& backend_;
    int layer_, k_;
    std::string pass1_, score_rope_, used_pass1_;
    InfLlmConfig bounded_;
    std::vector<float> pooled_;
    std::vector<int32_t> selected_;
    std::unique_ptr<Transformer> tf2_;
};

}  // namespace

std::unique_ptr<ContextMethod> make_gemfilter_method(const Model& model, Backend& backend, const MethodSettings& s) {
    const ModelConfig& c = model.config();
    const int layer = s.get_int("filter_layer", gemfilter_default_layer(c));
    if (layer < 0 || layer >= c.n_layers)
        throw std::invalid_argument("gemfilter: filter_layer must be in 0.." + std::to_string(c.n_layers - 1));
    const int k = s.get_int("k", 1024);
    if (k < 1) throw std::invalid_argument("gemfilter: k must be >= 1");
    const std::string pass1 = s.get_string("pass1", "auto");
    if (pass1 != "auto" && pass1 != "full" && pass1 != "bounded")
        throw std::invalid_argument("gemfilter: pass1 must be auto, full or bounded");
    const std::string rope = s.get_string("score_rope", "absolute");
    if (rope != "absolute" && rope != "fixed" && rope != "none")
        throw std::invalid_argument("gemfilter: score_rope must be absolute, fixed or none");
    return std::make_unique<GemFilterMethod>(model, backend, layer, k, pass1, rope,
                                             infllm_config_from(s, qllm_defaults(c)));
}

}  // namespace gleaner
