// Portable (scalar) dot-product kernels, activation quantizers and the one-time dispatch.
// The scalar kernels are the reference the SIMD ones are tested against, so they favour
// plain index arithmetic that mirrors the block layouts in quant/blocks.h.
#include "cpu/quant_dot.h"

#if defined(GLEANER_HAVE_X86_KERNELS)
#include <cpuid.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cassert>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "cpu/quant_dot_internal.h"
#include "quant/blocks.h"
#include "quant/dequant.h"

namespace gleaner::cpu {

namespace detail {
namespace {

// ---- activation quantizers ----------------------------------------------------------------
// Symmetric int8, rounded half to even, with the same float operations as ggml's x86
// quantizers (so activations match llama.cpp's byte for byte). The SIMD quantizers repeat
// these operations exactly, so every path produces identical bytes.
// Q8_0 / Q8_1: d = amax/127, q = round(x * 127/amax).

float block_abs_max(const float* x, int count) {
    float amax = 0.0f;
    for (int j = 0; j < count; ++j) amax = std::fmax(amax, std::fabs(x[j]));
    return amax;
}

void quantize_row_q8_0(const float* x, void* dst, int64_t n) {
    assert(n % kQK == 0);
    BlockQ8_0* y = static_cast<BlockQ8_0*>(dst);
    for (int64_t ib = 0; ib < n / kQK; ++ib, x += kQK) {
        const float amax = block_abs_max(x, kQK);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[ib].d = fp32_to_fp16(d);
        for (int j = 0; j < kQK; ++j) y[ib].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
    }
}

void quantize_row_q8_1(const float* x, void* dst, int64_t n) {
    assert(n % kQK == 0);
    BlockQ8_1* y = static_cast<BlockQ8_1*>(dst);
    for (int64_t ib = 0; ib < n / kQK; ++ib, x += kQK) {
        const float amax = block_abs_max(x, kQK);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        int sum = 0;
        for (int j = 0; j < kQK; ++j) {
            y[ib].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
            sum += y[ib].qs[j];
        }
        y[ib].d = fp32_to_fp16(d);
        y[ib].s = fp32_to_fp16(d * static_cast<float>(sum));
    }
}

// Q8_K follows ggml's formula exactly so K-quant models see the same activations as in
// llama.cpp: the scale comes from the signed value of largest magnitude (first one on ties),
// iscale = -127/max (so that value maps to -127) and d = 1/iscale.
float signed_abs_max(const float* x, int count) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < count; ++j) {
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            max = x[j];
        }
    }
    return max;
}

void quantize_row_q8_k(const float* x, void* dst, int64_t n) {
    assert(n % kQK_K == 0);
    BlockQ8_K* y = static_cast<BlockQ8_K*>(dst);
    for (int64_t ib = 0; ib < n / kQK_K; ++ib, x += kQK_K) {
        const float max = signed_abs_max(x, kQK_K);
        if (max == 0.0f) {
            std::memset(&y[ib], 0, sizeof y[ib]);
            continue;
        }
        const float iscale = -127.0f / max;
        for (int j = 0; j < kQK_K; ++j) {
            const float q = std::nearbyint(iscale * x[j]);
            y[ib].qs[j] = static_cast<int8_t>(q > 127.0f ? 127.0f : q);  // |q| <= 127 up to rounding
        }
        for (int g = 0; g < kQK_K / 16; ++g) {
            int sum = 0;
            for (int j = 0; j < 16; ++j) sum += y[ib].qs[16 * g + j];
            y[ib].bsums[g] = static_cast<int16_t>(sum);
        }
        y[ib].d = 1.0f / iscale;  // Q8_K keeps d as f32
    }
}

void quantize_row_f32(const float* x, void* dst, int64_t n) {
    std::memcpy(dst, x, static_cast<size_t>(n) * sizeof(float));
}

// ---- float weights x f32 activations -------------------------------------------------------

