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
#include "quant/fp16.h"

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

float row_max_scalar(const float* x, int n) {
    float m = kMasked;
    for (int i = 0; i < n; ++i) m = std::max(m, x[i]);
    return m;
}

// out[r * 8 + j] = q_r . key j for R query rows against 8 keys stored transposed: kt (D, 8).
void group_logits_scalar(const float* const* q_rows, int R, const float* kt, int D, float* out) {
    for (int r = 0; r < R; ++r) {
        float* o = out + r * 8;
        for (int j = 0; j < 8; ++j) o[j] = 0.0f;
        for (int d = 0; d < D; ++d)
            for (int j = 0; j < 8; ++j) o[j] += q_rows[r][d] * kt[d * 8 + j];
    }
}

// Value rows j of a segment: (n_kv, stride) F32 or F16, this KV group's D elements at `at`.
struct ValueRows {
    const void* base;
    DType type;
    size_t stride, at;
};

float value_at(const ValueRows& v, int j, int d) {
    const size_t i = static_cast<size_t>(j) * v.stride + v.at + d;
    return v.type == DType::F32 ? static_cast<const float*>(v.base)[i] : fp16_to_fp32(static_cast<const uint16_t*>(v.base)[i]);
}

// acc[r * D + d] += sum over keys j in [j0, j1) of p[r * p_stride + j] * v_j[d], for R rows.
void weighted_values_scalar(const float* p, size_t p_stride, int R, const ValueRows& v, int j0, int j1, int D,
                            float* acc) {
    for (int r = 0; r < R; ++r)
        for (int j = j0; j < j1; ++j) {
            const float pr = p[r * p_stride + j];
            if (pr == 0.0f) continue;
            for (int d = 0; d < D; ++d) acc[static_cast<size_t>(r) * D + d] += pr * value_at(v, j, d);
        }
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

// The largest of x[0..n) (-inf for none): 4 vector chains instead of one scalar chain.
__attribute__((target("avx2,fma"))) float row_max_avx2(const float* x, int n) {
    __m256 m0 = _mm256_set1_ps(kMasked), m1 = m0, m2 = m0, m3 = m0;
    int i = 0;
    for (; i + 32 <= n; i += 32) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + i + 8));
        m2 = _mm256_max_ps(m2, _mm256_loadu_ps(x + i + 16));
        m3 = _mm256_max_ps(m3, _mm256_loadu_ps(x + i + 24));
    }
    for (; i + 8 <= n; i += 8) m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + i));
    const __m256 m = _mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3));
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    float r = _mm_cvtss_f32(h);
    for (; i < n; ++i) r = std::max(r, x[i]);
    return r;
}

// The R x 8 logits of group_logits_scalar, up to 8 query rows at a time: each transposed key
// column is loaded once for all rows, each row keeps its own accumulator (8 independent FMA chains).
template <int RB>
__attribute__((target("avx2,fma"))) void group_logits_rows(const float* const* q_rows, const float* kt, int D,
                                                           float* out) {
    __m256 acc[RB];
    for (int r = 0; r < RB; ++r) acc[r] = _mm256_setzero_ps();
    for (int d = 0; d < D; ++d) {
        const __m256 k = _mm256_loadu_ps(kt + d * 8);
        for (int r = 0; r < RB; ++r) acc[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(q_rows[r] + d), k, acc[r]);
    }
    for (int r = 0; r < RB; ++r) _mm256_storeu_ps(out + r * 8, acc[r]);
}

__attribute__((target("avx2,fma"))) void group_logits_avx2(const float* const* q_rows, int R, const float* kt, int D,
                                                           float* out) {
    using Fn = void (*)(const float* const*, const float*, int, float*);
    static constexpr Fn by_rows[8] = {group_logits_rows<1>, group_logits_rows<2>, group_logits_rows<3>,
                                      group_logits_rows<4>, group_logits_rows<5>, group_logits_rows<6>,
                                      group_logits_rows<7>, group_logits_rows<8>};
    for (int r0 = 0; r0 < R; r0 += 8) by_rows[std::min(8, R - r0) - 1](q_rows + r0, kt, D, out + r0 * 8);
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 load8_values(const ValueRows& v, int j, int d) {
    const size_t i = static_cast<size_t>(j) * v.stride + v.at + d;
    if (v.type == DType::F32) return _mm256_loadu_ps(static_cast<const float*>(v.base) + i);
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(v.base) + i)));
}

