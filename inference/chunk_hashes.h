#pragma once
// The integrity record of a file that only grows (the reading memory's keys and block memory):
// one 64-bit hash per chunk appended between two checkpoints, kept in the checkpoint's state
// file. A checkpoint hashes only what it added; a reopened file is verified in one pass.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace gleaner {

class ByteReader;

class ChunkHashes {
public:
    // Records bytes [end(), new_end) of the file whose bytes start at data.
    void append(const uint8_t* data, uint64_t new_end);
    // Bytes covered so far.
    uint64_t end() const { return chunks_.empty() ? 0 : chunks_.back().first; }
    // Throws DamagedFileError naming path when the file (size bytes at data) is shorter than
    // end() or a chunk's bytes changed.
    void verify(const uint8_t* data, uint64_t size, const std::string& path) const;

    void write_to(std::string& out) const;
    // Throws std::runtime_error when the bytes run out or chunk ends do not increase.
    static ChunkHashes read_from(ByteReader& in);

private:
    std::vector<std::pair<uint64_t, uint64_t>> chunks_;  // (end offset, hash of [previous end, end))
};

}  // namespace gleaner
