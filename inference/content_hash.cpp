#include "content_hash.h"

#include <cstdio>
#include <cstring>

#include "growable_array.h"

namespace gleaner {

namespace {
uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}
}  // namespace

uint64_t content_hash(const void* data, size_t n, uint64_t seed) {
    // 8 bytes at a time, multiply-xorshift mixing.
    const auto* p = static_cast<const uint8_t*>(data);
    uint64_t h = seed ^ (0x9E3779B97F4A7C15ull * (n + 1));
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        h = (h ^ mix(w)) * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
    }
    uint64_t tail = 0;
    if (n > i) std::memcpy(&tail, p + i, n - i);
    h ^= mix(tail ^ (n - i));
    return mix(h);
}

std::string hash_hex(uint64_t hash) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
    return buf;
}

uint64_t file_content_hash(const std::string& path) {
    MappedFile f(path);
    return content_hash(f.data(), f.size());
}

}  // namespace gleaner
