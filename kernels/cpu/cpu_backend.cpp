// The CPU backend: quantized matmul on the GGUF weights as stored, online-softmax attention,
// and the elementwise ops, all split across a persistent thread pool.
#include <algorithm>
#include <numeric>
#include <cmath>
#include <cstring>
#include <vector>

#include "backend.h"
#include "cpu/quant_dot.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_math.h"
#include "quant/dequant_row.h"

namespace gleaner {

namespace {

class CpuBackend final : public Backend {
public:
    explicit CpuBackend(int n_threads) : pool_(n_threads > 0 ? n_threads : ThreadPool::default_threads()) {
        prepared_.reset(*this, 0);
    }

    std::string name() const override { return std::string("cpu (") + cpu::vec_dot_isa_name() + ")"; }
    int threads() const override { return pool_.size(); }

    void matmul(const WeightView& w, const float* x, int n_tokens, float* y) override;
    void matmul_same_input(const WeightView* ws, float* const* ys, int n, const float* x, int n_tokens) override;
    void get_rows(const WeightView& table, const int32_t* ids, int n_tokens, float* out) override;
    void rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y) override;
    void rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, const RopeParams& p) override;
    void attention(const float* q, const void* k, const void* v, const AttentionParams& p, float* out) override;
    void silu_mul(const float* gate, const float* up, size_t n, float* out) override;
    void gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out) override;
    void add(float* y, const float* x, size_t n) override;
    void add_bias(float* x, const float* bias, int n_rows, int n) override;
    void scale(float* x, size_t n, float s) override;
    // The long-context methods' host work (and prefill attention) on this backend's own pool.
    void run_parallel(const std::function<void(int, int)>& fn) override { pool_.run(fn); }

private:
    // Splits [0, n) evenly over the pool's threads: for cheap, uniform elementwise work.
    template <typename Fn>
    void split(size_t n, Fn fn) {
        if (n < 16384) {  // a decode step's vectors: handing off costs more than the work
            fn(size_t{0}, n);
            return;
        }
        pool_.run([&](int ti, int nt) {
            const size_t per = (n + nt - 1) / nt;
            const size_t b = std::min(n, per * ti), e = std::min(n, b + per);
            if (b < e) fn(b, e);
        });
    }

    const float* rope_table(int n_tokens, const int32_t* pos, const RopeParams& p);

    ThreadPool pool_;
    std::vector<uint8_t> act_;  // activations converted to the weight's vec_dot_type
    SharedArray<uint8_t> prepared_;  // the same laid out for the weight type's prefill tiles
    RopeParams rope_key_{};             // parameters of the cached table
    std::vector<int32_t> rope_pos_;     // (T) positions of the cached table
    std::vector<float> rope_cs_;        // (T, n_rot/2, 2) cos, sin
};

void CpuBackend::matmul(const WeightView& w, const float* x, int n_tokens, float* y) {
    matmul_same_input(&w, &y, 1, x, n_tokens);
}

