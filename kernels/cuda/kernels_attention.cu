// Attention kernels: tiled causal attention with an online softmax (prefill and decode, split
// over key ranges when the grid would be too small) and the long-context methods' multi-segment
// attention with InfLLM's score accumulation. No T x n_kv score matrix is ever stored.
#include <cmath>

#include "cuda_check.h"
#include "cuda_kernels.h"
#include "math/softmax.h"

namespace gleaner::gpu {

namespace {

constexpr unsigned kFull = 0xffffffffu;

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(kFull, v, o);
    return v;
}

__device__ inline float warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(kFull, v, o));
    return v;
}

// Block (query tile, head, key split). Each warp owns QPW queries; a key tile of KT keys sits in
// shared memory, K transposed (padded rows: conflict-free reads) and V row-major.
// Scoring: lane l scores key l % KT over the dims l / KT, l / KT + 32 / KT, ... and the partial
// dots are summed across lanes. Accumulating: lane l owns output dims l, l + 32, ...
__device__ inline float kv_float(float x) { return x; }
__device__ inline float kv_float(__half x) { return __half2float(x); }

// KV: the cache's element type (float or __half); scores and sums are float either way.
template <int D, int KT, int QPW, typename KV>
__global__ void __launch_bounds__(kAttnWarps * 32)
    attention_kernel(AttentionArgs a, int keys_per_split) {
    const KV* kc = static_cast<const KV*>(a.k);
    const KV* vc = static_cast<const KV*>(a.v);
    extern __shared__ float smem[];
    constexpr int QT = kAttnWarps * QPW;
    constexpr int PARTS = 32 / KT;
    constexpr int DL = D / 32;
    float* ks_t = smem;                  // (D, KT + 1)
    float* vs = ks_t + D * (KT + 1);     // (KT, D)
    float* qs = vs + KT * D;             // (QT, D)
    int* kpos = reinterpret_cast<int*>(qs + QT * D);  // (KT)

    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31;
    const int h = blockIdx.y;
    const int kvh = h / (a.n_heads / a.n_kv_heads);
    const int t0 = blockIdx.x * QT;
    const int key_begin = blockIdx.z * keys_per_split;
    const int key_end = min(a.n_kv, key_begin + keys_per_split);

    for (int i = threadIdx.x; i < QT * D; i += blockDim.x) {
        const int t = t0 + i / D;
        qs[i] = t < a.n_tokens ? a.q[(static_cast<size_t>(t) * a.n_heads + h) * D + i % D] : 0.0f;
    }
    int32_t qpos[QPW];
    bool qvalid[QPW];
    SoftmaxState st[QPW];
    float acc[QPW][DL];
#pragma unroll
    for (int qi = 0; qi < QPW; ++qi) {
        const int t = t0 + warp * QPW + qi;
        qvalid[qi] = t < a.n_tokens;
        qpos[qi] = qvalid[qi] ? a.q_pos[t] : 0;
#pragma unroll
        for (int dl = 0; dl < DL; ++dl) acc[qi][dl] = 0.0f;
    }

    const int key = lane % KT, part = lane / KT;
    for (int tile0 = key_begin; tile0 < key_end; tile0 += KT) {
        __syncthreads();  // the previous tile is consumed (first pass: the queries are stored)
        for (int i = threadIdx.x; i < KT * D; i += blockDim.x) {
            const int j = i / D, d = i % D, jg = tile0 + j;
            float kval = 0.0f, vval = 0.0f;
            if (jg < key_end) {
                const size_t off = static_cast<size_t>(jg) * a.kv_stride + static_cast<size_t>(kvh) * D + d;
                kval = kv_float(kc[off]);
                vval = kv_float(vc[off]);
            }
            ks_t[d * (KT + 1) + j] = kval;
            vs[j * D + d] = vval;
        }
        if (threadIdx.x < KT) {
            const int jg = tile0 + threadIdx.x;
            kpos[threadIdx.x] = jg < key_end ? (a.kv_pos ? a.kv_pos[jg] : jg) : 0;
        }
        __syncthreads();
        const bool key_ok = tile0 + key < key_end;
#pragma unroll
        for (int qi = 0; qi < QPW; ++qi) {
            const float* qv = qs + (warp * QPW + qi) * D;
            float s = 0.0f;
#pragma unroll 8
            for (int d = part; d < D; d += PARTS) s += qv[d] * ks_t[d * (KT + 1) + key];
#pragma unroll
            for (int o = KT; o < 32; o <<= 1) s += __shfl_xor_sync(kFull, s, o);
            const bool vis = qvalid[qi] && key_ok && causal_visible(qpos[qi], kpos[key], a.window);
            s = vis ? s * a.scale : -INFINITY;
            const float tile_max = warp_max(s);
            if (tile_max == -INFINITY) continue;  // uniform: nothing visible in this tile
            const float c = softmax_begin_tile(st[qi], tile_max);
            const float p = vis ? expf(s - st[qi].m) : 0.0f;
            st[qi].l += warp_sum(part == 0 ? p : 0.0f);  // each key counted once
#pragma unroll
            for (int dl = 0; dl < DL; ++dl) acc[qi][dl] *= c;
#pragma unroll 4
            for (int j = 0; j < KT; ++j) {
                const float pj = __shfl_sync(kFull, p, j);  // lane j holds key j's probability
#pragma unroll
                for (int dl = 0; dl < DL; ++dl) acc[qi][dl] += pj * vs[j * D + lane + 32 * dl];
            }
        }
    }

#pragma unroll
    for (int qi = 0; qi < QPW; ++qi) {
        if (!qvalid[qi]) continue;
        const int t = t0 + warp * QPW + qi;
        if (gridDim.z == 1) {
            float* o = a.out + (static_cast<size_t>(t) * a.n_heads + h) * D;
            const float inv = st[qi].l > 0.0f ? 1.0f / st[qi].l : 0.0f;
#pragma unroll
            for (int dl = 0; dl < DL; ++dl) o[lane + 32 * dl] = acc[qi][dl] * inv;
        } else {
            float* p = a.partial + ((static_cast<size_t>(blockIdx.z) * a.n_tokens + t) * a.n_heads + h) * (D + 2);
#pragma unroll
            for (int dl = 0; dl < DL; ++dl) p[lane + 32 * dl] = acc[qi][dl];
            if (lane == 0) {
                p[D] = st[qi].m;
                p[D + 1] = st[qi].l;
            }
        }
    }
}

