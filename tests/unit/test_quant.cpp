// Quantized block formats, f16/bf16 conversions and the CPU dot-product kernels.
//
// Dequantization is checked on hand-built blocks whose expected values come from the format
// descriptions (engine_facts.md section 3 / ggml), written here independently of the
// implementation: values are packed into blocks following the layout, then read back.
// The dot-product kernels are checked against float references and the SIMD kernels against
// the scalar ones.
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/quant_dot.h"
#include "cpu/quant_dot_internal.h"
#include "quant/blocks.h"
#include "quant/dequant.h"
#include "quant/dequant_row.h"
#include "quant/dtype.h"
#include "quant/fp16.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace gleaner;

Q_DECLARE_METATYPE(gleaner::DType)

namespace {

constexpr uint16_t kHalfOne = 0x3C00;
constexpr uint16_t kHalfHalf = 0x3800;     // 0.5
constexpr uint16_t kHalfQuarter = 0x3400;  // 0.25
constexpr uint16_t kHalfEighth = 0x3000;   // 0.125
constexpr uint16_t kHalfTwo = 0x4000;
constexpr uint16_t kHalfMinusOne = 0xBC00;

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Exact comparison of n floats; reports the first mismatch.
bool floats_equal(const float* got, const float* want, int n, const char* what) {
    for (int i = 0; i < n; ++i) {
        if (!same_bits(got[i], want[i])) {
            qWarning("%s: element %d is %.9g, expected %.9g", what, i, double(got[i]), double(want[i]));
            return false;
        }
    }
    return true;
}

// ---- packers written from the layout descriptions (the inverse of dequantization) ----------

// Q4_K/Q5_K: eight (scale, min) pairs of 6 bits into 12 bytes.
void pack_k4_scales(const int* scale, const int* min, uint8_t* bytes) {
    std::memset(bytes, 0, kKScaleBytes);
    for (int k = 0; k < 4; ++k) {
        bytes[k] |= static_cast<uint8_t>(scale[k] & 63);
        bytes[k + 4] |= static_cast<uint8_t>(min[k] & 63);
    }
    for (int k = 4; k < 8; ++k) {
        bytes[k + 4] = static_cast<uint8_t>((scale[k] & 15) | ((min[k] & 15) << 4));
        bytes[k - 4] |= static_cast<uint8_t>((scale[k] >> 4) << 6);
        bytes[k] |= static_cast<uint8_t>((min[k] >> 4) << 6);
    }
}

// Q3_K: sixteen 6-bit scales into 12 bytes.
void pack_q3k_scales(const int* scale6, uint8_t* bytes) {
    std::memset(bytes, 0, kKScaleBytes);
    for (int k = 0; k < 16; ++k) {
        if (k < 8)
            bytes[k] |= static_cast<uint8_t>(scale6[k] & 15);
        else
            bytes[k - 8] |= static_cast<uint8_t>((scale6[k] & 15) << 4);
        bytes[8 + k % 4] |= static_cast<uint8_t>(((scale6[k] >> 4) & 3) << (2 * (k / 4)));
    }
}

// Deterministic pseudo-random values for building blocks.
struct Rng {
    std::mt19937 gen{12345};
    int uniform_int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
    float uniform(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen); }
    float normal() { return std::normal_distribution<float>(0.0f, 1.0f)(gen); }
};

// A row of random weight blocks of type t: random bytes, then sane f16 scales (random bytes
// could be NaN/inf).
std::vector<uint8_t> random_weight_row(DType t, int64_t n, Rng& rng) {
    std::vector<uint8_t> row(dtype_row_bytes(t, n));
    for (uint8_t& byte : row) byte = static_cast<uint8_t>(rng.uniform_int(0, 255));
    const int block_bytes = dtype_traits(t).block_bytes;
    const int64_t nblocks = static_cast<int64_t>(row.size()) / block_bytes;
    auto half = [&](float lo, float hi) { return fp32_to_fp16(rng.uniform(lo, hi)); };
    for (int64_t i = 0; i < nblocks; ++i) {
        uint8_t* p = row.data() + i * block_bytes;
        switch (t) {
            case DType::F32: {
                const float v = rng.normal();
                std::memcpy(p, &v, 4);
                break;
            }
            case DType::F16: {
                const uint16_t v = fp32_to_fp16(rng.normal());
                std::memcpy(p, &v, 2);
                break;
            }
            case DType::BF16: {
                const uint16_t v = fp32_to_bf16(rng.normal());
                std::memcpy(p, &v, 2);
                break;
            }
            case DType::Q4_0: reinterpret_cast<BlockQ4_0*>(p)->d = half(-0.1f, 0.1f); break;
            case DType::Q4_1: {
                auto* b = reinterpret_cast<BlockQ4_1*>(p);
                b->d = half(0.001f, 0.1f);
                b->m = half(-0.8f, 0.0f);
                break;
            }
            case DType::Q5_0: reinterpret_cast<BlockQ5_0*>(p)->d = half(-0.05f, 0.05f); break;
            case DType::Q5_1: {
                auto* b = reinterpret_cast<BlockQ5_1*>(p);
                b->d = half(0.001f, 0.05f);
                b->m = half(-0.8f, 0.0f);
                break;
            }
            case DType::Q8_0: reinterpret_cast<BlockQ8_0*>(p)->d = half(-0.01f, 0.01f); break;
            case DType::IQ4_NL: reinterpret_cast<BlockIQ4_NL*>(p)->d = half(-0.01f, 0.01f); break;
            case DType::Q2_K: {
                auto* b = reinterpret_cast<BlockQ2_K*>(p);
                b->d = half(0.001f, 0.05f);
                b->dmin = half(0.001f, 0.05f);
                break;
            }
            case DType::Q3_K: reinterpret_cast<BlockQ3_K*>(p)->d = half(-0.01f, 0.01f); break;
            case DType::Q4_K: {
                auto* b = reinterpret_cast<BlockQ4_K*>(p);
                b->d = half(0.0005f, 0.005f);
                b->dmin = half(0.0005f, 0.005f);
                break;
            }
            case DType::Q5_K: {
                auto* b = reinterpret_cast<BlockQ5_K*>(p);
                b->d = half(0.0005f, 0.005f);
                b->dmin = half(0.0005f, 0.005f);
                break;
            }
            case DType::Q6_K: reinterpret_cast<BlockQ6_K*>(p)->d = half(-0.002f, 0.002f); break;
            case DType::Q8_1:
            case DType::Q8_K: break;
        }
    }
    return row;
}