void CpuBackend::matmul_same_input(const WeightView* ws, float* const* ys, int n, const float* x, int n_tokens) {
    // Weights whose activations differ in format (e.g. Q4_K beside Q6_K) go in separate jobs, and
    // so do weights of different types when one of them prepares its activations (below).
    const int64_t n_in = ws[0].n_in;
    bool one_job = n <= 8;
    for (int i = 1; i < n; ++i) {
        one_job &= cpu::vec_dot_type(ws[i].type) == cpu::vec_dot_type(ws[0].type) && ws[i].n_in == n_in;
        if (ws[i].type != ws[0].type)
            one_job &= cpu::vec_dot_prepared_bytes(ws[0].type, n_in, n_tokens) == 0 &&
                       cpu::vec_dot_prepared_bytes(ws[i].type, n_in, n_tokens) == 0;
    }
    if (!one_job) {
        for (int j = 0; j < n; ++j) matmul_same_input(ws + j, ys + j, 1, x, n_tokens);
        return;
    }
    const DType act_type = cpu::vec_dot_type(ws[0].type);
    const size_t act_bytes = cpu::vec_dot_act_row_bytes(ws[0].type, n_in);
    if (act_.size() < act_bytes * n_tokens) act_.resize(act_bytes * n_tokens);
    uint8_t* act = act_.data();
    // The weight type's own activation layout for prefill tiles, if it has one (every weight of
    // this job has the same type then).
    const size_t prepared_bytes = cpu::vec_dot_prepared_bytes(ws[0].type, n_in, n_tokens);
    if (prepared_bytes) prepared_.resize(prepared_bytes);
    void* prepared = prepared_bytes ? prepared_.data() : nullptr;
    // 1. Convert the activations once (rows split across threads).
    pool_.parallel_for(n_tokens, 1, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
            cpu::quantize_row(act_type, x + t * n_in, act + t * act_bytes, n_in);
            if (prepared)
                cpu::vec_dot_prepare_row(ws[0].type, n_in, act + t * act_bytes, static_cast<int>(t), n_tokens, prepared);
        }
    });
    // 2. The rows of all the weights form one range; threads take chunks of it and multiply
    //    them with every token, so each weight row is read from memory once per call.
    //    Decode (T = 1) uses bigger chunks. One call per chunk with every token: the kernel
    //    converts each block scale once and the batch's activations (<= 512 rows) stay in L2.
    int64_t total_rows = 0;
    int64_t first_row[8];
    for (int i = 0; i < n; ++i) {
        first_row[i] = total_rows;
        total_rows += ws[i].n_out;
    }
    // (48 rows: whole tiles for the 4-row K-quant, the 3-row transposed-group and the 16-row AMX
    // kernels.)
    const int64_t rows_per_chunk = n_tokens == 1 ? 128 : 48;
    pool_.parallel_for(total_rows, rows_per_chunk, [&](int64_t r0, int64_t r1) {
        while (r0 < r1) {
            int i = n - 1;
            while (first_row[i] > r0) --i;  // the weight that row r0 belongs to
            const WeightView& w = ws[i];
            const int64_t lo = r0 - first_row[i], hi = std::min(r1 - first_row[i], w.n_out);
            const size_t w_stride = w.row_bytes();
            const uint8_t* rows = static_cast<const uint8_t*>(w.data) + lo * w_stride;
            if (prepared)
                cpu::vec_dot_tile_prepared(w.type, n_in, rows, w_stride, static_cast<int>(hi - lo), prepared, n_tokens,
                                           ys[i] + lo, static_cast<size_t>(w.n_out));
            else
                cpu::vec_dot_tile(w.type, n_in, rows, w_stride, static_cast<int>(hi - lo), act, act_bytes, n_tokens,
                                  ys[i] + lo, static_cast<size_t>(w.n_out));
            r0 = first_row[i] + hi;
        }
    });
}

void CpuBackend::get_rows(const WeightView& table, const int32_t* ids, int n_tokens, float* out) {
    const size_t stride = table.row_bytes();
    for (int t = 0; t < n_tokens; ++t)
        dequantize_row(table.type, static_cast<const uint8_t*>(table.data) + ids[t] * stride, out + t * table.n_in,
                       table.n_in);
}

void CpuBackend::rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y) {
    pool_.parallel_for(n_rows, 8, [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r) {
            const float* xr = x + r * n;
            float* yr = y + r * n;
            double ss = 0.0;  // double, as ggml does, so long rows lose nothing
            for (int i = 0; i < n; ++i) ss += static_cast<double>(xr[i]) * xr[i];
            const float s = static_cast<float>(1.0 / std::sqrt(ss / n + eps));
            if (w)
                for (int i = 0; i < n; ++i) yr[i] = xr[i] * s * w[i];
            else
                for (int i = 0; i < n; ++i) yr[i] = xr[i] * s;
        }
    });
}

