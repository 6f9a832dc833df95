// InfLLM's memory on synthetic tensors (no model): the faithfulness tests of
// ../shared/reference/qllm_infllm.md section 6 that need exact control over queries and keys,
// and the multi-segment attention op against the backend's attention.
#include <QtTest>

#include <cmath>
#include <map>
#include <random>

#include "backend.h"
#include "methods/gemfilter.h"
#include "methods/infllm.h"
#include "quant/fp16.h"

using namespace gleaner;

namespace {

constexpr int H = 2, Hkv = 1, D = 64;

RopeParams test_rope() {
    RopeParams p;
    p.style = RopeStyle::Norm;
    p.n_rot = D;
    p.freq_base = 10000.0f;
    return p;
}

LayerGeometry test_geometry() {
    LayerGeometry g;
    g.layer = 0;
    g.n_heads = H;
    g.n_kv_heads = Hkv;
    g.head_dim = D;
    g.scale = 1.0f / std::sqrt(static_cast<float>(D));
    g.rope = test_rope();
    return g;
}

std::vector<float> randn(size_t n, std::mt19937& rng, float sd = 1.0f) {
    std::normal_distribution<float> d(0.0f, sd);
    std::vector<float> v(n);
    for (float& x : v) x = d(rng);
    return v;
}

// Rotates one head vector at a position (the same formula as RopeTable/backend).
void rotate(float* v, int pos) {
    const RopeParams p = test_rope();
    for (int i = 0; i < D / 2; ++i) {
        const float theta = static_cast<float>(pos) * std::pow(p.freq_base, -2.0f * i / static_cast<float>(D));
        const float c = std::cos(theta), s = std::sin(theta);
        const float a = v[2 * i], b = v[2 * i + 1];
        v[2 * i] = a * c - b * s;
        v[2 * i + 1] = a * s + b * c;
    }
}

// Feeds n tokens through one layer in execution blocks; returns the outputs (n, H*D).
std::vector<float> run_layer(InfLlmLayer& L, Backend& be, const RopeTable& rope, const std::vector<float>& q,
                             const std::vector<float>& k, const std::vector<float>& v, int n, int exc,
                             std::vector<BlockRetrieval>* rec = nullptr, std::vector<InfLlmLayerState>* states = nullptr) {
    InfLlmHooks hooks;
    std::vector<float> out(static_cast<size_t>(n) * H * D);
    for (int t = 0; t < n; t += exc) {
        const int m = std::min(exc, n - t);
        std::vector<float> qb(q.begin() + static_cast<size_t>(t) * H * D, q.begin() + static_cast<size_t>(t + m) * H * D);
        L.process(be, rope, qb.data(), k.data() + static_cast<size_t>(t) * Hkv * D, v.data() + static_cast<size_t>(t) * Hkv * D, m,
                  out.data() + static_cast<size_t>(t) * H * D, hooks, rec);
        if (states) states->push_back(L.state());
    }
    return out;
}

}  // namespace