float vec_dot_f32(int64_t n, const void* w, const void* a) {
    const float* x = static_cast<const float*>(w);
    const float* y = static_cast<const float*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += x[i] * y[i];
    return sum;
}

float vec_dot_f16(int64_t n, const void* w, const void* a) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const float* y = static_cast<const float*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += fp16_to_fp32(x[i]) * y[i];
    return sum;
}

float vec_dot_bf16(int64_t n, const void* w, const void* a) {
    const uint16_t* x = static_cast<const uint16_t*>(w);
    const float* y = static_cast<const float*>(a);
    float sum = 0.0f;
    for (int64_t i = 0; i < n; ++i) sum += bf16_to_fp32(x[i]) * y[i];
    return sum;
}

// ---- legacy 32-element blocks x Q8_0 / Q8_1 -----------------------------------------------
// Each weight block is expanded to its 32 integer values (q - offset for the symmetric types,
// plain q for the types with a min), then multiplied with the activation's int8 values.

int int_dot32(const int* w, const int8_t* a) {
    int sum = 0;
    for (int j = 0; j < kQK; ++j) sum += w[j] * a[j];
    return sum;
}

void nibbles_to_ints(const uint8_t* qs, int offset, int* out) {
    for (int j = 0; j < kQK / 2; ++j) {
        out[j] = (qs[j] & 0x0F) - offset;
        out[j + kQK / 2] = (qs[j] >> 4) - offset;
    }
}

void five_bits_to_ints(const uint8_t* qs, const uint8_t* qh_bytes, int offset, int* out) {
    const uint32_t qh = q5_high_bits(qh_bytes);
    for (int j = 0; j < kQK / 2; ++j) {
        out[j] = ((qs[j] & 0x0F) | (((qh >> j) & 1) << 4)) - offset;
        out[j + kQK / 2] = ((qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - offset;
    }
}

float vec_dot_q4_0(int64_t n, const void* w, const void* a) {
    const BlockQ4_0* x = static_cast<const BlockQ4_0*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    int q[kQK];
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        nibbles_to_ints(x[ib].qs, 8, q);
        sum += static_cast<float>(int_dot32(q, y[ib].qs)) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d));
    }
    return sum;
}

float vec_dot_q4_1(int64_t n, const void* w, const void* a) {
    const BlockQ4_1* x = static_cast<const BlockQ4_1*>(w);
    const BlockQ8_1* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.0f;
    int q[kQK];
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        nibbles_to_ints(x[ib].qs, 0, q);
        // sum_j (d_w q_j + m_w) d_a a_j = d_w d_a sum(q a) + m_w * (d_a sum(a)) = ... + m_w * s_a
        sum += static_cast<float>(int_dot32(q, y[ib].qs)) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d)) +
               fp16_to_fp32(x[ib].m) * fp16_to_fp32(y[ib].s);
    }
    return sum;
}

float vec_dot_q5_0(int64_t n, const void* w, const void* a) {
    const BlockQ5_0* x = static_cast<const BlockQ5_0*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    int q[kQK];
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        five_bits_to_ints(x[ib].qs, x[ib].qh, 16, q);
        sum += static_cast<float>(int_dot32(q, y[ib].qs)) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d));
    }
    return sum;
}

float vec_dot_q5_1(int64_t n, const void* w, const void* a) {
    const BlockQ5_1* x = static_cast<const BlockQ5_1*>(w);
    const BlockQ8_1* y = static_cast<const BlockQ8_1*>(a);
    float sum = 0.0f;
    int q[kQK];
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        five_bits_to_ints(x[ib].qs, x[ib].qh, 0, q);
        sum += static_cast<float>(int_dot32(q, y[ib].qs)) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d)) +
               fp16_to_fp32(x[ib].m) * fp16_to_fp32(y[ib].s);
    }
    return sum;
}