const float* CpuBackend::rope_table(int n_tokens, const int32_t* pos, const RopeParams& p) {
    // Every layer (and both q and k) rotates the same positions with the same parameters, so
    // the cos/sin table of the last call is reused when nothing changed.
    const int half = p.n_rot / 2;
    const bool same = rope_key_.n_rot == p.n_rot && rope_key_.freq_base == p.freq_base &&
                      rope_key_.freq_scale == p.freq_scale && rope_key_.freq_factors == p.freq_factors &&
                      rope_pos_.size() == static_cast<size_t>(n_tokens) &&
                      std::equal(rope_pos_.begin(), rope_pos_.end(), pos);
    if (same) return rope_cs_.data();
    rope_key_ = p;
    rope_pos_.assign(pos, pos + n_tokens);
    rope_cs_.resize(static_cast<size_t>(n_tokens) * half * 2);
    for (int t = 0; t < n_tokens; ++t)
        for (int i = 0; i < half; ++i) {
            // theta_i = pos * base^(-2i/n_rot) * freq_scale / freq_factor_i
            float theta = p.freq_scale * static_cast<float>(pos[t]) *
                          std::pow(p.freq_base, -2.0f * static_cast<float>(i) / static_cast<float>(p.n_rot));
            if (p.freq_factors) theta /= p.freq_factors[i];
            rope_cs_[(static_cast<size_t>(t) * half + i) * 2] = std::cos(theta);
            rope_cs_[(static_cast<size_t>(t) * half + i) * 2 + 1] = std::sin(theta);
        }
    return rope_cs_.data();
}

void CpuBackend::rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, const RopeParams& p) {
    const int half = p.n_rot / 2;
    const float* table = rope_table(n_tokens, pos, p);
    pool_.parallel_for(n_tokens, 4, [&](int64_t b, int64_t e) {
        for (int64_t t = b; t < e; ++t) {
            const float* cs = table + static_cast<size_t>(t) * half * 2;
            for (int h = 0; h < n_heads; ++h) {
                float* v = x + (t * n_heads + h) * head_dim;
                for (int i = 0; i < half; ++i) {
                    const int i0 = p.style == RopeStyle::Norm ? 2 * i : i;
                    const int i1 = p.style == RopeStyle::Norm ? 2 * i + 1 : i + half;
                    const float a = v[i0], c = v[i1];
                    v[i0] = a * cs[2 * i] - c * cs[2 * i + 1];
                    v[i1] = a * cs[2 * i + 1] + c * cs[2 * i];
                }
            }
        }
    });
}

