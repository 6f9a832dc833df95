// AVX2 + FMA + F16C kernels; this file is compiled with -mavx2 -mfma -mf16c and only entered
// after a runtime CPU check (quant_dot.cpp). 16 ymm registers: tiles of up to 4 weight rows
// x 2 activation rows keep the accumulators in registers.
#define GLEANER_X86_VNNI 0
#define GLEANER_X86_MAX_ROWS 4
#define GLEANER_X86_MAX_ACTS 2
#include "cpu/quant_dot_x86.inc"

namespace gleaner::cpu::detail {
void install_avx2_kernels(KernelSet& set) { install_x86_kernels(set, "avx2"); }
}  // namespace gleaner::cpu::detail
