#pragma once
// The key/value cache of one sequence: for every layer, the rotated keys and the values of each
// cached token, with the position each was computed at.
#include <cstdint>
#include <memory>
#include <vector>

namespace gleaner {

struct KvCache {
    int capacity = 0;          // cached tokens the buffers hold
    int n_used = 0;            // tokens cached so far (slots 0..n_used-1)
    int row = 0;               // floats per cached token and layer: Hkv * D
    // Left uninitialised on purpose: pages are only touched (and committed) as tokens arrive.
    std::vector<std::unique_ptr<float[]>> k;  // (layer, capacity, Hkv*D)
    std::vector<std::unique_ptr<float[]>> v;  // (layer, capacity, Hkv*D)
    std::vector<int32_t> pos;           // (capacity) position of each slot

    KvCache() = default;
    KvCache(int n_layers, int capacity, int n_kv_heads, int head_dim);

    const float* k_data(int layer) const { return k[layer].get(); }
    const float* v_data(int layer) const { return v[layer].get(); }
    float* k_row(int layer, int slot) { return k[layer].get() + static_cast<size_t>(slot) * row; }
    float* v_row(int layer, int slot) { return v[layer].get() + static_cast<size_t>(slot) * row; }
    void clear() { n_used = 0; }
    // Forgets every slot from n on (e.g. to re-run a question after a shared prefix).
    void truncate(int n) { if (n < n_used) n_used = n; }
    size_t bytes() const;
};

}  // namespace gleaner
