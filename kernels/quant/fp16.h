#pragma once
// IEEE binary16 (f16) and bfloat16 (bf16) <-> f32 conversions by bit manipulation.
// Both directions handle zeros, subnormals, infinities and NaNs; f32 -> f16/bf16 rounds to
// nearest, ties to even (what F16C's vcvtps2ph and ggml's conversions do).
#include "quant/hd.h"

namespace gleaner {

GLEANER_HD inline float fp16_to_fp32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    const uint32_t mantissa = h & 0x3ffu;
    if (exponent == 0x1f)  // inf or NaN: keep the payload in the top mantissa bits
        return bits_to_float(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {
        // Zero or subnormal: the value is mantissa * 2^-24, exact in f32.
        const float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
        return sign ? -magnitude : magnitude;
    }
    // Normal: rebias the exponent from 15 to 127.
    return bits_to_float(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

GLEANER_HD inline uint16_t fp32_to_fp16(float f) {
    const uint32_t bits = float_to_bits(f);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t abs_bits = bits & 0x7fffffffu;

    if (abs_bits >= 0x7f800000u) {  // inf or NaN (NaN stays NaN: force the quiet bit)
        if (abs_bits == 0x7f800000u) return sign | 0x7c00u;
        return static_cast<uint16_t>(sign | 0x7e00u | ((abs_bits >> 13) & 0x3ffu));
    }
    // 0x477ff000 is 65520, halfway between the largest half (65504) and 2^16: ties go to
    // the even neighbour, which is infinity.
    if (abs_bits >= 0x477ff000u) return sign | 0x7c00u;

    if (abs_bits < 0x38800000u) {  // below 2^-14: half subnormal or zero
        const uint32_t exponent = abs_bits >> 23;
        if (exponent < 102) return sign;  // below 2^-25 (ties at 2^-25 round to even = 0)
        // value / 2^-24 = significand >> (126 - exponent), rounded to nearest even.
        const uint32_t significand = (abs_bits & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126 - exponent;  // 14..24
        uint32_t result = significand >> shift;
        const uint32_t remainder = significand & ((1u << shift) - 1);
        const uint32_t half = 1u << (shift - 1);
        if (remainder > half || (remainder == half && (result & 1u))) ++result;
        return static_cast<uint16_t>(sign | result);  // a carry into bit 10 gives 2^-14, correct
    }

    // Normal: rebias exponent 127 -> 15 and drop 13 mantissa bits with rounding. A carry out
    // of the mantissa correctly bumps the exponent.
    uint32_t result = (abs_bits >> 13) - (112u << 10);
    const uint32_t remainder = abs_bits & 0x1fffu;
    if (remainder > 0x1000u || (remainder == 0x1000u && (result & 1u))) ++result;
    return static_cast<uint16_t>(sign | result);
}

// bf16 is the top half of an f32, so widening is exact.
GLEANER_HD inline float bf16_to_fp32(uint16_t h) { return bits_to_float(static_cast<uint32_t>(h) << 16); }

GLEANER_HD inline uint16_t fp32_to_bf16(float f) {
    const uint32_t bits = float_to_bits(f);
    if ((bits & 0x7fffffffu) > 0x7f800000u)  // NaN: truncating could give inf, so set the quiet bit
        return static_cast<uint16_t>((bits >> 16) | 0x40u);
    // Round to nearest even; overflow correctly rounds up to inf.
    return static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

}  // namespace gleaner
