// The CUDA kernels' per-element math (kernels/cuda/math/*.h, __host__ __device__) compiled for
// the host and checked against the CPU backend and the CPU reference code: the GPU runs the same
// text, so what is verified here is everything but the kernels' indexing and the device's own
// float library (expf, powf, sincosf), which the `gpu` parity suite covers on a GPU.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <vector>

#include "backend.h"
#include "cuda/math/dequant8.h"
#include "cuda/math/elementwise.h"
#include "cuda/math/longctx.h"
#include "cuda/math/matvec_unit.h"
#include "cuda/math/rope.h"
#include "cuda/math/softmax.h"
#include "methods/gemfilter.h"
#include "cuda/launch_plan.h"
#include "methods/infllm.h"
#include "quant/dequant_row.h"

#include "random_tensors.h"

using namespace gleaner;

namespace {


// The group decoder of one type as a function pointer (instantiated here for the host).
using Group8 = void (*)(const uint8_t*, int64_t, float*);
struct PickGroup8 {
    Group8* f;
    template <DType T>
    void operator()() const { *f = &gpu::dequant_group8<T>; }
};
Group8 group8_of(DType t) {
    Group8 f = nullptr;
    gpu::dispatch_weight_type(t, PickGroup8{&f});
    return f;
}

// Random quantized rows (small f16 exponents: every scale finite), n_out rows of n_in, placed
// `mis` bytes after a 16-byte boundary inside a buffer with 32 readable bytes on either side
// (the staged kernel's aligned 16-byte chunks may reach past a row's ends).
struct PaddedWeight {
    std::vector<uint8_t> buf;
    uint8_t* w = nullptr;
    size_t row_bytes = 0;
    PaddedWeight(DType t, int64_t n_in, int64_t n_out, int mis, uint32_t seed) {
        row_bytes = dtype_row_bytes(t, n_in);
        buf.resize(row_bytes * n_out + 96);
        std::mt19937 rng(seed);
        for (uint8_t& b : buf) b = uint8_t(rng()) & 0x3B;
        uint8_t* base = buf.data() + 32;
        base += (16 - reinterpret_cast<uintptr_t>(base) % 16) % 16;
        w = base + mis;
    }
};

// The staged mat-vec kernel (kernels_matmul.cu, matvec_staged_kernel) step by step on the host:
// the same split of rows and steps over warps, the same staging of 16-byte chunks at the same
// misalignment, the same per-lane functions, the same shuffle tree and order of the warps' sums.
template <DType T, int NT>
void staged_matvec_chunk(const uint8_t* w, size_t row_bytes, int64_t n_in, int64_t n_out, const float* x,
                         int n_tokens, float* y) {
    constexpr int R = gpu::kStagedRows;
    using U = gpu::MatvecUnit<T>;
    const int64_t units = n_in / U::kBlockElems * U::kUnits, steps = (units + 31) / 32;
    const int split = gpu::staged_split(steps);
    const int64_t rows_per_block = gpu::staged_rows_per_block(split);
    for (int64_t blk = 0; blk < gpu::staged_blocks(n_out, split); ++blk) {
        float part[gpu::kStagedWarps][R * NT];
        for (int warp = 0; warp < gpu::kStagedWarps; ++warp) {
            const int group = warp / split, sub = warp % split;
            const int64_t row0 = (blk * (gpu::kStagedWarps / split) + group) * R;
            const uint8_t* rows[R];
            for (int r = 0; r < R; ++r) rows[r] = w + std::min(row0 + r, n_out - 1) * row_bytes;
            alignas(16) uint8_t stage[R][gpu::staged_buffer_bytes<T>()];
            const uint8_t* bufs[R];
            for (int r = 0; r < R; ++r) bufs[r] = stage[r];
            float acc[32][R][NT] = {};
            for (int64_t step = sub; step < steps; step += split) {
                int mis[R];
                for (int r = 0; r < R; ++r) {
                    const gpu::StagedRange g = gpu::staged_range<T>(rows[r], row_bytes, step);
                    QVERIFY(g.chunks <= gpu::staged_max_chunks<T>());
                    QVERIFY(reinterpret_cast<uintptr_t>(g.aligned) % 16 == 0);
                    std::memcpy(stage[r], g.aligned, size_t(g.chunks) * 16);
                    mis[r] = g.mis;
                }
                for (int lane = 0; lane < 32; ++lane)
                    gpu::staged_lane_step<T, R, NT>(bufs, mis, lane, step, units, x, n_in, n_tokens, acc[lane]);
            }
            for (int r = 0; r < R; ++r)
                for (int t = 0; t < NT; ++t) {
                    float v[32];
                    for (int l = 0; l < 32; ++l) v[l] = acc[l][r][t];
                    for (int o = 16; o > 0; o >>= 1) {  // __shfl_xor_sync butterfly
                        float nv[32];
                        for (int l = 0; l < 32; ++l) nv[l] = v[l] + v[l ^ o];
                        std::copy(nv, nv + 32, v);
                    }
                    part[warp][r * NT + t] = v[0];
                }
        }
        for (int64_t i = 0; i < rows_per_block * R * NT / R; ++i) {
            const int g = int(i / (R * NT)), rt = int(i % (R * NT));
            float v = 0.0f;
            for (int k = 0; k < split; ++k) v += part[g * split + k][rt];
            const int r = rt / NT, t = rt % NT;
            const int64_t row = (blk * (gpu::kStagedWarps / split) + g) * R + r;
            if (row < n_out && t < n_tokens) y[t * n_out + row] = v;
        }
    }
}

struct StagedMatvec {
    const uint8_t* w;
    size_t row_bytes;
    int64_t n_in, n_out;
    const float* x;
    int n_tokens;
    float* y;
    template <DType T>
    void operator()() const {
        if constexpr (gpu::has_matvec_unit(T)) {
            for (int t0 = 0; t0 < n_tokens; t0 += gpu::kMatvecMaxTokens) {
                const int nt = std::min(n_tokens - t0, gpu::kMatvecMaxTokens);
                if (nt == 1)
                    staged_matvec_chunk<T, 1>(w, row_bytes, n_in, n_out, x + t0 * n_in, nt, y + t0 * n_out);
                else
                    staged_matvec_chunk<T, gpu::kMatvecMaxTokens>(w, row_bytes, n_in, n_out, x + t0 * n_in, nt,
                                                                   y + t0 * n_out);
            }
        }
    }
};

// Unit u of a block, decoded: (element of the block, weight) for its 32 weights.
struct DecodeUnit {
    const uint8_t* blk;
    int u;
    std::vector<std::pair<int, float>>* out;
    template <DType T>
    void operator()() const {
        if constexpr (gpu::has_matvec_unit(T)) {
            using U = gpu::MatvecUnit<T>;
            constexpr int L = 32 / U::kSegs;
            float q[32], scale[U::kSegs], offset[U::kSegs];
            U::decode(blk, u, q, scale, offset);
            for (int s = 0; s < U::kSegs; ++s)
                for (int i = 0; i < L; ++i) {
                    float v = scale[s] * q[s * L + i];
                    if constexpr (U::kHasOffset) v = scale[s] * q[s * L + i] + offset[s];
                    out->push_back({U::seg_start(u, s) + i, v});
                }
        }
    }
};

const DType kStagedTypes[] = {DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q8_0, DType::Q4_K, DType::Q6_K};

// Reference attention for one (token, head) in tiles of `tile` keys through the shared
// online-softmax functions, split into `splits` key ranges merged with softmax_merge: the
// structure of kernels_attention.cu's attention_kernel + attention_merge_kernel.
void tiled_attention_ref(const float* q, const float* k, const float* v, const AttentionParams& p, int tile,
                         int splits, float* out) {
    const int D = p.head_dim, G = p.n_heads / p.n_kv_heads;
    const size_t stride = p.kv_row_stride ? p.kv_row_stride : size_t(p.n_kv_heads) * D;
    const int per = (p.n_kv + splits - 1) / splits;
    for (int t = 0; t < p.n_tokens; ++t)
        for (int h = 0; h < p.n_heads; ++h) {
            const float* qv = q + (size_t(t) * p.n_heads + h) * D;
            gpu::SoftmaxState total;
            std::vector<float> acc_total(D, 0.0f);
            for (int sp = 0; sp < splits; ++sp) {
                gpu::SoftmaxState st;
                std::vector<float> acc(D, 0.0f);
                const int b = sp * per, e = std::min(p.n_kv, b + per);
                for (int j0 = b; j0 < e; j0 += tile) {
                    const int j1 = std::min(e, j0 + tile);
                    std::vector<float> s(j1 - j0, -INFINITY);
                    float tmax = -INFINITY;
                    for (int j = j0; j < j1; ++j) {
                        const int32_t kp = p.kv_pos ? p.kv_pos[j] : j;
                        if (!gpu::causal_visible(p.q_pos[t], kp, p.sliding_window)) continue;
                        const float* kv = k + j * stride + (h / G) * D;
                        float d = 0;
                        for (int i = 0; i < D; ++i) d += qv[i] * kv[i];
                        s[j - j0] = d * p.scale;
                        tmax = std::max(tmax, s[j - j0]);
                    }
                    if (tmax == -INFINITY) continue;
                    const float c = gpu::softmax_begin_tile(st, tmax);
                    for (float& a : acc) a *= c;
                    for (int j = j0; j < j1; ++j) {
                        if (s[j - j0] == -INFINITY) continue;
                        const float pj = std::exp(s[j - j0] - st.m);
                        st.l += pj;
                        const float* vv = v + j * stride + (h / G) * D;
                        for (int i = 0; i < D; ++i) acc[i] += pj * vv[i];
                    }
                }
                float ca, cb;
                total = gpu::softmax_merge(total, st, &ca, &cb);
                for (int i = 0; i < D; ++i) acc_total[i] = acc_total[i] * ca + acc[i] * cb;
            }
            float* o = out + (size_t(t) * p.n_heads + h) * D;
            for (int i = 0; i < D; ++i) o[i] = total.l > 0 ? acc_total[i] / total.l : 0.0f;
        }
}

}  // namespace