class TestInfLlmMemory : public QObject {
    Q_OBJECT
    std::unique_ptr<Backend> be_ = make_cpu_backend(2);

private slots:
    // The segment op with one causal segment equals the backend's attention; splitting the keys
    // into several segments changes nothing.
    void segmentAttentionMatchesAttention_data() {
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("n_kv");
        QTest::newRow("small (caller's thread)") << 7 << 40;
        QTest::newRow("large (thread pool)") << 96 << 300;
    }
    void segmentAttentionMatchesAttention() {
        QFETCH(int, T);
        QFETCH(int, n_kv);
        std::mt19937 rng(1);
        const int Hq = 4, Hk = 2;
        auto q = randn(static_cast<size_t>(T) * Hq * D, rng), k = randn(static_cast<size_t>(n_kv) * Hk * D, rng),
             v = randn(static_cast<size_t>(n_kv) * Hk * D, rng);
        std::vector<int32_t> qpos(T), kpos(n_kv);
        for (int i = 0; i < T; ++i) qpos[i] = n_kv - T + i;
        for (int j = 0; j < n_kv; ++j) kpos[j] = j;
        AttentionParams ap;
        ap.n_tokens = T;
        ap.n_heads = Hq;
        ap.n_kv_heads = Hk;
        ap.head_dim = D;
        ap.n_kv = n_kv;
        ap.scale = 0.125f;
        ap.q_pos = qpos.data();
        ap.kv_pos = kpos.data();
        ap.kv_row_stride = static_cast<size_t>(Hk) * D;
        std::vector<float> ref(static_cast<size_t>(T) * Hq * D), got(ref.size()), split(ref.size());
        be_->attention(q.data(), k.data(), v.data(), ap, ref.data());

        SegmentAttentionParams sp{T, Hq, Hk, D, 0.125f};
        KvSegment s;
        s.q = q.data();
        s.k = k.data();
        s.v = v.data();
        s.n_kv = n_kv;
        s.q_pos = qpos.data();
        s.kv_pos = kpos.data();
        be_->attention_segments(&s, 1, sp, got.data());
        KvSegment a = s, b = s;
        a.n_kv = 25;
        b.k = k.data() + 25 * Hk * D;
        b.v = v.data() + 25 * Hk * D;
        b.kv_pos = kpos.data() + 25;
        b.n_kv = n_kv - 25;
        (void)T;
        KvSegment both[2] = {a, b};
        be_->attention_segments(both, 2, sp, split.data());
        for (size_t i = 0; i < ref.size(); ++i) {
            QVERIFY2(std::fabs(ref[i] - got[i]) < 1e-5f, qPrintable(QString::number(i)));
            QVERIFY(std::fabs(ref[i] - split[i]) < 1e-5f);
        }
    }

    // Scores: the probability each key received, summed over queries, jointly normalised.
    void segmentScoresAreJointProbabilities() {
        std::mt19937 rng(2);
        const int T = 3, n1 = 5, n2 = 4;
        auto q = randn(static_cast<size_t>(T) * H * D, rng, 0.2f), k1 = randn(n1 * D, rng), k2 = randn(n2 * D, rng),
             v1 = randn(n1 * D, rng), v2 = randn(n2 * D, rng);
        std::vector<float> acc(n1 * H, 0.0f), out(static_cast<size_t>(T) * H * D);
        KvSegment a, b;
        a.q = b.q = q.data();
        a.k = k1.data(), a.v = v1.data(), a.n_kv = n1, a.score_acc = acc.data();
        b.k = k2.data(), b.v = v2.data(), b.n_kv = n2;
        KvSegment segs[2] = {a, b};
        be_->attention_segments(segs, 2, SegmentAttentionParams{T, H, Hkv, D, 1.0f}, out.data());
        for (int h = 0; h < H; ++h)
            for (int j = 0; j < n1; ++j) {
                double expect = 0;
                for (int t = 0; t < T; ++t) {
                    std::vector<double> l;
                    for (int i = 0; i < n1; ++i) l.push_back(dot(q.data() + (t * H + h) * D, k1.data() + i * D));
                    for (int i = 0; i < n2; ++i) l.push_back(dot(q.data() + (t * H + h) * D, k2.data() + i * D));
                    double mx = *std::max_element(l.begin(), l.end()), z = 0;
                    for (double x : l) z += std::exp(x - mx);
                    expect += std::exp(l[j] - mx) / z;
                }
                QVERIFY(std::fabs(acc[j * H + h] - expect) < 1e-5);
            }
    }