// weighted_values_scalar for up to 8 rows and 8 columns at a time: the accumulators stay in
// registers over the whole key range, each value vector is loaded once for all rows.
template <int RB>
__attribute__((target("avx2,fma,f16c"))) void weighted_values_rows(const float* p, size_t p_stride, const ValueRows& v,
                                                                   int j0, int j1, int D, float* acc) {
    for (int d = 0; d < D; d += 8) {
        __m256 a[RB];
        for (int r = 0; r < RB; ++r) a[r] = _mm256_loadu_ps(acc + static_cast<size_t>(r) * D + d);
        for (int j = j0; j < j1; ++j) {
            const __m256 x = load8_values(v, j, d);
            for (int r = 0; r < RB; ++r) a[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(p + r * p_stride + j), x, a[r]);
        }
        for (int r = 0; r < RB; ++r) _mm256_storeu_ps(acc + static_cast<size_t>(r) * D + d, a[r]);
    }
}

__attribute__((target("avx2,fma,f16c"))) void weighted_values_avx2(const float* p, size_t p_stride, int R,
                                                                   const ValueRows& v, int j0, int j1, int D,
                                                                   float* acc) {
    using Fn = void (*)(const float*, size_t, const ValueRows&, int, int, int, float*);
    static constexpr Fn by_rows[8] = {weighted_values_rows<1>, weighted_values_rows<2>, weighted_values_rows<3>,
                                      weighted_values_rows<4>, weighted_values_rows<5>, weighted_values_rows<6>,
                                      weighted_values_rows<7>, weighted_values_rows<8>};
    for (int r0 = 0; r0 < R; r0 += 8)
        by_rows[std::min(8, R - r0) - 1](p + r0 * p_stride, p_stride, v, j0, j1, D, acc + static_cast<size_t>(r0) * D);
}

bool use_avx2() {
    static const bool v =
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    return v;
}
#else
bool use_avx2() { return false; }
float exp_sum_avx2(float* x, int n, float m) { return exp_sum_scalar(x, n, m); }
float row_max_avx2(const float* x, int n) { return row_max_scalar(x, n); }
void group_logits_avx2(const float* const* q_rows, int R, const float* kt, int D, float* out) {
    group_logits_scalar(q_rows, R, kt, D, out);
}
void weighted_values_avx2(const float* p, size_t p_stride, int R, const ValueRows& v, int j0, int j1, int D,
                          float* acc) {
    weighted_values_scalar(p, p_stride, R, v, j0, j1, D, acc);
}
#endif

struct Kernels {
    float (*row_max)(const float*, int);
    float (*exp_sum)(float*, int, float);
    void (*group_logits)(const float* const*, int, const float*, int, float*);
    void (*weighted_values)(const float*, size_t, int, const ValueRows&, int, int, int, float*);
};

// The vector kernels take head_dim in whole vectors of 8.
Kernels pick_kernels(int head_dim) {
    if (use_avx2() && head_dim % 8 == 0) return {row_max_avx2, exp_sum_avx2, group_logits_avx2, weighted_values_avx2};
    return {row_max_scalar, exp_sum_scalar, group_logits_scalar, weighted_values_scalar};
}

// D elements of a key or value row at element offset `at` of `base`, as floats: the row itself
// when the cache is F32, else widened into `wide`.
const float* kv_row(const void* base, DType type, size_t at, int D, float* wide) {
    if (type == DType::F32) return static_cast<const float*>(base) + at;
    cpu::f16_to_f32_row(static_cast<const uint16_t*>(base) + at, wide, static_cast<size_t>(D));
    return wide;
}

// Keys j0 .. j0+nb-1 (nb <= 8) of a segment's KV group g, transposed into kt (D, 8), zero-padded.
void transpose_key_group(const KvSegment& sg, size_t stride, int g, int j0, int nb, int D, float* kt, float* wide) {
    for (int jj = 0; jj < 8; ++jj) {
        const float* kj = jj < nb ? kv_row(sg.k, sg.kv_type, (j0 + jj) * stride + static_cast<size_t>(g) * D, D, wide)
                                  : nullptr;
        for (int d = 0; d < D; ++d) kt[static_cast<size_t>(d) * 8 + jj] = kj ? kj[d] : 0.0f;
    }
}

}  // namespace

