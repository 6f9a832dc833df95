#pragma once
// A fast 64-bit hash of bytes: the identity of cached data (cache keys) and the checksum that
// tells a damaged cache file from a good one. Not cryptographic: it guards against disk faults
// and truncation, not against someone forging a file.
#include <cstddef>
#include <cstdint>
#include <string>

namespace gleaner {

uint64_t content_hash(const void* data, size_t n, uint64_t seed = 0);
// The hash of a whole file's bytes (throws std::runtime_error naming the file).
uint64_t file_content_hash(const std::string& path);
// A hash as 16 lowercase hex digits (cache directory and file names).
std::string hash_hex(uint64_t hash);

}  // namespace gleaner
