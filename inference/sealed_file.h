#pragma once
// Small cache files written whole, with a header that lets a reader trust them: what kind of
// file it is, the format version, the payload's size and its 64-bit hash. A flipped bit, a
// truncated file or a file of another kind or version is reported as a DamagedFileError naming
// the file, never read as data.
#include <cstdint>
#include <string>
#include <string_view>

#include "damaged_file.h"

namespace gleaner {

// The payload with its header.
std::string seal(uint32_t kind, uint32_t version, std::string_view payload);
// Writes seal(kind, version, payload) to path atomically (write_file_atomic).
void write_sealed_file(const std::string& path, uint32_t kind, uint32_t version, std::string_view payload);
// The payload of a sealed file. False when the file does not exist; throws DamagedFileError
// naming the file when its header, size or hash is wrong.
bool read_sealed_file(const std::string& path, uint32_t kind, uint32_t version, std::string& payload);

}  // namespace gleaner
