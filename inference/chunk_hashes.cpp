#include "chunk_hashes.h"

#include <stdexcept>

#include "binary_io.h"
#include "content_hash.h"
#include "damaged_file.h"

namespace gleaner {

void ChunkHashes::append(const uint8_t* data, uint64_t new_end) {
    const uint64_t begin = end();
    if (new_end < begin) throw std::logic_error("ChunkHashes: a file that only grows got shorter");
    if (new_end == begin) return;  // nothing added since the last checkpoint
    chunks_.emplace_back(new_end, content_hash(data + begin, new_end - begin));
}

void ChunkHashes::verify(const uint8_t* data, uint64_t size, const std::string& path) const {
    if (size < end())
        throw damaged_file(path, "truncated: " + std::to_string(size) + " bytes, the checkpoint covers " +
                                     std::to_string(end()));
    uint64_t begin = 0;
    for (const auto& [chunk_end, hash] : chunks_) {
        if (content_hash(data + begin, chunk_end - begin) != hash)
            throw damaged_file(path, "checksum mismatch in bytes " + std::to_string(begin) + ".." +
                                         std::to_string(chunk_end));
        begin = chunk_end;
    }
}

void ChunkHashes::write_to(std::string& out) const {
    put(out, static_cast<uint64_t>(chunks_.size()));
    for (const auto& [chunk_end, hash] : chunks_) {
        put(out, chunk_end);
        put(out, hash);
    }
}

ChunkHashes ChunkHashes::read_from(ByteReader& in) {
    ChunkHashes h;
    const uint64_t n = in.get<uint64_t>();
    if (n > in.left() / 16) throw std::runtime_error("chunk count past the end");
    for (uint64_t i = 0; i < n; ++i) {
        const uint64_t chunk_end = in.get<uint64_t>();
        const uint64_t hash = in.get<uint64_t>();
        if (chunk_end <= h.end()) throw std::runtime_error("chunk ends out of order");
        h.chunks_.emplace_back(chunk_end, hash);
    }
    return h;
}

}  // namespace gleaner
