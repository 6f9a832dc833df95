#include "kv_cache.h"

namespace gleaner {

KvCache::KvCache(Backend& backend, int n_layers, int cap, int n_kv_heads, int head_dim)
    : capacity(cap), row(n_kv_heads * head_dim), pos(backend, static_cast<size_t>(cap)) {
    k.reserve(n_layers);
    v.reserve(n_layers);
    for (int l = 0; l < n_layers; ++l) {
        k.emplace_back(backend, static_cast<size_t>(cap) * row);
        v.emplace_back(backend, static_cast<size_t>(cap) * row);
    }
}

size_t KvCache::bytes() const {
    size_t b = pos.size() * sizeof(int32_t);
    b += 2 * k.size() * static_cast<size_t>(capacity) * row * sizeof(float);
    return b;
}

size_t KvCache::bytes_for(int n_layers, int cap, int n_kv_heads, int head_dim) {
    return static_cast<size_t>(cap) * sizeof(int32_t) +
           2 * static_cast<size_t>(n_layers) * cap * n_kv_heads * head_dim * sizeof(float);
}

}  // namespace gleaner
