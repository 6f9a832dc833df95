// Every Backend operation against a plain reference written here from the definitions, on random
// inputs. The same suite shape is what the CUDA backend is compared with (label `gpu`).
#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

#include "backend.h"
#include "cpu/quant_dot.h"
#include "quant/dequant_row.h"
#include "quant/fp16.h"

#include "random_tensors.h"

using namespace gleaner;

namespace {

}  // namespace

class TestBackendOps : public QObject {
    Q_OBJECT
    std::unique_ptr<Backend> be_ = make_cpu_backend(2);

private slots:
    void matmulF32MatchesNaive() {
        const int n_in = 96, n_out = 37, T = 5;
        const auto w = randn(size_t(n_in) * n_out, 1), x = randn(size_t(n_in) * T, 2);
        std::vector<float> y(size_t(T) * n_out), ref(y.size());
        be_->matmul(WeightView{w.data(), DType::F32, n_in, n_out}, x.data(), T, y.data());
        for (int t = 0; t < T; ++t)
            for (int o = 0; o < n_out; ++o) {
                double s = 0;
                for (int i = 0; i < n_in; ++i) s += double(w[size_t(o) * n_in + i]) * x[size_t(t) * n_in + i];
                ref[size_t(t) * n_out + o] = float(s);
            }
        QVERIFY(max_abs_diff(y, ref) < 1e-3);
    }

    void quantizedMatmulMatchesDequantizedReference_data() {
        QTest::addColumn<int>("type");
        for (DType t : {DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q8_0, DType::Q4_K, DType::Q6_K})
            QTest::newRow(std::string(dtype_traits(t).name).c_str()) << int(t);
    }
    void quantizedMatmulMatchesDequantizedReference() {
        // Weights: random bytes with sane (small, positive) f16 scales, so every block is valid.
        QFETCH(int, type);
        const DType t = static_cast<DType>(type);
        const int n_in = 512, n_out = 40, T = 7;
        const size_t row = dtype_row_bytes(t, n_in);
        std::vector<uint8_t> w(row * n_out);
        std::mt19937 rng(3);
        for (uint8_t& b : w) b = uint8_t(rng());
        std::vector<float> deq(size_t(n_in) * n_out);
        for (int o = 0; o < n_out; ++o) {
            // Overwrite NaN/Inf-producing scale bytes by re-drawing until the row dequantizes finite.
            for (int tries = 0; tries < 100; ++tries) {
                dequantize_row(t, w.data() + o * row, deq.data() + size_t(o) * n_in, n_in);
                bool finite = true;
                for (int i = 0; i < n_in; ++i)
                    finite &= std::isfinite(deq[size_t(o) * n_in + i]) && std::abs(deq[size_t(o) * n_in + i]) < 1e4f;
                if (finite) break;
                for (size_t b = 0; b < row; ++b) w[o * row + b] = uint8_t(rng()) & 0x3B;  // small f16 exponents
            }
        }
        const auto x = randn(size_t(n_in) * T, 4);
        std::vector<float> y(size_t(T) * n_out);
        be_->matmul(WeightView{w.data(), t, n_in, n_out}, x.data(), T, y.data());
        double worst = 0;
        for (int tok = 0; tok < T; ++tok)
            for (int o = 0; o < n_out; ++o) {
                double s = 0, mag = 0;
                for (int i = 0; i < n_in; ++i) {
                    s += double(deq[size_t(o) * n_in + i]) * x[size_t(tok) * n_in + i];
                    mag += std::abs(double(deq[size_t(o) * n_in + i]) * x[size_t(tok) * n_in + i]);
                }
                // Activation quantization to 8 bits: error relative to the sum of magnitudes.
                worst = std::max(worst, std::abs(y[size_t(tok) * n_out + o] - s) / (mag + 1e-9));
            }
        QVERIFY2(worst < 1e-2, qPrintable(QString::number(worst)));
    }

    void rmsNormMatchesDefinition() {
        const int rows = 3, n = 100;
        const auto x = randn(size_t(rows) * n, 5), w = randn(n, 6);
        std::vector<float> y(x.size()), ref(x.size());
        be_->rms_norm(x.data(), w.data(), rows, n, 1e-5f, y.data());
        for (int r = 0; r < rows; ++r) {
            double ss = 0;
            for (int i = 0; i < n; ++i) ss += double(x[r * n + i]) * x[r * n + i];
            const double s = 1.0 / std::sqrt(ss / n + 1e-5);
            for (int i = 0; i < n; ++i) ref[r * n + i] = float(x[r * n + i] * s * w[i]);
        }
        QVERIFY(max_abs_diff(y, ref) < 1e-5);
    }

