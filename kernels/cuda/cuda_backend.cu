// The CUDA backend: the Backend interface on one device. Design and arithmetic: README.md here.
//
// Memory model. Ops take pointers of three kinds and find out which with
// cudaPointerGetAttributes:
//   - device-accessible (managed memory from alloc_shared(), cudaMalloc, mapped pinned memory):
//     used as they are; this is the hot path (the transformer's activations and KV cache);
//   - weights (WeightView, normally the mmap'd GGUF): uploaded once and cached by host address
//     (with a fingerprint of sampled bytes, so a freed and reused address is noticed), within
//     the memory plan's budget; a weight beyond it is multiplied on the CPU backend;
//   - any other host memory: copied in before the op and out after it (correct, slow; the
//     long-context methods' host buffers take this path until they allocate through the backend).
// Small model parameters (norm weights, biases, RoPE factors) are cached like weights but checked
// against a host copy on every use, since they are cheap to compare.
// Every op is queued on one stream; ops whose output is plain host memory wait for it.
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "cuda_backend.h"
#include "cuda_check.h"
#include "cuda_devices.h"
#include "cuda_kernels.h"
#include "launch_plan.h"
#include "memory_plan.h"

namespace gleaner {

namespace {

using gpu::DeviceBuffer;

// Bytes left free for the CUDA context, cuBLAS's workspace and fragmentation.
constexpr size_t kReserveBytes = size_t{768} << 20;

// 64 evenly spaced 8-byte samples of a weight, with its size: a changed weight at a reused
// address is noticed without reading it all (the model's own weights never change).
uint64_t fingerprint(const void* p, size_t bytes) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    uint64_t h = 1469598103934665603ull ^ bytes;
    const size_t n = bytes / 8;
    const size_t samples = std::min<size_t>(64, n);
    for (size_t i = 0; i < samples; ++i) {
        uint64_t v;
        std::memcpy(&v, b + (n * i / samples) * 8, 8);
        h = (h ^ v) * 1099511628211ull;
    }
    for (size_t i = n * 8; i < bytes; ++i) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

class CudaBackend final : public Backend {
public:
    CudaBackend(int device, int n_threads);
    ~CudaBackend() override;

    std::string name() const override { return name_; }
    int threads() const override { return cpu_->threads(); }

    void* alloc_shared(size_t bytes) override;
    void free_shared(void* p) override;
    void synchronize() override { GLEANER_CUDA_CHECK(cudaStreamSynchronize(stream_)); }
    void copy(void* dst, const void* src, size_t bytes) override;
    std::string plan_model(const ModelFootprint& f) override;

    void matmul(const WeightView& w, const float* x, int n_tokens, float* y) override;
    void get_rows(const WeightView& table, const int32_t* ids, int n_tokens, float* out) override;
    void rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y) override;
    void rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, const RopeParams& p) override;
    void attention(const float* q, const void* k, const void* v, const AttentionParams& p, float* out) override;
    void store_as(void* dst, DType type, const float* src, size_t n) override;
    void silu_mul(const float* gate, const float* up, size_t n, float* out) override;
    void gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out) override;
    void add(float* y, const float* x, size_t n) override;
    void add_bias(float* x, const float* bias, int n_rows, int n) override;
    void scale(float* x, size_t n, float s) override;
    void attention_segments(const KvSegment* segs, int n_segs, const SegmentAttentionParams& p, float* out) override;
    void run_parallel(const std::function<void(int, int)>& fn) override { cpu_->run_parallel(fn); }

    void score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, int k, float* scores,
                           int32_t* top) override;
    void gemfilter_select(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv, int D, int k,
                          float* pooled, int32_t* selected) override;

