// The long-context methods on the real default model with short inputs: the equivalences of the
// reference notes (qllm_infllm.md section 6, selection_methods.md section 9) and the evidence.
#include <QtTest>

#include <atomic>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "context_method.h"
#include "evidence.h"
#include "kv_cache.h"
#include "methods/gemfilter.h"
#include "methods/infllm.h"
#include "model.h"
#include "qa_prompt.h"
#include "sampler.h"
#include "cancel_on_first_report.h"
#include "test_support.h"
#include "transformer.h"

using namespace gleaner;

namespace {

std::string read_text(const QString& path) {
    std::ifstream f(path.toStdString(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
    float m = 0;
    for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}

float max_abs(const std::vector<float>& a) {
    float m = 0;
    for (float x : a) m = std::max(m, std::fabs(x));
    return m;
}

// Full causal attention through the backend's segment op, the kernel the long-context policies
// use: comparing a policy with this isolates the policy's logic from kernel rounding. (The
// default model's activations are quantized to 8 bits before every matmul, so a 1e-7 change in an
// attention output moves the logits by ~0.2 rms: different kernels cannot be compared exactly.)
class FullSegmentPolicy final : public AttentionPolicy {
public:
    FullSegmentPolicy(const Model& m, Backend& be) : m_(m), be_(be), k_(m.config().n_layers), v_(m.config().n_layers) {}
    void attend(int layer, float* q, float* k, float* v, int T, const int32_t* pos, float* out) override {
        const ModelConfig& c = m_.config();
        const size_t row = static_cast<size_t>(c.n_kv_heads) * c.head_dim;
        RopeTable rope(layer_rope_params(m_, layer), pos[T - 1] + 1);
        rope.rotate(q, T, c.n_heads, c.head_dim, pos);
        rope.rotate(k, T, c.n_kv_heads, c.head_dim, pos);
        k_[layer].insert(k_[layer].end(), k, k + T * row);
        v_[layer].insert(v_[layer].end(), v, v + T * row);
        const int n = static_cast<int>(k_[layer].size() / row);
        std::vector<int32_t> kp(n);
        std::iota(kp.begin(), kp.end(), 0);
        KvSegment s;
        s.q = q;
        s.k = k_[layer].data();
        s.v = v_[layer].data();
        s.n_kv = n;
        s.q_pos = pos;
        s.kv_pos = kp.data();
        be_.attention_segments(&s, 1, SegmentAttentionParams{T, c.n_heads, c.n_kv_heads, c.head_dim, c.attn_scale}, out);
    }

private:
    const Model& m_;
    Backend& be_;
    std::vector<std::vector<float>> k_, v_;
};

}  // namespace

class TestContextMethods : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string text_;

    // A QA prompt over the first `doc_tokens` tokens of the sample text.
    QaPrompt prompt(int doc_tokens, const std::string& question = "Who did Alice follow down the hole?") {
        auto ids = tokenize_document(model_->tokenizer(), text_);
        ids.resize(std::min<size_t>(ids.size(), doc_tokens));
        return build_qa_prompt(*model_, ids, question);
    }

    std::vector<float> segment_full_logits(const std::vector<int32_t>& ids, int batch) {
        Transformer tf(*model_, *backend_, 1, batch);
        FullSegmentPolicy full(*model_, *backend_);
        tf.set_attention_policy(&full);
        return tf.forward(ids, Logits::Last);
    }

    std::vector<float> plain_last_logits(const std::vector<int32_t>& ids) {
        Transformer tf(*model_, *backend_, static_cast<int>(ids.size()) + 8);
        return tf.forward(ids, Logits::Last);
    }

    std::vector<int32_t> greedy(ContextMethod& m, const QaPrompt& p, int n) {
        std::vector<int32_t> out;
        auto logits = m.prefill(p, n, {});
        for (int i = 0; i < n; ++i) {
            out.push_back(argmax(logits));
            if (i + 1 < n) logits = m.decode(out.back());
        }
        return out;
    }

    std::vector<int32_t> greedy_plain(const std::vector<int32_t>& ids, int n) {
        Transformer tf(*model_, *backend_, static_cast<int>(ids.size()) + n + 1);
        std::vector<int32_t> out;
        auto logits = tf.forward(ids, Logits::Last);
        for (int i = 0; i < n; ++i) {
            out.push_back(argmax(logits));
            const int32_t one[1] = {out.back()};
            if (i + 1 < n) logits = tf.forward(one, Logits::Last);
        }
        return out;
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_ = Model::load(test::smollm2Path().toStdString());
        backend_ = make_cpu_backend(2);
        text_ = read_text(test::dataFile("ppl_excerpt.txt"));
        QVERIFY(text_.size() > 10000);
    }

    // Every method's prefill polls the cancel flag between its forward calls: a cancel asked for
    // at the first progress report stops the prefill there with CancelledError.
    void prefillStopsWhenCancelled() {
        const QaPrompt p = prompt(700);  // more than one forward call of 512 tokens (full, gemfilter)
        for (const char* name : {"full", "streaming", "infllm", "qllm", "gemfilter"}) {
            MethodSettings s;
            if (std::string(name) == "streaming") s.set("chunk_size", "128");
            if (std::string(name) == "infllm" || std::string(name) == "qllm") {
                s.set("n_local", "256");
                s.set("exc_block", "64");
                s.set("chunk_size", "128");
            }
            auto m = make_context_method(name, *model_, *backend_, s);
            test::CancelOnFirstReport stop;
            QVERIFY2(stop.cancels(*m, p, 4), name);
            QVERIFY2(stop.reports == 1, name);
        }
    }

    // qllm_infllm.md 6.1: with a local window covering the whole input no init tokens or blocks
    // form, and the logits are those of full causal attention (an f32 memory: exactly; the
    // default f16 memory: within the f16 KV cache's rounding, with the same next token).
    void infllmWithWindowCoveringEverythingEqualsFull() {
        const QaPrompt p = prompt(120);
        MethodSettings s;
        s.set("n_local", "512");
        s.set("exc_block", "64");
        s.set("chunk_size", "128");
        const auto f16 = make_context_method("infllm", *model_, *backend_, s)->prefill(p, 4, {});
        s.set("kv_type", "f32");
        auto m = make_context_method("infllm", *model_, *backend_, s);
        const auto got = m->prefill(p, 4, {});
        // prompt[:-1] in chunks of 128 (exc blocks of 64), then the last token alone
        std::vector<int32_t> head(p.ids.begin(), p.ids.end() - 1);
        Transformer tf(*model_, *backend_, 1, 64);
        FullSegmentPolicy full(*model_, *backend_);
        tf.set_attention_policy(&full);
        for (size_t off = 0; off < head.size(); off += 128)
            tf.forward(std::span<const int32_t>(head.data() + off, std::min<size_t>(128, head.size() - off)), Logits::None);
        const int32_t last[1] = {p.ids.back()};
        const auto ref = tf.forward(last, Logits::Last);
        QVERIFY2(max_abs_diff(got, ref) < 1e-5f * max_abs(ref), qPrintable(QString::number(max_abs_diff(got, ref))));
        QCOMPARE(argmax(got), argmax(plain_last_logits(p.ids)));  // and the cached path agrees
        // The f16 memory departs from exact attention about as much as the f16 KV cache of the
        // plain forward departs from an f32 one (this 30-layer Q4_1 model amplifies rounding).
        const int nc = static_cast<int>(p.ids.size()) + 8;
        Transformer t32(*model_, *backend_, nc, nc, DType::F32), t16(*model_, *backend_, nc, nc, DType::F16);
        const float cache_gap = max_abs_diff(t32.forward(p.ids, Logits::Last), t16.forward(p.ids, Logits::Last));
        qInfo("max |logit difference| from f32: f16 memory %g, f16 KV cache %g (max |logit| %g)",
              max_abs_diff(f16, ref), cache_gap, max_abs(ref));
        QVERIFY2(max_abs_diff(f16, ref) > 0.0f && max_abs_diff(f16, ref) < 1.5f * cache_gap,
                 qPrintable(QString::number(max_abs_diff(f16, ref))));
        QCOMPARE(argmax(f16), argmax(ref));
        auto* inf = dynamic_cast<InfLlmMethod*>(m.get());
        QVERIFY(inf);
        QCOMPARE(inf->policy()->layer(0).n_blocks(), int64_t(0));
        QCOMPARE(inf->policy()->layer(0).init_len(), int64_t(0));
    }

    // qllm_infllm.md 6.6: Q-LLM with question_weight 0 selects exactly InfLLM's blocks in every
    // layer and step; with the default weight the question vector is set once per layer and
    // changes the retrieval.
    void qllmWeightZeroEqualsInfllm() {
        const QaPrompt p = prompt(420);
        MethodSettings s;
        s.set("n_init", "8");
        s.set("n_local", "64");
        s.set("topk", "2");
        s.set("block_size", "16");
        s.set("exc_block", "32");
        s.set("chunk_size", "128");
        s.set("max_cached_blocks", "4");
        auto inf = make_context_method("infllm", *model_, *backend_, s);
        s.set("question_weight", "0");
        auto q0 = make_context_method("qllm", *model_, *backend_, s);
        s.set("question_weight", "4");
        auto q4 = make_context_method("qllm", *model_, *backend_, s);
        for (auto* m : {inf.get(), q0.get(), q4.get()}) dynamic_cast<InfLlmMethod*>(m)->set_record_all(true);
        const auto a = greedy(*inf, p, 3), b = greedy(*q0, p, 3), c = greedy(*q4, p, 3);
        QCOMPARE(a, b);
        const auto& ra = dynamic_cast<InfLlmMethod*>(inf.get())->policy()->retrievals();
        const auto& rb = dynamic_cast<InfLlmMethod*>(q0.get())->policy()->retrievals();
        const auto& rc = dynamic_cast<InfLlmMethod*>(q4.get())->policy()->retrievals();
        QVERIFY(ra.size() > 100);
        QCOMPARE(ra.size(), rb.size());
        bool differs = false;
        for (size_t i = 0; i < ra.size(); ++i) {
            QCOMPARE(ra[i].layer, rb[i].layer);
            QCOMPARE(ra[i].first_token, rb[i].first_token);
            QVERIFY(ra[i].blocks == rb[i].blocks);
            if (i < rc.size() && rc[i].blocks != ra[i].blocks) differs = true;
        }
        QVERIFY(differs);
        // the question (placed first in the prompt) was located and its vector set in every layer
        auto* hooks = dynamic_cast<QLlmHooks*>(dynamic_cast<InfLlmMethod*>(q4.get())->policy()->hooks());
        QVERIFY(hooks);
        QVERIFY(hooks->span().first > 0 && hooks->span().first < p.doc_begin);
        for (int l = 0; l < model_->config().n_layers; ++l) QVERIFY(hooks->question(l) != nullptr);
    }

    // The evidence of InfLLM: retrieved blocks (per layer) plus what every query sees.
    void infllmTraceHasBlocksPerLayer() {
        const QaPrompt p = prompt(300);
        MethodSettings s;
        s.set("n_init", "8");
        s.set("n_local", "64");
        s.set("topk", "2");
        s.set("block_size", "16");
        s.set("exc_block", "32");
        auto m = make_context_method("qllm", *model_, *backend_, s);
        greedy(*m, p, 2);
        const SelectionTrace t = m->trace();
        QCOMPARE(static_cast<int>(t.layers.size()), model_->config().n_layers);
        for (const auto& l : t.layers)  // two steps (the last prompt token, one decode step) of topk 2 blocks
            QVERIFY(!l.tokens.empty() && static_cast<int>(l.tokens.size()) <= 2 * 2 * 16);
        QVERIFY(t.attended > 64 + 8 && t.attended < static_cast<int64_t>(p.ids.size()));
        QCOMPARE(t.tokens.front().pos, 0);  // an init token
        QCOMPARE(t.tokens.back().pos, static_cast<int32_t>(p.ids.size()) - 1);
    }

    // selection_methods.md 9 (GemFilter): with k >= n the selection is every token in order and
    // pass 2 is the standard forward (same logits, same greedy output).
    void gemfilterWithKAtLeastNEqualsPlainForward() {
        const QaPrompt p = prompt(150);
        MethodSettings s;
        s.set("k", "100000");
        auto m = make_context_method("gemfilter", *model_, *backend_, s);
        const auto got = greedy(*m, p, 4);
        QCOMPARE(got, greedy_plain(p.ids, 4));
        const auto t = m->trace();
        QCOMPARE(t.tokens.size(), p.ids.size());
        for (size_t i = 0; i < t.tokens.size(); ++i) QCOMPARE(t.tokens[i].pos, static_cast<int32_t>(i));
        auto m2 = make_context_method("gemfilter", *model_, *backend_, s);
        QVERIFY(max_abs_diff(m2->prefill(p, 1, {}), plain_last_logits(p.ids)) < 1e-4f);
        // kv_type=f32: both passes keep F32 caches, so pass 2 is the plain forward with an F32 cache
        s.set("kv_type", "f32");
        auto m3 = make_context_method("gemfilter", *model_, *backend_, s);
        Transformer f32(*model_, *backend_, static_cast<int>(p.ids.size()) + 1, 512, DType::F32);
        const auto plain32 = f32.forward(p.ids, Logits::Last);
        QVERIFY(max_abs_diff(m3->prefill(p, 1, {}), plain32) < 1e-4f);
        QVERIFY(max_abs_diff(plain32, plain_last_logits(p.ids)) > 1e-4f);  // F16 and F32 caches differ
    }

    // With k < n: min(k, n) unique ascending indices; the filter layer defaults to 13/32 of depth.
    void gemfilterSelectsKInOrder() {
        QCOMPARE(gemfilter_default_layer(model_->config()), 12);
        const QaPrompt p = prompt(300);
        MethodSettings s;
        s.set("k", "64");
        auto m = make_context_method("gemfilter", *model_, *backend_, s);
        m->prefill(p, 1, {});
        const auto t = m->trace();
        QCOMPARE(t.tokens.size(), size_t(64));
        for (size_t i = 1; i < t.tokens.size(); ++i) QVERIFY(t.tokens[i].pos > t.tokens[i - 1].pos);
        QCOMPARE(t.layers.size(), size_t(1));
        QCOMPARE(t.layers[0].layer, 12);
    }

    // selection_methods.md 9 (StreamingLLM): n <= sinks + window is full attention; beyond it the
    // cache is exactly the first sinks and the last window tokens.
    void streamingWithinWindowEqualsFull() {
        const QaPrompt p = prompt(120);
        MethodSettings s;
        s.set("window", "400");
        s.set("chunk_size", "64");
        auto m = make_context_method("streaming", *model_, *backend_, s);
        const auto got = m->prefill(p, 1, {});
        const auto ref = segment_full_logits(p.ids, 64);
        QVERIFY2(max_abs_diff(got, ref) < 1e-5f * max_abs(ref), qPrintable(QString::number(max_abs_diff(got, ref))));
        QCOMPARE(argmax(got), argmax(plain_last_logits(p.ids)));

        const QaPrompt longer = prompt(300);
        s.set("window", "64");
        s.set("chunk_size", "16");
        auto m2 = make_context_method("streaming", *model_, *backend_, s);
        m2->prefill(longer, 1, {});
        const auto t = m2->trace();
        const int n = static_cast<int>(longer.ids.size());
        QCOMPARE(static_cast<int>(t.tokens.size()), 4 + 64);
        for (int i = 0; i < 4; ++i) QCOMPARE(t.tokens[i].pos, i);
        for (int i = 0; i < 64; ++i) QCOMPARE(t.tokens[4 + i].pos, n - 64 + i);
    }

    // Full attention beyond its length keeps the head and the tail (LongBench's truncation).
    void fullTruncatesTheMiddle() {
        const QaPrompt p = prompt(200);
        MethodSettings s;
        s.set("max_len", "110");
        auto m = make_context_method("full", *model_, *backend_, s);
        m->prefill(p, 10, {});
        const auto t = m->trace();
        QCOMPARE(t.tokens.size(), size_t(100));
        QCOMPARE(t.tokens[49].pos, 49);
        QCOMPARE(t.tokens[50].pos, static_cast<int32_t>(p.ids.size()) - 50);
    }

    // The kv_type knob is the KV cache `full` keeps: each setting gives exactly the plain forward
    // with that cache type, and the two differ (so the knob is not ignored).
    void fullKeepsTheKvTypeItIsGiven() {
        const QaPrompt p = prompt(120);
        std::vector<float> got[2];
        const DType types[2] = {DType::F32, DType::F16};
        for (int i = 0; i < 2; ++i) {
            MethodSettings s;
            s.set("kv_type", kv_type_name(types[i]));
            auto m = make_context_method("full", *model_, *backend_, s);
            QVERIFY(m->describe().find("kv=" + kv_type_name(types[i])) != std::string::npos);
            m->prefill(p, 4, {});
            got[i] = m->decode(argmax(plain_last_logits(p.ids)));
            Transformer tf(*model_, *backend_, static_cast<int>(p.ids.size()) + 4, 512, types[i]);
            tf.forward(p.ids, Logits::Last);
            const int32_t one[1] = {argmax(plain_last_logits(p.ids))};
            QCOMPARE(max_abs_diff(got[i], tf.forward(one, Logits::Last)), 0.0f);
        }
        QVERIFY(max_abs_diff(got[0], got[1]) > 0.0f);
        MethodSettings bad;
        bad.set("kv_type", "q8");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_context_method("full", *model_, *backend_, bad));
    }