float vec_dot_q8_0(int64_t n, const void* w, const void* a) {
    const BlockQ8_0* x = static_cast<const BlockQ8_0*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        int isum = 0;
        for (int j = 0; j < kQK; ++j) isum += x[ib].qs[j] * y[ib].qs[j];
        sum += static_cast<float>(isum) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d));
    }
    return sum;
}

float vec_dot_iq4_nl(int64_t n, const void* w, const void* a) {
    const BlockIQ4_NL* x = static_cast<const BlockIQ4_NL*>(w);
    const BlockQ8_0* y = static_cast<const BlockQ8_0*>(a);
    float sum = 0.0f;
    for (int64_t ib = 0; ib < n / kQK; ++ib) {
        int isum = 0;
        for (int j = 0; j < kQK / 2; ++j) {
            isum += kIq4nlValues[x[ib].qs[j] & 0x0F] * y[ib].qs[j];
            isum += kIq4nlValues[x[ib].qs[j] >> 4] * y[ib].qs[j + kQK / 2];
        }
        sum += static_cast<float>(isum) * (fp16_to_fp32(x[ib].d) * fp16_to_fp32(y[ib].d));
    }
    return sum;
}

// ---- K-quant super-blocks x Q8_K ------------------------------------------------------------
// The weight's integer values are expanded per super-block into q[256] (element order), then
// combined per sub-block with the integer scale; mins are applied through Q8_K's bsums.

// sum over the 16 or 32 elements of one sub-block of q * a
int sub_block_dot(const int* q, const int8_t* a, int count) {
    int sum = 0;
    for (int j = 0; j < count; ++j) sum += q[j] * a[j];
    return sum;
}

float vec_dot_q2_k(int64_t n, const void* w, const void* a) {
    const BlockQ2_K* x = static_cast<const BlockQ2_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    int q[kQK_K];
    for (int64_t ib = 0; ib < n / kQK_K; ++ib) {
        for (int e = 0; e < kQK_K; ++e) {
            const int half = e / 128, j = (e % 128) / 32, l = e % 32;
            q[e] = (x[ib].qs[32 * half + l] >> (2 * j)) & 3;
        }
        int scaled = 0, mins = 0;
        for (int s = 0; s < 16; ++s) {
            scaled += (x[ib].scales[s] & 15) * sub_block_dot(q + 16 * s, y[ib].qs + 16 * s, 16);
            mins += (x[ib].scales[s] >> 4) * y[ib].bsums[s];
        }
        sum += (fp16_to_fp32(x[ib].d) * y[ib].d) * static_cast<float>(scaled) -
               (fp16_to_fp32(x[ib].dmin) * y[ib].d) * static_cast<float>(mins);
    }
    return sum;
}

float vec_dot_q3_k(int64_t n, const void* w, const void* a) {
    const BlockQ3_K* x = static_cast<const BlockQ3_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    int q[kQK_K];
    for (int64_t ib = 0; ib < n / kQK_K; ++ib) {
        for (int e = 0; e < kQK_K; ++e) {
            const int half = e / 128, j = (e % 128) / 32, l = e % 32;
            const int high_set = (x[ib].hmask[l] >> (4 * half + j)) & 1;
            q[e] = ((x[ib].qs[32 * half + l] >> (2 * j)) & 3) - (high_set ? 0 : 4);
        }
        int scaled = 0;
        for (int s = 0; s < 16; ++s)
            scaled += q3k_scale(x[ib].scales, s) * sub_block_dot(q + 16 * s, y[ib].qs + 16 * s, 16);
        sum += (fp16_to_fp32(x[ib].d) * y[ib].d) * static_cast<float>(scaled);
    }
    return sum;
}

