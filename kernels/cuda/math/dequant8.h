#pragma once
// Dequantization of 8 consecutive elements (an 8-aligned group) of a weight row, for every
// weight type: the per-element math of the CUDA mat-vec, get_rows and fp16-conversion kernels.
// A group never straddles a (sub-)block, so each call decodes its scale once and a warp's 32
// lanes read 32 neighbouring groups. Same formulas and operation order as quant/dequant.h's
// per-block functions, so on the host the results are bit-identical (tests/unit/test_gpu_math).
#include "quant/blocks.h"
#include "quant/dequant.h"
#include "quant/dtype.h"
#include "quant/fp16.h"

namespace gleaner::gpu {

// row: the start of a row; group: index of the 8-element group in it; out: 8 floats.
template <DType T>
GLEANER_HD inline void dequant_group8(const uint8_t* row, int64_t group, float* out);

template <>
GLEANER_HD inline void dequant_group8<DType::F32>(const uint8_t* row, int64_t group, float* out) {
    const float* p = reinterpret_cast<const float*>(row) + group * 8;
    for (int i = 0; i < 8; ++i) out[i] = p[i];
}

template <>
GLEANER_HD inline void dequant_group8<DType::F16>(const uint8_t* row, int64_t group, float* out) {
    const uint16_t* p = reinterpret_cast<const uint16_t*>(row) + group * 8;
    for (int i = 0; i < 8; ++i) out[i] = fp16_to_fp32(p[i]);
}

template <>
GLEANER_HD inline void dequant_group8<DType::BF16>(const uint8_t* row, int64_t group, float* out) {
    const uint16_t* p = reinterpret_cast<const uint16_t*>(row) + group * 8;
    for (int i = 0; i < 8; ++i) out[i] = bf16_to_fp32(p[i]);
}

// ---- legacy 32-element blocks: 4 groups per block; groups 0,1 are low nibbles of qs[0..15],
// groups 2,3 the high nibbles -----------------------------------------------------------------

template <>
GLEANER_HD inline void dequant_group8<DType::Q4_0>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ4_0* b = reinterpret_cast<const BlockQ4_0*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    const int shift = g < 2 ? 0 : 4;
    const uint8_t* qs = b->qs + (g & 1) * 8;
    for (int i = 0; i < 8; ++i) out[i] = (((qs[i] >> shift) & 0x0F) - 8) * d;
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q4_1>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ4_1* b = reinterpret_cast<const BlockQ4_1*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    const float m = fp16_to_fp32(b->m);
    const int shift = g < 2 ? 0 : 4;
    const uint8_t* qs = b->qs + (g & 1) * 8;
    for (int i = 0; i < 8; ++i) out[i] = ((qs[i] >> shift) & 0x0F) * d + m;
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q5_0>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ5_0* b = reinterpret_cast<const BlockQ5_0*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    const uint32_t qh = q5_high_bits(b->qh);
    const int shift = g < 2 ? 0 : 4;
    const uint8_t* qs = b->qs + (g & 1) * 8;
    for (int i = 0; i < 8; ++i) {
        const int e = g * 8 + i;  // element in the block: its high bit is bit e of qh
        const int h = static_cast<int>((qh >> e) & 1) << 4;
        out[i] = ((((qs[i] >> shift) & 0x0F) | h) - 16) * d;
    }
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q5_1>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ5_1* b = reinterpret_cast<const BlockQ5_1*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    const float m = fp16_to_fp32(b->m);
    const uint32_t qh = q5_high_bits(b->qh);
    const int shift = g < 2 ? 0 : 4;
    const uint8_t* qs = b->qs + (g & 1) * 8;
    for (int i = 0; i < 8; ++i) {
        const int e = g * 8 + i;
        const int h = static_cast<int>((qh >> e) & 1) << 4;
        out[i] = (((qs[i] >> shift) & 0x0F) | h) * d + m;
    }
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q8_0>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ8_0* b = reinterpret_cast<const BlockQ8_0*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    for (int i = 0; i < 8; ++i) out[i] = b->qs[g * 8 + i] * d;
}

template <>
GLEANER_HD inline void dequant_group8<DType::IQ4_NL>(const uint8_t* row, int64_t group, float* out) {
    const BlockIQ4_NL* b = reinterpret_cast<const BlockIQ4_NL*>(row) + group / 4;
    const int g = static_cast<int>(group % 4);
    const float d = fp16_to_fp32(b->d);
    const int shift = g < 2 ? 0 : 4;
    const uint8_t* qs = b->qs + (g & 1) * 8;
    for (int i = 0; i < 8; ++i) out[i] = d * iq4nl_value((qs[i] >> shift) & 0x0F);
}

// ---- K-quant 256-element super-blocks: 32 groups per block ---------------------------------

