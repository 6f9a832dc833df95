#pragma once
// Host-side launchers of the CUDA backend's kernels. Every pointer is device-accessible (the
// backend stages host memory before calling these); every launcher checks its launch.
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "launch_plan.h"
#include "quant/dtype.h"

namespace gleaner::gpu {

// ---- matmul (kernels_matmul.cu) ---------------------------------------------------------------
// y (T, n_out) = x (T, n_in) . W^T on the quantized rows (T <= kMatvecMaxTokens per launch is
// handled inside by chunks). Returns false when the type has no kernel.
bool launch_matvec(DType type, const uint8_t* w, size_t row_bytes, int64_t n_in, int64_t n_out, const float* x,
                   int n_tokens, float* y, cudaStream_t s);
// dst (rows, n_in) fp16 = rows [row0, row0 + rows) of the weight, dequantized.
bool launch_dequant_f16(DType type, const uint8_t* w, size_t row_bytes, int64_t n_in, int64_t row0, int64_t rows,
                        __half* dst, cudaStream_t s);
// out (T, n) f32 = rows ids of the table.
bool launch_get_rows(DType type, const uint8_t* table, size_t row_bytes, int64_t n, const int32_t* ids, int n_tokens,
                     float* out, cudaStream_t s);
// dst = fp16(src), saturated to the fp16 range.
void launch_f32_to_f16(const float* src, size_t n, __half* dst, cudaStream_t s);

// ---- elementwise (kernels_elementwise.cu) -----------------------------------------------------
void launch_rms_norm(const float* x, const float* w, int n_rows, int n, float eps, float* y, cudaStream_t s);
void launch_rope(float* x, int n_tokens, int n_heads, int head_dim, const int32_t* pos, bool neox, int n_rot,
                 float freq_base, float freq_scale, const float* freq_factors, cudaStream_t s);
void launch_silu_mul(const float* gate, const float* up, size_t n, float* out, cudaStream_t s);
void launch_gelu_tanh_mul(const float* gate, const float* up, size_t n, float* out, cudaStream_t s);
void launch_add(float* y, const float* x, size_t n, cudaStream_t s);
void launch_add_bias(float* x, const float* bias, int n_rows, int n, cudaStream_t s);
void launch_scale(float* x, size_t n, float f, cudaStream_t s);

// ---- attention (kernels_attention.cu) ---------------------------------------------------------
struct AttentionArgs {
    const float* q;        // (T, H, D)
    const void* k;         // n_kv rows of kv_stride elements: float, or __half when kv_f16
    const void* v;
    size_t kv_stride;
    bool kv_f16;
    int n_tokens, n_heads, n_kv_heads, head_dim, n_kv;
    float scale;
    const int32_t* q_pos;   // (T)
    const int32_t* kv_pos;  // (n_kv) or nullptr (key j at position j)
    int window;
    float* out;             // (T, H, D)
    float* partial;         // shape.partial_floats, when shape.splits > 1
};
void launch_attention(const AttentionArgs& a, const AttentionShape& shape, cudaStream_t s);

// One segment of attention_segments with device pointers.
struct SegmentArgs {
    const float* q;
    const void* k;  // rows of `stride` elements: float, or __half when kv_f16
    const void* v;
    bool kv_f16;
    size_t stride;
    int n_kv;
    const int32_t* q_pos;
    const int32_t* kv_pos;
    int32_t min_dist, max_dist;
    float* score_acc;
};
// segs: a device array of n_segs descriptors. Head dims 64, 128, 256 only (checked by caller).
void launch_attention_segments(const SegmentArgs* segs, int n_segs, bool any_score_acc, int n_tokens, int n_heads,
                               int n_kv_heads, int head_dim, float scale, float* out, cudaStream_t s);

}  // namespace gleaner::gpu

namespace gleaner::gpu {

// ---- long-context hot paths (kernels_longctx.cu) ------------------------------------------------
// Scratch for a top-k over n scores (keys, indices, CUB's radix-sort storage).
size_t topk_scratch_bytes(int64_t n);
// scores (n_blocks) = qbar . reprs[b]; *sorted_idx (inside scratch) = block ids, best first.
void launch_score_blocks_topk(const float* qbar, const float* reprs, int64_t n_blocks, int n, float* scores,
                              uint8_t* scratch, int32_t** sorted_idx, cudaStream_t s);
// qs (Hkv*D) and raw (n) are scratch; pooled (n) the pooled scores; *sorted_idx best first.
void launch_gemfilter_select(const float* q, const float* keys, int64_t n, size_t stride, int H, int Hkv, int D,
                             float* qs, float* raw, float* pooled, uint8_t* scratch, int32_t** sorted_idx,
                             cudaStream_t s);

}  // namespace gleaner::gpu
