#include "gguf.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

namespace gleaner {

namespace {

constexpr uint64_t kMaxTensors = 1u << 20;     // real models have a few thousand
constexpr uint64_t kMaxKv = 1u << 16;
constexpr uint64_t kMaxArrayElems = 1u << 26;  // 64M elements: far above any vocabulary

// Bounds-checked little-endian cursor over the mapping.
class Cursor {
public:
    Cursor(const uint8_t* base, uint64_t size) : base_(base), size_(size) {}

    uint64_t pos() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }

    void need(uint64_t n, const char* what) const {
        if (n > remaining())
            throw GgufError(std::string("file is truncated (while reading ") + what + ")");
    }
    template <typename T>
    T read(const char* what) {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, base_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string read_string(const char* what) {
        const uint64_t len = read<uint64_t>(what);
        need(len, what);
        std::string s(reinterpret_cast<const char*>(base_ + pos_), len);
        pos_ += len;
        return s;
    }

private:
    const uint8_t* base_;
    uint64_t size_;
    uint64_t pos_ = 0;
};

uint64_t scalar_size(GgufValueType t) {
    switch (t) {
    case GgufValueType::U8: case GgufValueType::I8: case GgufValueType::BOOL: return 1;
    case GgufValueType::U16: case GgufValueType::I16: return 2;
    case GgufValueType::U32: case GgufValueType::I32: case GgufValueType::F32: return 4;
    case GgufValueType::U64: case GgufValueType::I64: case GgufValueType::F64: return 8;
    case GgufValueType::STRING: return 8;  // at least the length prefix
    case GgufValueType::ARRAY: return 0;
    }
    return 0;
}

bool is_valid_type(uint32_t t) { return t <= static_cast<uint32_t>(GgufValueType::F64); }

// Reads one scalar as a widened value: signed ints -> int64, unsigned -> uint64, floats -> double.
std::variant<int64_t, uint64_t, double, bool> read_scalar(Cursor& c, GgufValueType t) {
    switch (t) {
    case GgufValueType::U8: return uint64_t{c.read<uint8_t>("u8")};
    case GgufValueType::I8: return int64_t{c.read<int8_t>("i8")};
    case GgufValueType::U16: return uint64_t{c.read<uint16_t>("u16")};
    case GgufValueType::I16: return int64_t{c.read<int16_t>("i16")};
    case GgufValueType::U32: return uint64_t{c.read<uint32_t>("u32")};
    case GgufValueType::I32: return int64_t{c.read<int32_t>("i32")};
    case GgufValueType::U64: return c.read<uint64_t>("u64");
    case GgufValueType::I64: return c.read<int64_t>("i64");
    case GgufValueType::F32: return double{c.read<float>("f32")};
    case GgufValueType::F64: return c.read<double>("f64");
    case GgufValueType::BOOL: return c.read<uint8_t>("bool") != 0;
    default: throw GgufError("internal: not a scalar type");
    }
}

GgufValue read_value(Cursor& c, GgufValueType t, const std::string& key) {
    GgufValue v;
    v.type = t;
    if (t == GgufValueType::STRING) {
        v.value = c.read_string("string value");
        return v;
    }
    if (t != GgufValueType::ARRAY) {
        std::visit([&](auto x) { v.value = x; }, read_scalar(c, t));
        return v;
    }
    const uint32_t et = c.read<uint32_t>("array type");
    if (!is_valid_type(et) || et == static_cast<uint32_t>(GgufValueType::ARRAY))
        throw GgufError("metadata '" + key + "': bad array element type " + std::to_string(et));
    const uint64_t n = c.read<uint64_t>("array length");
    v.array_type = static_cast<GgufValueType>(et);
    if (n > kMaxArrayElems || n * scalar_size(v.array_type) > c.remaining())
        throw GgufError("metadata '" + key + "': array length " + std::to_string(n) + " exceeds the file");
    if (v.array_type == GgufValueType::STRING) {
        std::vector<std::string> out;
        out.reserve(n);
        for (uint64_t i = 0; i < n; ++i) out.push_back(c.read_string("string array"));
        v.value = std::move(out);
    } else if (v.array_type == GgufValueType::F32 || v.array_type == GgufValueType::F64) {
        std::vector<double> out(n);
        for (uint64_t i = 0; i < n; ++i) out[i] = std::get<double>(read_scalar(c, v.array_type));
        v.value = std::move(out);
    } else {
        std::vector<int64_t> out(n);
        for (uint64_t i = 0; i < n; ++i) {
            auto s = read_scalar(c, v.array_type);
            if (auto* u = std::get_if<uint64_t>(&s)) out[i] = static_cast<int64_t>(*u);
            else if (auto* b = std::get_if<bool>(&s)) out[i] = *b;
            else out[i] = std::get<int64_t>(s);
        }
        v.value = std::move(out);
    }
    return v;
}

}  // namespace

std::string_view gguf_value_type_name(GgufValueType t) {
    static constexpr std::string_view names[] = {"u8", "i8", "u16", "i16", "u32", "i32", "f32",
                                                 "bool", "string", "array", "u64", "i64", "f64"};
    const auto i = static_cast<uint32_t>(t);
    return i < std::size(names) ? names[i] : "unknown";
}

int64_t GgufFile::parameter_count() const {
    int64_t n = 0;
    for (const GgufTensor& t : tensors_) n += t.n_elements();
    return n;
}

int64_t GgufTensor::n_elements() const {
    int64_t n = 1;
    for (int64_t d : ne) n *= d;
    return n;
}

int64_t GgufTensor::rows() const {
    int64_t n = 1;
    for (size_t i = 1; i < ne.size(); ++i) n *= ne[i];
    return n;
}

GgufFile GgufFile::open(const std::string& path) {
    GgufFile f;
    f.path_ = path;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw GgufError("cannot open model '" + path + "': " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw GgufError("model '" + path + "' is not a regular file");
    }
    f.size_ = static_cast<uint64_t>(st.st_size);
    if (f.size_ < 24) {
        ::close(fd);
        throw GgufError("'" + path + "' is not a GGUF model (file too small)");
    }
    void* p = ::mmap(nullptr, f.size_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) throw GgufError("cannot map model '" + path + "': " + std::strerror(errno));
    f.base_ = static_cast<const uint8_t*>(p);
    try {
        f.parse();
    } catch (const GgufError& e) {
        throw GgufError("'" + path + "': " + e.what());
    }
    return f;
}

void GgufFile::parse() {
    Cursor c(base_, size_);
    if (std::memcmp(base_, "GGUF", 4) != 0) throw GgufError("not a GGUF model (bad magic)");
    c.read<uint32_t>("magic");
    version_ = c.read<uint32_t>("version");
    if (version_ != 2 && version_ != 3)
        throw GgufError("unsupported GGUF version " + std::to_string(version_) + " (need 2 or 3)");
    const uint64_t n_tensors = c.read<uint64_t>("tensor count");
    const uint64_t n_kv = c.read<uint64_t>("metadata count");
    if (n_tensors > kMaxTensors) throw GgufError("absurd tensor count " + std::to_string(n_tensors));
    if (n_kv > kMaxKv) throw GgufError("absurd metadata count " + std::to_string(n_kv));

    for (uint64_t i = 0; i < n_kv; ++i) {
        std::string key = c.read_string("metadata key");
        const uint32_t t = c.read<uint32_t>("metadata type");
        if (!is_valid_type(t)) throw GgufError("metadata '" + key + "': unknown value type " + std::to_string(t));
        GgufValue v = read_value(c, static_cast<GgufValueType>(t), key);
        if (!kv_.emplace(key, std::move(v)).second) throw GgufError("duplicate metadata key '" + key + "'");
    }
    if (const GgufValue* a = find("general.alignment")) {
        const auto* u = std::get_if<uint64_t>(&a->value);
        if (!u || *u == 0 || (*u & (*u - 1)) != 0 || *u > (1u << 16))
            throw GgufError("general.alignment must be a power of two");
        alignment_ = static_cast<uint32_t>(*u);
    }

    tensors_.reserve(n_tensors);
    for (uint64_t i = 0; i < n_tensors; ++i) {
        GgufTensor t;
        t.name = c.read_string("tensor name");
        const uint32_t n_dims = c.read<uint32_t>("tensor dims");
        if (n_dims == 0 || n_dims > 4)
            throw GgufError("tensor '" + t.name + "' has " + std::to_string(n_dims) + " dimensions (1..4 allowed)");
        int64_t n_elem = 1;
        for (uint32_t d = 0; d < n_dims; ++d) {
            const int64_t ne = c.read<int64_t>("tensor shape");
            if (ne <= 0 || ne > (int64_t{1} << 40) || n_elem > std::numeric_limits<int64_t>::max() / ne)
                throw GgufError("tensor '" + t.name + "' has an invalid shape");
            n_elem *= ne;
            t.ne.push_back(ne);
        }
        const uint32_t type_id = c.read<uint32_t>("tensor type");
        const DTypeTraits* tr = dtype_traits(type_id);
        if (!tr) throw GgufError("tensor '" + t.name + "' has unsupported type id " + std::to_string(type_id));
        t.type = tr->type;
        if (t.ne[0] % tr->block_elems != 0)
            throw GgufError("tensor '" + t.name + "': row of " + std::to_string(t.ne[0]) +
                            " is not a multiple of the " + std::string(tr->name) + " block");
        t.offset = c.read<uint64_t>("tensor offset");
        if (t.offset % alignment_ != 0) throw GgufError("tensor '" + t.name + "' offset is not aligned");
        t.nbytes = dtype_row_bytes(t.type, t.ne[0]) * static_cast<uint64_t>(t.rows());
        if (!tensor_index_.emplace(t.name, tensors_.size()).second)
            throw GgufError("duplicate tensor '" + t.name + "'");
        tensors_.push_back(std::move(t));
    }

    const uint64_t data_start = (c.pos() + alignment_ - 1) / alignment_ * alignment_;
    if (data_start > size_ && !tensors_.empty()) throw GgufError("file is truncated (no tensor data)");
    for (GgufTensor& t : tensors_) {
        if (t.offset > size_ || t.nbytes > size_ - data_start || t.offset > size_ - data_start - t.nbytes)
            throw GgufError("tensor '" + t.name + "' lies outside the file (truncated download?)");
        t.data = base_ + data_start + t.offset;
    }
}

GgufFile::GgufFile(GgufFile&& o) noexcept { *this = std::move(o); }

GgufFile& GgufFile::operator=(GgufFile&& o) noexcept {
    if (this != &o) {
        release();
        path_ = std::move(o.path_);
        base_ = o.base_;
        size_ = o.size_;
        version_ = o.version_;
        alignment_ = o.alignment_;
        kv_ = std::move(o.kv_);
        tensors_ = std::move(o.tensors_);
        tensor_index_ = std::move(o.tensor_index_);
        o.base_ = nullptr;
        o.size_ = 0;
    }
    return *this;
}

GgufFile::~GgufFile() { release(); }

void GgufFile::release() {
    if (base_) ::munmap(const_cast<uint8_t*>(base_), size_);
    base_ = nullptr;
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = kv_.find(key);
    return it == kv_.end() ? nullptr : &it->second;
}

const GgufTensor* GgufFile::tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

namespace {
[[noreturn]] void wrong_type(std::string_view key, const GgufValue& v, const char* wanted) {
    throw GgufError("metadata '" + std::string(key) + "' is " + std::string(gguf_value_type_name(v.type)) +
                    ", expected " + wanted);
}
}  // namespace

std::string GgufFile::get_string(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) throw GgufError("missing metadata '" + std::string(key) + "'");
    if (auto* s = std::get_if<std::string>(&v->value)) return *s;
    wrong_type(key, *v, "string");
}