// Shared by Q4_K and Q5_K: q[] holds the unsigned 4- or 5-bit values in element order.
float k4_super_block_dot(const uint8_t* scales, uint16_t d, uint16_t dmin, const int* q, const BlockQ8_K& y) {
    int scaled = 0, mins = 0;
    for (int k = 0; k < 8; ++k) {
        uint8_t sc, m;
        k4_scale_min(k, scales, &sc, &m);
        scaled += sc * sub_block_dot(q + 32 * k, y.qs + 32 * k, 32);
        mins += m * (y.bsums[2 * k] + y.bsums[2 * k + 1]);
    }
    return (fp16_to_fp32(d) * y.d) * static_cast<float>(scaled) - (fp16_to_fp32(dmin) * y.d) * static_cast<float>(mins);
}

float vec_dot_q4_k(int64_t n, const void* w, const void* a) {
    const BlockQ4_K* x = static_cast<const BlockQ4_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    int q[kQK_K];
    for (int64_t ib = 0; ib < n / kQK_K; ++ib) {
        for (int e = 0; e < kQK_K; ++e) {
            const int chunk = e / 64, l = e % 32;
            q[e] = (e % 64) < 32 ? (x[ib].qs[32 * chunk + l] & 0x0F) : (x[ib].qs[32 * chunk + l] >> 4);
        }
        sum += k4_super_block_dot(x[ib].scales, x[ib].d, x[ib].dmin, q, y[ib]);
    }
    return sum;
}

float vec_dot_q5_k(int64_t n, const void* w, const void* a) {
    const BlockQ5_K* x = static_cast<const BlockQ5_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    int q[kQK_K];
    for (int64_t ib = 0; ib < n / kQK_K; ++ib) {
        for (int e = 0; e < kQK_K; ++e) {
            const int chunk = e / 64, l = e % 32;
            const bool first_half = (e % 64) < 32;
            const int low4 = first_half ? (x[ib].qs[32 * chunk + l] & 0x0F) : (x[ib].qs[32 * chunk + l] >> 4);
            const int high_bit = (x[ib].qh[l] >> (2 * chunk + (first_half ? 0 : 1))) & 1;
            q[e] = low4 | (high_bit << 4);
        }
        sum += k4_super_block_dot(x[ib].scales, x[ib].d, x[ib].dmin, q, y[ib]);
    }
    return sum;
}

float vec_dot_q6_k(int64_t n, const void* w, const void* a) {
    const BlockQ6_K* x = static_cast<const BlockQ6_K*>(w);
    const BlockQ8_K* y = static_cast<const BlockQ8_K*>(a);
    float sum = 0.0f;
    int q[kQK_K];
    for (int64_t ib = 0; ib < n / kQK_K; ++ib) {
        for (int half = 0; half < 2; ++half) {
            const uint8_t* ql = x[ib].ql + 64 * half;
            const uint8_t* qh = x[ib].qh + 32 * half;
            int* out = q + 128 * half;
            for (int l = 0; l < 32; ++l) {
                out[l + 0] = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                out[l + 32] = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                out[l + 64] = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                out[l + 96] = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            }
        }
        // Sub-block s covers elements 16s..16s+15 and uses scales[s] (the per-half index
        // l/16 + 2t of the layout comment is exactly that).
        int scaled = 0;
        for (int s = 0; s < 16; ++s) scaled += x[ib].scales[s] * sub_block_dot(q + 16 * s, y[ib].qs + 16 * s, 16);
        sum += (fp16_to_fp32(x[ib].d) * y[ib].d) * static_cast<float>(scaled);
    }
    return sum;
}