std::vector<float> random_activations(int64_t n, Rng& rng) {
    std::vector<float> x(static_cast<size_t>(n));
    for (float& v : x) v = rng.normal();
    for (int k = 0; k < 4; ++k) x[static_cast<size_t>(rng.uniform_int(0, int(n) - 1))] *= 8.0f;  // a few outliers
    return x;
}

const DType kWeightTypes[] = {DType::F32,  DType::F16,  DType::BF16, DType::Q4_0,  DType::Q4_1,
                              DType::Q5_0, DType::Q5_1, DType::Q8_0, DType::Q2_K,  DType::Q3_K,
                              DType::Q4_K, DType::Q5_K, DType::Q6_K, DType::IQ4_NL};

void add_weight_type_rows() {
    QTest::addColumn<gleaner::DType>("type");
    for (DType t : kWeightTypes) QTest::newRow(std::string(dtype_traits(t).name).c_str()) << t;
}

// The SIMD kernel sets this CPU supports.
std::vector<const cpu::detail::KernelSet*> simd_kernel_sets() {
    std::vector<const cpu::detail::KernelSet*> sets;
    if (const auto* s = cpu::detail::avx2_kernels()) sets.push_back(s);
    if (const auto* s = cpu::detail::avx512vnni_kernels()) sets.push_back(s);
    if (const auto* s = cpu::detail::amx_kernels()) sets.push_back(s);
    return sets;
}

#if defined(__x86_64__)
__attribute__((target("f16c"))) uint16_t hardware_fp32_to_fp16(float f) {
    return static_cast<uint16_t>(_cvtss_sh(f, _MM_FROUND_TO_NEAREST_INT));
}
__attribute__((target("f16c"))) float hardware_fp16_to_fp32(uint16_t h) { return _cvtsh_ss(h); }
#endif

}  // namespace

class TestQuant : public QObject {
    Q_OBJECT

private slots:
    // ---- f16 / bf16 ----
    void fp16ToFp32KnownValues() {
        QCOMPARE(fp16_to_fp32(0x3C00), 1.0f);
        QCOMPARE(fp16_to_fp32(0xC000), -2.0f);
        QCOMPARE(fp16_to_fp32(0x3555), 0.333251953125f);
        QCOMPARE(fp16_to_fp32(0x7BFF), 65504.0f);                         // largest finite
        QCOMPARE(fp16_to_fp32(0x0400), std::ldexp(1.0f, -14));            // smallest normal
        QCOMPARE(fp16_to_fp32(0x0001), std::ldexp(1.0f, -24));            // smallest subnormal
        QCOMPARE(fp16_to_fp32(0x03FF), 1023.0f * std::ldexp(1.0f, -24));  // largest subnormal
        QCOMPARE(fp16_to_fp32(0x8001), -std::ldexp(1.0f, -24));
        QVERIFY(same_bits(fp16_to_fp32(0x0000), 0.0f));
        QVERIFY(same_bits(fp16_to_fp32(0x8000), -0.0f));
        QVERIFY(std::isinf(fp16_to_fp32(0x7C00)) && fp16_to_fp32(0x7C00) > 0);
        QVERIFY(std::isinf(fp16_to_fp32(0xFC00)) && fp16_to_fp32(0xFC00) < 0);
        QVERIFY(std::isnan(fp16_to_fp32(0x7E00)));
        QVERIFY(std::isnan(fp16_to_fp32(0x7C01)));  // signalling NaN stays NaN
    }

