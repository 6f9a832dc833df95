// AVX2 + FMA + F16C kernels; this file is compiled with -mavx2 -mfma -mf16c and only entered
// after a runtime CPU check (quant_dot.cpp). With 16 ymm registers, 2x4 tiles keep the
// legacy-format accumulators in registers; the K-quants measured best at 4x4 even with spills.
#define GLEANER_X86_VNNI 0
#define GLEANER_X86_LEGACY_TILE_ROWS 2
#define GLEANER_X86_LEGACY_TILE_ACTS 4
#define GLEANER_X86_KQUANT_TILE_ROWS 4
#define GLEANER_X86_KQUANT_TILE_ACTS 4
#define GLEANER_X86_ZMM_KQUANTS 0
#include "cpu/quant_dot_x86.inc"

namespace gleaner::cpu::detail {
void install_avx2_kernels(KernelSet& set) { install_x86_kernels(set, "avx2"); }
}  // namespace gleaner::cpu::detail
