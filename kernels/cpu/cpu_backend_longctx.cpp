// Host implementations of the Backend ops the long-context methods add (backend.h):
// attention over several key segments under one softmax (with InfLLM's score accumulation), and
// the host thread pool they run on. They are Backend's defaults, so every backend has them; the
// CPU backend may override run_parallel() to share its own pool.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GLEANER_LONGCTX_X86 1
#endif

#include "backend.h"
#include "cpu/thread_pool.h"
#include "cpu/vec_math.h"

namespace gleaner {

void Backend::run_parallel(const std::function<void(int, int)>& fn) {
    const int n = std::max(1, threads());
    if (n == 1) {
        fn(0, 1);
        return;
    }
    // One pool per process, sized for the largest request; ThreadPool::run is not re-entrant,
    // so callers on different threads take turns.
    static std::mutex mutex;
    static std::unique_ptr<ThreadPool> pool;
    std::lock_guard<std::mutex> lock(mutex);
    if (!pool || pool->size() < n) pool = std::make_unique<ThreadPool>(n);
    if (pool->size() == n) {
        pool->run(fn);
    } else {
        pool->run([&](int ti, int) {
            if (ti < n) fn(ti, n);
        });
    }
}

namespace {

constexpr float kMasked = -INFINITY;

// ---- scalar kernels -------------------------------------------------------------------------

// x[i] = exp(x[i] - m) (masked entries -> 0); returns the sum.
float exp_sum_scalar(float* x, int n, float m) {
    float s = 0.0f;
    for (int i = 0; i < n; ++i) {
        const float e = x[i] == kMasked ? 0.0f : std::exp(x[i] - m);
        x[i] = e;
        s += e;
    }
    return s;
}

void axpy_scalar(float a, const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

// out[j] = q . key j for 8 keys stored transposed: kt (D, 8).
void dots8_scalar(const float* q, const float* kt, int D, float* out) {
    for (int j = 0; j < 8; ++j) out[j] = 0.0f;
    for (int d = 0; d < D; ++d)
        for (int j = 0; j < 8; ++j) out[j] += q[d] * kt[d * 8 + j];
}

#ifdef GLEANER_LONGCTX_X86
// ---- AVX2 kernels (entered only after a runtime check) --------------------------------------

__attribute__((target("avx2,fma"))) inline float hsum(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    lo = _mm_add_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_add_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    return _mm_cvtss_f32(lo);
}

// exp(x) for x <= 0 (Cephes expf polynomial, max relative error ~2e-7).
__attribute__((target("avx2,fma"))) inline __m256 exp_avx2(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    __m256 fx = _mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504088896341f), _mm256_set1_ps(0.5f));
    fx = _mm256_floor_ps(fx);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
    x = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), x);
    __m256 y = _mm256_set1_ps(1.9875691500E-4f);
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073E-3f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894E-2f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459E-1f));
    y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201E-1f));
    const __m256 x2 = _mm256_mul_ps(x, x);
    y = _mm256_fmadd_ps(y, x2, _mm256_add_ps(x, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_cvttps_epi32(fx);
    e = _mm256_slli_epi32(_mm256_add_epi32(e, _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

__attribute__((target("avx2,fma"))) float exp_sum_avx2(float* x, int n, float m) {
    const __m256 vm = _mm256_set1_ps(m), neg_inf = _mm256_set1_ps(kMasked);
    __m256 s = _mm256_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 masked = _mm256_cmp_ps(v, neg_inf, _CMP_EQ_OQ);
        const __m256 e = _mm256_andnot_ps(masked, exp_avx2(_mm256_sub_ps(v, vm)));
        _mm256_storeu_ps(x + i, e);
        s = _mm256_add_ps(s, e);
    }
    float r = hsum(s);
    for (; i < n; ++i) {
        const float e = x[i] == kMasked ? 0.0f : std::exp(x[i] - m);
        x[i] = e;
        r += e;
    }
    return r;
}

__attribute__((target("avx2,fma"))) void axpy_avx2(float a, const float* x, float* y, int n) {
    const __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
    for (; i < n; ++i) y[i] += a * x[i];
}

__attribute__((target("avx2,fma"))) void dots8_avx2(const float* q, const float* kt, int D, float* out) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int d = 0;
    for (; d + 2 <= D; d += 2) {
        s0 = _mm256_fmadd_ps(_mm256_set1_ps(q[d]), _mm256_loadu_ps(kt + d * 8), s0);
        s1 = _mm256_fmadd_ps(_mm256_set1_ps(q[d + 1]), _mm256_loadu_ps(kt + (d + 1) * 8), s1);
    }
    for (; d < D; ++d) s0 = _mm256_fmadd_ps(_mm256_set1_ps(q[d]), _mm256_loadu_ps(kt + d * 8), s0);
    _mm256_storeu_ps(out, _mm256_add_ps(s0, s1));
}

bool use_avx2() {
    static const bool v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return v;
}
#else
bool use_avx2() { return false; }
float exp_sum_avx2(float* x, int n, float m) { return exp_sum_scalar(x, n, m); }
void axpy_avx2(float a, const float* x, float* y, int n) { axpy_scalar(a, x, y, n); }
void dots8_avx2(const float* q, const float* kt, int D, float* out) { dots8_scalar(q, kt, D, out); }
#endif

struct Kernels {
    float (*exp_sum)(float*, int, float);
    void (*axpy)(float, const float*, float*, int);
    void (*dots8)(const float*, const float*, int, float*);
};

Kernels pick_kernels() {
    if (use_avx2()) return {exp_sum_avx2, axpy_avx2, dots8_avx2};
    return {exp_sum_scalar, axpy_scalar, dots8_scalar};
}

// D elements of a key or value row at element offset `at` of `base`, as floats: the row itself
// when the cache is F32, else widened into `wide`.
const float* kv_row(const void* base, DType type, size_t at, int D, float* wide) {
    if (type == DType::F32) return static_cast<const float*>(base) + at;
    cpu::f16_to_f32_row(static_cast<const uint16_t*>(base) + at, wide, static_cast<size_t>(D));
    return wide;
}

}  // namespace

void Backend::attention_segments(const KvSegment* segs, int n_segs, const SegmentAttentionParams& p, float* out) {
    const int T = p.n_tokens, H = p.n_heads, Hkv = p.n_kv_heads, D = p.head_dim;
    if (T <= 0) return;
    const int G = H / Hkv;
    std::vector<int> offset(n_segs + 1, 0);  // start of each segment in a task's logit row
    std::vector<size_t> acc_offset(n_segs, 0);
    size_t acc_total = 0;
    for (int s = 0; s < n_segs; ++s) {
        offset[s + 1] = offset[s] + std::max(0, segs[s].n_kv);
        if (segs[s].score_acc) {
            acc_offset[s] = acc_total;
            acc_total += static_cast<size_t>(segs[s].n_kv) * H;
        }
    }
    const int total = offset[n_segs];
    const Kernels kern = pick_kernels();
    // One task: a tile of up to kTile query tokens and one KV group, so each key and value row
    // read from memory serves kTile x G query rows.
    constexpr int kTile = 4;
    const int n_tiles = (T + kTile - 1) / kTile;
    const int64_t n_tasks = static_cast<int64_t>(n_tiles) * Hkv;

    // Per-thread score partials, reduced in thread order so results do not depend on timing.
    std::vector<std::vector<float>> partial;

    auto work = [&](int ti, int nt) {
        const int64_t b = n_tasks * ti / nt, e = n_tasks * (ti + 1) / nt;
        const size_t rows_max = static_cast<size_t>(kTile) * G;
        std::vector<float> logits(rows_max * std::max(1, total));  // rows (token in tile, head in group)
        std::vector<float> acc(rows_max * D), inv(rows_max), kt(static_cast<size_t>(D) * 8), wide(D);
        std::vector<char> live(rows_max);
        std::vector<char> group_seen(static_cast<size_t>(std::max(1, total)) / 8 + n_segs + 1);  // per 8-key group
        float d8[8];
        float* tacc = acc_total ? partial[ti].data() : nullptr;
        for (int64_t task = b; task < e; ++task) {
            const int t0 = static_cast<int>(task / Hkv) * kTile, g = static_cast<int>(task % Hkv);
            const int tq = std::min(kTile, T - t0);
            const int R = tq * G;
            // 1. logits of the tile's query rows against every key, 8 keys at a time (transposed).
            //    A group of 8 keys that no query of the tile sees (the causal future of a prefill,
            //    about half of all pairs) is skipped here and in 3.
            int group = 0;
            for (int s = 0; s < n_segs; ++s) {
                const KvSegment& sg = segs[s];
                const size_t stride = sg.stride ? sg.stride : static_cast<size_t>(Hkv) * D;
                const bool masked = sg.q_pos && sg.kv_pos;
                for (int j0 = 0; j0 < sg.n_kv; j0 += 8, ++group) {
                    const int nb = std::min(8, sg.n_kv - j0);
                    bool seen = !masked;
                    for (int tt = 0; tt < tq && !seen; ++tt)
                        for (int jj = 0; jj < nb && !seen; ++jj) {
                            const int64_t dist = static_cast<int64_t>(sg.q_pos[t0 + tt]) - sg.kv_pos[j0 + jj];
                            seen = dist >= sg.min_dist && dist < sg.max_dist;
                        }
                    group_seen[group] = seen;
                    if (!seen) {
                        for (int r = 0; r < R; ++r)
                            std::fill_n(logits.data() + static_cast<size_t>(r) * total + offset[s] + j0, nb, kMasked);
                        continue;
                    }
                    for (int jj = 0; jj < 8; ++jj) {
                        const float* kj = jj < nb ? kv_row(sg.k, sg.kv_type, (j0 + jj) * stride + static_cast<size_t>(g) * D, D, wide.data()) : nullptr;
                        for (int d = 0; d < D; ++d) kt[static_cast<size_t>(d) * 8 + jj] = kj ? kj[d] : 0.0f;
                    }
                    for (int r = 0; r < R; ++r) {
                        const int t = t0 + r / G, hh = r % G;
                        const float* qv = sg.q + (static_cast<size_t>(t) * H + g * G + hh) * D;
                        kern.dots8(qv, kt.data(), D, d8);
                        float* l = logits.data() + static_cast<size_t>(r) * total + offset[s] + j0;
                        for (int jj = 0; jj < nb; ++jj) {
                            bool visible = true;
                            if (masked) {
                                const int64_t dist = static_cast<int64_t>(sg.q_pos[t]) - sg.kv_pos[j0 + jj];
                                visible = dist >= sg.min_dist && dist < sg.max_dist;
                            }
                            l[jj] = visible ? d8[jj] * p.scale : kMasked;
                        }
                    }
                }
            }
            // 2. softmax per row
            for (int r = 0; r < R; ++r) {
                float* row = logits.data() + static_cast<size_t>(r) * total;
                float m = kMasked;
                for (int j = 0; j < total; ++j) m = std::max(m, row[j]);
                live[r] = m != kMasked;  // a row with no visible key gets zeros
                inv[r] = live[r] ? 1.0f / kern.exp_sum(row, total, m) : 0.0f;
                std::fill(acc.begin() + static_cast<size_t>(r) * D, acc.begin() + static_cast<size_t>(r + 1) * D, 0.0f);
            }
            // 3. P.V, each value row once for all rows of the tile; InfLLM's score accumulation
            group = 0;
            for (int s = 0; s < n_segs; ++s) {
                const KvSegment& sg = segs[s];
                const size_t stride = sg.stride ? sg.stride : static_cast<size_t>(Hkv) * D;
                for (int j = 0; j < sg.n_kv; ++j) {
                    if (j % 8 == 0 && j > 0) ++group;
                    if (!group_seen[group]) continue;
                    const float* vj = kv_row(sg.v, sg.kv_type, j * stride + static_cast<size_t>(g) * D, D, wide.data());
                    for (int r = 0; r < R; ++r) {
                        const float pr = logits[static_cast<size_t>(r) * total + offset[s] + j];
                        if (pr != 0.0f && live[r]) kern.axpy(pr, vj, acc.data() + static_cast<size_t>(r) * D, D);
                    }
                }
                if (sg.n_kv > 0) ++group;
                if (sg.score_acc) {
                    float* ta = tacc + acc_offset[s];
                    for (int r = 0; r < R; ++r) {
                        if (!live[r]) continue;
                        const int h = g * G + r % G;
                        const float* pr = logits.data() + static_cast<size_t>(r) * total + offset[s];
                        for (int j = 0; j < sg.n_kv; ++j) ta[static_cast<size_t>(j) * H + h] += pr[j] * inv[r];
                    }
                }
            }
            for (int r = 0; r < R; ++r) {
                const int t = t0 + r / G, h = g * G + r % G;
                float* o = out + (static_cast<size_t>(t) * H + h) * D;
                const float* a = acc.data() + static_cast<size_t>(r) * D;
                for (int d = 0; d < D; ++d) o[d] = a[d] * inv[r];
            }
        }
    };

    // Small calls (a decode step) run on the caller: waking the pool costs more than the work.
    const double work_size = static_cast<double>(T) * H * total * D;
    const int nt = work_size < 4e5 ? 1 : std::max(1, threads());
    if (acc_total) partial.assign(nt, std::vector<float>(acc_total, 0.0f));
    if (nt == 1)
        work(0, 1);
    else
        run_parallel([&](int ti, int n) {
            if (n == nt) work(ti, n);
        });
    for (int ti = 0; ti < static_cast<int>(partial.size()); ++ti)
        for (int s = 0; s < n_segs; ++s) {
            if (!segs[s].score_acc) continue;
            const float* src = partial[ti].data() + acc_offset[s];
            float* dst = segs[s].score_acc;
            const size_t n = static_cast<size_t>(segs[s].n_kv) * H;
            for (size_t i = 0; i < n; ++i) dst[i] += src[i];
        }
}

}  // namespace gleaner
