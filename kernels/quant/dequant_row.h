#pragma once
// Host-side dequantization of whole rows (weights -> f32), used by loaders, the reference
// matmul and tests.
#include <cstdint>

#include "quant/dtype.h"

namespace gleaner {

// True for the types a weight tensor may have: F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0,
// Q2_K..Q6_K and IQ4_NL. (Q8_1 and Q8_K are activation-only formats.)
bool dtype_is_supported_weight(DType t);

// dst[0..n) = values of the n elements starting at src. n must be a multiple of the type's
// block size and t must be a supported weight type (checked with assert only: the loader
// validates tensors before any row is read).
void dequantize_row(DType t, const void* src, float* dst, int64_t n);

}  // namespace gleaner
