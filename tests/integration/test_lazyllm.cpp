// LazyLLM on the real default model with short inputs: the checks of selection_methods.md
// section 9 (rates 0 give the baseline, the last token is never pruned, each (token, layer) is
// computed once, revived tokens keep their positions and reuse their cached states) and the
// per-layer schedule.
#include <QtTest>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "cancel_on_first_report.h"
#include "context_method.h"
#include "methods/lazyllm.h"
#include "model.h"
#include "qa_prompt.h"
#include "sampler.h"
#include "test_support.h"
#include "transformer.h"

using namespace gleaner;

namespace {

float max_abs_diff(const float* a, const float* b, size_t n) {
    float m = 0;
    for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}

float max_abs(const std::vector<float>& a) {
    float m = 0;
    for (float x : a) m = std::max(m, std::fabs(x));
    return m;
}

// Causal attention over every earlier token through the backend's segment op and RoPE, the
// kernels LazyLLM's layers use, so that with nothing pruned the two runs differ only in order of
// operations that do not round differently. (A plain forward uses another attention kernel; the
// model quantizes activations before every matmul, so that difference shows in the logits.)
class SegmentReference final : public AttentionPolicy {
public:
    SegmentReference(const Model& m, Backend& be) : m_(m), be_(be), layers_(m.config().n_layers) {}
    void attend(int il, float* q, float* k, float* v, int T, const int32_t* pos, float* out) override {
        const ModelConfig& c = m_.config();
        const size_t row = static_cast<size_t>(c.n_kv_heads) * c.head_dim;
        const RopeParams rp = layer_rope_params(m_, il);
        be_.rope(q, T, c.n_heads, c.head_dim, pos, rp);
        be_.rope(k, T, c.n_kv_heads, c.head_dim, pos, rp);
        Layer& L = layers_[il];
        L.k.insert(L.k.end(), k, k + T * row);
        L.v.insert(L.v.end(), v, v + T * row);
        L.pos.insert(L.pos.end(), pos, pos + T);
        KvSegment s;
        s.q = q;
        s.k = L.k.data();
        s.v = L.v.data();
        s.n_kv = static_cast<int>(L.pos.size());
        s.q_pos = pos;
        s.kv_pos = L.pos.data();
        be_.attention_segments(&s, 1, SegmentAttentionParams{T, c.n_heads, c.n_kv_heads, c.head_dim, c.attn_scale}, out);
    }

private:
    struct Layer {
        std::vector<float> k, v;  // (n, Hkv*D)
        std::vector<int32_t> pos;
    };
    const Model& m_;
    Backend& be_;
    std::vector<Layer> layers_;
};

std::string read_text(const QString& path) {
    std::ifstream f(path.toStdString(), std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

class TestLazyLlm : public QObject {
    Q_OBJECT

    std::unique_ptr<Model> model_;
    std::unique_ptr<Backend> backend_;
    std::string text_;

    QaPrompt prompt(int doc_tokens, const std::string& question = "Who did Alice follow down the hole?") {
        auto ids = tokenize_document(model_->tokenizer(), text_);
        ids.resize(std::min<size_t>(ids.size(), doc_tokens));
        return build_qa_prompt(*model_, ids, question);
    }

    std::unique_ptr<LazyLlmMethod> lazy(const MethodSettings& s) {
        auto m = make_context_method("lazyllm", *model_, *backend_, s);
        return std::unique_ptr<LazyLlmMethod>(dynamic_cast<LazyLlmMethod*>(m.release()));
    }

private slots:
    void initTestCase() {
        GLEANER_REQUIRE_MODEL(test::smollm2Path());
        model_ = Model::load(test::smollm2Path().toStdString());
        backend_ = make_cpu_backend(2);
        text_ = read_text(test::dataFile("ppl_excerpt.txt"));
        QVERIFY(text_.size() > 10000);
    }

    // Rates 0 give the baseline: the prefill and decode logits of the plain layer order (same
    // kernels) and the plain forward's greedy answer.
    void rateZeroEqualsFullForward() {
        const QaPrompt p = prompt(300);
        MethodSettings s;
        s.set("rate", "0");
        auto m = lazy(s);
        for (double r : m->rates()) QCOMPARE(r, 0.0);
        std::vector<float> got = m->prefill(p, 4, {});

        Transformer ref_tf(*model_, *backend_, 1, 512);
        SegmentReference ref(*model_, *backend_);
        ref_tf.set_attention_policy(&ref);
        std::vector<float> want = ref_tf.forward(p.ids, Logits::Last);
        QVERIFY2(max_abs_diff(got.data(), want.data(), got.size()) <= 1e-5f * max_abs(want),
                 qPrintable(QString::number(max_abs_diff(got.data(), want.data(), got.size()))));

        Transformer plain(*model_, *backend_, static_cast<int>(p.ids.size()) + 8);
        std::vector<float> plain_logits = plain.forward(p.ids, Logits::Last);
        for (int i = 0; i < 4; ++i) {
            const int32_t tok = argmax(want);
            QCOMPARE(argmax(got), tok);
            QCOMPARE(argmax(plain_logits), tok);  // the plain cached forward answers the same
            const int32_t one[1] = {tok};
            got = m->decode(tok);
            want = ref_tf.forward(one, Logits::Last);
            plain_logits = plain.forward(one, Logits::Last);
            QVERIFY2(max_abs_diff(got.data(), want.data(), got.size()) <= 1e-5f * max_abs(want),
                     qPrintable(QString::number(max_abs_diff(got.data(), want.data(), got.size()))));
        }
        QVERIFY(m->revivals().empty());
        const SelectionTrace t = m->trace();
        QCOMPARE(t.tokens.size(), p.ids.size());  // every token reached the last layer
    }

    // The default schedule: nothing pruned up to start_layer, then every layer prunes
    // floor(rate * prunable) of its prunable tokens, so the pruned set grows with depth and
    // `keep` of the document is left at the last layer. The question and the last token are in
    // every layer.
    void prunedShareFollowsTheSchedule() {
        const QaPrompt p = prompt(600);
        auto m = lazy({});
        const int L = model_->config().n_layers;
        const LazyLlmConfig d = lazyllm_defaults(model_->config());
        m->prefill(p, 2, {});
        const int n = static_cast<int>(p.ids.size());
        QVERIFY(m->protected_from() == p.doc_end);
        auto prunable = [&](int l) {
            int c = 0;
            for (int32_t t : m->prefill_active(l)) c += t < m->protected_from();
            return c;
        };
        for (int l = 0; l <= d.start_layer; ++l) QCOMPARE(static_cast<int>(m->prefill_active(l).size()), n);
        for (int l = 0; l + 1 < L; ++l) {
            const int before = prunable(l), after = prunable(l + 1);
            QCOMPARE(after, before - lazyllm_pruned_count(m->rates()[l], before));
            if (l >= d.start_layer) QVERIFY2(after < before, qPrintable(QString("layer %1").arg(l)));
            // later layers see a subset of earlier ones
            const std::set<int32_t> prev(m->prefill_active(l).begin(), m->prefill_active(l).end());
            for (int32_t t : m->prefill_active(l + 1)) QVERIFY(prev.count(t));
        }
        for (int l = 0; l < L; ++l) {
            const auto& a = m->prefill_active(l);
            QCOMPARE(a.back(), n - 1);  // the last token
            QCOMPARE(static_cast<int>(a.size()) - prunable(l), n - p.doc_end);  // the question
        }
        const double left = static_cast<double>(prunable(L - 1)) / p.doc_end;
        QVERIFY2(std::fabs(left - d.keep) < 0.03, qPrintable(QString::number(left)));
        // the evidence: the last layer's tokens, and every layer's
        const SelectionTrace t = m->trace();
        QCOMPARE(static_cast<int>(t.layers.size()), L);
        QCOMPARE(t.tokens.size(), m->prefill_active(L - 1).size());
        QCOMPARE(t.attended, static_cast<int64_t>(t.tokens.size()));
        for (const TokenScore& ts : t.tokens) QVERIFY(ts.score >= 0.0f && ts.score <= 1.0f);
    }

    // Pruning only after layer L-2: the tokens pruned there keep their layer L-2 output, and a
    // decode step that selects one of them computes its layer L-1 key and value from that state
    // (no recomputation of earlier layers), at its own position: bitwise the key and value of a
    // run that never pruned it, and (within kernel rounding) the plain forward's cached key.
    // Each (token, layer) is computed at most once.
    void revivedTokensReuseCachedStates() {
        const QaPrompt p = prompt(250);
        const int L = model_->config().n_layers;
        const size_t row = static_cast<size_t>(model_->config().n_kv_heads) * model_->config().head_dim;
        MethodSettings s;
        s.set("start_layer", std::to_string(L - 2));
        s.set("rate", "0.6");
        auto m = lazy(s);
        std::vector<float> logits = m->prefill(p, 6, {});
        QVERIFY(m->prefill_active(L - 1).size() < m->prefill_active(L - 2).size());
        std::vector<int32_t> answer;
        for (int i = 0; i < 5 && m->revivals().empty(); ++i) {
            answer.push_back(argmax(logits));
            logits = m->decode(answer.back());
        }
        QVERIFY2(!m->revivals().empty(), "no decode step revived a pruned token");

        MethodSettings none;
        none.set("rate", "0");
        auto unpruned = lazy(none);
        unpruned->prefill(p, 6, {});
        // An F32 cache: the comparison is with LazyLLM's own F32 states.
        Transformer plain(*model_, *backend_, static_cast<int>(p.ids.size()) + 8, 512, DType::F32);
        plain.forward(p.ids, Logits::None);

        const LazyLayer& last = m->layer(L - 1);
        const LazyLayer& full = unpruned->layer(L - 1);
        for (const auto& r : m->revivals()) {
            QCOMPARE(r.layer, L - 1);
            QVERIFY(r.token < m->protected_from());
            const int32_t j = last.row_of[r.token], jf = full.row_of[r.token];
            QVERIFY(j >= 0 && jf >= 0);
            QCOMPARE(last.pos[j], r.token);  // its own position
            const float* k = last.k.data() + j * row;
            const float* v = last.v.data() + j * row;
            const float kd = max_abs_diff(k, full.k.data() + jf * row, row);
            const float vd = max_abs_diff(v, full.v.data() + jf * row, row);
            QVERIFY2(kd == 0.0f && vd == 0.0f, qPrintable(QString("k %1 v %2").arg(kd).arg(vd)));
            const float pk = max_abs_diff(k, plain.cache().key_as_f32(L - 1, r.token).data(), row);
            QVERIFY2(pk <= 0.05f, qPrintable(QString("plain forward key differs by %1").arg(pk)));
            QVERIFY(m->layer(L - 2).aux.count(r.token) == 0);  // used up
        }
        for (int l = 0; l < L; ++l) {
            const auto& pos = m->layer(l).pos;
            QCOMPARE(std::set<int32_t>(pos.begin(), pos.end()).size(), pos.size());
        }
        // revived tokens are part of the last layer's evidence
        const SelectionTrace t = m->trace();
        std::set<int32_t> ev;
        for (const TokenScore& ts : t.tokens) ev.insert(ts.pos);
        for (const auto& r : m->revivals()) QVERIFY(ev.count(r.token));
    }

    void prefillStopsWhenCancelled() {
        const QaPrompt p = prompt(200);
        auto m = make_context_method("lazyllm", *model_, *backend_, {});
        test::CancelOnFirstReport stop;
        QVERIFY(stop.cancels(*m, p, 4));
        QCOMPARE(stop.reports, 1);
    }

    void invalidSettingsAreRejected() {
        for (auto [k, v] : {std::pair{"keep", "0"}, {"keep", "1.5"}, {"rate", "1"}, {"start_layer", "-1"},
                            {"start_layer", "1000"}}) {
            MethodSettings s;
            s.set(k, v);
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, make_context_method("lazyllm", *model_, *backend_, s));
        }
    }
};

QTEST_GUILESS_MAIN(TestLazyLlm)
#include "test_lazyllm.moc"
