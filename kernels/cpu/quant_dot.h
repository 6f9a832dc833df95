#pragma once
// Dot products between weight rows (any supported weight DType) and activation rows, the
// inner loop of the CPU matmul.
//
// As in llama.cpp, a matmul first converts its f32 activations ONCE into the weight type's
// vec_dot_type (quantize_row), then every weight-row x activation-row product runs on
// integers (vec_dot / vec_dot_tile):
//   Q4_0, Q5_0, Q8_0, IQ4_NL  x Q8_0
//   Q4_1, Q5_1                x Q8_1   (Q8_1's s = d*sum(q) absorbs the weight's m term)
//   Q2_K .. Q6_K              x Q8_K   (Q8_K's bsums absorb the mins / offsets)
//   F32, F16, BF16            x F32    (f16/bf16 weights are widened inside the dot: simpler
//                                       than a second f16 activation format, and exact)
//
// Kernels are chosen once at first use from the CPU's features: AVX2+FMA+F16C, or the same
// kernels rebuilt for AVX512-VL/BW/VNNI where present. In the environment, GLEANER_NO_AVX2=1
// forces the portable scalar kernels and GLEANER_NO_AVX512=1 stops at AVX2 (for tests).
// The activation quantizers produce the same bytes as ggml's x86 ones.
#include <cstddef>
#include <cstdint>

#include "quant/dtype.h"

namespace gleaner::cpu {

// The activation format vec_dot expects for weights of type `weight`.
DType vec_dot_type(DType weight);

// Bytes needed for one activation row of n elements in the weight's vec_dot_type.
size_t vec_dot_act_row_bytes(DType weight, int64_t n);

// Converts n f32 values (n a multiple of the block size) to act_type: Q8_0, Q8_1, Q8_K or F32.
void quantize_row(DType act_type, const float* x, void* dst, int64_t n);

// Dot product of one weight row with one activation row already in vec_dot_type(weight_type).
float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* act_row);

// out[r] = vec_dot(wt, n, w + r*w_stride_bytes, act) for r in [0, nrows).
void vec_dot_nrows(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* act, float* out);

// The matmul's hot loop: every pair of nrows weight rows and nact activation rows,
//   out[a*out_stride + r] = vec_dot(wt, n, w + r*w_stride_bytes, act + a*act_stride_bytes).
// Register-blocked micro-kernels (up to 4 weight rows x 4 activation rows) load each weight
// block once for several activation rows and each activation block once for several weight
// rows; block scales are converted to f32 once per call. Weight rows are taken 4 at a time
// and all nact activation rows stream past each group, so for prefill pass 8 or more
// activation rows whose quantized bytes fit in L2 (e.g. a 512-token batch of 1536-element
// rows is ~0.9 MB) and split the weight rows between threads; for decode (nact = 1) pass
// as many weight rows as possible per call.
void vec_dot_tile(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* act,
                  size_t act_stride_bytes, int nact, float* out, size_t out_stride);

// Prefill, prepared once: some tile kernels first lay the activations out their own way (with
// VNNI the 32-element formats transpose groups of 8 blocks). A matmul over many weight rows
// does that once instead of in every vec_dot_tile call:
//   bytes = vec_dot_prepared_bytes(wt, n, nact)   0: nothing to prepare, use vec_dot_tile
//   vec_dot_prepare_row(wt, n, act + a*stride, a, nact, prepared)   for each a, from any thread
//   vec_dot_tile_prepared(wt, n, w, w_stride, nrows, prepared, nact, out, out_stride)
// `prepared` holds `bytes` bytes, 32-byte aligned; the results equal vec_dot_tile's.
size_t vec_dot_prepared_bytes(DType wt, int64_t n, int nact);
void vec_dot_prepare_row(DType wt, int64_t n, const void* act_row, int a, int nact, void* prepared);
void vec_dot_tile_prepared(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* prepared,
                           int nact, float* out, size_t out_stride);

// Name of the kernel set in use ("scalar", "avx2", "avx512vnni"), for logs and benchmarks.
const char* vec_dot_isa_name();

}  // namespace gleaner::cpu
