#pragma once
// The staged decode mat-vec (kernels_matmul.cu, matvec_staged_kernel) for the common weight
// types Q4_0, Q4_1, Q5_0, Q8_0, Q4_K, Q6_K: the per-lane math, shared with the CPU tests
// (tests/unit/test_gpu_math emulates the kernel's steps on the host with these functions).
//
// A warp walks a row in *steps* of 32 *units*; a unit is 32 weights that one lane decodes (a
// legacy block, or 1/8 of a K-quant super-block), so a step is a contiguous byte range of the
// row (32 legacy blocks, or 4 super-blocks). The warp copies a step of each of its rows into
// shared memory with aligned 16-byte loads (fully coalesced; block formats are only 2-byte
// aligned), then each lane decodes its unit from shared memory with 32-bit reads:
//   * the unit's scales are decoded once per unit (not once per 8 weights);
//   * a byte q becomes a float with one byte-permute into the mantissa of 2^23 and one
//     subtraction of 2^23 + bias (exact: no int-to-float conversion, which runs at 1/4 rate);
//   * weight = scale[s] * q + offset[s] per segment s of the unit, so a dot product is
//     scale[s] * sum(q x) + offset[s] * sum(x): one FMA per weight and token.
// Weights equal quant/dequant.h's bit for bit (scale * q (+ offset) is the same float
// expression); sums differ from a per-weight dequantized dot only by fp32 rounding.
#include <math.h>
#if defined(__CUDACC__)
#include <cuda_fp16.h>
#endif

#include "quant/blocks.h"
#include "quant/dequant.h"
#include "quant/dtype.h"
#include "quant/fp16.h"

// Unrolled in device code; host compilers must not see an unknown pragma.
#if defined(__CUDA_ARCH__)
#define GLEANER_UNROLL _Pragma("unroll")
#else
#define GLEANER_UNROLL
#endif