    void ropeRotatesThePairsOfEachStyle_data() {
        QTest::addColumn<bool>("neox");
        QTest::newRow("norm (llama)") << false;
        QTest::newRow("neox (qwen2, gemma3)") << true;
    }
    void ropeRotatesThePairsOfEachStyle() {
        QFETCH(bool, neox);
        const int T = 3, H = 2, D = 8, n_rot = 8;
        auto x = randn(size_t(T) * H * D, 7);
        const auto orig = x;
        const int32_t pos[T] = {0, 5, 1000};
        const float factors[n_rot / 2] = {1.0f, 2.0f, 4.0f, 8.0f};
        RopeParams p;
        p.style = neox ? RopeStyle::Neox : RopeStyle::Norm;
        p.n_rot = n_rot;
        p.freq_base = 10000.0f;
        p.freq_factors = factors;
        be_->rope(x.data(), T, H, D, pos, p);
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h)
                for (int i = 0; i < n_rot / 2; ++i) {
                    const double theta = pos[t] * std::pow(10000.0, -2.0 * i / n_rot) / factors[i];
                    const int a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
                    const float* o = orig.data() + (t * H + h) * D;
                    const float* r = x.data() + (t * H + h) * D;
                    QVERIFY(std::abs(r[a] - (o[a] * std::cos(theta) - o[b] * std::sin(theta))) < 1e-4);
                    QVERIFY(std::abs(r[b] - (o[a] * std::sin(theta) + o[b] * std::cos(theta))) < 1e-4);
                }
    }

    // T < 8 takes the decode kernel, T >= 8 the tiled prefill kernel: with 7 query heads per KV
    // head (28 rows per tile: blocks of 8 rows and a remainder), 8-key groups that a tile never
    // sees, and a head_dim that is not a whole number of vectors (the portable kernels).
    void attentionMatchesSoftmaxWithCausalAndWindowMasks_data() {
        QTest::addColumn<int>("window");
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("H");
        QTest::addColumn<int>("D");
        QTest::addColumn<int>("n_kv");
        QTest::newRow("causal") << 0 << 4 << 4 << 16 << 10;
        QTest::newRow("sliding window 3") << 3 << 4 << 4 << 16 << 10;
        QTest::newRow("prefill, causal") << 0 << 21 << 14 << 64 << 45;
        QTest::newRow("prefill, window 9") << 9 << 21 << 14 << 64 << 45;
        QTest::newRow("prefill, head_dim 20") << 0 << 13 << 6 << 20 << 30;
    }
    void attentionMatchesSoftmaxWithCausalAndWindowMasks() {
        QFETCH(int, window);
        QFETCH(int, T);
        QFETCH(int, H);
        QFETCH(int, D);
        QFETCH(int, n_kv);
        const int Hkv = 2;
        const auto q = randn(size_t(T) * H * D, 8), k = randn(size_t(n_kv) * Hkv * D, 9), v = randn(size_t(n_kv) * Hkv * D, 10);
        std::vector<int32_t> kv_pos(n_kv), q_pos(T);
        for (int j = 0; j < n_kv; ++j) kv_pos[j] = j;
        for (int t = 0; t < T; ++t) q_pos[t] = n_kv - T + t;
        AttentionParams p;
        p.n_tokens = T, p.n_heads = H, p.n_kv_heads = Hkv, p.head_dim = D, p.n_kv = n_kv;
        p.scale = 0.25f, p.q_pos = q_pos.data(), p.kv_pos = kv_pos.data(), p.sliding_window = window;
        std::vector<float> out(size_t(T) * H * D), ref(out.size());
        be_->attention(q.data(), k.data(), v.data(), p, out.data());
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h) {
                const int kh = h / (H / Hkv);
                std::vector<double> s(n_kv, -INFINITY);
                double mx = -INFINITY;
                for (int j = 0; j < n_kv; ++j) {
                    if (kv_pos[j] > q_pos[t] || (window && q_pos[t] - kv_pos[j] >= window)) continue;
                    double d = 0;
                    for (int i = 0; i < D; ++i) d += double(q[(t * H + h) * D + i]) * k[(j * Hkv + kh) * D + i];
                    s[j] = d * p.scale;
                    mx = std::max(mx, s[j]);
                }
                double z = 0;
                for (double& e : s) z += (e = std::exp(e - mx));
                for (int i = 0; i < D; ++i) {
                    double acc = 0;
                    for (int j = 0; j < n_kv; ++j) acc += s[j] / z * v[(j * Hkv + kh) * D + i];
                    ref[(t * H + h) * D + i] = float(acc);
                }
            }
        QVERIFY2(max_abs_diff(out, ref) < 1e-5, qPrintable(QString::number(max_abs_diff(out, ref))));
    }

    // The F16 cache: store_as rounds to nearest even, and attention over F16 rows equals F32
    // attention over the same rounded values, in the decode kernel (T < 8) and the tiled prefill
    // kernel (T >= 8), with and without a sliding window.
    void attentionOverAnF16CacheEqualsF32OverTheRoundedValues_data() {
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("window");
        QTest::newRow("decode") << 2 << 0;
        QTest::newRow("prefill") << 12 << 0;
        QTest::newRow("prefill, window 5") << 12 << 5;
    }
    void attentionOverAnF16CacheEqualsF32OverTheRoundedValues() {
        QFETCH(int, T);
        QFETCH(int, window);
        const int H = 6, Hkv = 2, D = 64, n_kv = 40;
        const size_t kv_n = size_t(n_kv) * Hkv * D;
        const auto q = randn(size_t(T) * H * D, 21), k = randn(kv_n, 22, 4.0f), v = randn(kv_n, 23, 4.0f);
        std::vector<uint16_t> k16(kv_n), v16(kv_n);
        be_->store_as(k16.data(), DType::F16, k.data(), kv_n);
        be_->store_as(v16.data(), DType::F16, v.data(), kv_n);
        std::vector<float> kr(kv_n), vr(kv_n);
        for (size_t i = 0; i < kv_n; ++i) {
            kr[i] = fp16_to_fp32(k16[i]), vr[i] = fp16_to_fp32(v16[i]);
            QCOMPARE(k16[i], fp32_to_fp16(k[i]));  // the portable conversion, bit for bit
        }
        std::vector<int32_t> kv_pos(n_kv), q_pos(T);
        for (int j = 0; j < n_kv; ++j) kv_pos[j] = j;
        for (int t = 0; t < T; ++t) q_pos[t] = n_kv - T + t;
        AttentionParams p;
        p.n_tokens = T, p.n_heads = H, p.n_kv_heads = Hkv, p.head_dim = D, p.n_kv = n_kv;
        p.scale = 0.125f, p.q_pos = q_pos.data(), p.kv_pos = kv_pos.data(), p.sliding_window = window;
        std::vector<float> want(size_t(T) * H * D), got(want.size());
        be_->attention(q.data(), kr.data(), vr.data(), p, want.data());
        p.kv_type = DType::F16;
        be_->attention(q.data(), k16.data(), v16.data(), p, got.data());
        QVERIFY2(max_abs_diff(got, want) < 1e-6, qPrintable(QString::number(max_abs_diff(got, want))));
        QVERIFY(max_abs_diff(kr, k) > 0.0f);  // the rounding did happen
    }

    void gatedActivationsMatchTheirFormulas() {
        const auto g = randn(1000, 11, 3.0f), u = randn(1000, 12);
        std::vector<float> silu(1000), gelu(1000);
        be_->silu_mul(g.data(), u.data(), 1000, silu.data());
        be_->gelu_tanh_mul(g.data(), u.data(), 1000, gelu.data());
        for (int i = 0; i < 1000; ++i) {
            const double x = g[i];
            QVERIFY(std::abs(silu[i] - x / (1 + std::exp(-x)) * u[i]) < 1e-5);
            const double ge = 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
            QVERIFY(std::abs(gelu[i] - ge * u[i]) < 1e-5);
        }
    }

    void getRowsDequantizesTheRequestedRows() {
        const int n = 64, V = 10;
        const auto table = randn(size_t(n) * V, 13);
        const int32_t ids[3] = {7, 0, 7};
        std::vector<float> out(3 * n);
        be_->get_rows(WeightView{table.data(), DType::F32, n, V}, ids, 3, out.data());
        for (int t = 0; t < 3; ++t)
            for (int i = 0; i < n; ++i) QCOMPARE(out[t * n + i], table[ids[t] * n + i]);
    }
};

QTEST_APPLESS_MAIN(TestBackendOps)
#include "test_backend_ops.moc"
