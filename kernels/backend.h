#pragma once
// The operations the transformer's forward pass needs, behind one interface so that the CPU and
// CUDA backends are interchangeable and can be compared op by op (tests/unit/test_backend_ops).
//
// Conventions: activations are row-major float32 with one row per token; "x (T, n)" means T
// rows of n floats. Pointers are in the backend's own memory (host memory for the CPU backend).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>

#include "memory_plan.h"
#include "quant/dtype.h"

namespace gleaner {

// A weight matrix as stored in the GGUF: n_out rows of n_in elements of `type`, row-contiguous.
struct WeightView {
    const void* data = nullptr;
    DType type = DType::F32;
    int64_t n_in = 0;   // elements per row (ne[0])
    int64_t n_out = 0;  // rows (ne[1])
    size_t row_bytes() const { return dtype_row_bytes(type, n_in); }
};

enum class RopeStyle {
    Norm,  // rotate adjacent pairs (2i, 2i+1): llama
    Neox,  // rotate (i, i + n_rot/2): qwen2, gemma3
};

struct RopeParams {
    RopeStyle style = RopeStyle::Norm;
    int n_rot = 0;                          // rotated dimensions per head (<= head_dim)
    float freq_base = 10000.0f;
    float freq_scale = 1.0f;                // 1/linear scaling factor
    const float* freq_factors = nullptr;    // (n_rot/2) Llama 3 rope_freqs, or nullptr
};

// One attention call: queries for T new tokens against n_kv cached keys/values.
struct AttentionParams {
    int n_tokens = 0;        // T
    int n_heads = 0;         // H
    int n_kv_heads = 0;      // Hkv; query head h reads KV head h / (H / Hkv)
    int head_dim = 0;        // D
    int n_kv = 0;            // cached positions visible to this call (keys 0..n_kv-1)
    float scale = 1.0f;      // applied to q.k
    const int32_t* q_pos = nullptr;   // (T) position of each query token
    const int32_t* kv_pos = nullptr;  // (n_kv) position of each cached key
    int sliding_window = 0;  // key hidden when q_pos - kv_pos >= window (0 = no window)
    size_t kv_row_stride = 0;  // elements between consecutive cached positions (Hkv*D when packed)
    DType kv_type = DType::F32;  // elements of k and v: F32 or F16
};

// One set of cached keys/values for attention_segments(): the queries that score it and which of
// its keys each query may see. Long-context methods attend to several such sets at once (a local
// window with exact positions, memory blocks at one fixed distance, ...) under one softmax.
struct KvSegment {
    const float* q = nullptr;   // (T, H, D) the queries for this segment, rotated as its keys need
    const void* k = nullptr;    // n_kv rows of `stride` elements of kv_type; KV head g starts at g * D
    const void* v = nullptr;
    size_t stride = 0;          // elements between consecutive rows (0: Hkv * D)
    DType kv_type = DType::F32; // F32 or F16
    int n_kv = 0;
    // Key j is visible to query t iff min_dist <= q_pos[t] - kv_pos[j] < max_dist. With q_pos or
    // kv_pos null, every key is visible to every query.
    const int32_t* q_pos = nullptr;
    const int32_t* kv_pos = nullptr;
    int32_t min_dist = 0;
    int32_t max_dist = std::numeric_limits<int32_t>::max();
    // Optional (n_kv, H): += the softmax probability each key received from each query head,
    // summed over the T queries (normalised jointly over all segments): InfLLM's scores.
    float* score_acc = nullptr;
};

struct SegmentAttentionParams {
    int n_tokens = 0;    // T
    int n_heads = 0;     // H
    int n_kv_heads = 0;  // Hkv; query head h reads KV head h / (H / Hkv)
    int head_dim = 0;    // D
    float scale = 1.0f;  // applied to q.k
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual std::string name() const = 0;
    virtual int threads() const = 0;

    // ---- memory -----------------------------------------------------------------------------
    // Memory that the backend's ops use at full speed and that host code may also read and write
    // once synchronize() has returned (CPU: 64-byte aligned host memory; CUDA: managed memory).
    // Uninitialised. Ops also accept plain host pointers (the CUDA backend copies them in and
    // out, which is correct but slow), so only the hot buffers need to come from here.
    virtual void* alloc_shared(size_t bytes);
    virtual void free_shared(void* p);
    // The host allocation alloc_shared() makes by default (64-byte aligned, uninitialised).
    static void* alloc_shared_host(size_t bytes);
    static void free_shared_host(void* p);
    // Waits for every op issued so far (no-op on the CPU, where ops return when done).
    virtual void synchronize() {}
    // dst = src (bytes), ordered with the ops before and after it (host memcpy on the CPU). Host
    // code must use this, not memcpy, to move data between shared buffers while ops may run.
    virtual void copy(void* dst, const void* src, size_t bytes);
    // Called once per model before its first op: total weight bytes per layer, other weights,
    // KV-cache and scratch bytes. A backend with its own memory plans here (which layers it
    // keeps resident) and throws std::runtime_error with the sizes when the model cannot run.
    // Returns one line describing the plan ("" when there is nothing to say).
    virtual std::string plan_model(const ModelFootprint& /*footprint*/) { return ""; }

