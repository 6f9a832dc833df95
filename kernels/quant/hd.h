#pragma once
// GLEANER_HD marks small inline functions that are compiled both for the host and, by nvcc,
// for the device (dequantizers, fp16 conversions). Such functions use no std:: library calls,
// no exceptions and no tables with static storage, so the same text works in both places.
#include <cstdint>

#if defined(__CUDACC__)
#define GLEANER_HD __host__ __device__
#else
#define GLEANER_HD
#endif

namespace gleaner {

// Bit casts that work in host and device code (std::bit_cast is not usable in device code
// with every nvcc version; __builtin_memcpy compiles to a register move on both sides).
GLEANER_HD inline uint32_t float_to_bits(float f) {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    uint32_t u;
    __builtin_memcpy(&u, &f, sizeof u);
    return u;
#endif
}

GLEANER_HD inline float bits_to_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    float f;
    __builtin_memcpy(&f, &u, sizeof f);
    return f;
#endif
}

}  // namespace gleaner