private:
    // ---- pointers ----
    // The device address of p when the device can dereference it, else nullptr.
    static void* device_view(const void* p);
    static bool host_accessible(const void* p);

    // Per-op staging of plain host memory through one device arena. in() copies host input
    // in; out() reserves room for an output (copied in too when it is also an input) and
    // finish() copies outputs back and waits. An op calls finish() before returning.
    class Staging {
    public:
        explicit Staging(CudaBackend& b) : b_(b) {}
        ~Staging() = default;
        template <typename T>
        const T* in(const T* p, size_t n) {
            return static_cast<const T*>(stage(p, n * sizeof(T), true, false));
        }
        template <typename T>
        T* out(T* p, size_t n, bool also_input) {
            return static_cast<T*>(stage(p, n * sizeof(T), also_input, true));
        }
        void finish();

    private:
        void* stage(const void* p, size_t bytes, bool copy_in, bool copy_out);
        struct Back {
            void* host;
            const void* dev;
            size_t bytes;
        };
        CudaBackend& b_;
        std::vector<Back> back_;
    };
    // Room in the staging arena: the arena grows between ops only (see Staging::stage).
    void* arena_take(size_t bytes);

    // ---- weights and parameters ----
    const uint8_t* weight_device(const WeightView& w);
    const float* param_device(const float* p, size_t n);  // nullptr p -> nullptr

    void matmul_gemm(const WeightView& w, const uint8_t* dw, const float* x, int n_tokens, float* y);
    void matmul_on_cpu(const WeightView& w, const float* x, int n_tokens, float* y);

    int device_ = 0;
    std::string name_;
    int n_sm_ = 1;
    cudaStream_t stream_ = nullptr;
    cublasHandle_t cublas_ = nullptr;
    std::unique_ptr<Backend> cpu_;  // weights beyond the plan, shapes without a kernel, host threads

    struct WeightEntry {
        DeviceBuffer buf;  // empty: kept on the host (beyond the budget)
        uint64_t print = 0;
        size_t bytes = 0;
    };
    std::unordered_map<const void*, WeightEntry> weights_;
    size_t resident_bytes_ = 0;
    size_t weight_budget_ = SIZE_MAX;  // set by plan_model()
    bool told_spill_ = false;

    struct ParamEntry {
        DeviceBuffer buf;
        std::vector<uint8_t> host;  // the bytes uploaded, compared on every use
    };
    std::unordered_map<const void*, ParamEntry> params_;

    DeviceBuffer arena_;        // staging of host memory
    size_t arena_used_ = 0;
    size_t op_staged_ = 0;      // bytes staged by the current op (all arenas)
    std::vector<DeviceBuffer> arena_retired_;  // outgrown arenas, freed when the op finishes
    DeviceBuffer w16_;          // fp16 weight rows for cuBLAS
    DeviceBuffer x16_;          // fp16 activations for cuBLAS
    DeviceBuffer partial_;      // split attention partials
    DeviceBuffer segs_;         // attention_segments descriptors
    DeviceBuffer topk_;         // top-k keys, indices and CUB storage
    DeviceBuffer select_;       // GemFilter's group-summed query and raw scores
};

CudaBackend::CudaBackend(int device, int n_threads) : device_(device), cpu_(make_cpu_backend(n_threads)) {
    GLEANER_CUDA_CHECK(cudaSetDevice(device));
    cudaDeviceProp prop{};
    GLEANER_CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
    n_sm_ = std::max(1, prop.multiProcessorCount);
    if (prop.major < 7 || (prop.major == 7 && prop.minor < 5))
        throw std::runtime_error("CUDA device " + std::to_string(device) + " (" + prop.name + ") has compute capability " +
                                 std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                                 "; Gleaner needs 7.5 or newer");
    name_ = "cuda:" + std::to_string(device) + " (" + prop.name + ", sm_" + std::to_string(prop.major) +
            std::to_string(prop.minor) + ")";
    GLEANER_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    GLEANER_CUBLAS_CHECK(gpu::cublas().create(&cublas_));
    GLEANER_CUBLAS_CHECK(gpu::cublas().set_stream(cublas_, stream_));
}

CudaBackend::~CudaBackend() {
    // Nothing may throw here: wait for queued work, then release in reverse order.
    if (stream_) cudaStreamSynchronize(stream_);
    weights_.clear();
    params_.clear();
    arena_ = DeviceBuffer();
    arena_retired_.clear();
    w16_ = DeviceBuffer();
    x16_ = DeviceBuffer();
    partial_ = DeviceBuffer();
    segs_ = DeviceBuffer();
    topk_ = DeviceBuffer();
    select_ = DeviceBuffer();
    if (cublas_) gpu::cublas().destroy(cublas_);
    if (stream_) cudaStreamDestroy(stream_);
}

// ---- memory ---------------------------------------------------------------------------------

void* CudaBackend::alloc_shared(size_t bytes) {
    void* p = nullptr;
    const cudaError_t e = cudaMallocManaged(&p, bytes ? bytes : 1, cudaMemAttachGlobal);
    if (e == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        throw std::runtime_error("CUDA: out of memory allocating " + format_bytes(bytes) +
                                 " of activations or KV cache (use a smaller --ctx, or --device cpu)");
    }
    GLEANER_CUDA_CHECK(e);
    return p;
}