    // Test 6.1 / 6.2 / 6.4: with topk >= #blocks, every query's output equals attention over all
    // earlier tokens where the last n_local are at exact relative positions and all older ones at
    // the single distance n_local-1 (queries rotated there, keys raw): nothing missed, nothing
    // seen twice (per-query mask), in prefill blocks and in one-token decode steps. An f16 memory
    // is the same attention over keys and values rounded to f16, and stores half the bytes.
    void partitionAndPositions_data() {
        QTest::addColumn<bool>("f16");
        QTest::newRow("f32 memory") << false;
        QTest::newRow("f16 memory") << true;
    }
    void partitionAndPositions() {
        QFETCH(bool, f16);
        InfLlmConfig c;
        c.n_init = 4, c.n_local = 16, c.topk = 100, c.block_size = 4, c.repr_topk = 2, c.max_cached_blocks = 100,
        c.exc_block = 8;
        c.kv_type = f16 ? DType::F16 : DType::F32;
        std::mt19937 rng(3);
        const int n = 70;
        auto q = randn(static_cast<size_t>(n) * H * D, rng, 0.3f), k = randn(static_cast<size_t>(n) * D, rng, 0.3f),
             v = randn(static_cast<size_t>(n) * D, rng);
        RopeTable rope(test_rope(), 64);
        InfLlmLayer L(c, test_geometry(), heap_arrays());
        // prefill 48 tokens in exc blocks of 8, then decode one token at a time
        auto out = run_layer(L, *be_, rope, q, k, v, 48, 8);
        QCOMPARE(L.kv_row_bytes(), static_cast<size_t>(D) * (f16 ? 2 : 4));
        if (f16)  // the reference below attends to what the memory holds
            for (std::vector<float>* x : {&k, &v})
                for (float& e : *x) e = fp16_to_fp32(fp32_to_fp16(e));
        {
            InfLlmHooks hooks;
            for (int t = 48; t < n; ++t) {
                std::vector<float> qb(q.begin() + t * H * D, q.begin() + (t + 1) * H * D);
                std::vector<float> o(H * D);
                L.process(*be_, rope, qb.data(), k.data() + t * D, v.data() + t * D, 1, o.data(), hooks, nullptr);
                out.insert(out.end(), o.begin(), o.end());
            }
        }
        const float scale = test_geometry().scale;
        for (int t = 0; t < n; ++t) {
            const int xs = t < 48 ? t / 8 * 8 : t;  // first token of t's execution block
            const int lo = std::max(0, xs - c.n_local + 1);
            for (int h = 0; h < H; ++h) {
                std::vector<double> logit;
                std::vector<int> key;
                for (int s = 0; s <= t; ++s) {
                    std::vector<float> qq(q.begin() + (t * H + h) * D, q.begin() + (t * H + h + 1) * D);
                    std::vector<float> kk(k.begin() + s * D, k.begin() + (s + 1) * D);
                    if (t - s < c.n_local) {  // local, exact relative position
                        rotate(qq.data(), t - lo);
                        rotate(kk.data(), s - lo);
                    } else {
                        rotate(qq.data(), c.n_local - 1);
                    }
                    logit.push_back(dot(qq.data(), kk.data()) * scale);
                    key.push_back(s);
                }
                const double mx = *std::max_element(logit.begin(), logit.end());
                double z = 0;
                for (double x : logit) z += std::exp(x - mx);
                for (int d = 0; d < D; ++d) {
                    double e = 0;
                    for (size_t j = 0; j < key.size(); ++j) e += std::exp(logit[j] - mx) / z * v[key[j] * D + d];
                    const float got = out[(static_cast<size_t>(t) * H + h) * D + d];
                    QVERIFY2(std::fabs(got - e) < 2e-4, qPrintable(QString("t=%1 h=%2 d=%3: %4 vs %5").arg(t).arg(h).arg(d).arg(got).arg(e)));
                }
            }
        }
    }

