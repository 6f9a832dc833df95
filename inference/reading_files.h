#pragma once
// The files of a reading memory's directory and the kinds of its sealed files (sealed_file.h).
// The version is part of the memory's cache key: a format change makes old memories be read
// again into a new directory rather than misread.
#include <cstdint>

namespace gleaner::reading_files {

// 3: sealed tokens, state and tail; chunk hashes of the keys and of the block memory.
constexpr uint32_t kVersion = 3;

constexpr const char* kTokens = "tokens.bin";  // sealed: prefix length, then the token ids
constexpr const char* kState = "state";        // sealed: the last checkpoint
constexpr const char* kTail = "tail.bin";      // sealed: the block memory without its blocks
constexpr const char* kKeys = "keys.f16";      // raw f16 keys; its chunk hashes are in the state
constexpr const char* kMeta = "meta";          // a description for people; never read
constexpr const char* kLock = "lock";          // held by the process that writes the memory

constexpr uint32_t kind(const char (&four)[5]) {
    return static_cast<uint32_t>(four[0]) | static_cast<uint32_t>(four[1]) << 8 |
           static_cast<uint32_t>(four[2]) << 16 | static_cast<uint32_t>(four[3]) << 24;
}
constexpr uint32_t kTokensKind = kind("TOKS");
constexpr uint32_t kStateKind = kind("STAT");
constexpr uint32_t kTailKind = kind("TAIL");

}  // namespace gleaner::reading_files
