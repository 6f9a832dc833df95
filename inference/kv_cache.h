#pragma once
// The key/value cache of one sequence: for every layer, the rotated keys and the values of each
// cached token, with the position each was computed at. Elements are F16 (half the memory, what
// llama.cpp keeps by default) or F32.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend.h"
#include "quant/dtype.h"

namespace gleaner {

// F16: perplexity within 0.01% of F32 on the models we ship (tests/integration/test_kv_cache.cpp),
// at half the memory per token.
inline constexpr DType kDefaultKvType = DType::F16;

// "f16" / "f32" -> the type; throws std::invalid_argument for anything else.
DType parse_kv_type(const std::string& name);
// The name parse_kv_type() reads back.
std::string kv_type_name(DType type);
// n stored key/value elements of `type` (F32 or F16) as floats (host memory).
void kv_elements_to_f32(const void* src, DType type, size_t n, float* out);
// n floats stored as elements of `type` (F16 rounded to nearest even), host memory.
void kv_elements_from_f32(const float* src, DType type, size_t n, void* out);

struct KvCache {
    DType type = DType::F32;   // F32 or F16
    int capacity = 0;          // cached tokens the buffers hold
    int n_used = 0;            // tokens cached so far (slots 0..n_used-1)
    int row = 0;               // elements per cached token and layer: Hkv * D
    // In the backend's shared memory (on a GPU: device-resident, host-readable after
    // Backend::synchronize()). Left uninitialised on purpose: pages are only touched (and
    // committed) as tokens arrive.
    std::vector<SharedArray<std::byte>> k;  // (layer, capacity, Hkv*D) elements of `type`
    std::vector<SharedArray<std::byte>> v;  // (layer, capacity, Hkv*D)
    SharedArray<int32_t> pos;               // (capacity) position of each slot

    KvCache() = default;
    KvCache(Backend& backend, int n_layers, int capacity, int n_kv_heads, int head_dim, DType type);

    size_t row_bytes() const { return dtype_row_bytes(type, row); }
    const void* k_data(int layer) const { return k[layer].data(); }
    const void* v_data(int layer) const { return v[layer].data(); }
    void* k_row(int layer, int slot) { return k[layer].data() + static_cast<size_t>(slot) * row_bytes(); }
    void* v_row(int layer, int slot) { return v[layer].data() + static_cast<size_t>(slot) * row_bytes(); }
    // Key row of one cached token as floats (host side, after Backend::synchronize()).
    std::vector<float> key_as_f32(int layer, int slot) const;
    void clear() { n_used = 0; }
    // Forgets every slot from n on (e.g. to re-run a question after a shared prefix).
    void truncate(int n) { if (n < n_used) n_used = n; }
    size_t bytes() const;
    // Bytes a cache of this shape takes (the memory plan's KV term).
    static size_t bytes_for(int n_layers, int capacity, int n_kv_heads, int head_dim, DType type);
};

}  // namespace gleaner
