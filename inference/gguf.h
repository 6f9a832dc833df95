#pragma once
// Memory-mapped reader for GGUF model files (versions 2 and 3).
// Every file is untrusted: all lengths, counts and offsets are bounds-checked against the
// mapped size before use, and failures raise GgufError with a message a user can act on.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quant/dtype.h"

namespace gleaner {

class GgufError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class GgufValueType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7,
    STRING = 8, ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};

// One metadata value. Scalars of every integer width are widened to int64/uint64 and floats to
// double; arrays keep their element type and are held decoded (vocabularies are ~50k strings).
struct GgufValue {
    GgufValueType type = GgufValueType::U8;
    GgufValueType array_type = GgufValueType::U8;  // element type when type == ARRAY
    std::variant<int64_t, uint64_t, double, bool, std::string,
                 std::vector<int64_t>, std::vector<double>, std::vector<std::string>> value;
};

struct GgufTensor {
    std::string name;
    std::vector<int64_t> ne;  // ne[0] is the contiguous (row) dimension, as in ggml
    DType type = DType::F32;
    uint64_t offset = 0;      // relative to the data section
    const uint8_t* data = nullptr;  // into the mapping
    uint64_t nbytes = 0;

    int64_t n_elements() const;
    int64_t rows() const;     // product of ne[1..]
};

class GgufFile {
public:
    // Maps and validates the whole file; throws GgufError.
    static GgufFile open(const std::string& path);
    GgufFile(GgufFile&& other) noexcept;
    GgufFile& operator=(GgufFile&& other) noexcept;
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;
    ~GgufFile();

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t file_size() const { return size_; }
    uint32_t alignment() const { return alignment_; }

    const GgufValue* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    const std::map<std::string, GgufValue, std::less<>>& metadata() const { return kv_; }

    // Typed getters: the "_or" forms return the fallback when the key is absent; all throw
    // GgufError when the key exists with an incompatible type.
    std::string get_string(std::string_view key) const;  // throws when absent
    std::string get_string_or(std::string_view key, std::string fallback) const;
    int64_t get_int(std::string_view key) const;          // throws when absent
    int64_t get_int_or(std::string_view key, int64_t fallback) const;
    double get_float_or(std::string_view key, double fallback) const;
    bool get_bool_or(std::string_view key, bool fallback) const;
    std::vector<std::string> get_string_array(std::string_view key) const;  // empty when absent
    std::vector<double> get_float_array(std::string_view key) const;        // empty when absent
    std::vector<int64_t> get_int_array(std::string_view key) const;         // empty when absent

    const std::vector<GgufTensor>& tensors() const { return tensors_; }
    // The model's size: the elements of every tensor.
    int64_t parameter_count() const;
    const GgufTensor* tensor(std::string_view name) const;  // nullptr when absent

private:
    GgufFile() = default;
    void parse();
    void release();

    std::string path_;
    const uint8_t* base_ = nullptr;
    uint64_t size_ = 0;
    uint32_t version_ = 0;
    uint32_t alignment_ = 32;
    std::map<std::string, GgufValue, std::less<>> kv_;
    std::vector<GgufTensor> tensors_;
    std::map<std::string, size_t, std::less<>> tensor_index_;
};

std::string_view gguf_value_type_name(GgufValueType t);

}  // namespace gleaner