    // y (T, n_out) = x (T, n_in) . W^T, with the weight kept in its quantized format.
    virtual void matmul(const WeightView& w, const float* x, int n_tokens, float* y) = 0;
    // Several matmuls of the same input (q/k/v, gate/up): ys[i] (T, ws[i].n_out). Backends
    // may convert x once and run them as one job; the default runs them one by one.
    virtual void matmul_same_input(const WeightView* ws, float* const* ys, int n, const float* x, int n_tokens) {
        for (int i = 0; i < n; ++i) matmul(ws[i], x, n_tokens, ys[i]);
    }
    // Rows `ids` of an embedding table (V, n) dequantized into out (T, n).
    virtual void get_rows(const WeightView& table, const int32_t* ids, int n_tokens, float* out) = 0;
    // y = x / sqrt(mean(x^2) + eps) * w, per row of n (w may be nullptr for no weight).
    virtual void rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y) = 0;
    // In place on x (T, n_heads, head_dim) at positions pos (T).
    virtual void rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos,
                      const RopeParams& p) = 0;
    // out (T, H, D) = softmax(q k^T * scale + mask) v, online (no T x n_kv matrix in memory).
    // q (T, H, D); k and v hold n_kv cached rows of kv_row_stride elements of p.kv_type.
    virtual void attention(const float* q, const void* k, const void* v, const AttentionParams& p,
                           float* out) = 0;
    // dst (n elements of `type`: F32 or F16, rounded to nearest even) = src (n floats), ordered
    // with the other ops like copy(): how the KV cache stores a batch's keys and values.
    virtual void store_as(void* dst, DType type, const float* src, size_t n);
    // x (n) = silu(gate) * up  or  gelu_tanh(gate) * up
    virtual void silu_mul(const float* gate, const float* up, size_t n, float* out) = 0;
    virtual void gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out) = 0;
    // y += x
    virtual void add(float* y, const float* x, size_t n) = 0;
    // x (T, n) += bias (n) on every row
    virtual void add_bias(float* x, const float* bias, int n_rows, int n) = 0;
    virtual void scale(float* x, size_t n, float s) = 0;

    // out (T, H, D) = one softmax over the visible keys of all segments, times their values. A
    // query that sees no key gets zeros. Default: kernels/cpu/cpu_backend_longctx.cpp.
    virtual void attention_segments(const KvSegment* segs, int n_segs, const SegmentAttentionParams& p,
                                    float* out);
    // ---- long-context hot paths (defaults: kernels/backend_longctx.cpp, on the host) ---------
    // InfLLM / Q-LLM block selection: scores (n_blocks) = qbar (n) . reprs[b] (n_blocks, n),
    // then top (min(k, n_blocks)) = the best blocks, highest score first, ties to the lower index.
    virtual void score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, int k,
                                   float* scores, int32_t* top);
    // GemFilter's selection: raw scores of n keys (rows of `stride` floats, Hkv*D used) against
    // the group-summed query q (H*D), avg_pool1d(5, 1, 2) into pooled (n), and selected
    // (min(k, n)) = the indices of the k highest pooled scores, ascending.
    virtual void gemfilter_select(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv, int D,
                                  int k, float* pooled, int32_t* selected);

    // Calls fn(thread_index, n_threads) once on each of the backend's host worker threads and
    // waits for all of them (host-side work of the long-context methods). The default runs a
    // pool of threads() threads of its own; the CPU backend may share its pool instead.
    virtual void run_parallel(const std::function<void(int, int)>& fn);
};

// The CPU backend with n_threads threads (0 = ThreadPool::default_threads()).
std::unique_ptr<Backend> make_cpu_backend(int n_threads);

// An array of T in a backend's shared memory (Backend::alloc_shared), freed with it. Move-only.
// resize() does not keep the contents: it is scratch, sized before use.
template <typename T>
class SharedArray {
public:
    SharedArray() = default;
    SharedArray(Backend& b, size_t n) { reset(b, n); }
    SharedArray(const SharedArray&) = delete;
    SharedArray& operator=(const SharedArray&) = delete;
    SharedArray(SharedArray&& o) noexcept : b_(o.b_), p_(o.p_), n_(o.n_) { o.p_ = nullptr, o.n_ = 0; }
    SharedArray& operator=(SharedArray&& o) noexcept {
        if (this != &o) {
            release();
            b_ = o.b_, p_ = o.p_, n_ = o.n_;
            o.p_ = nullptr, o.n_ = 0;
        }
        return *this;
    }
    ~SharedArray() { release(); }

    void reset(Backend& b, size_t n) {
        release();
        b_ = &b;
        p_ = n ? static_cast<T*>(b.alloc_shared(n * sizeof(T))) : nullptr;
        n_ = n;
    }
    // Grows to at least n elements (contents lost when it grows); needs a backend from reset().
    void resize(size_t n) {
        if (n > n_) reset(*b_, n);
    }
    T* data() { return p_; }
    const T* data() const { return p_; }
    size_t size() const { return n_; }
    T& operator[](size_t i) { return p_[i]; }
    const T& operator[](size_t i) const { return p_[i]; }

private:
    void release() {
        if (p_) b_->free_shared(p_);
        p_ = nullptr;
        n_ = 0;
    }
    Backend* b_ = nullptr;
    T* p_ = nullptr;
    size_t n_ = 0;
};

}  // namespace gleaner
