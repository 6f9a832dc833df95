// The AVX2 kernels rebuilt with AVX512-VL/BW/VNNI (-mavx512f -mavx512vl -mavx512bw
// -mavx512vnni): still 256-bit vectors (no frequency penalty), but 32 ymm registers hold 4x4
// tiles, and vpdpbusd does a legacy block's u8 x s8 dot in one instruction.
// The same translation unit also builds the "amx" set (-mamx-tile -mamx-int8): these kernels with
// the prefill tiles of the formats in runs of 32 on AMX (quant_dot_amx.inc).
// Entered only after a runtime CPU check (quant_dot.cpp).
#define GLEANER_X86_VNNI 1
#define GLEANER_X86_LEGACY_TILE_ROWS 4
#define GLEANER_X86_LEGACY_TILE_ACTS 4
#define GLEANER_X86_KQUANT_TILE_ROWS 4
#define GLEANER_X86_KQUANT_TILE_ACTS 4
#define GLEANER_X86_ZMM_KQUANTS 1  // Q4_K, Q5_K, Q6_K with 512-bit vectors (quant_dot_kquant_zmm.inc)
#define GLEANER_X86_AMX 1  // prefill on AMX tiles (quant_dot_amx.inc), for the "amx" set only
#include "cpu/quant_dot_x86.inc"

namespace gleaner::cpu::detail {
void install_avx512vnni_kernels(KernelSet& set) { install_x86_kernels(set, "avx512vnni"); }
void install_amx_kernels(KernelSet& set) { install_x86_amx_kernels(set, "amx"); }
}  // namespace gleaner::cpu::detail