    // The reference-compatible mask: within an execution block, query i sees the remainder tokens
    // that its window already covers a second time (at most m-1-i duplicates); decoding has none.
    void referenceMaskDuplicates() {
        InfLlmConfig c;
        c.n_init = 4, c.n_local = 16, c.topk = 100, c.block_size = 4, c.repr_topk = 2, c.max_cached_blocks = 100,
        c.exc_block = 8, c.reference_mask = true;
        const int n = 60;  // < D: value e_s identifies token s
        std::vector<float> q(static_cast<size_t>(n) * H * D, 0.0f), k(static_cast<size_t>(n) * D, 0.0f),
            v(static_cast<size_t>(n) * D, 0.0f);
        for (int s = 0; s < n; ++s) v[s * D + s] = 1.0f;
        RopeTable rope(test_rope(), 64);
        InfLlmLayer L(c, test_geometry(), heap_arrays());
        std::vector<InfLlmLayerState> states;
        auto out = run_layer(L, *be_, rope, q, k, v, n, 8, nullptr, &states);
        int total_dup = 0;
        for (int t = 0; t < n; ++t) {
            const int xs = t / 8 * 8, xe = std::min(n, xs + 8), i = t - xs;
            const int64_t rem_start = xs == 0 ? 0 : states[xs / 8 - 1].rem_start;
            // weights are uniform over visible copies: out[s] = copies(s) / total copies
            const float* o = out.data() + static_cast<size_t>(t) * H * D;
            const float w_self = o[t];
            QVERIFY(w_self > 0.0f);
            int dup = 0;
            for (int s = 0; s < n; ++s) {
                const int copies = static_cast<int>(std::lround(o[s] / w_self));
                if (s > t) QCOMPARE(copies, 0);
                else if (s >= rem_start && s < xe - c.n_local && t - s < c.n_local) {
                    QCOMPARE(copies, 2);
                    ++dup;
                } else QCOMPARE(copies, 1);
            }
            QVERIFY(dup <= 8 - 1 - i);
            total_dup += dup;
        }
        QVERIFY(total_dup > 0);  // the reference mode does duplicate
    }

    // Test 6.3: after P processed tokens (P a multiple of exc, P > n_local):
    // |init| = min(n_init, P - n_local), #blocks = floor((P - n_local - |init|) / bs).
    void blockCountInvariant() {
        InfLlmConfig c;
        c.n_init = 12, c.n_local = 32, c.topk = 3, c.block_size = 8, c.repr_topk = 2, c.max_cached_blocks = 4,
        c.exc_block = 16;
        std::mt19937 rng(4);
        const int n = 400;
        auto q = randn(static_cast<size_t>(n) * H * D, rng), k = randn(static_cast<size_t>(n) * D, rng),
             v = randn(static_cast<size_t>(n) * D, rng);
        RopeTable rope(test_rope(), 64);
        InfLlmLayer L(c, test_geometry(), heap_arrays());
        std::vector<InfLlmLayerState> states;
        std::vector<BlockRetrieval> rec;
        run_layer(L, *be_, rope, q, k, v, n, c.exc_block, &rec, &states);
        for (size_t i = 0; i < states.size(); ++i) {
            const int64_t P = static_cast<int64_t>(i + 1) * c.exc_block;
            if (P <= c.n_local) continue;
            const int64_t init = std::min<int64_t>(c.n_init, P - c.n_local);
            QCOMPARE(states[i].init_len, init);
            QCOMPARE(states[i].n_blocks, (P - c.n_local - init) / c.block_size);
        }
        // Test 6.7: the cache never holds more than max_cached_blocks and holds the selection.
        QVERIFY(!rec.empty());
        QVERIFY(std::count_if(L.cached_blocks().begin(), L.cached_blocks().end(), [](int64_t b) { return b >= 0; }) <=
                c.max_cached_blocks);
        const auto& last = rec.back();
        for (int b : last.blocks)
            QVERIFY(std::find(L.cached_blocks().begin(), L.cached_blocks().end(), b) != L.cached_blocks().end());
        for (const auto& r : rec) QVERIFY(static_cast<int>(r.blocks.size()) <= c.topk);
        QVERIFY(L.cache_misses() > 0);
    }