class TestGpuMath : public QObject {
    Q_OBJECT
    std::unique_ptr<Backend> be_ = make_cpu_backend(2);

private slots:
    void dequantGroup8IsBitExactWithTheBlockDequantizers_data() {
        QTest::addColumn<int>("type");
        for (DType t : {DType::F32, DType::F16, DType::BF16, DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1,
                        DType::Q8_0, DType::IQ4_NL, DType::Q2_K, DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K})
            QTest::newRow(std::string(dtype_traits(t).name).c_str()) << int(t);
    }
    void dequantGroup8IsBitExactWithTheBlockDequantizers() {
        QFETCH(int, type);
        const DType t = static_cast<DType>(type);
        const int n = 1024;  // 4 K-quant super-blocks, 32 legacy blocks
        const size_t row = dtype_row_bytes(t, n);
        std::vector<uint8_t> w(row);
        std::mt19937 rng(11 + type);
        // Small f16/bf16 exponents everywhere, so every scale and value is finite.
        for (uint8_t& b : w) b = uint8_t(rng()) & 0x3B;
        if (t == DType::F32) {
            const auto f = randn(n, 12);
            std::memcpy(w.data(), f.data(), row);
        }
        std::vector<float> ref(n), got(n);
        dequantize_row(t, w.data(), ref.data(), n);
        const Group8 f = group8_of(t);
        QVERIFY(f != nullptr);
        for (int64_t g = 0; g < n / 8; ++g) f(w.data(), g, got.data() + g * 8);
        for (int i = 0; i < n; ++i)
            QVERIFY2(std::memcmp(&ref[i], &got[i], sizeof(float)) == 0,
                     qPrintable(QString("element %1: %2 vs %3").arg(i).arg(got[i]).arg(ref[i])));
    }