template <>
GLEANER_HD inline void dequant_group8<DType::Q2_K>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ2_K* b = reinterpret_cast<const BlockQ2_K*>(row) + group / 32;
    const int e0 = static_cast<int>(group % 32) * 8;  // first element in the super-block
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    const uint8_t sc = b->scales[e0 / 16];
    const float dl = d * (sc & 0xF);
    const float ml = dmin * (sc >> 4);
    const int shift = 2 * ((e0 % 128) / 32);
    const uint8_t* q = b->qs + 32 * (e0 / 128) + e0 % 32;
    for (int i = 0; i < 8; ++i) out[i] = dl * ((q[i] >> shift) & 3) - ml;
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q3_K>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ3_K* b = reinterpret_cast<const BlockQ3_K*>(row) + group / 32;
    const int e0 = static_cast<int>(group % 32) * 8;
    const float d = fp16_to_fp32(b->d);
    const float dl = d * q3k_scale(b->scales, e0 / 16);
    const int n = e0 / 128, j = (e0 % 128) / 32, l0 = e0 % 32;
    const int shift = 2 * j, hbit = 4 * n + j;
    const uint8_t* q = b->qs + 32 * n + l0;
    const uint8_t* hm = b->hmask + l0;
    for (int i = 0; i < 8; ++i) {
        const int value = ((q[i] >> shift) & 3) - (((hm[i] >> hbit) & 1) ? 0 : 4);
        out[i] = dl * value;
    }
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q4_K>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ4_K* b = reinterpret_cast<const BlockQ4_K*>(row) + group / 32;
    const int e0 = static_cast<int>(group % 32) * 8;
    const int chunk = e0 / 64, within = e0 % 64;
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    uint8_t sc, m;
    k4_scale_min(2 * chunk + (within >= 32 ? 1 : 0), b->scales, &sc, &m);
    const float dl = d * sc, ml = dmin * m;
    const int shift = within >= 32 ? 4 : 0;
    const uint8_t* q = b->qs + 32 * chunk + within % 32;
    for (int i = 0; i < 8; ++i) out[i] = dl * ((q[i] >> shift) & 0xF) - ml;
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q5_K>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ5_K* b = reinterpret_cast<const BlockQ5_K*>(row) + group / 32;
    const int e0 = static_cast<int>(group % 32) * 8;
    const int chunk = e0 / 64, within = e0 % 64;
    const bool high = within >= 32;
    const float d = fp16_to_fp32(b->d);
    const float dmin = fp16_to_fp32(b->dmin);
    uint8_t sc, m;
    k4_scale_min(2 * chunk + (high ? 1 : 0), b->scales, &sc, &m);
    const float dl = d * sc, ml = dmin * m;
    const int shift = high ? 4 : 0;
    const int hbit = 2 * chunk + (high ? 1 : 0);
    const int l0 = within % 32;
    const uint8_t* q = b->qs + 32 * chunk + l0;
    const uint8_t* qh = b->qh + l0;
    for (int i = 0; i < 8; ++i) out[i] = dl * (((q[i] >> shift) & 0xF) + (((qh[i] >> hbit) & 1) ? 16 : 0)) - ml;
}

template <>
GLEANER_HD inline void dequant_group8<DType::Q6_K>(const uint8_t* row, int64_t group, float* out) {
    const BlockQ6_K* b = reinterpret_cast<const BlockQ6_K*>(row) + group / 32;
    const int e0 = static_cast<int>(group % 32) * 8;
    const int n = e0 / 128, r = e0 % 128;
    const int quarter = r / 32, l0 = r % 32;  // quarter 0..3: the q1..q4 of dequant_block_q6_k
    const float d = fp16_to_fp32(b->d);
    const int8_t sc = b->scales[8 * n + l0 / 16 + 2 * quarter];
    const uint8_t* ql = b->ql + 64 * n + l0 + (quarter & 1) * 32;
    const uint8_t* qh = b->qh + 32 * n + l0;
    const int lshift = quarter >= 2 ? 4 : 0;
    const int hshift = 2 * quarter;
    for (int i = 0; i < 8; ++i) {
        const int q = (((ql[i] >> lshift) & 0xF) | (((qh[i] >> hshift) & 3) << 4)) - 32;
        out[i] = d * sc * q;
    }
}

// Calls fn.template operator()<T>() with the weight type as a template argument, for kernels
// instantiated per type. Returns false for types that are not weight types.
template <typename Fn>
inline bool dispatch_weight_type(DType t, Fn&& fn) {
    switch (t) {
        case DType::F32: fn.template operator()<DType::F32>(); return true;
        case DType::F16: fn.template operator()<DType::F16>(); return true;
        case DType::BF16: fn.template operator()<DType::BF16>(); return true;
        case DType::Q4_0: fn.template operator()<DType::Q4_0>(); return true;
        case DType::Q4_1: fn.template operator()<DType::Q4_1>(); return true;
        case DType::Q5_0: fn.template operator()<DType::Q5_0>(); return true;
        case DType::Q5_1: fn.template operator()<DType::Q5_1>(); return true;
        case DType::Q8_0: fn.template operator()<DType::Q8_0>(); return true;
        case DType::IQ4_NL: fn.template operator()<DType::IQ4_NL>(); return true;
        case DType::Q2_K: fn.template operator()<DType::Q2_K>(); return true;
        case DType::Q3_K: fn.template operator()<DType::Q3_K>(); return true;
        case DType::Q4_K: fn.template operator()<DType::Q4_K>(); return true;
        case DType::Q5_K: fn.template operator()<DType::Q5_K>(); return true;
        case DType::Q6_K: fn.template operator()<DType::Q6_K>(); return true;
        default: return false;
    }
}

}  // namespace gleaner::gpu
