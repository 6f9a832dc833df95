#include "kv_cache.h"

#include <cstring>
#include <stdexcept>

#include "cpu/vec_math.h"

namespace gleaner {

DType parse_kv_type(const std::string& name) {
    if (name == "f16") return DType::F16;
    if (name == "f32") return DType::F32;
    throw std::invalid_argument("KV cache type '" + name + "': use f16 or f32");
}

std::string kv_type_name(DType type) {
    if (type == DType::F16) return "f16";
    if (type == DType::F32) return "f32";
    throw std::invalid_argument("KV elements are F32 or F16");
}

void kv_elements_to_f32(const void* src, DType type, size_t n, float* out) {
    if (type == DType::F16)
        cpu::f16_to_f32_row(static_cast<const uint16_t*>(src), out, n);
    else if (type == DType::F32)
        std::memcpy(out, src, n * sizeof(float));
    else
        throw std::invalid_argument("KV elements are F32 or F16");
}

void kv_elements_from_f32(const float* src, DType type, size_t n, void* out) {
    if (type == DType::F16)
        cpu::f32_to_f16_row(src, static_cast<uint16_t*>(out), n);
    else if (type == DType::F32)
        std::memcpy(out, src, n * sizeof(float));
    else
        throw std::invalid_argument("KV elements are F32 or F16");
}

KvCache::KvCache(Backend& backend, int n_layers, int cap, int n_kv_heads, int head_dim, DType t)
    : type(t), capacity(cap), row(n_kv_heads * head_dim), pos(backend, static_cast<size_t>(cap)) {
    if (t != DType::F32 && t != DType::F16) throw std::invalid_argument("KV cache: only F32 and F16 elements");
    k.reserve(n_layers);
    v.reserve(n_layers);
    for (int l = 0; l < n_layers; ++l) {
        k.emplace_back(backend, static_cast<size_t>(cap) * row_bytes());
        v.emplace_back(backend, static_cast<size_t>(cap) * row_bytes());
    }
}

std::vector<float> KvCache::key_as_f32(int layer, int slot) const {
    std::vector<float> out(static_cast<size_t>(row));
    kv_elements_to_f32(k[layer].data() + static_cast<size_t>(slot) * row_bytes(), type, out.size(), out.data());
    return out;
}

size_t KvCache::bytes() const {
    return pos.size() * sizeof(int32_t) + 2 * k.size() * static_cast<size_t>(capacity) * row_bytes();
}

size_t KvCache::bytes_for(int n_layers, int cap, int n_kv_heads, int head_dim, DType type) {
    return static_cast<size_t>(cap) * sizeof(int32_t) +
           2 * static_cast<size_t>(n_layers) * cap * dtype_row_bytes(type, static_cast<int64_t>(n_kv_heads) * head_dim);
}

}  // namespace gleaner
