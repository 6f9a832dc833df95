// Backend's default memory API: host memory, for the CPU backend and any backend whose ops run
// on the host.
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

#include "backend.h"
#include "cpu/vec_math.h"

namespace gleaner {

void* Backend::alloc_shared(size_t bytes) { return alloc_shared_host(bytes); }
void Backend::free_shared(void* p) { free_shared_host(p); }

void* Backend::alloc_shared_host(size_t bytes) {
    // 64-byte aligned (one cache line, one AVX-512 vector), like the std::vector<float> scratch
    // it replaces was in practice; aligned_alloc needs a multiple of the alignment.
    const size_t rounded = (bytes + 63) / 64 * 64;
    void* p = std::aligned_alloc(64, rounded ? rounded : 64);
    if (!p) throw std::bad_alloc();
    return p;
}

void Backend::free_shared_host(void* p) { std::free(p); }

void Backend::copy(void* dst, const void* src, size_t bytes) {
    if (bytes) std::memmove(dst, src, bytes);
}

void Backend::store_as(void* dst, DType type, const float* src, size_t n) {
    if (type == DType::F32) return copy(dst, src, n * sizeof(float));
    if (type != DType::F16) throw std::invalid_argument("store_as: F32 or F16 only");
    synchronize();  // host code touches shared memory next
    cpu::f32_to_f16_row(src, static_cast<uint16_t*>(dst), n);
}

}  // namespace gleaner