namespace gleaner::gpu {

// ---- byte access: shared memory on the device, any memory on the host ------------------------

// Little-endian 32-bit word at any byte address. Device: the two aligned words around it and a
// funnel shift (reads up to 4 bytes past p + 3: the staging buffer has slack for that).
GLEANER_HD inline uint32_t load_u32_unaligned(const uint8_t* p) {
#if defined(__CUDA_ARCH__)
    const unsigned mis = static_cast<unsigned>(reinterpret_cast<size_t>(p) & 3);
    const uint32_t* q = reinterpret_cast<const uint32_t*>(p - mis);  // keeps p's address space
    return __funnelshift_r(q[0], q[1], mis * 8u);
#else
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
#endif
}

// N consecutive little-endian words from any byte address (device: N + 1 aligned reads).
template <int N>
GLEANER_HD inline void load_words(const uint8_t* p, uint32_t* out) {
#if defined(__CUDA_ARCH__)
    const unsigned mis = static_cast<unsigned>(reinterpret_cast<size_t>(p) & 3);
    const uint32_t* q = reinterpret_cast<const uint32_t*>(p - mis);  // keeps p's address space
    const unsigned sh = mis * 8u;
    uint32_t w[N + 1];
GLEANER_UNROLL
    for (int i = 0; i <= N; ++i) w[i] = q[i];
GLEANER_UNROLL
    for (int i = 0; i < N; ++i) out[i] = __funnelshift_r(w[i], w[i + 1], sh);
#else
    __builtin_memcpy(out, p, sizeof(uint32_t) * N);
#endif
}

// 16-bit field at a 2-byte-aligned address (the f16 scales of every block).
GLEANER_HD inline uint16_t load_u16(const uint8_t* p) {
#if defined(__CUDA_ARCH__)
    return *reinterpret_cast<const uint16_t*>(p);
#else
    uint16_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
#endif
}

// f16 bits to f32: the hardware conversion on the device (same value as fp16_to_fp32 for every
// non-NaN input), quant/fp16.h's on the host.
GLEANER_HD inline float half_bits_to_float(uint16_t h) {
#if defined(__CUDA_ARCH__)
    return __half2float(__ushort_as_half(h));
#else
    return fp16_to_fp32(h);
#endif
}

// Byte b (0..3) of a word minus `bias`, where magic = 2^23 + bias (bias an integer < 2^22):
// the byte goes into the low mantissa bits of 2^23 (device: one PRMT) and the subtraction is
// exact, so the result is exactly byte - bias.
GLEANER_HD inline float byte_minus(uint32_t word, int b, float magic) {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(__byte_perm(word, 0x4B000000u, 0x7440u | static_cast<unsigned>(b))) - magic;
#else
    return bits_to_float(0x4B000000u | ((word >> (8 * b)) & 0xFFu)) - magic;
#endif
}

constexpr float kMagic = 8388608.0f;  // 2^23

// Bits 0..3 of h spread to bit 0 of bytes 0..3 (the four shifted copies do not overlap).
// 16 bytes of packed nibbles as 32 quants minus `bias`: the low nibbles are elements 0..15, the
// high 16..31 (the layout of Q4_0's and Q4_1's blocks and of a Q4_K sub-block pair).
GLEANER_HD inline void unpack_nibbles32(const uint32_t* w, float* q, float bias = 0.0f) {
    for (int k = 0; k < 4; ++k) {
        const uint32_t lo = w[k] & 0x0F0F0F0Fu, hi = (w[k] >> 4) & 0x0F0F0F0Fu;
        for (int b = 0; b < 4; ++b) {
            q[4 * k + b] = byte_minus(lo, b, kMagic + bias);
            q[16 + 4 * k + b] = byte_minus(hi, b, kMagic + bias);
        }
    }
}

GLEANER_HD inline uint32_t spread4(uint32_t h) { return ((h & 0xFu) * 0x00204081u) & 0x01010101u; }

// ---- units ------------------------------------------------------------------------------------
// MatvecUnit<T>: kBlockElems / kBlockBytes (the format's block), kUnits (units per block),
// kSegs segments of kSegLen = 32 / kSegs consecutive weights each; segment s of unit u starts at
// element seg_start(u, s) of its block. decode() fills q[32] (segment-major), scale[kSegs] and,
// when kHasOffset, offset[kSegs]: weight = scale[s] * q + offset[s].

template <DType T>
struct MatvecUnit;

template <>
struct MatvecUnit<DType::Q4_0> {
    static constexpr int kBlockElems = 32, kBlockBytes = 18, kUnits = 1, kSegs = 2;
    static constexpr bool kHasOffset = false;
    GLEANER_HD static int seg_start(int, int s) { return 16 * s; }
    GLEANER_HD static void decode(const uint8_t* blk, int, float* q, float* scale, float*) {
        scale[0] = scale[1] = half_bits_to_float(load_u16(blk));
        uint32_t w[4];
        load_words<4>(blk + 2, w);
        unpack_nibbles32(w, q, 8.0f);  // Q4_0's quants are centred on 8
    }
};

template <>
struct MatvecUnit<DType::Q4_1> {
    static constexpr int kBlockElems = 32, kBlockBytes = 20, kUnits = 1, kSegs = 2;
    static constexpr bool kHasOffset = true;
    GLEANER_HD static int seg_start(int, int s) { return 16 * s; }
    GLEANER_HD static void decode(const uint8_t* blk, int, float* q, float* scale, float* offset) {
        scale[0] = scale[1] = half_bits_to_float(load_u16(blk));
        offset[0] = offset[1] = half_bits_to_float(load_u16(blk + 2));
        uint32_t w[4];
        load_words<4>(blk + 4, w);
        unpack_nibbles32(w, q);
    }
};

template <>
struct MatvecUnit<DType::Q5_0> {
    static constexpr int kBlockElems = 32, kBlockBytes = 22, kUnits = 1, kSegs = 2;
    static constexpr bool kHasOffset = false;
    GLEANER_HD static int seg_start(int, int s) { return 16 * s; }
    GLEANER_HD static void decode(const uint8_t* blk, int, float* q, float* scale, float*) {
        scale[0] = scale[1] = half_bits_to_float(load_u16(blk));
        const uint32_t qh = load_u32_unaligned(blk + 2);  // bit e: bit 4 of element e
        uint32_t w[4];
        load_words<4>(blk + 6, w);
        for (int k = 0; k < 4; ++k) {
            const uint32_t lo = (w[k] & 0x0F0F0F0Fu) | (spread4(qh >> (4 * k)) << 4);
            const uint32_t hi = ((w[k] >> 4) & 0x0F0F0F0Fu) | (spread4(qh >> (16 + 4 * k)) << 4);
            for (int b = 0; b < 4; ++b) {
                q[4 * k + b] = byte_minus(lo, b, kMagic + 16.0f);
                q[16 + 4 * k + b] = byte_minus(hi, b, kMagic + 16.0f);
            }
        }
    }
};

template <>
struct MatvecUnit<DType::Q8_0> {
    static constexpr int kBlockElems = 32, kBlockBytes = 34, kUnits = 1, kSegs = 2;
    static constexpr bool kHasOffset = false;
    GLEANER_HD static int seg_start(int, int s) { return 16 * s; }
    GLEANER_HD static void decode(const uint8_t* blk, int, float* q, float* scale, float*) {
        scale[0] = scale[1] = half_bits_to_float(load_u16(blk));
        uint32_t w[8];
        load_words<8>(blk + 2, w);
        for (int k = 0; k < 8; ++k) {
            const uint32_t u = w[k] ^ 0x80808080u;  // int8 q -> q + 128 in 0..255
            for (int b = 0; b < 4; ++b) q[4 * k + b] = byte_minus(u, b, kMagic + 128.0f);
        }
    }
};

// Unit u of a super-block: 64-element chunk c = u/2, lanes of the chunk's 32 bytes from
// l0 = 16 (u%2): the low nibbles are elements 64c + l0 .. +15 (sub-block 2c), the high nibbles
// elements 64c + 32 + l0 .. +15 (sub-block 2c + 1).
template <>
struct MatvecUnit<DType::Q4_K> {
    static constexpr int kBlockElems = 256, kBlockBytes = 144, kUnits = 8, kSegs = 2;
    static constexpr bool kHasOffset = true;
    GLEANER_HD static int seg_start(int u, int s) { return 64 * (u / 2) + 16 * (u % 2) + 32 * s; }
    GLEANER_HD static void decode(const uint8_t* blk, int u, float* q, float* scale, float* offset) {
        const int c = u / 2, l0 = 16 * (u % 2);
        const float d = half_bits_to_float(load_u16(blk)), dmin = half_bits_to_float(load_u16(blk + 2));
        uint32_t sw[3];  // the 12 packed scale bytes (k4_scale_min's layout) as words
        load_words<3>(blk + 4, sw);
        for (int s = 0; s < 2; ++s) {
            const int j = 2 * c + s;  // sub-block 0..7
            const unsigned sh = 8u * static_cast<unsigned>(j & 3);
            const uint32_t b0 = sw[0] >> sh, b4 = sw[1] >> sh, b8 = sw[2] >> sh;
            const uint32_t sc = j < 4 ? (b0 & 63u) : ((b8 & 0xFu) | ((b0 >> 2) & 0x30u));
            const uint32_t m = j < 4 ? (b4 & 63u) : (((b8 >> 4) & 0xFu) | ((b4 >> 2) & 0x30u));
            scale[s] = d * byte_minus(sc, 0, kMagic);  // exact small integers
            offset[s] = -(dmin * byte_minus(m, 0, kMagic));  // scale*q + offset == d*sc*q - dmin*m
        }
        uint32_t w[4];
        load_words<4>(blk + 16 + 32 * c + l0, w);
        unpack_nibbles32(w, q);
    }
};

// Unit u of a super-block: half n = u/4, l0 = 8 (u%4); segment s (the quarter of
// dequant_block_q6_k) is elements 128n + 32s + l0 .. +7, from ql[64n + l0 (+32 for s odd)]
// (low nibble for s < 2, high for s >= 2) and bits 2s, 2s+1 of qh[32n + l0 ..].
template <>
struct MatvecUnit<DType::Q6_K> {
    static constexpr int kBlockElems = 256, kBlockBytes = 210, kUnits = 8, kSegs = 4;
    static constexpr bool kHasOffset = false;
    GLEANER_HD static int seg_start(int u, int s) { return 128 * (u / 4) + 32 * s + 8 * (u % 4); }
    GLEANER_HD static void decode(const uint8_t* blk, int u, float* q, float* scale, float*) {
        const int n = u / 4, l0 = 8 * (u % 4);
        const float d = half_bits_to_float(load_u16(blk + 208));
        const int8_t* sc = reinterpret_cast<const int8_t*>(blk + 192 + 8 * n + l0 / 16);
        for (int s = 0; s < 4; ++s) scale[s] = d * sc[2 * s];  // (d * sc) * q as the CPU
        uint32_t a[2], b2[2], h[2];
        load_words<2>(blk + 64 * n + l0, a);
        load_words<2>(blk + 64 * n + 32 + l0, b2);
        load_words<2>(blk + 128 + 32 * n + l0, h);
        for (int k = 0; k < 2; ++k) {
            const uint32_t q0 = (a[k] & 0x0F0F0F0Fu) | ((h[k] << 4) & 0x30303030u);
            const uint32_t q1 = (b2[k] & 0x0F0F0F0Fu) | ((h[k] << 2) & 0x30303030u);
            const uint32_t q2 = ((a[k] >> 4) & 0x0F0F0F0Fu) | (h[k] & 0x30303030u);
            const uint32_t q3 = ((b2[k] >> 4) & 0x0F0F0F0Fu) | ((h[k] >> 2) & 0x30303030u);
            for (int b = 0; b < 4; ++b) {
                q[4 * k + b] = byte_minus(q0, b, kMagic + 32.0f);
                q[8 + 4 * k + b] = byte_minus(q1, b, kMagic + 32.0f);
                q[16 + 4 * k + b] = byte_minus(q2, b, kMagic + 32.0f);
                q[24 + 4 * k + b] = byte_minus(q3, b, kMagic + 32.0f);
            }
        }
    }
};

// Types with a MatvecUnit (the others keep the one-warp-per-row kernel).
GLEANER_HD constexpr bool has_matvec_unit(DType t) {
    return t == DType::Q4_0 || t == DType::Q4_1 || t == DType::Q5_0 || t == DType::Q8_0 || t == DType::Q4_K ||
           t == DType::Q6_K;
}

// ---- a step: 32 units of a row, staged in 16-byte chunks ------------------------------------

// Bytes of the row that one step covers (32 units).
template <DType T>
GLEANER_HD constexpr int staged_step_bytes() {
    return 32 / MatvecUnit<T>::kUnits * MatvecUnit<T>::kBlockBytes;
}
// 16-byte chunks that cover a step at any misalignment, and the staging buffer per row (plus
// slack for load_words' extra word).
template <DType T>
GLEANER_HD constexpr int staged_max_chunks() {
    return (staged_step_bytes<T>() + 30) / 16;
}
template <DType T>
GLEANER_HD constexpr int staged_buffer_bytes() {
    return staged_max_chunks<T>() * 16 + 16;
}

// Where step `step` of a row lies: chunks of 16 bytes from the aligned address `aligned` hold
// its bytes, the first at offset `mis` of the first chunk.
struct StagedRange {
    const uint8_t* aligned;
    int mis;
    int chunks;
};
template <DType T>
GLEANER_HD inline StagedRange staged_range(const uint8_t* row, size_t row_bytes, int64_t step) {
    const size_t off = static_cast<size_t>(step) * staged_step_bytes<T>();
    const size_t left = row_bytes - off;
    const size_t len = left < static_cast<size_t>(staged_step_bytes<T>()) ? left : staged_step_bytes<T>();
    const uint8_t* start = row + off;
    const int mis = static_cast<int>(reinterpret_cast<size_t>(start) & 15);
    return {start - mis, mis, static_cast<int>((mis + len + 15) / 16)};
}

// Loads the 8 float4 of x that unit u of a block meets (xb: x at the block's first element),
// segment-major as decode()'s q. Device: read-only 16-byte loads (x is 16-byte aligned).
template <DType T>
GLEANER_HD inline void load_unit_x(const float* xb, int u, float* xf) {
    using U = MatvecUnit<T>;
    constexpr int L = 32 / U::kSegs;
GLEANER_UNROLL
    for (int s = 0; s < U::kSegs; ++s) {
        const float* p = xb + U::seg_start(u, s);
GLEANER_UNROLL
        for (int k = 0; k < L / 4; ++k) {
#if defined(__CUDA_ARCH__)
            const float4 v = __ldg(reinterpret_cast<const float4*>(p) + k);
            xf[s * L + 4 * k] = v.x, xf[s * L + 4 * k + 1] = v.y, xf[s * L + 4 * k + 2] = v.z,
                           xf[s * L + 4 * k + 3] = v.w;
#else
            for (int i = 0; i < 4; ++i) xf[s * L + 4 * k + i] = p[4 * k + i];
#endif
        }
    }
}

// Per-segment sums of x (only the types with an offset need them).
template <DType T>
GLEANER_HD inline void unit_x_sums(const float* xf, float* xs) {
    using U = MatvecUnit<T>;
    constexpr int L = 32 / U::kSegs;
    if constexpr (U::kHasOffset) {
GLEANER_UNROLL
        for (int s = 0; s < U::kSegs; ++s) {
            float a = 0.0f, b = 0.0f;  // two chains: the sum is off the critical path
GLEANER_UNROLL
            for (int i = 0; i < L; i += 2) a += xf[s * L + i], b += xf[s * L + i + 1];
            xs[s] = a + b;
        }
    } else {
        (void)xf, (void)xs;
    }
}

// The unit's contribution to one output: sum_s scale[s] * (q . x)_s + offset[s] * sum(x)_s.
template <DType T>
GLEANER_HD inline float unit_dot(const float* q, const float* scale, const float* offset, const float* xf,
                                 const float* xs) {
    using U = MatvecUnit<T>;
    constexpr int L = 32 / U::kSegs;
    if constexpr (!U::kHasOffset) (void)offset, (void)xs;
    float r = 0.0f;
GLEANER_UNROLL
    for (int s = 0; s < U::kSegs; ++s) {
        float a = 0.0f, b = 0.0f;  // two FMA chains per segment
GLEANER_UNROLL
        for (int i = 0; i < L; i += 2) {
            a = fmaf(q[s * L + i], xf[s * L + i], a);
            b = fmaf(q[s * L + i + 1], xf[s * L + i + 1], b);
        }
        r = fmaf(scale[s], a + b, r);
        if constexpr (U::kHasOffset) r = fmaf(offset[s], xs[s], r);
    }
    return r;
}

// What one lane does in one step, for R rows staged at stage[r] + mis[r] and up to NT tokens:
// acc[r][t] += its unit's dot products. With one token the unit's x is loaded once for all rows
// (x is read from L1/L2 once per R rows); with more, each row's unit is decoded once and x is
// loaded per token.
template <DType T, int R, int NT>
GLEANER_HD inline void staged_lane_step(const uint8_t* const* stage, const int* mis, int lane, int64_t step,
                                        int64_t units, const float* x, int64_t n_in, int n_tokens,
                                        float (*acc)[NT]) {
    using U = MatvecUnit<T>;
    const int64_t unit = step * 32 + lane;
    if (unit >= units) return;
    const int u = static_cast<int>(unit % U::kUnits);
    const int in_step = lane / U::kUnits;  // block of the step
    const float* xb = x + unit / U::kUnits * U::kBlockElems;
    float q[32], scale[U::kSegs], offset[U::kSegs], xf[32], xs[U::kSegs];
    if constexpr (NT == 1) {
        (void)n_in, (void)n_tokens;
        load_unit_x<T>(xb, u, xf);
        unit_x_sums<T>(xf, xs);
GLEANER_UNROLL
        for (int r = 0; r < R; ++r) {
            U::decode(stage[r] + mis[r] + in_step * U::kBlockBytes, u, q, scale, offset);
            acc[r][0] += unit_dot<T>(q, scale, offset, xf, xs);
        }
    } else {
GLEANER_UNROLL
        for (int r = 0; r < R; ++r) {
            U::decode(stage[r] + mis[r] + in_step * U::kBlockBytes, u, q, scale, offset);
GLEANER_UNROLL
            for (int t = 0; t < NT; ++t) {
                if (t < n_tokens) {
                    load_unit_x<T>(xb + t * n_in, u, xf);
                    unit_x_sums<T>(xf, xs);
                    acc[r][t] += unit_dot<T>(q, scale, offset, xf, xs);
                }
            }
        }
    }
}

}  // namespace gleaner::gpu
