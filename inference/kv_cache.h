#pragma once
// The key/value cache of one sequence: for every layer, the rotated keys and the values of each
// cached token, with the position each was computed at.
#include <cstdint>
#include <memory>
#include <vector>

#include "backend.h"

namespace gleaner {

struct KvCache {
    int capacity = 0;          // cached tokens the buffers hold
    int n_used = 0;            // tokens cached so far (slots 0..n_used-1)
    int row = 0;               // floats per cached token and layer: Hkv * D
    // In the backend's shared memory (on a GPU: device-resident, host-readable after
    // Backend::synchronize()). Left uninitialised on purpose: pages are only touched (and
    // committed) as tokens arrive.
    std::vector<SharedArray<float>> k;  // (layer, capacity, Hkv*D)
    std::vector<SharedArray<float>> v;  // (layer, capacity, Hkv*D)
    SharedArray<int32_t> pos;           // (capacity) position of each slot

    KvCache() = default;
    KvCache(Backend& backend, int n_layers, int capacity, int n_kv_heads, int head_dim);

    const float* k_data(int layer) const { return k[layer].data(); }
    const float* v_data(int layer) const { return v[layer].data(); }
    float* k_row(int layer, int slot) { return k[layer].data() + static_cast<size_t>(slot) * row; }
    float* v_row(int layer, int slot) { return v[layer].data() + static_cast<size_t>(slot) * row; }
    void clear() { n_used = 0; }
    // Forgets every slot from n on (e.g. to re-run a question after a shared prefix).
    void truncate(int n) { if (n < n_used) n_used = n; }
    size_t bytes() const;
    // Bytes a cache of this shape takes (the memory plan's KV term).
    static size_t bytes_for(int n_layers, int capacity, int n_kv_heads, int head_dim);
};

}  // namespace gleaner
