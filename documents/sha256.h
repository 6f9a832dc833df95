#pragma once
// SHA-256 (FIPS 180-4), for content hashes of library documents: the same book imported from
// two paths, or moved, is recognised by its bytes. Small and dependency-free on purpose.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gleaner {

class Sha256 {
public:
    Sha256();
    void update(const void* data, size_t size);
    void update(std::string_view s) { update(s.data(), s.size()); }
    std::array<uint8_t, 32> finish();  // the object must not be updated afterwards
    std::string finish_hex();

private:
    void block(const uint8_t* p);
    std::array<uint32_t, 8> h_;
    std::array<uint8_t, 64> buf_{};
    size_t buf_len_ = 0;
    uint64_t total_ = 0;
};

std::string sha256_hex(std::string_view data);
// Hashes a file by streaming it; throws std::runtime_error when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace gleaner
