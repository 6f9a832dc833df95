#pragma once
// Plain values to and from the bytes of a cache file (host byte order: the files are a cache
// of this machine, never exchanged).
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace gleaner {

template <typename T>
void put(std::string& out, const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Reads values in order; running past the end throws std::runtime_error ("truncated"), which the
// owner of the bytes reports as damage of its file.
class ByteReader {
public:
    explicit ByteReader(std::string_view in) : in_(in) {}
    template <typename T>
    T get() {
        static_assert(std::is_trivially_copyable_v<T>);
        if (sizeof(T) > in_.size() - at_) throw std::runtime_error("truncated");
        T v;
        std::memcpy(&v, in_.data() + at_, sizeof v);
        at_ += sizeof v;
        return v;
    }
    // The next n bytes, without copying.
    const char* bytes(size_t n) {
        if (n > in_.size() - at_) throw std::runtime_error("truncated");
        const char* p = in_.data() + at_;
        at_ += n;
        return p;
    }
    size_t left() const { return in_.size() - at_; }

private:
    std::string_view in_;
    size_t at_ = 0;
};

}  // namespace gleaner