// One block per (token, head), one thread per dim: merges the splits' partial states.
template <int D>
__global__ void attention_merge_kernel(const float* __restrict__ partial, int splits, int n_th, float* out) {
    const int th = blockIdx.x, d = threadIdx.x;
    SoftmaxState st;
    float acc = 0.0f;
    for (int s = 0; s < splits; ++s) {
        const float* p = partial + (static_cast<size_t>(s) * n_th + th) * (D + 2);
        SoftmaxState b;
        b.m = p[D];
        b.l = p[D + 1];
        float ca, cb;
        st = softmax_merge(st, b, &ca, &cb);
        acc = acc * ca + p[d] * cb;
    }
    out[static_cast<size_t>(th) * D + d] = st.l > 0.0f ? acc / st.l : 0.0f;
}

// One warp per (token, head): lane l scores key j0 + l of a 32-key tile (whole dot product),
// then the tile is folded into the online softmax. A second pass adds each key's normalised
// probability to score_acc (atomics: several heads and tokens add to the same rows).
// Element i of a segment's key or value rows, as float (a segment holds float or __half).
__device__ inline float segment_element(const void* base, bool f16, size_t i) {
    return f16 ? __half2float(static_cast<const __half*>(base)[i]) : static_cast<const float*>(base)[i];
}

template <int D>
__device__ inline float segment_score(const SegmentArgs& sg, const float* q, int j, int g, bool masked, int32_t qp,
                                      float scale) {
    if (j >= sg.n_kv || !segment_visible(masked, qp, masked ? sg.kv_pos[j] : 0, sg.min_dist, sg.max_dist))
        return -INFINITY;
    const size_t row = static_cast<size_t>(j) * sg.stride + static_cast<size_t>(g) * D;
    float s = 0.0f;
    if (sg.kv_f16) {
        const __half* kr = static_cast<const __half*>(sg.k) + row;
#pragma unroll 8
        for (int d = 0; d < D; ++d) s += q[d] * __half2float(kr[d]);
    } else {
        const float* kr = static_cast<const float*>(sg.k) + row;
#pragma unroll 8
        for (int d = 0; d < D; ++d) s += q[d] * kr[d];
    }
    return s * scale;
}