    // Test 6.5: each head's representative is the mean raw key of the repr_topk block tokens with
    // the highest accumulated score (ties to the earlier token), with the GQA expansion.
    void representatives() {
        InfLlmConfig c;
        c.n_init = 4, c.n_local = 16, c.topk = 2, c.block_size = 8, c.repr_topk = 3, c.max_cached_blocks = 2,
        c.exc_block = 8;
        std::mt19937 rng(5);
        const int n = 96;
        auto q = randn(static_cast<size_t>(n) * H * D, rng), k = randn(static_cast<size_t>(n) * D, rng),
             v = randn(static_cast<size_t>(n) * D, rng);
        RopeTable rope(test_rope(), 64);
        InfLlmLayer L(c, test_geometry(), heap_arrays());
        run_layer(L, *be_, rope, q, k, v, n, c.exc_block);
        QVERIFY(L.n_blocks() >= 5);
        for (int64_t b = 0; b < L.n_blocks(); ++b)
            for (int h = 0; h < H; ++h) {
                std::vector<int> idx(c.block_size);
                std::iota(idx.begin(), idx.end(), 0);
                const int64_t first = L.block_start(b);
                std::stable_sort(idx.begin(), idx.end(),
                                 [&](int a, int x) { return L.score(first + a)[h] > L.score(first + x)[h]; });
                std::vector<float> key(D);
                for (int d = 0; d < D; ++d) {
                    float e = 0;
                    for (int i = 0; i < c.repr_topk; ++i) {
                        L.raw_k_f32(first + idx[i], key.data());
                        e += key[d];  // one KV head
                    }
                    e /= c.repr_topk;
                    QVERIFY(std::fabs(L.representative(b)[h * D + d] - e) < 1e-6f);
                }
            }
    }

    // Test 6.6: top-k retrieval order and ties; all blocks in order when #blocks <= topk.
    void retrievalTopK() {
        const float s[] = {0.5f, 2.0f, 2.0f, -1.0f, 3.0f};
        QVERIFY(top_blocks(s, 5, 3) == (std::vector<int64_t>{4, 1, 2}));
        QVERIFY(top_blocks(s, 5, 5) == (std::vector<int64_t>{0, 1, 2, 3, 4}));
        QVERIFY(top_blocks(s, 5, 9) == (std::vector<int64_t>{0, 1, 2, 3, 4}));
    }

    // GemFilter's score: avgpool5(sum_h q_h . k_i) over repeat_kv keys equals the group-summed
    // form; zero-padded edges divide by 5; summing per-head softmax instead ranks differently.
    void gemfilterScores() {
        std::mt19937 rng(6);
        const int n = 50, Hq = 6, Hk = 2, G = Hq / Hk;
        auto q = randn(static_cast<size_t>(Hq) * D, rng), k = randn(static_cast<size_t>(n) * Hk * D, rng);
        const auto fast = gemfilter_raw_scores(q.data(), k.data(), n, static_cast<size_t>(Hk) * D, Hq, Hk, D);
        std::vector<float> naive(n, 0.0f), soft(n, 0.0f);
        for (int h = 0; h < Hq; ++h) {
            std::vector<double> l(n);
            for (int i = 0; i < n; ++i) {
                l[i] = dot(q.data() + h * D, k.data() + (static_cast<size_t>(i) * Hk + h / G) * D);
                naive[i] += static_cast<float>(l[i]);
            }
            const double mx = *std::max_element(l.begin(), l.end());
            double z = 0;
            for (double x : l) z += std::exp(x - mx);
            for (int i = 0; i < n; ++i) soft[i] += static_cast<float>(std::exp(l[i] - mx) / z);
        }
        for (int i = 0; i < n; ++i) QVERIFY(std::fabs(fast[i] - naive[i]) < 1e-3f * (1 + std::fabs(naive[i])));
        const auto pooled = avg_pool5(fast);
        QVERIFY(std::fabs(pooled[0] - (fast[0] + fast[1] + fast[2]) / 5) < 1e-4f);
        QVERIFY(std::fabs(pooled[10] - (fast[8] + fast[9] + fast[10] + fast[11] + fast[12]) / 5) < 1e-4f);
        const auto sel = top_k_sorted(pooled, 10);
        QCOMPARE(static_cast<int>(sel.size()), 10);
        for (size_t i = 1; i < sel.size(); ++i) QVERIFY(sel[i] > sel[i - 1]);
        QCOMPARE(top_k_sorted(pooled, 80).size(), size_t(n));
        QVERIFY(top_k_sorted(fast, 10) != top_k_sorted(soft, 10));
        QCOMPARE(top_k_sorted(pooled, 80).size(), size_t(n));
    }

