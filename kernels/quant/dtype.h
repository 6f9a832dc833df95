#pragma once
// Weight/activation element types, numbered as in GGUF's tensor-info table (ggml type ids).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gleaner {

enum class DType : uint32_t {
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q8_1 = 9,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    Q8_K = 15,
    IQ4_NL = 20,
    BF16 = 30,
};

struct DTypeTraits {
    DType type;
    std::string_view name;
    int block_elems;   // elements per block (1 for plain floats)
    int block_bytes;   // bytes per block
};

// Returns nullptr for ids Gleaner does not support (the caller reports "unknown type").
const DTypeTraits* dtype_traits(uint32_t ggml_type_id);
inline const DTypeTraits& dtype_traits(DType t) { return *dtype_traits(static_cast<uint32_t>(t)); }

// Bytes taken by one row of n elements; n must be a multiple of block_elems.
inline size_t dtype_row_bytes(DType t, int64_t n) {
    const DTypeTraits& tr = dtype_traits(t);
    return static_cast<size_t>(n / tr.block_elems) * static_cast<size_t>(tr.block_bytes);
}

}  // namespace gleaner
