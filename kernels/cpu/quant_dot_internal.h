#pragma once
// Kernel tables behind quant_dot.h. Exposed so tests and benchmarks can run the scalar and
// the SIMD implementations side by side; the rest of Gleaner uses quant_dot.h only.
#include <cstddef>
#include <cstdint>

#include "quant/dtype.h"

namespace gleaner::cpu::detail {

using QuantizeRowFn = void (*)(const float* x, void* dst, int64_t n);
using VecDotFn = float (*)(int64_t n, const void* w_row, const void* act_row);
// Same contract as gleaner::cpu::vec_dot_tile.
using VecDotTileFn = void (*)(int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* act,
                              size_t act_stride_bytes, int nact, float* out, size_t out_stride);

// Same contracts as gleaner::cpu::vec_dot_prepared_bytes / vec_dot_prepare_row / vec_dot_tile_prepared.
struct PreparedTileFns {
    size_t (*bytes)(int64_t n, int nact) = nullptr;
    void (*prepare_row)(int64_t n, const void* act_row, int a, int nact, void* prepared) = nullptr;
    void (*tile)(int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* prepared, int nact, float* out,
                 size_t out_stride) = nullptr;
};

// One slot per ggml type id (DType values are below 32).
constexpr int kTypeSlots = 32;
constexpr int type_slot(DType t) { return static_cast<int>(t); }

// A complete set of kernels for one instruction set. Slots are indexed by type_slot():
// quantize by activation type, vec_dot and tile by weight type. A null tile entry means
// "loop over vec_dot".
struct KernelSet {
    const char* name = "scalar";
    QuantizeRowFn quantize[kTypeSlots] = {};
    VecDotFn vec_dot[kTypeSlots] = {};
    VecDotTileFn tile[kTypeSlots] = {};
    PreparedTileFns prepared[kTypeSlots] = {};  // by weight type; null: nothing to prepare
};

// Portable C++ kernels for every supported type (quant_dot.cpp).
const KernelSet& scalar_kernels();

// Kernels for the x86 SIMD levels, or nullptr when the CPU (or the build) lacks them. Each
// starts as a copy of the level below and overrides the types it accelerates.
const KernelSet* avx2_kernels();        // AVX2 + FMA + F16C
const KernelSet* avx512vnni_kernels();  // AVX2 set plus AVX512-VL/BW/VNNI (32 ymm registers, vpdpbusd)
// The AVX512-VNNI set with AMX-INT8 tiles for Q4_K's prefill, where the CPU has AMX and Linux
// grants this process the tile state.
const KernelSet* amx_kernels();

// The set chosen at first use: the best available level, or scalar when GLEANER_NO_AVX2=1
// (GLEANER_NO_AVX512=1: at most AVX2; GLEANER_NO_AMX=1: at most AVX512-VNNI).
const KernelSet& active_kernels();

// Implemented in the ISA-specific translation units; they override entries of `set`.
void install_avx2_kernels(KernelSet& set);
void install_avx512vnni_kernels(KernelSet& set);
void install_amx_kernels(KernelSet& set);

}  // namespace gleaner::cpu::detail