void CudaBackend::free_shared(void* p) {
    if (!p) return;
    cudaStreamSynchronize(stream_);  // a queued op may still use it
    cudaFree(p);
}

void CudaBackend::copy(void* dst, const void* src, size_t bytes) {
    if (!bytes) return;
    GLEANER_CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDefault, stream_));
    if (!device_view(dst)) synchronize();  // host destination: the caller reads it next
}

void* CudaBackend::device_view(const void* p) {
    if (!p) return nullptr;
    cudaPointerAttributes a{};
    if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
        cudaGetLastError();  // older drivers report plain host memory as an error
        return nullptr;
    }
    switch (a.type) {
        case cudaMemoryTypeDevice:
        case cudaMemoryTypeManaged: return const_cast<void*>(p);
        case cudaMemoryTypeHost: return a.devicePointer;  // pinned: mapped address (may be null)
        default: return nullptr;
    }
}

bool CudaBackend::host_accessible(const void* p) {
    if (!p) return true;
    cudaPointerAttributes a{};
    if (cudaPointerGetAttributes(&a, p) != cudaSuccess) {
        cudaGetLastError();
        return true;
    }
    return a.type != cudaMemoryTypeDevice;
}

void* CudaBackend::arena_take(size_t bytes) {
    const size_t aligned = (bytes + 255) / 256 * 256;
    op_staged_ += aligned;
    if (arena_used_ + aligned > arena_.size()) {
        // Keep the old arena alive until the op finishes: earlier staged inputs live there.
        // The new one holds everything this op staged so far, twice over, so the next op
        // with the same inputs fits in one arena.
        if (arena_.size()) arena_retired_.push_back(std::move(arena_));
        DeviceBuffer grown;
        grown.resize(std::max<size_t>(size_t{16} << 20, 2 * op_staged_));
        arena_ = std::move(grown);
        arena_used_ = 0;
    }
    void* p = arena_.get<uint8_t>() + arena_used_;
    arena_used_ += aligned;
    return p;
}

void* CudaBackend::Staging::stage(const void* p, size_t bytes, bool copy_in, bool copy_out) {
    if (!p || bytes == 0) return const_cast<void*>(p);
    if (void* d = device_view(p)) return d;
    void* d = b_.arena_take(bytes);
    if (copy_in) GLEANER_CUDA_CHECK(cudaMemcpyAsync(d, p, bytes, cudaMemcpyHostToDevice, b_.stream_));
    if (copy_out) back_.push_back({const_cast<void*>(p), d, bytes});
    return d;
}

void CudaBackend::Staging::finish() {
    for (const Back& r : back_)
        GLEANER_CUDA_CHECK(cudaMemcpyAsync(r.host, r.dev, r.bytes, cudaMemcpyDeviceToHost, b_.stream_));
    // The arena is reused by the next op: stream order makes that safe without waiting, but
    // host outputs must be complete when the op returns.
    if (!back_.empty() || !b_.arena_retired_.empty()) b_.synchronize();
    b_.arena_retired_.clear();
    b_.arena_used_ = 0;
    b_.op_staged_ = 0;
    back_.clear();
}

std::string CudaBackend::plan_model(const ModelFootprint& f) {
    size_t free_b = 0, total_b = 0;
    GLEANER_CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    // Weights already resident (an earlier Transformer of the same model) are counted again by
    // the footprint, so the memory they hold counts as available to this plan.
    const MemoryPlan plan = plan_memory(f, free_b + resident_bytes_, kReserveBytes);
    if (plan.kind == PlanKind::DoesNotFit) throw std::runtime_error(name_ + ": " + plan.message);
    // Weights are uploaded on first use in forward order, so the budget keeps the first layers.
    weight_budget_ = std::max(resident_bytes_, plan.weight_budget);
    return name_ + ": " + plan.message;
}

// ---- weights and parameters ---------------------------------------------------------------------