void Backend::attention_segments(const KvSegment* segs, int n_segs, const SegmentAttentionParams& p, float* out) {
    const int T = p.n_tokens, H = p.n_heads, Hkv = p.n_kv_heads, D = p.head_dim;
    if (T <= 0) return;
    const int G = H / Hkv;
    std::vector<int> offset(n_segs + 1, 0);       // start of each segment in a task's logit row
    std::vector<int> first_group(n_segs + 1, 0);  // index of each segment's first 8-key group
    std::vector<size_t> acc_offset(n_segs, 0);
    size_t acc_total = 0;
    for (int s = 0; s < n_segs; ++s) {
        const int n_kv = std::max(0, segs[s].n_kv);
        offset[s + 1] = offset[s] + n_kv;
        first_group[s + 1] = first_group[s] + (n_kv + 7) / 8;
        if (segs[s].score_acc) {
            acc_offset[s] = acc_total;
            acc_total += static_cast<size_t>(segs[s].n_kv) * H;
        }
    }
    const int total = offset[n_segs];
    const int n_groups = first_group[n_segs];
    const Kernels kern = pick_kernels(D);
    auto kv_stride = [&](const KvSegment& sg) { return sg.stride ? sg.stride : static_cast<size_t>(Hkv) * D; };
    // One task: a tile of up to kTile query tokens and one KV group, so each key and value row
    // read from memory serves kTile x G query rows.
    constexpr int kTile = 4;
    const int n_tiles = (T + kTile - 1) / kTile;
    const int64_t n_tasks = static_cast<int64_t>(n_tiles) * Hkv;
    // With several tiles, the keys are transposed once for all of them (8-key groups, (D, 8)
    // each) instead of once per tile, unless that copy would be large.
    const size_t transposed_floats = static_cast<size_t>(Hkv) * n_groups * 8 * D;
    const bool shared_keys = n_tiles > 1 && transposed_floats * sizeof(float) <= (size_t{256} << 20);
    std::vector<float> keys_t(shared_keys ? transposed_floats : 0);
    auto group_keys = [&](int g, int group) { return keys_t.data() + (static_cast<size_t>(g) * n_groups + group) * 8 * D; };

    // Per-thread score partials, reduced in thread order so results do not depend on timing.
    std::vector<std::vector<float>> partial;

    auto transpose = [&](int ti, int nt) {  // each thread a share of the groups, for every KV group
        std::vector<float> wide(D);
        const int b = static_cast<int>(static_cast<int64_t>(n_groups) * ti / nt);
        const int e = static_cast<int>(static_cast<int64_t>(n_groups) * (ti + 1) / nt);
        int s = 0;
        for (int group = b; group < e; ++group) {
            while (first_group[s + 1] <= group) ++s;
            const KvSegment& sg = segs[s];
            const int j0 = (group - first_group[s]) * 8;
            for (int g = 0; g < Hkv; ++g)
                transpose_key_group(sg, kv_stride(sg), g, j0, std::min(8, sg.n_kv - j0), D, group_keys(g, group),
                                    wide.data());
        }
    };

    auto work = [&](int ti, int nt) {
        const int64_t b = n_tasks * ti / nt, e = n_tasks * (ti + 1) / nt;
        const size_t rows_max = static_cast<size_t>(kTile) * G;
        std::vector<float> logits(rows_max * std::max(1, total));  // rows (token in tile, head in group)
        std::vector<float> acc(rows_max * D), inv(rows_max), kt(shared_keys ? 0 : static_cast<size_t>(D) * 8),
            wide(D), group_out(rows_max * 8);
        std::vector<const float*> q_rows(rows_max);
        std::vector<char> live(rows_max), seen(std::max(1, n_groups));
        float* tacc = acc_total ? partial[ti].data() : nullptr;
        for (int64_t task = b; task < e; ++task) {
            const int t0 = static_cast<int>(task / Hkv) * kTile, g = static_cast<int>(task % Hkv);
            const int tq = std::min(kTile, T - t0);
            const int R = tq * G;
            // 1. logits of the tile's query rows against every key, 8 keys at a time. A group of
            //    8 keys that no query of the tile sees (the causal future of a prefill, about half
            //    of all pairs) is skipped here and in 3.
            for (int s = 0; s < n_segs; ++s) {
                const KvSegment& sg = segs[s];
                for (int r = 0; r < R; ++r) q_rows[r] = sg.q + (static_cast<size_t>(t0 + r / G) * H + g * G + r % G) * D;
                const bool masked = sg.q_pos && sg.kv_pos;
                for (int j0 = 0, group = first_group[s]; j0 < sg.n_kv; j0 += 8, ++group) {
                    const int nb = std::min(8, sg.n_kv - j0);
                    float bias[kTile][8];  // (token of the tile, key of the group): 0 seen, -inf not
                    bool any = false;
                    for (int tt = 0; tt < tq; ++tt)
                        for (int jj = 0; jj < 8; ++jj) {
                            bool v = jj < nb;
                            if (masked && v) {
                                const int64_t dist = static_cast<int64_t>(sg.q_pos[t0 + tt]) - sg.kv_pos[j0 + jj];
                                v = dist >= sg.min_dist && dist < sg.max_dist;
                            }
                            bias[tt][jj] = v ? 0.0f : kMasked;
                            any |= v;
                        }
                    seen[group] = any;
                    if (!any) {
                        for (int r = 0; r < R; ++r)
                            std::fill_n(logits.data() + static_cast<size_t>(r) * total + offset[s] + j0, nb, kMasked);
                        continue;
                    }
                    const float* keys = kt.data();
                    if (shared_keys)
                        keys = group_keys(g, group);
                    else
                        transpose_key_group(sg, kv_stride(sg), g, j0, nb, D, kt.data(), wide.data());
                    kern.group_logits(q_rows.data(), R, keys, D, group_out.data());
                    for (int r = 0; r < R; ++r) {
                        float* l = logits.data() + static_cast<size_t>(r) * total + offset[s] + j0;
                        const float* d8 = group_out.data() + r * 8;
                        const float* b8 = bias[r / G];
                        if (nb == 8) {  // (a fixed count: the compiler vectorizes it)
                            for (int jj = 0; jj < 8; ++jj) l[jj] = d8[jj] * p.scale + b8[jj];
                        } else {
                            for (int jj = 0; jj < nb; ++jj) l[jj] = d8[jj] * p.scale + b8[jj];
                        }
                    }
                }
            }
            // 2. softmax per row
            for (int r = 0; r < R; ++r) {
                float* row = logits.data() + static_cast<size_t>(r) * total;
                const float m = kern.row_max(row, total);
                live[r] = m != kMasked;  // a row with no visible key gets zeros
                inv[r] = live[r] ? 1.0f / kern.exp_sum(row, total, m) : 0.0f;
                std::fill(acc.begin() + static_cast<size_t>(r) * D, acc.begin() + static_cast<size_t>(r + 1) * D, 0.0f);
            }
            // 3. P.V over each run of seen groups, each value row once for all rows of the tile;
            //    InfLLM's score accumulation
            for (int s = 0; s < n_segs; ++s) {
                const KvSegment& sg = segs[s];
                const ValueRows values{sg.v, sg.kv_type, kv_stride(sg), static_cast<size_t>(g) * D};
                const float* probs = logits.data() + offset[s];
                for (int group = first_group[s]; group < first_group[s + 1];) {
                    if (!seen[group]) {
                        ++group;
                        continue;
                    }
                    int end = group;
                    while (end < first_group[s + 1] && seen[end]) ++end;
                    const int j0 = (group - first_group[s]) * 8, j1 = std::min(sg.n_kv, (end - first_group[s]) * 8);
                    kern.weighted_values(probs, static_cast<size_t>(total), R, values, j0, j1, D, acc.data());
                    group = end;
                }
                if (sg.score_acc) {  // per thread (head, key): contiguous, unlike score_acc's (key, head)
                    for (int r = 0; r < R; ++r) {
                        if (!live[r]) continue;
                        const int h = g * G + r % G;
                        float* ta = tacc + acc_offset[s] + static_cast<size_t>(h) * sg.n_kv;
                        const float* pr = logits.data() + static_cast<size_t>(r) * total + offset[s];
                        const float w = inv[r];
                        for (int j = 0; j < sg.n_kv; ++j) ta[j] += pr[j] * w;
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
    if (nt == 1) {
        if (shared_keys) transpose(0, 1);
        work(0, 1);
    } else {
        if (shared_keys)
            run_parallel([&](int ti, int n) {
                if (n == nt) transpose(ti, n);
            });
        run_parallel([&](int ti, int n) {
            if (n == nt) work(ti, n);
        });
    }
    for (int ti = 0; ti < static_cast<int>(partial.size()); ++ti)
        for (int s = 0; s < n_segs; ++s) {
            if (!segs[s].score_acc) continue;
            const float* src = partial[ti].data() + acc_offset[s];  // (head, key)
            float* dst = segs[s].score_acc;                          // (key, head)
            const int n_kv = segs[s].n_kv;
            for (int h = 0; h < H; ++h)
                for (int j = 0; j < n_kv; ++j) dst[static_cast<size_t>(j) * H + h] += src[static_cast<size_t>(h) * n_kv + j];
        }
}

}  // namespace gleaner
