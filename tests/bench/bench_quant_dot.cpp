// Micro-benchmark of the CPU dot-product kernels, single thread. Not a test.
//   decode:  one activation row against weights that live in L2 -> weight GB/s the kernel can
//            consume (DRAM bandwidth caps the real decode speed below this)
//   decode-dram: the same against 256 MiB of weights -> memory-bound GB/s
//   prefill: tiles of 64 activation rows (vec_dot_tile) -> multiply-accumulates per second
// Usage: bench_quant_dot [scalar|avx2|avx512vnni ...]   (default: every set this CPU has)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/quant_dot.h"
#include "cpu/quant_dot_internal.h"
#include "quant/dtype.h"
#include "quant/fp16.h"

using namespace gleaner;
using Clock = std::chrono::steady_clock;

namespace {

// Random bytes with every 2-byte-aligned f16 field sane is not needed for timing: random
// bytes are fine except that NaN scales could slow float paths, so scales are left random
// but the float types get real numbers.
std::vector<uint8_t> random_bytes(size_t n, std::mt19937& gen) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; i += 4) {
        const uint32_t r = gen();
        std::memcpy(v.data() + i, &r, std::min<size_t>(4, n - i));
    }
    return v;
}

void fill_float_weights(DType t, std::vector<uint8_t>& w, std::mt19937& gen) {
    std::normal_distribution<float> normal;
    if (t == DType::F32) {
        for (size_t i = 0; i + 4 <= w.size(); i += 4) {
            const float f = normal(gen);
            std::memcpy(w.data() + i, &f, 4);
        }
    } else if (t == DType::F16 || t == DType::BF16) {
        for (size_t i = 0; i + 2 <= w.size(); i += 2) {
            const uint16_t h = t == DType::F16 ? fp32_to_fp16(normal(gen)) : fp32_to_bf16(normal(gen));
            std::memcpy(w.data() + i, &h, 2);
        }
    }
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

volatile float g_sink;

// Best time of `trials` runs of fn (the machine is shared, so the minimum is the signal).
template <class Fn>
double best_seconds(Fn&& fn, int trials = 7) {
    double best = 1e30;
    for (int t = 0; t < trials; ++t) {
        int reps = 0;
        const auto start = Clock::now();
        double elapsed = 0;
        do {
            fn();
            ++reps;
        } while ((elapsed = seconds_since(start)) < 0.04);
        best = std::min(best, elapsed / reps);
    }
    return best;
}

void bench_type(const cpu::detail::KernelSet& set, DType t) {
    const int slot = cpu::detail::type_slot(t);
    const DType act_type = cpu::vec_dot_type(t);
    std::mt19937 gen(1);
    const int64_t n = 2048;
    const size_t row_bytes = dtype_row_bytes(t, n);
    const size_t act_bytes = dtype_row_bytes(act_type, n);

    std::vector<float> x(n * 64);
    std::normal_distribution<float> normal;
    for (float& v : x) v = normal(gen);
    std::vector<uint8_t> act(act_bytes * 64);
    for (int a = 0; a < 64; ++a)
        set.quantize[cpu::detail::type_slot(act_type)](x.data() + a * n, act.data() + a * act_bytes, n);

    auto run_tile = [&](const uint8_t* w, int nrows, int nact, float* out) {
        if (set.tile[slot]) {
            set.tile[slot](n, w, row_bytes, nrows, act.data(), act_bytes, nact, out, nrows);
        } else {
            for (int a = 0; a < nact; ++a)
                for (int r = 0; r < nrows; ++r)
                    out[a * nrows + r] = set.vec_dot[slot](n, w + r * row_bytes, act.data() + a * act_bytes);
        }
    };

    // decode, weights in L2: 128 rows
    const int cached_rows = 128;
    std::vector<uint8_t> w_cached = random_bytes(row_bytes * cached_rows, gen);
    fill_float_weights(t, w_cached, gen);
    std::vector<float> out(cached_rows * 64);
    const double decode_gbs = double(row_bytes) * cached_rows /
                              best_seconds([&] { run_tile(w_cached.data(), cached_rows, 1, out.data()); }) / 1e9;

    // decode from DRAM: 256 MiB of rows (this VM's 480 MiB L3 may still hold part of it)
    double dram_gbs = 0;
    {
        const int rows = int((256u << 20) / row_bytes);
        std::vector<uint8_t> w_big = random_bytes(row_bytes * rows, gen);
        fill_float_weights(t, w_big, gen);
        std::vector<float> out_big(rows);
        dram_gbs =
            double(row_bytes) * rows / best_seconds([&] { run_tile(w_big.data(), rows, 1, out_big.data()); }, 3) / 1e9;
        g_sink = out_big[0];
    }
    // prefill: 64 activation rows x 128 weight rows per tile call
    const double gmacs = double(n) * cached_rows * 64 /
                         best_seconds([&] { run_tile(w_cached.data(), cached_rows, 64, out.data()); }) / 1e9;
    g_sink = out[0];
    std::printf("%-11s %-7s decode(L2) %7.2f GB/s  decode(DRAM) %6.2f GB/s  prefill %7.2f GMAC/s%s\n", set.name,
                std::string(dtype_traits(t).name).c_str(), decode_gbs, dram_gbs, gmacs,
                set.tile[slot] ? "" : "  (no tile kernel)");
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<const cpu::detail::KernelSet*> sets;
    auto add = [&](const char* name) {
        if (!std::strcmp(name, "scalar"))
            sets.push_back(&cpu::detail::scalar_kernels());
        else if (!std::strcmp(name, "avx2") && cpu::detail::avx2_kernels())
            sets.push_back(cpu::detail::avx2_kernels());
        else if (!std::strcmp(name, "avx512vnni") && cpu::detail::avx512vnni_kernels())
            sets.push_back(cpu::detail::avx512vnni_kernels());
        else if (!std::strcmp(name, "amx") && cpu::detail::amx_kernels())
            sets.push_back(cpu::detail::amx_kernels());
        else
            std::fprintf(stderr, "kernel set %s not available\n", name);
    };
    for (int i = 1; i < argc; ++i) add(argv[i]);
    if (argc == 1) {
        add("avx2");
        if (cpu::detail::avx512vnni_kernels()) add("avx512vnni");
        if (cpu::detail::amx_kernels()) add("amx");
    }
    const DType types[] = {DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1, DType::Q8_0, DType::IQ4_NL, DType::Q2_K,
                           DType::Q3_K, DType::Q4_K, DType::Q5_K, DType::Q6_K, DType::F32,  DType::F16,    DType::BF16};
    for (const auto* set : sets)
        for (DType t : types) bench_type(*set, t);
    return 0;
}