const uint8_t* CudaBackend::weight_device(const WeightView& w) {
    if (void* d = device_view(w.data)) return static_cast<const uint8_t*>(d);
    const size_t bytes = w.row_bytes() * static_cast<size_t>(w.n_out);
    const uint64_t print = fingerprint(w.data, bytes);
    auto it = weights_.find(w.data);
    if (it != weights_.end() && it->second.bytes == bytes && it->second.print == print)
        return it->second.buf.size() ? it->second.buf.get<uint8_t>() : nullptr;
    if (it != weights_.end()) {  // the address now holds another weight
        resident_bytes_ -= it->second.buf.size();
        synchronize();  // queued ops may still read the old copy
        weights_.erase(it);
    }
    WeightEntry e;
    e.print = print;
    e.bytes = bytes;
    const bool in_budget = resident_bytes_ + bytes <= weight_budget_;
    if (in_budget && e.buf.try_resize(bytes)) {
        GLEANER_CUDA_CHECK(cudaMemcpyAsync(e.buf.get(), w.data, bytes, cudaMemcpyHostToDevice, stream_));
        resident_bytes_ += bytes;
    } else if (!told_spill_) {
        told_spill_ = true;
        std::fprintf(stderr, "gleaner: %s: %s of weights resident; the remaining layers run on the CPU\n",
                     name_.c_str(), format_bytes(resident_bytes_).c_str());
    }
    const uint8_t* d = e.buf.size() ? e.buf.get<uint8_t>() : nullptr;
    weights_.emplace(w.data, std::move(e));
    return d;
}

const float* CudaBackend::param_device(const float* p, size_t n) {
    if (!p) return nullptr;
    if (void* d = device_view(p)) return static_cast<const float*>(d);
    const size_t bytes = n * sizeof(float);
    ParamEntry& e = params_[p];
    if (e.host.size() == bytes && std::memcmp(e.host.data(), p, bytes) == 0) return e.buf.get<float>();
    if (e.buf.size()) synchronize();  // queued ops may still read the old values
    e.host.assign(reinterpret_cast<const uint8_t*>(p), reinterpret_cast<const uint8_t*>(p) + bytes);
    e.buf.resize(bytes);
    GLEANER_CUDA_CHECK(cudaMemcpyAsync(e.buf.get(), e.host.data(), bytes, cudaMemcpyHostToDevice, stream_));
    return e.buf.get<float>();
}

// ---- ops --------------------------------------------------------------------------------------

void CudaBackend::matmul_on_cpu(const WeightView& w, const float* x, int n_tokens, float* y) {
    synchronize();
    if (!host_accessible(x) || !host_accessible(y))
        throw std::runtime_error("CUDA backend: a weight kept on the CPU needs host-accessible activations");
    cpu_->matmul(w, x, n_tokens, y);
}

void CudaBackend::matmul(const WeightView& w, const float* x, int n_tokens, float* y) {
    if (n_tokens <= 0) return;
    const uint8_t* dw = weight_device(w);
    if (!dw || w.n_in % 8 != 0) return matmul_on_cpu(w, x, n_tokens, y);
    Staging st(*this);
    const float* dx = st.in(x, static_cast<size_t>(n_tokens) * w.n_in);
    float* dy = st.out(y, static_cast<size_t>(n_tokens) * w.n_out, false);
    if (gpu::matmul_path(n_tokens) == gpu::MatmulPath::Gemm) {
        matmul_gemm(w, dw, dx, n_tokens, dy);
    } else if (!gpu::launch_matvec(w.type, dw, w.row_bytes(), w.n_in, w.n_out, dx, n_tokens, dy, stream_)) {
        st.finish();
        return matmul_on_cpu(w, x, n_tokens, y);
    }
    st.finish();
}

// Prefill: the weight is converted to fp16 in row chunks and multiplied by cuBLAS on tensor
// cores with fp32 accumulation. Row-major y (T, n_out) is column-major (n_out, T), so
// y = W (n_out x n_in) . x^T, with W given as its transpose (column-major n_in x n_out).
void CudaBackend::matmul_gemm(const WeightView& w, const uint8_t* dw, const float* x, int n_tokens, float* y) {
    const size_t n_x = static_cast<size_t>(n_tokens) * w.n_in;
    x16_.resize(n_x * sizeof(__half));
    gpu::launch_f32_to_f16(x, n_x, x16_.get<__half>(), stream_);
    const int64_t chunk = gpu::gemm_chunk_rows(w.n_in, w.n_out);
    w16_.resize(static_cast<size_t>(chunk) * w.n_in * sizeof(__half));
    const float alpha = 1.0f, beta = 0.0f;
    for (int64_t r0 = 0; r0 < w.n_out; r0 += chunk) {
        const int64_t rows = std::min(chunk, w.n_out - r0);
        if (!gpu::launch_dequant_f16(w.type, dw, w.row_bytes(), w.n_in, r0, rows, w16_.get<__half>(), stream_))
            throw std::runtime_error("CUDA backend: no fp16 conversion for weight type " +
                                     std::string(dtype_traits(w.type).name));
        GLEANER_CUBLAS_CHECK(gpu::cublas().gemm_ex(cublas_, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(rows), n_tokens,
                                          static_cast<int>(w.n_in), &alpha, w16_.get(), CUDA_R_16F,
                                          static_cast<int>(w.n_in), x16_.get(), CUDA_R_16F, static_cast<int>(w.n_in),
                                          &beta, y + r0, CUDA_R_32F, static_cast<int>(w.n_out), CUBLAS_COMPUTE_32F,
                                          CUBLAS_GEMM_DEFAULT));
    }
}