    // Q-LLM's extract_question on the built prompt: the first occurrence (before the document).
    void locatesTheQuestion() {
        const std::string q = "Who did Alice follow down the hole?";
        const QaPrompt p = prompt(50, q);
        const auto qids = model_->tokenizer().encode(q, false, false);
        const auto [st, ed] = locate_question(p.ids, qids);
        QVERIFY(st > 0 && ed < p.doc_begin);
        QCOMPARE(ed - st, static_cast<int>(qids.size()));
        for (int i = 1; i + 1 < static_cast<int>(qids.size()); ++i) QCOMPARE(p.ids[st + i], qids[i]);
        QCOMPARE(locate_question(p.ids, {999999, 999998, 999997}), (std::pair<int, int>{-1, -1}));
    }

    // Token offsets: every token's byte range holds its decoded text; passages merge neighbours.
    void evidenceOffsetsAndPassages() {
        const std::string text = text_.substr(0, 3000);
        const auto ids = tokenize_document(model_->tokenizer(), text);
        const auto off = token_offsets(model_->tokenizer(), ids, text);
        QCOMPARE(off.size(), ids.size() + 1);
        QCOMPARE(off.back(), static_cast<int64_t>(text.size()));
        for (size_t i = 0; i < ids.size(); ++i)
            QCOMPARE(text.substr(off[i], off[i + 1] - off[i]), model_->tokenizer().decode_token(ids[i]));
        std::vector<TokenScore> sel = {{10 + 5, 0.5f}, {10 + 6, 0.9f}, {10 + 8, 0.2f}, {10 + 40, 1.0f}, {3, 1.0f}};
        const auto ps = build_passages(sel, 10, off, text);
        QCOMPARE(ps.size(), size_t(2));
        QCOMPARE(ps[0].first_token, 40);
        QCOMPARE(ps[1].first_token, 5);
        QCOMPARE(ps[1].last_token, 8);
        QCOMPARE(ps[1].score, 0.9f);
        QCOMPARE(int64_t(ps[1].begin), off[5]);
        QCOMPARE(int64_t(ps[1].end), off[9]);
        QCOMPARE(ps[1].text, text.substr(off[5], off[9] - off[5]));
    }
};

QTEST_APPLESS_MAIN(TestContextMethods)
#include "test_context_methods.moc"
