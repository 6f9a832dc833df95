#pragma once
// Per-block dequantization, one function per ggml block type, bit-exact with ggml's
// dequantize_row_* (same formulas, same order of float operations; host builds use ISO C++
// so no FMA contraction happens). The same text is compiled by nvcc for device kernels:
// plain loops, no std:: calls, no static tables.
#include "quant/blocks.h"
#include "quant/fp16.h"

namespace gleaner {

// ---- small helpers shared by several formats ----------------------------------------------

// IQ4_NL codebook, also used by the host SIMD kernels (pshufb table).
constexpr int8_t kIq4nlValues[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

// Codebook lookup without a table (device code cannot read a host constexpr array): the 16
// int8 entries are packed into two 64-bit constants, entry k in byte k.
GLEANER_HD inline int iq4nl_value(int q) {
    const uint64_t entries_0_7 = 0xF6EADDCFBFAD9881ull;   // -127 -104 -83 -65 -49 -35 -22 -10
    const uint64_t entries_8_15 = 0x7159453526190D01ull;  // 1 13 25 38 53 69 89 113
    const uint64_t packed = q < 8 ? entries_0_7 : entries_8_15;
    return static_cast<int8_t>(static_cast<uint8_t>(packed >> (8 * (q & 7))));
}

// Q4_K/Q5_K: sub-block j (0..7) scale and min from the 12 packed bytes. Pairs 0..3 sit in
// the low 6 bits of bytes 0..3 (scale) and 4..7 (min); pairs 4..7 take their low 4 bits from
// bytes 8..11 (scale low nibble, min high nibble) and their top 2 bits from the spare top bits
// of bytes 0..3 (scale) and 4..7 (min).
GLEANER_HD inline void k4_scale_min(int j, const uint8_t* scales, uint8_t* scale, uint8_t* min) {
    if (j < 4) {
        *scale = scales[j] & 63;
        *min = scales[j + 4] & 63;
    } else {
        *scale = static_cast<uint8_t>((scales[j + 4] & 0xF) | ((scales[j - 4] >> 6) << 4));
        *min = static_cast<uint8_t>((scales[j + 4] >> 4) | ((scales[j] >> 6) << 4));
    }
}

// Q3_K: signed scale (6-bit value minus 32) of sub-block k (0..15). Low 4 bits: nibble of
// bytes 0..7 (low nibbles for k < 8, high nibbles for k >= 8); high 2 bits: bits 2*(k/4)..+1
// of byte 8 + k%4.
GLEANER_HD inline int q3k_scale(const uint8_t* scales, int k) {
    const int low = k < 8 ? (scales[k] & 15) : (scales[k - 8] >> 4);
    const int high = (scales[8 + (k & 3)] >> (2 * (k >> 2))) & 3;
    return (low | (high << 4)) - 32;
}

// Bit 4 of legacy 5-bit element e (0..31), from the little-endian uint32 qh.
GLEANER_HD inline uint32_t q5_high_bits(const uint8_t* qh) {
    return static_cast<uint32_t>(qh[0]) | static_cast<uint32_t>(qh[1]) << 8 | static_cast<uint32_t>(qh[2]) << 16 |
           static_cast<uint32_t>(qh[3]) << 24;
}

// ---- legacy 32-element blocks -------------------------------------------------------------

GLEANER_HD inline void dequant_block_q4_0(const BlockQ4_0* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    for (int j = 0; j < kQK / 2; ++j) {
        const int q0 = (b->qs[j] & 0x0F) - 8;
        const int q1 = (b->qs[j] >> 4) - 8;
        out[j] = q0 * d;
        out[j + kQK / 2] = q1 * d;
    }
}

GLEANER_HD inline void dequant_block_q4_1(const BlockQ4_1* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const float m = fp16_to_fp32(b->m);
    for (int j = 0; j < kQK / 2; ++j) {
        const int q0 = b->qs[j] & 0x0F;
        const int q1 = b->qs[j] >> 4;
        out[j] = q0 * d + m;
        out[j + kQK / 2] = q1 * d + m;
    }
}

GLEANER_HD inline void dequant_block_q5_0(const BlockQ5_0* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const uint32_t qh = q5_high_bits(b->qh);
    for (int j = 0; j < kQK / 2; ++j) {
        const int h0 = ((qh >> j) & 1) << 4;
        const int h1 = ((qh >> (j + 16)) & 1) << 4;
        const int q0 = ((b->qs[j] & 0x0F) | h0) - 16;
        const int q1 = ((b->qs[j] >> 4) | h1) - 16;
        out[j] = q0 * d;
        out[j + kQK / 2] = q1 * d;
    }
}

GLEANER_HD inline void dequant_block_q5_1(const BlockQ5_1* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const float m = fp16_to_fp32(b->m);
    const uint32_t qh = q5_high_bits(b->qh);
    for (int j = 0; j < kQK / 2; ++j) {
        const int h0 = ((qh >> j) & 1) << 4;
        const int h1 = ((qh >> (j + 16)) & 1) << 4;
        const int q0 = (b->qs[j] & 0x0F) | h0;
        const int q1 = (b->qs[j] >> 4) | h1;
        out[j] = q0 * d + m;
        out[j + kQK / 2] = q1 * d + m;
    }
}

GLEANER_HD inline void dequant_block_q8_0(const BlockQ8_0* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    for (int j = 0; j < kQK; ++j) out[j] = b->qs[j] * d;
}

GLEANER_HD inline void dequant_block_q8_1(const BlockQ8_1* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    for (int j = 0; j < kQK; ++j) out[j] = b->qs[j] * d;
}

GLEANER_HD inline void dequant_block_iq4_nl(const BlockIQ4_NL* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    for (int j = 0; j < kQK / 2; ++j) {
        out[j] = d * iq4nl_value(b->qs[j] & 0x0F);
        out[j + kQK / 2] = d * iq4nl_value(b->qs[j] >> 4);
    }
}

// ---- K-quant 256-element super-blocks -----------------------------------------------------

GLEANER_HD inline void dequant_block_q2_k(const BlockQ2_K* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    const uint8_t* q = b->qs;
    int sub = 0;
    for (int n = 0; n < kQK_K; n += 128) {
        for (int j = 0; j < 4; ++j) {  // j selects the 2-bit field (shift 2j) of q[0..31]
            const int shift = 2 * j;
            for (int half = 0; half < 2; ++half, ++sub) {
                const uint8_t sc = b->scales[sub];
                const float dl = d * (sc & 0xF);
                const float ml = dmin * (sc >> 4);
                for (int l = 16 * half; l < 16 * half + 16; ++l) *out++ = dl * ((q[l] >> shift) & 3) - ml;
            }
        }
        q += 32;
    }
}

GLEANER_HD inline void dequant_block_q3_k(const BlockQ3_K* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const uint8_t* q = b->qs;
    int sub = 0;
    for (int n = 0; n < 2; ++n) {
        for (int j = 0; j < 4; ++j) {
            const int shift = 2 * j;
            const int hbit = 4 * n + j;  // hmask bit for this 32-element group
            for (int half = 0; half < 2; ++half, ++sub) {
                const float dl = d * q3k_scale(b->scales, sub);
                for (int l = 16 * half; l < 16 * half + 16; ++l) {
                    const int value = ((q[l] >> shift) & 3) - (((b->hmask[l] >> hbit) & 1) ? 0 : 4);
                    *out++ = dl * value;
                }
            }
        }
        q += 32;
    }
}

GLEANER_HD inline void dequant_block_q4_k(const BlockQ4_K* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    const uint8_t* q = b->qs;
    for (int chunk = 0; chunk < 4; ++chunk) {
        uint8_t sc, m;
        k4_scale_min(2 * chunk, b->scales, &sc, &m);
        const float d1 = d * sc, m1 = dmin * m;
        k4_scale_min(2 * chunk + 1, b->scales, &sc, &m);
        const float d2 = d * sc, m2 = dmin * m;
        for (int l = 0; l < 32; ++l) *out++ = d1 * (q[l] & 0xF) - m1;
        for (int l = 0; l < 32; ++l) *out++ = d2 * (q[l] >> 4) - m2;
        q += 32;
    }
}

GLEANER_HD inline void dequant_block_q5_k(const BlockQ5_K* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    const uint8_t* q = b->qs;
    for (int chunk = 0; chunk < 4; ++chunk) {
        uint8_t sc, m;
        k4_scale_min(2 * chunk, b->scales, &sc, &m);
        const float d1 = d * sc, m1 = dmin * m;
        k4_scale_min(2 * chunk + 1, b->scales, &sc, &m);
        const float d2 = d * sc, m2 = dmin * m;
        const int low_bit = 2 * chunk, high_bit = 2 * chunk + 1;
        for (int l = 0; l < 32; ++l) *out++ = d1 * ((q[l] & 0xF) + (((b->qh[l] >> low_bit) & 1) ? 16 : 0)) - m1;
        for (int l = 0; l < 32; ++l) *out++ = d2 * ((q[l] >> 4) + (((b->qh[l] >> high_bit) & 1) ? 16 : 0)) - m2;
        q += 32;
    }
}

GLEANER_HD inline void dequant_block_q6_k(const BlockQ6_K* b, float* out) {
    const float d = fp16_to_fp32(b->d);
    const uint8_t* ql = b->ql;
    const uint8_t* qh = b->qh;
    const int8_t* sc = b->scales;
    for (int n = 0; n < 2; ++n) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            out[l + 0] = d * sc[is + 0] * q1;
            out[l + 32] = d * sc[is + 2] * q2;
            out[l + 64] = d * sc[is + 4] * q3;
            out[l + 96] = d * sc[is + 6] * q4;
        }
        out += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

GLEANER_HD inline void dequant_block_q8_k(const BlockQ8_K* b, float* out) {
    for (int j = 0; j < kQK_K; ++j) out[j] = b->d * b->qs[j];
}

}  // namespace gleaner