KernelSet make_scalar_kernels() {
    KernelSet set;
    set.name = "scalar";
    set.quantize[type_slot(DType::Q8_0)] = quantize_row_q8_0;
    set.quantize[type_slot(DType::Q8_1)] = quantize_row_q8_1;
    set.quantize[type_slot(DType::Q8_K)] = quantize_row_q8_k;
    set.quantize[type_slot(DType::F32)] = quantize_row_f32;
    set.vec_dot[type_slot(DType::F32)] = vec_dot_f32;
    set.vec_dot[type_slot(DType::F16)] = vec_dot_f16;
    set.vec_dot[type_slot(DType::BF16)] = vec_dot_bf16;
    set.vec_dot[type_slot(DType::Q4_0)] = vec_dot_q4_0;
    set.vec_dot[type_slot(DType::Q4_1)] = vec_dot_q4_1;
    set.vec_dot[type_slot(DType::Q5_0)] = vec_dot_q5_0;
    set.vec_dot[type_slot(DType::Q5_1)] = vec_dot_q5_1;
    set.vec_dot[type_slot(DType::Q8_0)] = vec_dot_q8_0;
    set.vec_dot[type_slot(DType::IQ4_NL)] = vec_dot_iq4_nl;
    set.vec_dot[type_slot(DType::Q2_K)] = vec_dot_q2_k;
    set.vec_dot[type_slot(DType::Q3_K)] = vec_dot_q3_k;
    set.vec_dot[type_slot(DType::Q4_K)] = vec_dot_q4_k;
    set.vec_dot[type_slot(DType::Q5_K)] = vec_dot_q5_k;
    set.vec_dot[type_slot(DType::Q6_K)] = vec_dot_q6_k;
    return set;
}

bool env_flag_set(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0' && std::strcmp(value, "0") != 0;
}

}  // namespace

const KernelSet& scalar_kernels() {
    static const KernelSet set = make_scalar_kernels();
    return set;
}

#if defined(GLEANER_HAVE_X86_KERNELS)
namespace {
// F16C through CPUID (leaf 1, ECX bit 29): clang's __builtin_cpu_supports does not know "f16c".
bool cpu_has_f16c() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 29)) != 0;
}
}  // namespace

const KernelSet* avx2_kernels() {
    static const KernelSet* const set = []() -> const KernelSet* {
        __builtin_cpu_init();
        if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !cpu_has_f16c())
            return nullptr;
        static KernelSet avx2 = scalar_kernels();
        install_avx2_kernels(avx2);
        return &avx2;
    }();
    return set;
}

const KernelSet* avx512vnni_kernels() {
    static const KernelSet* const set = []() -> const KernelSet* {
        const KernelSet* base = avx2_kernels();
        if (base == nullptr || !__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512vl") ||
            !__builtin_cpu_supports("avx512bw") || !__builtin_cpu_supports("avx512vnni"))
            return nullptr;
        static KernelSet vnni = *base;
        install_avx512vnni_kernels(vnni);
        return &vnni;
    }();
    return set;
}
namespace {
// AMX-TILE and AMX-INT8 (CPUID leaf 7, EDX bits 24 and 25), and Linux's permission to use the
// tile data (arch_prctl ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA, asked once per process;
// without it the first tile instruction kills the process).
bool amx_usable() {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) || !(edx & (1u << 24)) || !(edx & (1u << 25)))
        return false;
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0;
}
}  // namespace

const KernelSet* amx_kernels() {
    static const KernelSet* const set = []() -> const KernelSet* {
        if (avx512vnni_kernels() == nullptr || !amx_usable()) return nullptr;
        static KernelSet amx = *avx2_kernels();
        install_amx_kernels(amx);
        return &amx;
    }();
    return set;
}
#else
const KernelSet* avx2_kernels() { return nullptr; }
const KernelSet* avx512vnni_kernels() { return nullptr; }
const KernelSet* amx_kernels() { return nullptr; }
#endif

// The one-time dispatch table: chosen on first use, read-only afterwards.
const KernelSet& active_kernels() {
    static const KernelSet* const active = []() -> const KernelSet* {
        if (env_flag_set("GLEANER_NO_AVX2")) return &scalar_kernels();
        if (!env_flag_set("GLEANER_NO_AVX512")) {
            if (!env_flag_set("GLEANER_NO_AMX"))
                if (const KernelSet* set = amx_kernels()) return set;
            if (const KernelSet* set = avx512vnni_kernels()) return set;
        }
        if (const KernelSet* set = avx2_kernels()) return set;
        return &scalar_kernels();
    }();
    return *active;
}

}  // namespace detail