    // Every weight a unit decodes equals quant/dequant.h's (bit for bit, up to the sign of
    // zero), and the units of a block cover each of its elements exactly once.
    void matvecUnitsDecodeLikeTheBlockDequantizers_data() {
        QTest::addColumn<int>("type");
        for (DType t : kStagedTypes) QTest::newRow(std::string(dtype_traits(t).name).c_str()) << int(t);
    }
    void matvecUnitsDecodeLikeTheBlockDequantizers() {
        QFETCH(int, type);
        const DType t = static_cast<DType>(type);
        QVERIFY(gpu::has_matvec_unit(t));
        const int n = 2048;
        for (int mis : {0, 2, 6}) {
            PaddedWeight pw(t, n, 1, mis, 500 + type + mis);
            std::vector<float> ref(n);
            dequantize_row(t, pw.w, ref.data(), n);
            const auto& tr = dtype_traits(t);
            const int units = t == DType::Q4_K || t == DType::Q6_K ? 8 : 1;
            std::vector<int> seen(n, 0);
            for (int64_t b = 0; b < n / tr.block_elems; ++b)
                for (int u = 0; u < units; ++u) {
                    std::vector<std::pair<int, float>> got;
                    gpu::dispatch_weight_type(t, DecodeUnit{pw.w + b * tr.block_bytes, u, &got});
                    QCOMPARE(int(got.size()), 32);
                    for (auto [e, v] : got) {
                        QVERIFY(e >= 0 && e < tr.block_elems);
                        const int64_t i = b * tr.block_elems + e;
                        ++seen[i];
                        QVERIFY2(v == ref[i], qPrintable(QString("element %1: %2 vs %3").arg(i).arg(v).arg(ref[i])));
                    }
                }
            QVERIFY(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
        }
    }

    // The staged mat-vec, emulated step by step with the kernel's functions, against the exact
    // product: fp32 rounding only. Shapes: partial last steps, rows not a multiple of a block's,
    // misaligned rows, 1..9 tokens (a second 8-token chunk).
    void stagedMatvecMatchesTheExactProduct_data() {
        QTest::addColumn<int>("type");
        QTest::addColumn<int>("n_in");
        QTest::addColumn<int>("n_out");
        QTest::addColumn<int>("T");
        QTest::addColumn<int>("mis");
        for (DType t : kStagedTypes) {
            const bool k = t == DType::Q4_K || t == DType::Q6_K;
            struct Shape { int n_in, n_out, T, mis; };
            const Shape shapes[] = {{k ? 256 : 32, 5, 1, 0},  {k ? 768 : 96, 19, 1, 2}, {1024, 7, 3, 0},
                                    {k ? 2304 : 2080, 33, 1, 6}, {4096, 21, 1, 0}, {k ? 1280 : 576, 13, 9, 2},
                                    {4096, 6, 8, 0}};
            for (const Shape& sh : shapes)
                QTest::newRow(qPrintable(QString("%1 %2x%3 T=%4 mis=%5")
                                             .arg(dtype_traits(t).name.data())
                                             .arg(sh.n_in)
                                             .arg(sh.n_out)
                                             .arg(sh.T)
                                             .arg(sh.mis)))
                    << int(t) << sh.n_in << sh.n_out << sh.T << sh.mis;
        }
    }
    void stagedMatvecMatchesTheExactProduct() {
        QFETCH(int, type);
        QFETCH(int, n_in);
        QFETCH(int, n_out);
        QFETCH(int, T);
        QFETCH(int, mis);
        const DType t = static_cast<DType>(type);
        PaddedWeight pw(t, n_in, n_out, mis, 900 + type);
        std::vector<float> deq(size_t(n_in) * n_out);
        for (int o = 0; o < n_out; ++o) dequantize_row(t, pw.w + o * pw.row_bytes, deq.data() + size_t(o) * n_in, n_in);
        const auto x = randn(size_t(T) * n_in, 77);
        std::vector<float> y(size_t(T) * n_out, NAN);
        gpu::dispatch_weight_type(t, StagedMatvec{pw.w, pw.row_bytes, n_in, n_out, x.data(), T, y.data()});
        double worst = 0;
        for (int tt = 0; tt < T; ++tt)
            for (int o = 0; o < n_out; ++o) {
                double s = 0, mag = 0;
                for (int i = 0; i < n_in; ++i) {
                    const double p = double(deq[size_t(o) * n_in + i]) * x[size_t(tt) * n_in + i];
                    s += p;
                    mag += std::abs(p);
                }
                const float v = y[size_t(tt) * n_out + o];
                QVERIFY2(std::isfinite(v), "output not written");
                worst = std::max(worst, std::abs(v - s) / (mag + 1e-30));
            }
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    }

    // Launch shapes of the staged kernel: every row covered, the split never leaves a warp
    // without a step when a row has fewer than four.
    void stagedLaunchShapes() {
        for (int64_t steps : {1, 2, 3, 4, 5, 14, 100}) {
            const int split = gpu::staged_split(steps);
            QVERIFY(gpu::kStagedWarps % split == 0);
            QVERIFY(split <= steps);
            for (int64_t n_out : {1, 5, 16, 17, 1024, 14336})
                QVERIFY(gpu::staged_blocks(n_out, split) * gpu::staged_rows_per_block(split) >= n_out &&
                        (gpu::staged_blocks(n_out, split) - 1) * gpu::staged_rows_per_block(split) < n_out);
        }
    }

    void activationsMatchTheCpuBackend() {
        const size_t n = 4096;
        auto g = randn(n, 21, 4.0f), u = randn(n, 22);
        g[0] = 90.0f, g[1] = -90.0f, g[2] = 0.0f;  // saturation
        std::vector<float> cpu(n), ref(n);
        be_->silu_mul(g.data(), u.data(), n, cpu.data());
        for (size_t i = 0; i < n; ++i) ref[i] = gpu::silu_mul(g[i], u[i]);
        QVERIFY2(max_rel_diff(ref, cpu) < 1e-5, qPrintable(QString::number(max_rel_diff(ref, cpu))));
        be_->gelu_tanh_mul(g.data(), u.data(), n, cpu.data());
        for (size_t i = 0; i < n; ++i) ref[i] = gpu::gelu_tanh_mul(g[i], u[i]);
        QVERIFY2(max_rel_diff(ref, cpu) < 1e-5, qPrintable(QString::number(max_rel_diff(ref, cpu))));
        for (float x : {70000.0f, -70000.0f, 1.5f}) QVERIFY(std::abs(gpu::clamp_fp16_range(x)) <= 65504.0f);
    }

    void rmsNormMatchesTheCpuBackend() {
        const int rows = 5, n = 576;
        const auto x = randn(size_t(rows) * n, 31, 3.0f), w = randn(n, 32);
        for (const float* wp : {w.data(), static_cast<const float*>(nullptr)}) {
            std::vector<float> cpu(x.size()), ref(x.size());
            be_->rms_norm(x.data(), wp, rows, n, 1e-5f, cpu.data());
            for (int r = 0; r < rows; ++r) {
                double ss = 0;
                for (int i = 0; i < n; ++i) ss += double(x[r * n + i]) * x[r * n + i];
                const float s = gpu::rms_inv(ss, n, 1e-5f);
                for (int i = 0; i < n; ++i) ref[r * n + i] = gpu::rms_apply(x[r * n + i], s, wp, i);
            }
            QCOMPARE(max_rel_diff(ref, cpu), 0.0);  // same operations in the same order
        }
    }

    void ropeMatchesTheCpuBackend_data() {
        QTest::addColumn<bool>("neox");
        QTest::addColumn<bool>("factors");
        QTest::newRow("norm") << false << false;
        QTest::newRow("neox") << true << false;
        QTest::newRow("norm+llama3-factors") << false << true;
        QTest::newRow("neox+factors") << true << true;
    }
    void ropeMatchesTheCpuBackend() {
        QFETCH(bool, neox);
        QFETCH(bool, factors);
        const int T = 6, H = 3, D = 64, n_rot = 64;
        std::vector<float> ff(n_rot / 2);
        for (int i = 0; i < n_rot / 2; ++i) ff[i] = 1.0f + 0.25f * i;
        RopeParams p;
        p.style = neox ? RopeStyle::Neox : RopeStyle::Norm;
        p.n_rot = n_rot;
        p.freq_base = 500000.0f;
        p.freq_scale = 0.5f;
        p.freq_factors = factors ? ff.data() : nullptr;
        const std::vector<int32_t> pos = {0, 1, 7, 100, 4095, 131071};
        auto x = randn(size_t(T) * H * D, 41);
        std::vector<float> ref = x;
        be_->rope(x.data(), T, H, D, pos.data(), p);
        for (int t = 0; t < T; ++t)
            for (int h = 0; h < H; ++h)
                for (int i = 0; i < n_rot / 2; ++i) {
                    const float th = gpu::rope_theta(pos[t], i, n_rot, p.freq_base, p.freq_scale, p.freq_factors);
                    int i0, i1;
                    gpu::rope_pair(neox, i, n_rot / 2, &i0, &i1);
                    float* v = ref.data() + (size_t(t) * H + h) * D;
                    gpu::rope_rotate(v[i0], v[i1], std::cos(th), std::sin(th), &v[i0], &v[i1]);
                }
        QCOMPARE(max_rel_diff(ref, x), 0.0);  // the same float expressions as the CPU's table
    }

    void onlineSoftmaxTilesAndSplitsMatchCpuAttention_data() {
        QTest::addColumn<int>("tile");
        QTest::addColumn<int>("splits");
        QTest::addColumn<int>("window");
        QTest::newRow("tile32") << 32 << 1 << 0;
        QTest::newRow("tile16-split3") << 16 << 3 << 0;
        QTest::newRow("tile32-split5-window") << 32 << 5 << 40;
    }
    void onlineSoftmaxTilesAndSplitsMatchCpuAttention() {
        QFETCH(int, tile);
        QFETCH(int, splits);
        QFETCH(int, window);
        const int T = 9, H = 4, Hkv = 2, D = 64, n_past = 150, n_kv = n_past + T;
        const auto q = randn(size_t(T) * H * D, 51), k = randn(size_t(n_kv) * Hkv * D, 52),
                   v = randn(size_t(n_kv) * Hkv * D, 53);
        std::vector<int32_t> qpos(T), kvpos(n_kv);
        std::iota(kvpos.begin(), kvpos.end(), 0);
        std::iota(qpos.begin(), qpos.end(), n_past);
        AttentionParams p;
        p.n_tokens = T, p.n_heads = H, p.n_kv_heads = Hkv, p.head_dim = D, p.n_kv = n_kv;
        p.scale = 0.125f, p.q_pos = qpos.data(), p.kv_pos = kvpos.data(), p.sliding_window = window;
        std::vector<float> cpu(q.size()), ref(q.size());
        be_->attention(q.data(), k.data(), v.data(), p, cpu.data());
        tiled_attention_ref(q.data(), k.data(), v.data(), p, tile, splits, ref.data());
        QVERIFY2(max_rel_diff(ref, cpu) < 2e-5, qPrintable(QString::number(max_rel_diff(ref, cpu))));
    }

    void softmaxMergeOfEmptyStatesIsEmpty() {
        float ca = -1, cb = -1;
        const gpu::SoftmaxState r = gpu::softmax_merge({}, {}, &ca, &cb);
        QCOMPARE(r.l, 0.0f);
        QCOMPARE(ca, 0.0f);
        QCOMPARE(cb, 0.0f);
        QVERIFY(gpu::segment_visible(false, 0, 100, 5, 6));
        QVERIFY(gpu::segment_visible(true, 10, 5, 5, 6));
        QVERIFY(!gpu::segment_visible(true, 10, 4, 5, 6));
        QVERIFY(!gpu::causal_visible(10, 11, 0));
        QVERIFY(!gpu::causal_visible(10, 2, 8));
        QVERIFY(gpu::causal_visible(10, 3, 8));
    }

    void gemfilterScoresPoolingAndTopKMatchTheMethod() {
        const int H = 6, Hkv = 2, D = 16, n = 300;
        const auto q = randn(size_t(H) * D, 61), keys = randn(size_t(n) * Hkv * D, 62);
        const auto ref = gemfilter_raw_scores(q.data(), keys.data(), n, size_t(Hkv) * D, H, Hkv, D);
        std::vector<float> qs(size_t(Hkv) * D), s(n);
        for (int j = 0; j < Hkv * D; ++j) qs[j] = gpu::group_sum_query(q.data(), j, H, Hkv, D);
        for (int i = 0; i < n; ++i) s[i] = gpu::block_score(qs.data(), keys.data() + size_t(i) * Hkv * D, Hkv * D);
        QCOMPARE(max_rel_diff(s, ref), 0.0);

        std::vector<float> pooled(n);
        for (int i = 0; i < n; ++i) pooled[i] = gpu::avg_pool5_at(s.data(), n, i);
        const auto pooled_ref = avg_pool5(s);
        QCOMPARE(max_rel_diff(pooled, pooled_ref), 0.0);

        // Ties and signed zeros: a stable sort on descending_key picks what top_k_sorted picks.
        pooled[10] = pooled[20] = pooled[30];
        pooled[40] = 0.0f, pooled[41] = -0.0f;
        for (int k : {1, 7, 50, n}) {
            std::vector<int32_t> idx(n);
            std::iota(idx.begin(), idx.end(), 0);
            std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
                return gpu::descending_key(pooled[a]) < gpu::descending_key(pooled[b]);
            });
            idx.resize(k);
            std::sort(idx.begin(), idx.end());
            QCOMPARE(idx, top_k_sorted(pooled, k));
        }
    }

    // The Backend defaults of the long-context hot paths (what the CUDA kernels compute) select
    // what the methods' own code selects.
    void longContextSelectionDefaultsMatchTheMethods() {
        const int H = 4, Hkv = 2, D = 32, n = 4 * 32;  // n = H*D floats per representative
        const int64_t n_blocks = 90;
        const auto qbar = randn(n, 71), reprs = randn(size_t(n_blocks) * n, 72);
        std::vector<float> scores(n_blocks);
        std::vector<int32_t> top(16);
        be_->score_blocks_topk(qbar.data(), reprs.data(), n_blocks, n, 16, scores.data(), top.data());
        const auto ref = top_blocks(scores.data(), n_blocks, 16);
        QCOMPARE(std::vector<int64_t>(top.begin(), top.end()), ref);
        for (int64_t b = 0; b < n_blocks; ++b) {
            float s = 0;
            for (int i = 0; i < n; ++i) s += qbar[i] * reprs[size_t(b) * n + i];
            QCOMPARE(scores[b], s);
        }

        const int64_t nk = 500;
        const size_t stride = size_t(Hkv) * D + 8;  // padded rows
        const auto q = randn(size_t(H) * D, 73), keys = randn(size_t(nk) * stride, 74);
        std::vector<float> pooled(nk);
        std::vector<int32_t> sel(40);
        be_->gemfilter_select(q.data(), keys.data(), nk, stride, H, Hkv, D, 40, pooled.data(), sel.data());
        const auto raw = gemfilter_raw_scores(q.data(), keys.data(), nk, stride, H, Hkv, D);
        const auto pooled_ref = avg_pool5(raw);
        QCOMPARE(max_rel_diff(pooled, pooled_ref), 0.0);
        QCOMPARE(sel, top_k_sorted(pooled_ref, 40));
    }
};

QTEST_GUILESS_MAIN(TestGpuMath)
#include "test_gpu_math.moc"