    // Scores of raw f16 keys with RoPE at their distances equal scores of keys rotated at their
    // positions against the query rotated at its own (recurrence and exact trig agree); the probe
    // score's softmax_max is each key's best per-head probability.
    void probeScoresMatchBruteForce() {
        std::mt19937 rng(7);
        const int n = 700, Hq = 4, Hk = 2, G = 2, A = 3;
        RopeParams rp = test_rope();
        auto q = randn(static_cast<size_t>(A) * Hq * D, rng, 0.5f), k = randn(static_cast<size_t>(n) * Hk * D, rng, 0.5f);
        std::vector<uint16_t> k16(k.size());
        for (size_t i = 0; i < k.size(); ++i) {
            k16[i] = fp32_to_fp16(k[i]);
            k[i] = fp16_to_fp32(k16[i]);
        }
        const int64_t key0 = 5000;
        const std::vector<int64_t> qpos = {key0 + n + 10, key0 + n + 11, key0 + n + 12};
        // brute force, rotations in double
        auto rot = [&](std::vector<double>& v, int64_t pos) {
            for (int i = 0; i < D / 2; ++i) {
                const double th = pos * std::pow(10000.0, -2.0 * i / D);
                const double a = v[2 * i], b = v[2 * i + 1];
                v[2 * i] = a * std::cos(th) - b * std::sin(th);
                v[2 * i + 1] = a * std::sin(th) + b * std::cos(th);
            }
        };
        std::vector<std::vector<double>> lg(A * Hq, std::vector<double>(n));
        std::vector<double> raw_sum(n, 0.0);
        for (int a = 0; a < A; ++a)
            for (int h = 0; h < Hq; ++h) {
                std::vector<double> qq(q.begin() + (a * Hq + h) * D, q.begin() + (a * Hq + h + 1) * D);
                rot(qq, qpos[a]);
                for (int i = 0; i < n; ++i) {
                    std::vector<double> kk(k.begin() + (i * Hk + h / G) * D, k.begin() + (i * Hk + h / G + 1) * D);
                    rot(kk, key0 + i);
                    double s = 0;
                    for (int d = 0; d < D; ++d) s += qq[d] * kk[d];
                    lg[a * Hq + h][i] = s;
                    raw_sum[i] += s;
                }
            }
        const auto sum = probe_scores_f16(*be_, q.data(), qpos, k16.data(), n, Hq, Hk, D, 0.125f, rp, ScoreRope::Absolute,
                                          key0, 0, ProbeScore::RawSum);
        const auto smax = probe_scores_f16(*be_, q.data(), qpos, k16.data(), n, Hq, Hk, D, 0.125f, rp, ScoreRope::Absolute,
                                           key0, 0, ProbeScore::SoftmaxMax);
        const auto ssum = probe_scores_f16(*be_, q.data(), qpos, k16.data(), n, Hq, Hk, D, 0.125f, rp, ScoreRope::Absolute,
                                           key0, 0, ProbeScore::SoftmaxSum);
        for (int i = 0; i < n; ++i) {
            QVERIFY2(std::fabs(sum[i] - raw_sum[i]) < 1e-3 * (1 + std::fabs(raw_sum[i])), qPrintable(QString::number(i)));
            double best = 0, sum_of_best = 0;
            for (int a = 0; a < A; ++a) {
                double best_a = 0;
                for (int h = 0; h < Hq; ++h) {
                    const auto& row = lg[a * Hq + h];
                    double mx = -1e300, z = 0;
                    for (double x : row) mx = std::max(mx, x * 0.125);
                    for (double x : row) z += std::exp(x * 0.125 - mx);
                    best_a = std::max(best_a, std::exp(row[i] * 0.125 - mx) / z);
                }
                best = std::max(best, best_a);
                sum_of_best += best_a;
            }
            QVERIFY(std::fabs(smax[i] - best) < 1e-4 * best + 1e-7);
            QVERIFY(std::fabs(ssum[i] - sum_of_best) < 1e-4 * sum_of_best + 1e-7);
        }
    }

private:
    static double dot(const float* a, const float* b) {
        double s = 0;
        for (int i = 0; i < D; ++i) s += static_cast<double>(a[i]) * b[i];
        return s;
    }
};

QTEST_APPLESS_MAIN(TestInfLlmMemory)
#include "test_infllm_memory.moc"