void CpuBackend::attention(const float* q, const void* kv_k, const void* kv_v, const AttentionParams& p, float* out) {
    if (p.n_tokens >= 8) {
        // Prefill: the tiled kernel of attention_segments (each key row serves a tile of query
        // rows) with the causal/sliding-window mask as a distance range: 0 <= q_pos - kv_pos < window.
        std::vector<int32_t> iota;
        if (!p.kv_pos) {
            iota.resize(p.n_kv);
            std::iota(iota.begin(), iota.end(), 0);
        }
        KvSegment s;
        s.q = q;
        s.k = kv_k;
        s.v = kv_v;
        s.stride = p.kv_row_stride;
        s.kv_type = p.kv_type;
        s.n_kv = p.n_kv;
        s.q_pos = p.q_pos;
        s.kv_pos = p.kv_pos ? p.kv_pos : iota.data();
        s.min_dist = 0;
        if (p.sliding_window > 0) s.max_dist = p.sliding_window;
        attention_segments(&s, 1, SegmentAttentionParams{p.n_tokens, p.n_heads, p.n_kv_heads, p.head_dim, p.scale}, out);
        return;
    }
    const int D = p.head_dim;
    const int group = p.n_heads / p.n_kv_heads;
    const size_t stride = p.kv_row_stride ? p.kv_row_stride : static_cast<size_t>(p.n_kv_heads) * D;
    constexpr int kBlock = 64;  // keys scored together: one max/rescale per block, exp vectorized
    // One task per (query token, head): an online softmax over blocks of visible keys, so no
    // T x n_kv score matrix is ever stored.
    // Short decode steps run on the calling thread: handing off costs more than the work.
    const int64_t tasks = static_cast<int64_t>(p.n_tokens) * p.n_heads;
    const int64_t chunk = tasks * p.n_kv * D < (int64_t{1} << 17) ? tasks : 2;
    // An F16 cache is widened one row at a time into kf/vf (it stays in L1), then scored as F32.
    const bool f16 = p.kv_type == DType::F16;
    const float* k = static_cast<const float*>(kv_k);
    const float* v = static_cast<const float*>(kv_v);
    const uint16_t* k16 = static_cast<const uint16_t*>(kv_k);
    const uint16_t* v16 = static_cast<const uint16_t*>(kv_v);
    pool_.parallel_for(tasks, chunk, [&](int64_t b, int64_t e) {
        std::vector<float> acc(D), kf(f16 ? D : 0), vf(f16 ? D : 0);
        auto key = [&](int j, int kvh) {
            if (!f16) return k + j * stride + kvh * D;
            cpu::f16_to_f32_row(k16 + j * stride + kvh * D, kf.data(), D);
            return static_cast<const float*>(kf.data());
        };
        auto value = [&](int j, int kvh) {
            if (!f16) return v + j * stride + kvh * D;
            cpu::f16_to_f32_row(v16 + j * stride + kvh * D, vf.data(), D);
            return static_cast<const float*>(vf.data());
        };
        float s[kBlock], w[kBlock];
        int idx[kBlock];
        for (int64_t task = b; task < e; ++task) {
            const int t = static_cast<int>(task / p.n_heads), h = static_cast<int>(task % p.n_heads);
            const int kvh = h / group;
            const float* qv = q + (static_cast<size_t>(t) * p.n_heads + h) * D;
            const int32_t qp = p.q_pos[t];
            float m = -INFINITY, l = 0.0f;
            std::fill(acc.begin(), acc.end(), 0.0f);
            for (int j0 = 0; j0 < p.n_kv; j0 += kBlock) {
                const int j1 = std::min(p.n_kv, j0 + kBlock);
                int n = 0;
                float block_max = -INFINITY;
                for (int j = j0; j < j1; ++j) {
                    const int32_t kp = p.kv_pos ? p.kv_pos[j] : j;
                    if (kp > qp || (p.sliding_window > 0 && qp - kp >= p.sliding_window)) continue;
                    s[n] = cpu::dot_f32(qv, key(j, kvh), D) * p.scale;
                    block_max = std::max(block_max, s[n]);
                    idx[n++] = j;
                }
                if (n == 0) continue;
                if (block_max > m) {  // rescale what was accumulated under the old maximum
                    const float c = std::exp(m - block_max);
                    l *= c;
                    cpu::scale_f32(acc.data(), c, D);
                    m = block_max;
                }
                l += cpu::exp_shifted_f32(s, m, w, n);
                for (int i = 0; i < n; ++i) cpu::axpy_f32(w[i], value(idx[i], kvh), acc.data(), D);
            }
            float* o = out + (static_cast<size_t>(t) * p.n_heads + h) * D;
            const float inv = l > 0.0f ? 1.0f / l : 0.0f;
            for (int d = 0; d < D; ++d) o[d] = acc[d] * inv;
        }
    });
}

void CpuBackend::silu_mul(const float* gate, const float* up, size_t n, float* out) {
    split(n, [&](size_t b, size_t e) { cpu::silu_mul_f32(gate + b, up + b, out + b, e - b); });
}

void CpuBackend::gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out) {
    split(n, [&](size_t b, size_t e) { cpu::gelu_tanh_mul_f32(gate + b, up + b, out + b, e - b); });
}

void CpuBackend::add(float* y, const float* x, size_t n) {
    split(n, [&](size_t b, size_t e) {
        for (size_t i = b; i < e; ++i) y[i] += x[i];
    });
}

void CpuBackend::add_bias(float* x, const float* bias, int n_rows, int n) {
    for (int r = 0; r < n_rows; ++r)
        for (int i = 0; i < n; ++i) x[static_cast<size_t>(r) * n + i] += bias[i];
}

void CpuBackend::scale(float* x, size_t n, float s) {
    split(n, [&](size_t b, size_t e) { cpu::scale_f32(x + b, s, e - b); });
}

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(int n_threads) { return std::make_unique<CpuBackend>(n_threads); }

}  // namespace gleaner