void CudaBackend::get_rows(const WeightView& table, const int32_t* ids, int n_tokens, float* out) {
    if (n_tokens <= 0) return;
    const uint8_t* dt = weight_device(table);
    if (!dt || table.n_in % 8 != 0) {
        synchronize();
        if (!host_accessible(out)) throw std::runtime_error("CUDA backend: get_rows on the CPU needs host memory");
        return cpu_->get_rows(table, ids, n_tokens, out);
    }
    Staging st(*this);
    const int32_t* did = st.in(ids, static_cast<size_t>(n_tokens));
    float* dout = st.out(out, static_cast<size_t>(n_tokens) * table.n_in, false);
    if (!gpu::launch_get_rows(table.type, dt, table.row_bytes(), table.n_in, did, n_tokens, dout, stream_))
        throw std::runtime_error("CUDA backend: get_rows has no kernel for " + std::string(dtype_traits(table.type).name));
    st.finish();
}

void CudaBackend::rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y) {
    if (n_rows <= 0) return;
    const size_t total = static_cast<size_t>(n_rows) * n;
    const float* dw = param_device(w, static_cast<size_t>(n));
    Staging st(*this);
    float* dy = st.out(y, total, x == y);
    const float* dx = x == y ? dy : st.in(x, total);
    gpu::launch_rms_norm(dx, dw, n_rows, n, eps, dy, stream_);
    st.finish();
}

void CudaBackend::rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, const RopeParams& p) {
    if (n_tokens <= 0) return;
    const float* dff = param_device(p.freq_factors, static_cast<size_t>(p.n_rot / 2));
    Staging st(*this);
    const int32_t* dpos = st.in(pos, static_cast<size_t>(n_tokens));
    float* dx = st.out(x, static_cast<size_t>(n_tokens) * n_heads * head_dim, true);
    gpu::launch_rope(dx, n_tokens, n_heads, head_dim, dpos, p.style == RopeStyle::Neox, p.n_rot, p.freq_base,
                     p.freq_scale, dff, stream_);
    st.finish();
}

void CudaBackend::attention(const float* q, const void* k, const void* v, const AttentionParams& p, float* out) {
    if (p.n_tokens <= 0) return;
    const gpu::AttentionShape shape = gpu::plan_attention(p.n_tokens, p.n_heads, p.n_kv, p.head_dim, n_sm_);
    if (!shape.supported) {  // a head size without a kernel: the CPU backend on host-visible memory
        synchronize();
        for (const void* ptr : {static_cast<const void*>(q), static_cast<const void*>(k), static_cast<const void*>(v),
                                static_cast<const void*>(out)})
            if (!host_accessible(ptr)) throw std::runtime_error("CUDA backend: head_dim " + std::to_string(p.head_dim) +
                                                                " has no kernel and the buffers are device-only");
        return cpu_->attention(q, k, v, p, out);
    }
    const size_t stride = p.kv_row_stride ? p.kv_row_stride : static_cast<size_t>(p.n_kv_heads) * p.head_dim;
    const size_t kv_elems = p.n_kv > 0 ? (static_cast<size_t>(p.n_kv) - 1) * stride +
                                             static_cast<size_t>(p.n_kv_heads) * p.head_dim
                                       : 0;
    const bool f16 = p.kv_type == DType::F16;
    const size_t q_floats = static_cast<size_t>(p.n_tokens) * p.n_heads * p.head_dim;
    Staging st(*this);
    gpu::AttentionArgs a{};
    a.q = st.in(q, q_floats);
    if (f16) {
        a.k = st.in(static_cast<const __half*>(k), kv_elems);
        a.v = st.in(static_cast<const __half*>(v), kv_elems);
    } else {
        a.k = st.in(static_cast<const float*>(k), kv_elems);
        a.v = st.in(static_cast<const float*>(v), kv_elems);
    }
    a.kv_stride = stride;
    a.kv_f16 = f16;
    a.n_tokens = p.n_tokens;
    a.n_heads = p.n_heads;
    a.n_kv_heads = p.n_kv_heads;
    a.head_dim = p.head_dim;
    a.n_kv = p.n_kv;
    a.scale = p.scale;
    a.q_pos = st.in(p.q_pos, static_cast<size_t>(p.n_tokens));
    a.kv_pos = st.in(p.kv_pos, static_cast<size_t>(std::max(0, p.n_kv)));
    a.window = p.sliding_window;
    a.out = st.out(out, q_floats, false);
    if (shape.partial_floats) {
        partial_.resize(shape.partial_floats * sizeof(float));
        a.partial = partial_.get<float>();
    }
    gpu::launch_attention(a, shape, stream_);
    st.finish();
}

