#include "quant/dequant_row.h"

#include <cassert>
#include <cstring>

#include "quant/dequant.h"

namespace gleaner {

namespace {

// Walks the row block by block with the per-block dequantizer.
template <class Block, void (*DequantBlock)(const Block*, float*), int BlockElems>
void dequantize_blocks(const void* src, float* dst, int64_t n) {
    assert(n % BlockElems == 0);
    const Block* blocks = static_cast<const Block*>(src);
    const int64_t nblocks = n / BlockElems;
    for (int64_t i = 0; i < nblocks; ++i) DequantBlock(blocks + i, dst + i * BlockElems);
}

}  // namespace

bool dtype_is_supported_weight(DType t) {
    switch (t) {
        case DType::F32:
        case DType::F16:
        case DType::BF16:
        case DType::Q4_0:
        case DType::Q4_1:
        case DType::Q5_0:
        case DType::Q5_1:
        case DType::Q8_0:
        case DType::Q2_K:
        case DType::Q3_K:
        case DType::Q4_K:
        case DType::Q5_K:
        case DType::Q6_K:
        case DType::IQ4_NL: return true;
        case DType::Q8_1:
        case DType::Q8_K: return false;
    }
    return false;
}

void dequantize_row(DType t, const void* src, float* dst, int64_t n) {
    switch (t) {
        case DType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float)); return;
        case DType::F16: {
            const uint16_t* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = fp16_to_fp32(h[i]);
            return;
        }
        case DType::BF16: {
            const uint16_t* h = static_cast<const uint16_t*>(src);
            for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_fp32(h[i]);
            return;
        }
        case DType::Q4_0: return dequantize_blocks<BlockQ4_0, dequant_block_q4_0, kQK>(src, dst, n);
        case DType::Q4_1: return dequantize_blocks<BlockQ4_1, dequant_block_q4_1, kQK>(src, dst, n);
        case DType::Q5_0: return dequantize_blocks<BlockQ5_0, dequant_block_q5_0, kQK>(src, dst, n);
        case DType::Q5_1: return dequantize_blocks<BlockQ5_1, dequant_block_q5_1, kQK>(src, dst, n);
        case DType::Q8_0: return dequantize_blocks<BlockQ8_0, dequant_block_q8_0, kQK>(src, dst, n);
        case DType::Q8_1: return dequantize_blocks<BlockQ8_1, dequant_block_q8_1, kQK>(src, dst, n);
        case DType::IQ4_NL: return dequantize_blocks<BlockIQ4_NL, dequant_block_iq4_nl, kQK>(src, dst, n);
        case DType::Q2_K: return dequantize_blocks<BlockQ2_K, dequant_block_q2_k, kQK_K>(src, dst, n);
        case DType::Q3_K: return dequantize_blocks<BlockQ3_K, dequant_block_q3_k, kQK_K>(src, dst, n);
        case DType::Q4_K: return dequantize_blocks<BlockQ4_K, dequant_block_q4_k, kQK_K>(src, dst, n);
        case DType::Q5_K: return dequantize_blocks<BlockQ5_K, dequant_block_q5_k, kQK_K>(src, dst, n);
        case DType::Q6_K: return dequantize_blocks<BlockQ6_K, dequant_block_q6_k, kQK_K>(src, dst, n);
        case DType::Q8_K: return dequantize_blocks<BlockQ8_K, dequant_block_q8_k, kQK_K>(src, dst, n);
    }
    assert(false && "dequantize_row: unsupported type");
}

}  // namespace gleaner