template <int D>
__global__ void __launch_bounds__(128) segments_kernel(const SegmentArgs* __restrict__ segs, int n_segs, bool any_acc,
                                                       int T, int H, int Hkv, float scale, float* out) {
    constexpr int DL = D / 32;
    const int warp = threadIdx.x / 32, lane = threadIdx.x & 31;
    const int64_t task = static_cast<int64_t>(blockIdx.x) * 4 + warp;
    if (task >= static_cast<int64_t>(T) * H) return;  // whole warp
    const int t = static_cast<int>(task / H), h = static_cast<int>(task % H);
    const int g = h / (H / Hkv);
    SoftmaxState st;
    float acc[DL];
#pragma unroll
    for (int dl = 0; dl < DL; ++dl) acc[dl] = 0.0f;
    for (int si = 0; si < n_segs; ++si) {
        const SegmentArgs sg = segs[si];
        const float* q = sg.q + (static_cast<size_t>(t) * H + h) * D;
        const bool masked = sg.q_pos && sg.kv_pos;
        const int32_t qp = masked ? sg.q_pos[t] : 0;
        for (int j0 = 0; j0 < sg.n_kv; j0 += 32) {
            const float s = segment_score<D>(sg, q, j0 + lane, g, masked, qp, scale);
            const float tile_max = warp_max(s);
            if (tile_max == -INFINITY) continue;
            const float c = softmax_begin_tile(st, tile_max);
            const float p = s == -INFINITY ? 0.0f : expf(s - st.m);
            st.l += warp_sum(p);
#pragma unroll
            for (int dl = 0; dl < DL; ++dl) acc[dl] *= c;
            const int nj = min(32, sg.n_kv - j0);
            for (int jj = 0; jj < nj; ++jj) {
                const float pj = __shfl_sync(kFull, p, jj);
                if (pj == 0.0f) continue;  // uniform: every lane holds the same pj
                const size_t vr = static_cast<size_t>(j0 + jj) * sg.stride + static_cast<size_t>(g) * D;
#pragma unroll
                for (int dl = 0; dl < DL; ++dl) acc[dl] += pj * segment_element(sg.v, sg.kv_f16, vr + lane + 32 * dl);
            }
        }
    }
    float* o = out + (static_cast<size_t>(t) * H + h) * D;
    if (st.m == -INFINITY) {  // no visible key: zeros, and no scores
#pragma unroll
        for (int dl = 0; dl < DL; ++dl) o[lane + 32 * dl] = 0.0f;
        return;
    }
    const float inv = 1.0f / st.l;
#pragma unroll
    for (int dl = 0; dl < DL; ++dl) o[lane + 32 * dl] = acc[dl] * inv;
    if (!any_acc) return;
    for (int si = 0; si < n_segs; ++si) {
        const SegmentArgs sg = segs[si];
        if (!sg.score_acc) continue;
        const float* q = sg.q + (static_cast<size_t>(t) * H + h) * D;
        const bool masked = sg.q_pos && sg.kv_pos;
        const int32_t qp = masked ? sg.q_pos[t] : 0;
        for (int j = lane; j < sg.n_kv; j += 32) {
            const float s = segment_score<D>(sg, q, j, g, masked, qp, scale);
            if (s == -INFINITY) continue;
            atomicAdd(sg.score_acc + static_cast<size_t>(j) * H + h, expf(s - st.m) * inv);
        }
    }
}

template <int D, int KT, int QPW>
void run_attention(const AttentionArgs& a, const AttentionShape& shape, cudaStream_t s) {
    const dim3 grid(static_cast<unsigned>(shape.q_tiles), static_cast<unsigned>(shape.heads),
                    static_cast<unsigned>(shape.splits));
    if (a.kv_f16)
        attention_kernel<D, KT, QPW, __half><<<grid, kAttnWarps * 32, shape.smem_bytes, s>>>(a, shape.keys_per_split);
    else
        attention_kernel<D, KT, QPW, float><<<grid, kAttnWarps * 32, shape.smem_bytes, s>>>(a, shape.keys_per_split);
    GLEANER_CUDA_CHECK_LAUNCH();
    if (shape.splits > 1) {
        attention_merge_kernel<D><<<static_cast<unsigned>(a.n_tokens * a.n_heads), D, 0, s>>>(
            a.partial, shape.splits, a.n_tokens * a.n_heads, a.out);
        GLEANER_CUDA_CHECK_LAUNCH();
    }
}

}  // namespace

void launch_attention(const AttentionArgs& a, const AttentionShape& shape, cudaStream_t s) {
    if (a.n_tokens <= 0) return;
    if (a.n_kv <= 0) {  // no key at all: every output row is zero, as on the CPU
        GLEANER_CUDA_CHECK(cudaMemsetAsync(
            a.out, 0, sizeof(float) * static_cast<size_t>(a.n_tokens) * a.n_heads * a.head_dim, s));
        return;
    }
    switch (a.head_dim) {
        case 64: return run_attention<64, 32, 4>(a, shape, s);
        case 128: return run_attention<128, 32, 4>(a, shape, s);
        case 256: return run_attention<256, 16, 2>(a, shape, s);
        default: throw std::logic_error("launch_attention: unsupported head_dim (the backend checks this first)");
    }
}

void launch_attention_segments(const SegmentArgs* segs, int n_segs, bool any_score_acc, int n_tokens, int n_heads,
                               int n_kv_heads, int head_dim, float scale, float* out, cudaStream_t s) {
    const int64_t tasks = static_cast<int64_t>(n_tokens) * n_heads;
    if (tasks <= 0) return;
    const unsigned blocks = static_cast<unsigned>((tasks + 3) / 4);
    switch (head_dim) {
        case 64:
            segments_kernel<64><<<blocks, 128, 0, s>>>(segs, n_segs, any_score_acc, n_tokens, n_heads, n_kv_heads,
                                                       scale, out);
            break;
        case 128:
            segments_kernel<128><<<blocks, 128, 0, s>>>(segs, n_segs, any_score_acc, n_tokens, n_heads, n_kv_heads,
                                                        scale, out);
            break;
        case 256:
            segments_kernel<256><<<blocks, 128, 0, s>>>(segs, n_segs, any_score_acc, n_tokens, n_heads, n_kv_heads,
                                                        scale, out);
            break;
        default: throw std::logic_error("launch_attention_segments: unsupported head_dim");
    }
    GLEANER_CUDA_CHECK_LAUNCH();
}

}  // namespace gleaner::gpu
