#include "memory_place.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "content_hash.h"

namespace gleaner {

namespace fs = std::filesystem;

namespace {

bool is_sha256_hex(const std::string& s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

std::string checked_dir(const std::string& cache_root, const std::string& document_id) {
    if (!is_sha256_hex(document_id))
        throw std::invalid_argument("not a document identity (a SHA-256 in lowercase hex): '" + document_id + "'");
    return (fs::path(cache_root) / document_id).string();
}

}  // namespace

std::string document_memory_dir(const std::string& cache_root, const std::string& document_id, uint64_t text_hash) {
    if (document_id.empty()) return (fs::path(cache_root) / ("text-" + hash_hex(text_hash))).string();
    return checked_dir(cache_root, document_id);
}

StoredMemories document_memories(const std::string& cache_root, const std::string& document_id) {
    StoredMemories out;
    std::error_code ec;
    const fs::path dir = checked_dir(cache_root, document_id);
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& memory : fs::directory_iterator(dir, ec)) {
        if (!memory.is_directory(ec)) continue;
        ++out.count;
        for (const auto& f : fs::recursive_directory_iterator(memory.path(), ec))
            if (f.is_regular_file(ec)) out.bytes += f.file_size(ec);
    }
    return out;
}

StoredMemories remove_document_memories(const std::string& cache_root, const std::string& document_id) {
    const StoredMemories there = document_memories(cache_root, document_id);
    std::error_code ec;
    const fs::path dir = checked_dir(cache_root, document_id);
    fs::remove_all(dir, ec);
    if (ec) throw std::runtime_error("cannot delete the reading memories in " + dir.string() + ": " + ec.message());
    return there;
}

}  // namespace gleaner