void CudaBackend::store_as(void* dst, DType type, const float* src, size_t n) {
    if (type != DType::F16) return Backend::store_as(dst, type, src, n);
    Staging st(*this);
    const float* dsrc = st.in(src, n);
    __half* ddst = st.out(static_cast<__half*>(dst), n, false);
    gpu::launch_f32_to_f16(dsrc, n, ddst, stream_);
    st.finish();
}

void CudaBackend::attention_segments(const KvSegment* segs, int n_segs, const SegmentAttentionParams& p, float* out) {
    const int T = p.n_tokens, H = p.n_heads, Hkv = p.n_kv_heads, D = p.head_dim;
    if (T <= 0) return;
    if (D != 64 && D != 128 && D != 256) {  // no device kernel for these
        synchronize();
        return Backend::attention_segments(segs, n_segs, p, out);  // host implementation
    }
    Staging st(*this);
    std::vector<gpu::SegmentArgs> dev(static_cast<size_t>(std::max(0, n_segs)));
    bool any_acc = false;
    for (int s = 0; s < n_segs; ++s) {
        const KvSegment& sg = segs[s];
        gpu::SegmentArgs& d = dev[s];
        const size_t stride = sg.stride ? sg.stride : static_cast<size_t>(Hkv) * D;
        const size_t n_kv = static_cast<size_t>(std::max(0, sg.n_kv));
        const size_t kv_elems = n_kv ? (n_kv - 1) * stride + static_cast<size_t>(Hkv) * D : 0;  // elements
        d.q = st.in(sg.q, static_cast<size_t>(T) * H * D);
        d.kv_f16 = sg.kv_type == DType::F16;
        if (d.kv_f16) {
            d.k = st.in(static_cast<const __half*>(sg.k), kv_elems);
            d.v = st.in(static_cast<const __half*>(sg.v), kv_elems);
        } else {
            d.k = st.in(static_cast<const float*>(sg.k), kv_elems);
            d.v = st.in(static_cast<const float*>(sg.v), kv_elems);
        }
        d.stride = stride;
        d.n_kv = static_cast<int>(n_kv);
        d.q_pos = st.in(sg.q_pos, static_cast<size_t>(T));
        d.kv_pos = st.in(sg.kv_pos, n_kv);
        d.min_dist = sg.min_dist;
        d.max_dist = sg.max_dist;
        d.score_acc = st.out(sg.score_acc, n_kv * H, true);
        any_acc |= sg.score_acc != nullptr;
    }
    float* dout = st.out(out, static_cast<size_t>(T) * H * D, false);
    const size_t desc_bytes = dev.size() * sizeof(gpu::SegmentArgs);
    gpu::SegmentArgs* ddesc = nullptr;
    if (desc_bytes) {
        // Through the arena too (stream-ordered reuse), from a host vector that lives past the copy
        // only until finish(): pageable copies are taken before cudaMemcpyAsync returns.
        ddesc = static_cast<gpu::SegmentArgs*>(arena_take(desc_bytes));
        GLEANER_CUDA_CHECK(cudaMemcpyAsync(ddesc, dev.data(), desc_bytes, cudaMemcpyHostToDevice, stream_));
    }
    gpu::launch_attention_segments(ddesc, n_segs, any_acc, T, H, Hkv, D, p.scale, dout, stream_);
    st.finish();
}

