#pragma once
// The identity of a model file: the hash of all its bytes (two files with the same header can
// hold different weights, so nothing less will do). Part of a reading memory's name: keys and
// block memory read by one model mean nothing to another.
//
// Hashing a 1 GB file takes 0.3-3 s (warm or cold page cache), which a follow-up question should
// not pay in every `gleaner-cli ask`: the hash is remembered in <cache_root>/model-identities,
// one line per file, valid while the file keeps its device, inode, size and modification time
// (a re-downloaded or edited model gets a new line).
#include <string>

namespace gleaner {

// 16 lowercase hex digits. Reads the remembered value when the file is unchanged, else hashes
// the file and remembers it (a cache that cannot be written only costs the hash next time).
// Throws std::runtime_error naming the file when it cannot be read.
std::string model_file_identity(const std::string& model_path, const std::string& cache_root);

}  // namespace gleaner
