#include "kv_cache.h"

namespace gleaner {

KvCache::KvCache(int n_layers, int cap, int n_kv_heads, int head_dim)
    : capacity(cap), row(n_kv_heads * head_dim), k(n_layers), v(n_layers), pos(cap, 0) {
    for (int l = 0; l < n_layers; ++l) {
        k[l].reset(new float[static_cast<size_t>(cap) * row]);
        v[l].reset(new float[static_cast<size_t>(cap) * row]);
    }
}

size_t KvCache::bytes() const {
    size_t b = pos.size() * sizeof(int32_t);
    b += 2 * k.size() * static_cast<size_t>(capacity) * row * sizeof(float);
    return b;
}

}  // namespace gleaner