std::string GgufFile::get_string_or(std::string_view key, std::string fallback) const {
    return has(key) ? get_string(key) : fallback;
}

int64_t GgufFile::get_int(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) throw GgufError("missing metadata '" + std::string(key) + "'");
    if (auto* i = std::get_if<int64_t>(&v->value)) return *i;
    if (auto* u = std::get_if<uint64_t>(&v->value)) {
        if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) wrong_type(key, *v, "a small integer");
        return static_cast<int64_t>(*u);
    }
    wrong_type(key, *v, "integer");
}

int64_t GgufFile::get_int_or(std::string_view key, int64_t fallback) const {
    return has(key) ? get_int(key) : fallback;
}

double GgufFile::get_float_or(std::string_view key, double fallback) const {
    const GgufValue* v = find(key);
    if (!v) return fallback;
    if (auto* d = std::get_if<double>(&v->value)) return *d;
    if (auto* i = std::get_if<int64_t>(&v->value)) return static_cast<double>(*i);
    if (auto* u = std::get_if<uint64_t>(&v->value)) return static_cast<double>(*u);
    wrong_type(key, *v, "float");
}

bool GgufFile::get_bool_or(std::string_view key, bool fallback) const {
    const GgufValue* v = find(key);
    if (!v) return fallback;
    if (auto* b = std::get_if<bool>(&v->value)) return *b;
    wrong_type(key, *v, "bool");
}

std::vector<std::string> GgufFile::get_string_array(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return {};
    if (auto* a = std::get_if<std::vector<std::string>>(&v->value)) return *a;
    wrong_type(key, *v, "string array");
}

std::vector<double> GgufFile::get_float_array(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return {};
    if (auto* a = std::get_if<std::vector<double>>(&v->value)) return *a;
    wrong_type(key, *v, "float array");
}

std::vector<int64_t> GgufFile::get_int_array(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return {};
    if (auto* a = std::get_if<std::vector<int64_t>>(&v->value)) return *a;
    wrong_type(key, *v, "integer array");
}

}  // namespace gleaner