    void fp32ToFp16Rounding() {
        QCOMPARE(fp32_to_fp16(1.0f), uint16_t(0x3C00));
        QCOMPARE(fp32_to_fp16(-2.0f), uint16_t(0xC000));
        QCOMPARE(fp32_to_fp16(65504.0f), uint16_t(0x7BFF));
        QCOMPARE(fp32_to_fp16(65519.0f), uint16_t(0x7BFF));  // below the halfway point
        QCOMPARE(fp32_to_fp16(65520.0f), uint16_t(0x7C00));  // halfway: ties to even -> inf
        QCOMPARE(fp32_to_fp16(1e6f), uint16_t(0x7C00));
        QCOMPARE(fp32_to_fp16(-1e6f), uint16_t(0xFC00));
        // ties to even in the normal range: 1 + 2^-11 lies halfway between 0x3C00 and 0x3C01
        QCOMPARE(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11)), uint16_t(0x3C00));
        QCOMPARE(fp32_to_fp16(1.0f + 3 * std::ldexp(1.0f, -11)), uint16_t(0x3C02));
        QCOMPARE(fp32_to_fp16(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), uint16_t(0x3C01));
        // subnormal results
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -24)), uint16_t(0x0001));
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -25)), uint16_t(0x0000));  // tie -> even (0)
        QCOMPARE(fp32_to_fp16(std::ldexp(1.5f, -25)), uint16_t(0x0001));
        QCOMPARE(fp32_to_fp16(std::ldexp(3.0f, -25)), uint16_t(0x0002));  // 1.5 ulp: tie -> 2
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -26)), uint16_t(0x0000));
        QCOMPARE(fp32_to_fp16(1023.5f * std::ldexp(1.0f, -24)), uint16_t(0x0400));  // rounds up into normals
        QCOMPARE(fp32_to_fp16(-std::ldexp(1.0f, -24)), uint16_t(0x8001));
        QCOMPARE(fp32_to_fp16(std::ldexp(1.0f, -140)), uint16_t(0x0000));  // f32 subnormal input
        QCOMPARE(fp32_to_fp16(-0.0f), uint16_t(0x8000));
        QCOMPARE(fp32_to_fp16(INFINITY), uint16_t(0x7C00));
        QCOMPARE(fp32_to_fp16(-INFINITY), uint16_t(0xFC00));
        const uint16_t nan = fp32_to_fp16(NAN);
        QVERIFY((nan & 0x7C00) == 0x7C00 && (nan & 0x03FF) != 0);
    }

    void fp16RoundTripsEveryHalf() {
        for (uint32_t h = 0; h < 0x10000; ++h) {
            const uint16_t half = static_cast<uint16_t>(h);
            const float f = fp16_to_fp32(half);
            if (std::isnan(f)) continue;
            if (fp32_to_fp16(f) != half) QFAIL(qPrintable(QString("0x%1 does not round-trip").arg(h, 4, 16)));
        }
    }

    void fp16MatchesF16cHardware() {
#if defined(__x86_64__)
        if (!__builtin_cpu_supports("f16c")) QSKIP("no F16C");
        for (uint32_t h = 0; h < 0x10000; ++h) {
            const float f = fp16_to_fp32(static_cast<uint16_t>(h));
            if (!std::isnan(f) && !same_bits(f, hardware_fp16_to_fp32(static_cast<uint16_t>(h))))
                QFAIL(qPrintable(QString("fp16_to_fp32(0x%1) differs from vcvtph2ps").arg(h, 4, 16)));
        }
        std::mt19937 gen(7);
        for (int i = 0; i < 2000000; ++i) {
            // random bit patterns, biased toward the f16 range
            uint32_t bits = gen();
            if (i & 1) bits = (bits & 0x807FFFFFu) | ((100u + bits % 45u) << 23);
            float f;
            std::memcpy(&f, &bits, 4);
            if (std::isnan(f)) continue;
            if (fp32_to_fp16(f) != hardware_fp32_to_fp16(f))
                QFAIL(qPrintable(QString("fp32_to_fp16 bits 0x%1 differs from vcvtps2ph").arg(bits, 8, 16)));
        }
#else
        QSKIP("x86 only");
#endif
    }

    void bf16Conversions() {
        QCOMPARE(bf16_to_fp32(0x3F80), 1.0f);
        QCOMPARE(bf16_to_fp32(0xC040), -3.0f);
        QCOMPARE(bf16_to_fp32(0x0001), std::ldexp(1.0f, -133));  // subnormal
        QVERIFY(std::isinf(bf16_to_fp32(0x7F80)));
        QVERIFY(std::isnan(bf16_to_fp32(0x7FC0)));
        auto from_bits = [](uint32_t bits) {
            float f;
            std::memcpy(&f, &bits, 4);
            return f;
        };
        QCOMPARE(fp32_to_bf16(1.0f), uint16_t(0x3F80));
        QCOMPARE(fp32_to_bf16(from_bits(0x3F808000)), uint16_t(0x3F80));  // tie -> even
        QCOMPARE(fp32_to_bf16(from_bits(0x3F818000)), uint16_t(0x3F82));  // tie -> even
        QCOMPARE(fp32_to_bf16(from_bits(0x3F808001)), uint16_t(0x3F81));
        QCOMPARE(fp32_to_bf16(from_bits(0x00018000)), uint16_t(0x0002));  // subnormal tie -> even
        QCOMPARE(fp32_to_bf16(from_bits(0x00010000)), uint16_t(0x0001));
        QCOMPARE(fp32_to_bf16(from_bits(0x7F7FFFFF)), uint16_t(0x7F80));  // rounds up to inf
        QCOMPARE(fp32_to_bf16(-INFINITY), uint16_t(0xFF80));
        QCOMPARE(fp32_to_bf16(-0.0f), uint16_t(0x8000));
        const uint16_t nan = fp32_to_bf16(from_bits(0x7F800001));  // would truncate to inf
        QVERIFY(std::isnan(bf16_to_fp32(nan)));
    }

    // ---- block layouts ----
    void blockSizesMatchDTypeTraits() {
        QCOMPARE(size_t(dtype_traits(DType::Q4_0).block_bytes), sizeof(BlockQ4_0));
        QCOMPARE(size_t(dtype_traits(DType::Q4_1).block_bytes), sizeof(BlockQ4_1));
        QCOMPARE(size_t(dtype_traits(DType::Q5_0).block_bytes), sizeof(BlockQ5_0));
        QCOMPARE(size_t(dtype_traits(DType::Q5_1).block_bytes), sizeof(BlockQ5_1));
        QCOMPARE(size_t(dtype_traits(DType::Q8_0).block_bytes), sizeof(BlockQ8_0));
        QCOMPARE(size_t(dtype_traits(DType::Q8_1).block_bytes), sizeof(BlockQ8_1));
        QCOMPARE(size_t(dtype_traits(DType::Q2_K).block_bytes), sizeof(BlockQ2_K));
        QCOMPARE(size_t(dtype_traits(DType::Q3_K).block_bytes), sizeof(BlockQ3_K));
        QCOMPARE(size_t(dtype_traits(DType::Q4_K).block_bytes), sizeof(BlockQ4_K));
        QCOMPARE(size_t(dtype_traits(DType::Q5_K).block_bytes), sizeof(BlockQ5_K));
        QCOMPARE(size_t(dtype_traits(DType::Q6_K).block_bytes), sizeof(BlockQ6_K));
        QCOMPARE(size_t(dtype_traits(DType::Q8_K).block_bytes), sizeof(BlockQ8_K));
        QCOMPARE(size_t(dtype_traits(DType::IQ4_NL).block_bytes), sizeof(BlockIQ4_NL));
        // field offsets that the file format fixes
        QCOMPARE(offsetof(BlockQ2_K, d), size_t(80));
        QCOMPARE(offsetof(BlockQ3_K, scales), size_t(96));
        QCOMPARE(offsetof(BlockQ3_K, d), size_t(108));
        QCOMPARE(offsetof(BlockQ4_K, qs), size_t(16));
        QCOMPARE(offsetof(BlockQ5_K, qh), size_t(16));
        QCOMPARE(offsetof(BlockQ5_K, qs), size_t(48));
        QCOMPARE(offsetof(BlockQ6_K, scales), size_t(192));
        QCOMPARE(offsetof(BlockQ6_K, d), size_t(208));
        QCOMPARE(offsetof(BlockQ8_K, bsums), size_t(260));
        QCOMPARE(offsetof(BlockQ5_1, qh), size_t(4));
    }

    // ---- dequantization on hand-built blocks ----
    void dequantQ4_0() {
        // d = 0.5; byte j holds element j (low nibble j) and element j+16 (high nibble 15-j)
        BlockQ4_0 b{};
        b.d = kHalfHalf;
        for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        const float expected[32] = {-4.0f, -3.5f, -3.0f, -2.5f, -2.0f, -1.5f, -1.0f, -0.5f,   // (q-8)*0.5, q=0..7
                                    0.0f,  0.5f,  1.0f,  1.5f,  2.0f,  2.5f,  3.0f,  3.5f,    // q=8..15
                                    3.5f,  3.0f,  2.5f,  2.0f,  1.5f,  1.0f,  0.5f,  0.0f,    // q=15..8
                                    -0.5f, -1.0f, -1.5f, -2.0f, -2.5f, -3.0f, -3.5f, -4.0f};  // q=7..0
        float out[32];
        dequant_block_q4_0(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "Q4_0"));
    }

    void dequantQ4_1() {
        BlockQ4_1 b{};
        b.d = kHalfQuarter;
        b.m = kHalfMinusOne;
        for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        float expected[32];
        for (int j = 0; j < 16; ++j) {
            expected[j] = 0.25f * j - 1.0f;
            expected[j + 16] = 0.25f * (15 - j) - 1.0f;
        }
        float out[32];
        dequant_block_q4_1(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "Q4_1"));
    }

    void dequantQ5_0() {
        // qh = 0xAAAA5555 little-endian: elements 0..15 have bit 4 set when even,
        // elements 16..31 when odd.
        BlockQ5_0 b{};
        b.d = kHalfOne;
        const uint8_t qh[4] = {0x55, 0x55, 0xAA, 0xAA};
        std::memcpy(b.qh, qh, 4);
        for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        float expected[32];
        for (int e = 0; e < 32; ++e) {
            const int nibble = e < 16 ? e : 15 - (e - 16);
            const bool high = e < 16 ? (e % 2 == 0) : (e % 2 == 1);
            expected[e] = static_cast<float>(nibble + (high ? 16 : 0) - 16);
        }
        QCOMPARE(expected[0], 0.0f);    // nibble 0 + 16 - 16
        QCOMPARE(expected[1], -15.0f);  // nibble 1 - 16
        QCOMPARE(expected[17], 14.0f);  // nibble 14 + 16 - 16
        float out[32];
        dequant_block_q5_0(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "Q5_0"));
    }

    void dequantQ5_1() {
        BlockQ5_1 b{};
        b.d = kHalfHalf;
        b.m = kHalfTwo;
        const uint8_t qh[4] = {0x55, 0x55, 0xAA, 0xAA};
        std::memcpy(b.qh, qh, 4);
        for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        float expected[32];
        for (int e = 0; e < 32; ++e) {
            const int nibble = e < 16 ? e : 15 - (e - 16);
            const bool high = e < 16 ? (e % 2 == 0) : (e % 2 == 1);
            expected[e] = 0.5f * static_cast<float>(nibble + (high ? 16 : 0)) + 2.0f;
        }
        float out[32];
        dequant_block_q5_1(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "Q5_1"));
    }

    void dequantQ8_0() {
        BlockQ8_0 b{};
        b.d = kHalfEighth;
        for (int j = 0; j < 32; ++j) b.qs[j] = static_cast<int8_t>(8 * j - 128);
        float expected[32];
        for (int j = 0; j < 32; ++j) expected[j] = static_cast<float>(j - 16);  // (8j-128)/8
        float out[32];
        dequant_block_q8_0(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "Q8_0"));
    }

    void dequantIQ4_NL() {
        BlockIQ4_NL b{};
        b.d = kHalfTwo;
        for (int j = 0; j < 16; ++j) b.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
        const float table[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};
        float expected[32];
        for (int j = 0; j < 16; ++j) {
            expected[j] = 2.0f * table[j];
            expected[j + 16] = 2.0f * table[15 - j];
        }
        float out[32];
        dequant_block_iq4_nl(&b, out);
        QVERIFY(floats_equal(out, expected, 32, "IQ4_NL"));
        for (int q = 0; q < 16; ++q) QCOMPARE(iq4nl_value(q), static_cast<int>(table[q]));
    }

    void dequantQ2_K() {
        // scale of sub-block s = s, min = 15 - s; the 2-bit values follow a pattern.
        BlockQ2_K b{};
        b.d = kHalfHalf;
        b.dmin = kHalfQuarter;
        for (int s = 0; s < 16; ++s) b.scales[s] = static_cast<uint8_t>(s | ((15 - s) << 4));
        int q[256];
        for (int e = 0; e < 256; ++e) q[e] = (e * 7 + e / 13) & 3;
        for (int e = 0; e < 256; ++e) {  // element e: n = e/128, j = (e%128)/32, l = e%32
            const int n = e / 128, j = (e % 128) / 32, l = e % 32;
            b.qs[32 * n + l] |= static_cast<uint8_t>(q[e] << (2 * j));
        }
        float expected[256];
        for (int e = 0; e < 256; ++e) {
            const int s = e / 16;  // sub-block 8n + 2j + (l >= 16) is simply e / 16
            expected[e] = (0.5f * s) * q[e] - 0.25f * (15 - s);
        }
        float out[256];
        dequant_block_q2_k(&b, out);
        QVERIFY(floats_equal(out, expected, 256, "Q2_K"));
    }

    void dequantQ3_KScaleBytes() {
        // Explicit bytes: scales[0] = 0x21 gives scale 0 low bits 1 and scale 8 low bits 2;
        // scales[8] = 0b11100100 gives high bits 0 (scale 0), 1 (scale 4), 2 (scale 8),
        // 3 (scale 12). So scale 0 = 1 - 32 = -31, scale 8 = (2 | 2<<4) - 32 = 2,
        // scale 4 = (0 | 1<<4) - 32 = -16, scale 12 = (0 | 3<<4) - 32 = 16.
        BlockQ3_K b{};
        b.scales[0] = 0x21;
        b.scales[8] = 0xE4;
        QCOMPARE(q3k_scale(b.scales, 0), -31);
        QCOMPARE(q3k_scale(b.scales, 8), 2);
        QCOMPARE(q3k_scale(b.scales, 4), -16);
        QCOMPARE(q3k_scale(b.scales, 12), 16);
        QCOMPARE(q3k_scale(b.scales, 1), -32);
        // d = 1, all qs = 0, hmask = 0: every value is (0 - 4) * scale.
        b.d = kHalfOne;
        float out[256];
        dequant_block_q3_k(&b, out);
        QCOMPARE(out[0], 124.0f);    // -4 * -31, element 0 is sub-block 0
        QCOMPARE(out[64], 64.0f);    // -4 * -16, sub-block 4
        QCOMPARE(out[128], -8.0f);   // -4 * 2, sub-block 8
        QCOMPARE(out[200], -64.0f);  // -4 * 16, sub-block 12
        QCOMPARE(out[16], 128.0f);   // -4 * -32, sub-block 1
    }

    void dequantQ3_K() {
        int scale6[16];
        for (int k = 0; k < 16; ++k) scale6[k] = (k * 23 + 5) & 63;
        int value[256];  // 3-bit signed values -4..3
        for (int e = 0; e < 256; ++e) value[e] = ((e * 5 + e / 7) & 7) - 4;
        BlockQ3_K b{};
        b.d = kHalfQuarter;
        pack_q3k_scales(scale6, b.scales);
        for (int e = 0; e < 256; ++e) {
            const int n = e / 128, j = (e % 128) / 32, l = e % 32;
            // value = low2 - (hmask bit set ? 0 : 4)
            const bool high = value[e] >= 0;
            const int low2 = high ? value[e] : value[e] + 4;
            b.qs[32 * n + l] |= static_cast<uint8_t>(low2 << (2 * j));
            if (high) b.hmask[l] |= static_cast<uint8_t>(1 << (4 * n + j));
        }
        float expected[256];
        for (int e = 0; e < 256; ++e) expected[e] = (0.25f * (scale6[e / 16] - 32)) * value[e];
        float out[256];
        dequant_block_q3_k(&b, out);
        QVERIFY(floats_equal(out, expected, 256, "Q3_K"));
    }

    void dequantQ4_KScaleBytes() {
        // Explicit bytes: b[0] = 0xC1 -> scale 0 = 1 (top bits 3 belong to scale 4);
        // b[4] = 0x82 -> min 0 = 2 (top bits 2 belong to min 4);
        // b[8] = 0x5A -> scale 4 = 0xA | 3<<4 = 58, min 4 = 0x5 | 2<<4 = 37.
        uint8_t bytes[12] = {0xC1, 0, 0, 0, 0x82, 0, 0, 0, 0x5A, 0, 0, 0};
        uint8_t sc, m;
        k4_scale_min(0, bytes, &sc, &m);
        QCOMPARE(int(sc), 1);
        QCOMPARE(int(m), 2);
        k4_scale_min(4, bytes, &sc, &m);
        QCOMPARE(int(sc), 58);
        QCOMPARE(int(m), 37);
        k4_scale_min(5, bytes, &sc, &m);
        QCOMPARE(int(sc), 0);
        QCOMPARE(int(m), 0);
    }

    void dequantQ4_K() {
        int scale[8], min[8];
        for (int k = 0; k < 8; ++k) {
            scale[k] = (k * 19 + 3) & 63;
            min[k] = (k * 29 + 60) & 63;
        }
        int q[256];
        for (int e = 0; e < 256; ++e) q[e] = (e * 3 + e / 11) & 15;
        BlockQ4_K b{};
        b.d = kHalfQuarter;
        b.dmin = kHalfEighth;
        pack_k4_scales(scale, min, b.scales);
        for (int e = 0; e < 256; ++e) {  // chunk c = e/64: first 32 low nibbles, next 32 high
            const int c = e / 64, within = e % 64;
            if (within < 32)
                b.qs[32 * c + within] |= static_cast<uint8_t>(q[e]);
            else
                b.qs[32 * c + within - 32] |= static_cast<uint8_t>(q[e] << 4);
        }
        float expected[256];
        for (int e = 0; e < 256; ++e) expected[e] = (0.25f * scale[e / 32]) * q[e] - 0.125f * min[e / 32];
        float out[256];
        dequant_block_q4_k(&b, out);
        QVERIFY(floats_equal(out, expected, 256, "Q4_K"));
    }

    void dequantQ5_K() {
        int scale[8], min[8];
        for (int k = 0; k < 8; ++k) {
            scale[k] = (k * 37 + 11) & 63;
            min[k] = (k * 13 + 1) & 63;
        }
        int q[256];
        for (int e = 0; e < 256; ++e) q[e] = (e * 7 + e / 5) & 31;
        BlockQ5_K b{};
        b.d = kHalfEighth;
        b.dmin = kHalfHalf;
        pack_k4_scales(scale, min, b.scales);
        for (int e = 0; e < 256; ++e) {
            const int c = e / 64, within = e % 64;
            const int low4 = q[e] & 15;
            if (within < 32)
                b.qs[32 * c + within] |= static_cast<uint8_t>(low4);
            else
                b.qs[32 * c + within - 32] |= static_cast<uint8_t>(low4 << 4);
            if (q[e] & 16) b.qh[e % 32] |= static_cast<uint8_t>(1 << (2 * c + (within < 32 ? 0 : 1)));
        }
        float expected[256];
        for (int e = 0; e < 256; ++e) expected[e] = (0.125f * scale[e / 32]) * q[e] - 0.5f * min[e / 32];
        float out[256];
        dequant_block_q5_k(&b, out);
        QVERIFY(floats_equal(out, expected, 256, "Q5_K"));
    }

    void dequantQ6_K() {
        int q[256];  // 6-bit unsigned, value q - 32
        for (int e = 0; e < 256; ++e) q[e] = (e * 11 + e / 3) & 63;
        BlockQ6_K b{};
        b.d = kHalfQuarter;
        for (int s = 0; s < 16; ++s) b.scales[s] = static_cast<int8_t>(s * 17 - 128);
        for (int e = 0; e < 256; ++e) {
            // half n, group t = (e%128)/32, lane l: ql[64n + l + 32*(t&1)] (low nibble for
            // t < 2, high for t >= 2), top 2 bits at bits 2t of qh[32n + l].
            const int n = e / 128, t = (e % 128) / 32, l = e % 32;
            b.ql[64 * n + l + 32 * (t & 1)] |= static_cast<uint8_t>((q[e] & 15) << (t < 2 ? 0 : 4));
            b.qh[32 * n + l] |= static_cast<uint8_t>((q[e] >> 4) << (2 * t));
        }
        float expected[256];
        for (int e = 0; e < 256; ++e) expected[e] = (0.25f * b.scales[e / 16]) * (q[e] - 32);
        float out[256];
        dequant_block_q6_k(&b, out);
        QVERIFY(floats_equal(out, expected, 256, "Q6_K"));

        // Explicit bytes: ql[0] = 0x21, qh[0] = 0b11100100 -> element 0 = 1 | 0<<4,
        // element 64 = 2 | 2<<4 = 34; ql[32] = 0x0F -> element 32 = 15 | 1<<4 = 31;
        // element 96 = 0 | 3<<4 = 48.
        BlockQ6_K spot{};
        spot.d = kHalfOne;
        for (int s = 0; s < 16; ++s) spot.scales[s] = 1;
        spot.ql[0] = 0x21;
        spot.ql[32] = 0x0F;
        spot.qh[0] = 0xE4;
        dequant_block_q6_k(&spot, out);
        QCOMPARE(out[0], -31.0f);
        QCOMPARE(out[32], -1.0f);
        QCOMPARE(out[64], 2.0f);
        QCOMPARE(out[96], 16.0f);
        QCOMPARE(out[1], -32.0f);
    }

    void dequantizeRowMatchesBlocks_data() { add_weight_type_rows(); }
    void dequantizeRowMatchesBlocks() {
        QFETCH(gleaner::DType, type);
        QVERIFY(dtype_is_supported_weight(type));
        Rng rng;
        const int64_t n = 512;
        const std::vector<uint8_t> row = random_weight_row(type, n, rng);
        std::vector<float> got(n), want(n);
        dequantize_row(type, row.data(), got.data(), n);
        // Independent per-element reference for the plain types; the per-block functions
        // (checked above) for the quantized ones.
        const int block_elems = dtype_traits(type).block_elems;
        const int block_bytes = dtype_traits(type).block_bytes;
        for (int64_t i = 0; i < n / block_elems; ++i) {
            const uint8_t* p = row.data() + i * block_bytes;
            float* out = want.data() + i * block_elems;
            switch (type) {
                case DType::F32: std::memcpy(out, p, 4); break;
                case DType::F16: out[0] = fp16_to_fp32(uint16_t(p[0] | p[1] << 8)); break;
                case DType::BF16: out[0] = bf16_to_fp32(uint16_t(p[0] | p[1] << 8)); break;
                case DType::Q4_0: dequant_block_q4_0(reinterpret_cast<const BlockQ4_0*>(p), out); break;
                case DType::Q4_1: dequant_block_q4_1(reinterpret_cast<const BlockQ4_1*>(p), out); break;
                case DType::Q5_0: dequant_block_q5_0(reinterpret_cast<const BlockQ5_0*>(p), out); break;
                case DType::Q5_1: dequant_block_q5_1(reinterpret_cast<const BlockQ5_1*>(p), out); break;
                case DType::Q8_0: dequant_block_q8_0(reinterpret_cast<const BlockQ8_0*>(p), out); break;
                case DType::IQ4_NL: dequant_block_iq4_nl(reinterpret_cast<const BlockIQ4_NL*>(p), out); break;
                case DType::Q2_K: dequant_block_q2_k(reinterpret_cast<const BlockQ2_K*>(p), out); break;
                case DType::Q3_K: dequant_block_q3_k(reinterpret_cast<const BlockQ3_K*>(p), out); break;
                case DType::Q4_K: dequant_block_q4_k(reinterpret_cast<const BlockQ4_K*>(p), out); break;
                case DType::Q5_K: dequant_block_q5_k(reinterpret_cast<const BlockQ5_K*>(p), out); break;
                case DType::Q6_K: dequant_block_q6_k(reinterpret_cast<const BlockQ6_K*>(p), out); break;
                default: QFAIL("unexpected type");
            }
        }
        QVERIFY(floats_equal(got.data(), want.data(), int(n), "dequantize_row"));
    }

    void supportedWeightTypes() {
        for (DType t : kWeightTypes) QVERIFY(dtype_is_supported_weight(t));
        QVERIFY(!dtype_is_supported_weight(DType::Q8_1));
        QVERIFY(!dtype_is_supported_weight(DType::Q8_K));
    }

    // ---- activation quantizers ----
    void quantizeRowQ8_0() {
        Rng rng;
        const std::vector<float> x = random_activations(256, rng);
        std::vector<BlockQ8_0> q(8);
        cpu::quantize_row(DType::Q8_0, x.data(), q.data(), 256);
        for (int ib = 0; ib < 8; ++ib) {
            float amax = 0;
            for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * ib + j]));
            QCOMPARE(q[ib].d, fp32_to_fp16(amax / 127.0f));
            const float d = amax / 127.0f;
            int extreme = 0;
            for (int j = 0; j < 32; ++j) {
                QVERIFY(std::fabs(q[ib].qs[j] * d - x[32 * ib + j]) <= 0.5f * d * 1.0001f);
                extreme = std::max(extreme, std::abs(int(q[ib].qs[j])));
            }
            QCOMPARE(extreme, 127);
        }
        // an all-zero block quantizes to zeros with d = 0
        std::vector<float> zeros(32, 0.0f);
        cpu::quantize_row(DType::Q8_0, zeros.data(), q.data(), 32);
        QCOMPARE(q[0].d, uint16_t(0));
        for (int j = 0; j < 32; ++j) QCOMPARE(int(q[0].qs[j]), 0);
    }

    void quantizeRowQ8_1() {
        Rng rng;
        const std::vector<float> x = random_activations(128, rng);
        std::vector<BlockQ8_1> q(4);
        cpu::quantize_row(DType::Q8_1, x.data(), q.data(), 128);
        for (int ib = 0; ib < 4; ++ib) {
            float amax = 0;
            int sum = 0;
            for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[32 * ib + j]));
            for (int j = 0; j < 32; ++j) sum += q[ib].qs[j];
            const float d = amax / 127.0f;
            QCOMPARE(q[ib].d, fp32_to_fp16(d));
            QCOMPARE(q[ib].s, fp32_to_fp16(d * float(sum)));
            for (int j = 0; j < 32; ++j) QVERIFY(std::fabs(q[ib].qs[j] * d - x[32 * ib + j]) <= 0.5f * d * 1.0001f);
        }
    }

    void quantizeRowQ8_K() {
        // ggml's Q8_K: the signed value of largest magnitude (first on ties) maps to -127,
        // iscale = -127/max, d = 1/iscale (f32), bsums[g] = sum of qs[16g..16g+15].
        Rng rng;
        const std::vector<float> x = random_activations(512, rng);
        std::vector<BlockQ8_K> q(3);
        cpu::quantize_row(DType::Q8_K, x.data(), q.data(), 512);
        for (int ib = 0; ib < 2; ++ib) {
            float amax = 0, max = 0;
            for (int j = 0; j < 256; ++j)
                if (std::fabs(x[256 * ib + j]) > amax) {
                    amax = std::fabs(x[256 * ib + j]);
                    max = x[256 * ib + j];
                }
            const float iscale = -127.0f / max;
            QCOMPARE(q[ib].d, 1.0f / iscale);
            for (int g = 0; g < 16; ++g) {
                int sum = 0;
                for (int j = 0; j < 16; ++j) sum += q[ib].qs[16 * g + j];
                QCOMPARE(int(q[ib].bsums[g]), sum);
            }
            for (int j = 0; j < 256; ++j) {
                QCOMPARE(int(q[ib].qs[j]), int(std::nearbyint(iscale * x[256 * ib + j])));
                QVERIFY(std::fabs(q[ib].qs[j] * q[ib].d - x[256 * ib + j]) <= 0.5f * std::fabs(q[ib].d) * 1.0001f);
            }
        }
        // ties between +amax and -amax: the first one sets the sign; zeros give d = 0
        std::vector<float> tie(256, 0.25f);
        tie[3] = -2.0f;
        tie[9] = 2.0f;
        cpu::quantize_row(DType::Q8_K, tie.data(), q.data(), 256);
        QCOMPARE(int(q[0].qs[3]), -127);
        QCOMPARE(int(q[0].qs[9]), 127);
        QCOMPARE(q[0].d, 1.0f / (-127.0f / -2.0f));
        std::vector<float> zeros(256, 0.0f);
        cpu::quantize_row(DType::Q8_K, zeros.data(), q.data(), 256);
        QCOMPARE(q[0].d, 0.0f);
        QCOMPARE(int(q[0].bsums[0]), 0);
    }

    // ---- dot products ----

    // quantize_row + vec_dot against the float dot of the dequantized weights with
    // (a) the original f32 activations: error bounded by the 8-bit activation quantization;
    // (b) the dequantized activations: only float rounding (and, for Q8_1, the f16 rounding
    //     of s) separates the integer kernel from this.
    void vecDotMatchesFloatReference_data() { add_weight_type_rows(); }
    void vecDotMatchesFloatReference() {
        QFETCH(gleaner::DType, type);
        Rng rng;
        const int64_t n = 1024;
        for (int trial = 0; trial < 8; ++trial) {
            const std::vector<uint8_t> w = random_weight_row(type, n, rng);
            const std::vector<float> x = random_activations(n, rng);
            const DType act_type = cpu::vec_dot_type(type);
            std::vector<uint8_t> act(cpu::vec_dot_act_row_bytes(type, n));
            cpu::quantize_row(act_type, x.data(), act.data(), n);

            std::vector<float> wf(n), xq(n);
            dequantize_row(type, w.data(), wf.data(), n);
            dequantize_row(act_type, act.data(), xq.data(), n);
            double ref = 0, ref_quantized = 0, magnitude = 0;
            for (int64_t i = 0; i < n; ++i) {
                ref += double(wf[i]) * x[i];
                ref_quantized += double(wf[i]) * xq[i];
                magnitude += std::fabs(double(wf[i]) * x[i]);
            }
            const double got = cpu::vec_dot(type, n, w.data(), act.data());
            const double tol_act = 1e-2 * magnitude;
            const double tol_kernel = (act_type == DType::Q8_1 ? 2e-3 : 2e-5) * magnitude;
            if (std::fabs(got - ref) > tol_act || std::fabs(got - ref_quantized) > tol_kernel)
                qWarning("trial %d: got %.7g, float reference %.7g, quantized-activation reference %.7g, sum|wx| %.7g",
                         trial, got, ref, ref_quantized, magnitude);
            QVERIFY(std::fabs(got - ref) <= tol_act);
            QVERIFY(std::fabs(got - ref_quantized) <= tol_kernel);
        }
    }

    // Every SIMD kernel set against the scalar one: identical quantized activations, dot
    // products equal within 1e-4 relative (summation order differs).
    void simdMatchesScalar_data() { add_weight_type_rows(); }
    void simdMatchesScalar() {
        QFETCH(gleaner::DType, type);
        const auto sets = simd_kernel_sets();
        if (sets.empty()) QSKIP("no SIMD kernels on this CPU");
        const cpu::detail::KernelSet& scalar = cpu::detail::scalar_kernels();
        const int slot = cpu::detail::type_slot(type);
        const DType act_type = cpu::vec_dot_type(type);
        const int act_slot = cpu::detail::type_slot(act_type);
        Rng rng;
        for (const int64_t n : {int64_t(256), int64_t(2304), int64_t(4096)}) {
            const std::vector<uint8_t> w = random_weight_row(type, n, rng);
            const std::vector<float> x = random_activations(n, rng);
            std::vector<uint8_t> act(cpu::vec_dot_act_row_bytes(type, n));
            scalar.quantize[act_slot](x.data(), act.data(), n);
            const float want = scalar.vec_dot[slot](n, w.data(), act.data());
            std::vector<float> wf(n), xq(n);
            dequantize_row(type, w.data(), wf.data(), n);
            dequantize_row(act_type, act.data(), xq.data(), n);
            double magnitude = 0;
            for (int64_t i = 0; i < n; ++i) magnitude += std::fabs(double(wf[i]) * xq[i]);
            for (const cpu::detail::KernelSet* set : sets) {
                std::vector<uint8_t> act_simd(act.size());
                set->quantize[act_slot](x.data(), act_simd.data(), n);
                if (act_simd != act) QFAIL(qPrintable(QString("%1 quantizer differs from scalar").arg(set->name)));
                const float got = set->vec_dot[slot](n, w.data(), act.data());
                if (std::fabs(got - want) > 1e-4 * magnitude)
                    QFAIL(qPrintable(QString("%1: n=%2 got %3, scalar %4").arg(set->name).arg(n).arg(got).arg(want)));
            }
        }
    }

    // Tiles (several weight rows x several activation rows, with remainders) against
    // pairwise scalar dot products, for every kernel set.
    // (7 activation rows: decode-sized tiles; 19 with 10 or 9 blocks per row: the prefill tiles,
    // whose formats may transpose groups of 8 blocks, with a partial last group; 67 with a row of
    // 576, SmolLM2's width: AMX's groups of 16 activation rows, four whole and a partial one.)
    void tileMatchesVecDot_data() {
        QTest::addColumn<gleaner::DType>("type");
        QTest::addColumn<int>("nact");
        QTest::addColumn<int>("n");
        for (DType t : kWeightTypes) {
            const std::string name(dtype_traits(t).name);
            const int block = dtype_traits(t).block_elems;
            QTest::newRow((name + " x7").c_str()) << t << 7 << 512;
            QTest::newRow((name + " x19").c_str()) << t << 19 << (block > 1 ? 10 * block : 320);
            // an odd block count: AMX's units go through the tiles in pairs, then a lone last one
            QTest::newRow((name + " x19 odd").c_str()) << t << 19 << (block > 1 ? 9 * block : 288);
            QTest::newRow((name + " x67").c_str()) << t << 67 << (block > 1 ? 18 * 32 / block * block : 576);
        }
    }
    void tileMatchesVecDot() {
        QFETCH(gleaner::DType, type);
        QFETCH(int, nact);
        QFETCH(int, n);
        Rng rng;
        const int nrows = 11;
        const size_t w_stride = dtype_row_bytes(type, n);
        const size_t act_stride = cpu::vec_dot_act_row_bytes(type, n);
        std::vector<uint8_t> w;
        for (int r = 0; r < nrows; ++r) {
            const std::vector<uint8_t> row = random_weight_row(type, n, rng);
            w.insert(w.end(), row.begin(), row.end());
        }
        std::vector<uint8_t> act(act_stride * nact);
        for (int a = 0; a < nact; ++a) {
            const std::vector<float> x = random_activations(n, rng);
            cpu::quantize_row(cpu::vec_dot_type(type), x.data(), act.data() + a * act_stride, n);
        }
        const cpu::detail::KernelSet& scalar = cpu::detail::scalar_kernels();
        const int slot = cpu::detail::type_slot(type);
        const size_t out_stride = 13;
        std::vector<float> want(out_stride * nact, 0.0f);
        for (int a = 0; a < nact; ++a)
            for (int r = 0; r < nrows; ++r)
                want[a * out_stride + r] =
                    scalar.vec_dot[slot](n, w.data() + r * w_stride, act.data() + a * act_stride);

        auto check = [&](const char* name, const std::vector<float>& got) {
            for (int a = 0; a < nact; ++a)
                for (int r = 0; r < nrows; ++r) {
                    const float g = got[a * out_stride + r], e = want[a * out_stride + r];
                    if (std::fabs(g - e) > 1e-4f * (std::fabs(e) + 1.0f)) {
                        qWarning("%s: row %d act %d: got %.7g expected %.7g", name, r, a, double(g), double(e));
                        return false;
                    }
                }
            return true;
        };
        // the public entry points (whatever set is active)
        std::vector<float> got(out_stride * nact, -1.0f);
        cpu::vec_dot_tile(type, n, w.data(), w_stride, nrows, act.data(), act_stride, nact, got.data(), out_stride);
        QVERIFY(check("vec_dot_tile", got));
        std::vector<float> one_act(nrows);
        cpu::vec_dot_nrows(type, n, w.data(), w_stride, nrows, act.data() + 2 * act_stride, one_act.data());
        for (int r = 0; r < nrows; ++r) {
            const float e = want[2 * out_stride + r];
            QVERIFY(std::fabs(one_act[r] - e) <= 1e-4f * (std::fabs(e) + 1.0f));
        }
        // every SIMD set's tile kernel directly
        for (const cpu::detail::KernelSet* set : simd_kernel_sets()) {
            if (!set->tile[slot]) continue;
            std::fill(got.begin(), got.end(), -1.0f);
            set->tile[slot](n, w.data(), w_stride, nrows, act.data(), act_stride, nact, got.data(), out_stride);
            QVERIFY(check(set->name, got));
        }
    }

    void environmentSelectsKernels() {
        const QByteArray no_avx2 = qgetenv("GLEANER_NO_AVX2");
        const char* isa = cpu::vec_dot_isa_name();
        qInfo("active kernels: %s", isa);
        if (!no_avx2.isEmpty() && no_avx2 != "0")
            QCOMPARE(QByteArray(isa), QByteArray("scalar"));
        else if (cpu::detail::avx2_kernels())
            QVERIFY(QByteArray(isa) != "scalar");
    }
};

QTEST_APPLESS_MAIN(TestQuant)
#include "test_quant.moc"