void CudaBackend::silu_mul(const float* gate, const float* up, size_t n, float* out) {
    Staging st(*this);
    float* dout = st.out(out, n, out == gate);
    const float* dg = out == gate ? dout : st.in(gate, n);
    const float* du = st.in(up, n);
    gpu::launch_silu_mul(dg, du, n, dout, stream_);
    st.finish();
}

void CudaBackend::gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out) {
    Staging st(*this);
    float* dout = st.out(out, n, out == gate);
    const float* dg = out == gate ? dout : st.in(gate, n);
    const float* du = st.in(up, n);
    gpu::launch_gelu_tanh_mul(dg, du, n, dout, stream_);
    st.finish();
}

void CudaBackend::add(float* y, const float* x, size_t n) {
    Staging st(*this);
    float* dy = st.out(y, n, true);
    const float* dx = x == y ? dy : st.in(x, n);
    gpu::launch_add(dy, dx, n, stream_);
    st.finish();
}

void CudaBackend::add_bias(float* x, const float* bias, int n_rows, int n) {
    const float* db = param_device(bias, static_cast<size_t>(n));
    Staging st(*this);
    float* dx = st.out(x, static_cast<size_t>(n_rows) * n, true);
    gpu::launch_add_bias(dx, db, n_rows, n, stream_);
    st.finish();
}

void CudaBackend::scale(float* x, size_t n, float s) {
    Staging st(*this);
    float* dx = st.out(x, n, true);
    gpu::launch_scale(dx, n, s, stream_);
    st.finish();
}

// ---- long-context hot paths --------------------------------------------------------------------

void CudaBackend::score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, int k,
                                    float* scores, int32_t* top) {
    if (n_blocks <= 0) return;
    const int64_t kk = std::min<int64_t>(std::max(k, 0), n_blocks);
    Staging st(*this);
    const float* dq = st.in(qbar, static_cast<size_t>(n));
    const float* dr = st.in(reprs, static_cast<size_t>(n_blocks) * n);
    float* ds = st.out(scores, static_cast<size_t>(n_blocks), false);
    int32_t* dtop = st.out(top, static_cast<size_t>(kk), false);
    topk_.resize(gpu::topk_scratch_bytes(n_blocks));
    int32_t* sorted = nullptr;
    gpu::launch_score_blocks_topk(dq, dr, n_blocks, n, ds, topk_.get<uint8_t>(), &sorted, stream_);
    if (kk)
        GLEANER_CUDA_CHECK(cudaMemcpyAsync(dtop, sorted, static_cast<size_t>(kk) * sizeof(int32_t),
                                           cudaMemcpyDeviceToDevice, stream_));
    st.finish();
}

void CudaBackend::gemfilter_select(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv,
                                   int D, int k, float* pooled, int32_t* selected) {
    if (n <= 0) return;
    const int64_t kk = std::min<int64_t>(std::max(k, 0), n);
    const size_t m = static_cast<size_t>(Hkv) * D;
    Staging st(*this);
    const float* dq = st.in(q, static_cast<size_t>(H) * D);
    const float* dk = st.in(keys, (static_cast<size_t>(n) - 1) * stride + m);
    float* dp = st.out(pooled, static_cast<size_t>(n), false);
    topk_.resize(gpu::topk_scratch_bytes(n));
    select_.resize((m + static_cast<size_t>(n)) * sizeof(float));
    int32_t* sorted = nullptr;
    gpu::launch_gemfilter_select(dq, dk, n, stride, H, Hkv, D, select_.get<float>(), select_.get<float>() + m, dp,
                                 topk_.get<uint8_t>(), &sorted, stream_);
    // The k best come out best first; GemFilter keeps them in document order (k is small).
    std::vector<int32_t> best(static_cast<size_t>(kk));
    if (kk)
        GLEANER_CUDA_CHECK(cudaMemcpyAsync(best.data(), sorted, best.size() * sizeof(int32_t), cudaMemcpyDeviceToHost,
                                           stream_));
    st.finish();
    synchronize();
    std::sort(best.begin(), best.end());
    if (kk) GLEANER_CUDA_CHECK(cudaMemcpy(selected, best.data(), best.size() * sizeof(int32_t), cudaMemcpyDefault));
}

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(int device, int n_threads) {
    return std::make_unique<CudaBackend>(device, n_threads);
}

}  // namespace gleaner
