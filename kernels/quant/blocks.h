#pragma once
// Quantized blocks, byte for byte as ggml stores them in GGUF files (ggml-common.h).
// Every f16 field is kept as its raw uint16_t bits; convert with fp16_to_fp32().
// All fields are naturally aligned, so no packing pragma is needed; the static_asserts pin
// the sizes that GGUF tensor data depends on.
//
// Legacy 32-element blocks store element e (0..15) in the LOW nibble of qs[e] and element
// e+16 in the HIGH nibble of qs[e].
#include <cstdint>

namespace gleaner {

constexpr int kQK = 32;           // elements per legacy block (Q4_0 .. Q8_1, IQ4_NL)
constexpr int kQK_K = 256;        // elements per K-quant super-block
constexpr int kKScaleBytes = 12;  // packed 6-bit scales of Q4_K / Q5_K (and Q3_K)

// value = d * (q - 8), q = 4-bit unsigned
struct BlockQ4_0 {
    uint16_t d;           // f16 scale
    uint8_t qs[kQK / 2];  // nibbles: element e low, element e+16 high
};

// value = d * q + m, q = 4-bit unsigned
struct BlockQ4_1 {
    uint16_t d;  // f16 scale
    uint16_t m;  // f16 offset (the block minimum)
    uint8_t qs[kQK / 2];
};

// value = d * (q - 16), q = 5-bit unsigned: low 4 bits in qs as in Q4_0, bit 4 of element e
// is bit e of qh read as a little-endian uint32.
struct BlockQ5_0 {
    uint16_t d;
    uint8_t qh[4];
    uint8_t qs[kQK / 2];
};

// value = d * q + m, q = 5-bit unsigned, bits laid out as in Q5_0.
struct BlockQ5_1 {
    uint16_t d;
    uint16_t m;
    uint8_t qh[4];
    uint8_t qs[kQK / 2];
};

// value = d * q, q = int8
struct BlockQ8_0 {
    uint16_t d;
    int8_t qs[kQK];
};

// Activation block for Q4_1/Q5_1 dot products: s = d * sum(qs) lets the weight's m term be
// applied once per block instead of once per element.
struct BlockQ8_1 {
    uint16_t d;  // f16 scale
    uint16_t s;  // f16: d * sum(qs)
    int8_t qs[kQK];
};

// 256 elements in 16 sub-blocks of 16. scales[s]: low nibble = scale, high nibble = min.
// value = d * (scales[s] & 15) * q - dmin * (scales[s] >> 4), q = 2-bit.
// Element e: n = e/128, j = (e%128)/32, l = e%32, q = (qs[32n+l] >> 2j) & 3,
// sub-block s = 8n + 2j + (l >= 16).
struct BlockQ2_K {
    uint8_t scales[kQK_K / 16];
    uint8_t qs[kQK_K / 4];
    uint16_t d;     // f16 super-block scale for the scales
    uint16_t dmin;  // f16 super-block scale for the mins
};

// 256 elements in 16 sub-blocks of 16, 3-bit signed values: low 2 bits in qs (as Q2_K),
// the third bit in hmask: value = low2 - (hmask[l] bit (4n+j) set ? 0 : 4).
// 16 6-bit scales packed in 12 bytes (see q3k_scale() in dequant.h); value = d*(scale-32)*q.
struct BlockQ3_K {
    uint8_t hmask[kQK_K / 8];
    uint8_t qs[kQK_K / 4];
    uint8_t scales[kKScaleBytes];
    uint16_t d;
};

// 256 elements in 8 sub-blocks of 32; 8 (scale, min) pairs of 6 bits packed in 12 bytes
// (see k4_scale_min()). value = d * scale * q - dmin * min, q = 4-bit.
// 64-element chunk c: elements 64c..64c+31 are the low nibbles of qs[32c..32c+31]
// (sub-block 2c), elements 64c+32..64c+63 are the high nibbles (sub-block 2c+1).
struct BlockQ4_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qs[kQK_K / 2];
};

// As Q4_K plus a fifth bit: for chunk c, bit 2c (low-nibble half) or 2c+1 (high-nibble half)
// of qh[e % 32] adds 16 to q.
struct BlockQ5_K {
    uint16_t d;
    uint16_t dmin;
    uint8_t scales[kKScaleBytes];
    uint8_t qh[kQK_K / 8];
    uint8_t qs[kQK_K / 2];
};

// 256 elements in 16 sub-blocks of 16, 6-bit values: value = d * scales[s] * (q - 32).
// Per 128-element half n (ql+64n, qh+32n, scales+8n), for l < 32:
//   element l      = ql[l] & 15      | (qh[l] >> 0 & 3) << 4, scale index l/16
//   element l + 32 = ql[l + 32] & 15 | (qh[l] >> 2 & 3) << 4, scale index l/16 + 2
//   element l + 64 = ql[l] >> 4      | (qh[l] >> 4 & 3) << 4, scale index l/16 + 4
//   element l + 96 = ql[l + 32] >> 4 | (qh[l] >> 6 & 3) << 4, scale index l/16 + 6
struct BlockQ6_K {
    uint8_t ql[kQK_K / 2];
    uint8_t qh[kQK_K / 4];
    int8_t scales[kQK_K / 16];
    uint16_t d;
};

// Activation block for K-quant dot products. d is a plain f32; bsums[i] = sum of qs[16i..16i+15]
// serves the min/offset terms of the weight formats.
struct BlockQ8_K {
    float d;
    int8_t qs[kQK_K];
    int16_t bsums[kQK_K / 16];
};

// value = d * kIq4nlValues[q] (non-linear 4-bit codebook), nibble layout as Q4_0.
struct BlockIQ4_NL {
    uint16_t d;
    uint8_t qs[kQK / 2];
};

static_assert(sizeof(BlockQ4_0) == 18);
static_assert(sizeof(BlockQ4_1) == 20);
static_assert(sizeof(BlockQ5_0) == 22);
static_assert(sizeof(BlockQ5_1) == 24);
static_assert(sizeof(BlockQ8_0) == 34);
static_assert(sizeof(BlockQ8_1) == 36);
static_assert(sizeof(BlockQ2_K) == 84);
static_assert(sizeof(BlockQ3_K) == 110);
static_assert(sizeof(BlockQ4_K) == 144);
static_assert(sizeof(BlockQ5_K) == 176);
static_assert(sizeof(BlockQ6_K) == 210);
static_assert(sizeof(BlockQ8_K) == 292);
static_assert(sizeof(BlockIQ4_NL) == 18);

}  // namespace gleaner