// ---- public API --------------------------------------------------------------------------------

DType vec_dot_type(DType weight) {
    switch (weight) {
        case DType::Q4_0:
        case DType::Q5_0:
        case DType::Q8_0:
        case DType::IQ4_NL: return DType::Q8_0;
        case DType::Q4_1:
        case DType::Q5_1: return DType::Q8_1;
        case DType::Q2_K:
        case DType::Q3_K:
        case DType::Q4_K:
        case DType::Q5_K:
        case DType::Q6_K: return DType::Q8_K;
        case DType::F32:
        case DType::F16:
        case DType::BF16:
        case DType::Q8_1:  // not weight types; F32 keeps the function total
        case DType::Q8_K: return DType::F32;
    }
    return DType::F32;
}

size_t vec_dot_act_row_bytes(DType weight, int64_t n) { return dtype_row_bytes(vec_dot_type(weight), n); }

void quantize_row(DType act_type, const float* x, void* dst, int64_t n) {
    const detail::QuantizeRowFn fn = detail::active_kernels().quantize[detail::type_slot(act_type)];
    assert(fn != nullptr && "quantize_row: not an activation type");
    fn(x, dst, n);
}

float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* act_row) {
    const detail::VecDotFn fn = detail::active_kernels().vec_dot[detail::type_slot(weight_type)];
    assert(fn != nullptr && "vec_dot: unsupported weight type");
    return fn(n, w_row, act_row);
}

void vec_dot_nrows(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* act, float* out) {
    vec_dot_tile(wt, n, w, w_stride_bytes, nrows, act, 0, 1, out, 0);
}

void vec_dot_tile(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* act,
                  size_t act_stride_bytes, int nact, float* out, size_t out_stride) {
    const detail::KernelSet& set = detail::active_kernels();
    const int slot = detail::type_slot(wt);
    if (const detail::VecDotTileFn tile = set.tile[slot]) {
        tile(n, w, w_stride_bytes, nrows, act, act_stride_bytes, nact, out, out_stride);
        return;
    }
    const detail::VecDotFn dot = set.vec_dot[slot];
    assert(dot != nullptr && "vec_dot_tile: unsupported weight type");
    const uint8_t* w_bytes = static_cast<const uint8_t*>(w);
    const uint8_t* act_bytes = static_cast<const uint8_t*>(act);
    for (int a = 0; a < nact; ++a)
        for (int r = 0; r < nrows; ++r)
            out[a * out_stride + r] = dot(n, w_bytes + r * w_stride_bytes, act_bytes + a * act_stride_bytes);
}

size_t vec_dot_prepared_bytes(DType wt, int64_t n, int nact) {
    const detail::PreparedTileFns& fns = detail::active_kernels().prepared[detail::type_slot(wt)];
    return fns.bytes ? fns.bytes(n, nact) : 0;
}

void vec_dot_prepare_row(DType wt, int64_t n, const void* act_row, int a, int nact, void* prepared) {
    const detail::PreparedTileFns& fns = detail::active_kernels().prepared[detail::type_slot(wt)];
    assert(fns.prepare_row != nullptr && "vec_dot_prepare_row: nothing to prepare for this type");
    fns.prepare_row(n, act_row, a, nact, prepared);
}

void vec_dot_tile_prepared(DType wt, int64_t n, const void* w, size_t w_stride_bytes, int nrows, const void* prepared,
                           int nact, float* out, size_t out_stride) {
    const detail::PreparedTileFns& fns = detail::active_kernels().prepared[detail::type_slot(wt)];
    assert(fns.tile != nullptr && "vec_dot_tile_prepared: nothing to prepare for this type");
    fns.tile(n, w, w_stride_bytes, nrows, prepared, nact, out, out_stride);
}

const char* vec_dot_isa_name() { return detail::active_kernels().name; }

}  // namespace gleaner::cpu
