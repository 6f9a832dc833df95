#pragma once
// Range checks of values loaded from a cache file, after its checksum: a file written with bad
// values (a NaN from the model, an id from another vocabulary) must not reach the model either.
// Each throws DamagedFileError naming the file and the first bad value's index.
#include <cstddef>
#include <cstdint>
#include <string>

namespace gleaner {

void check_finite(const float* v, size_t n, const std::string& path);
// f16 bit patterns: infinity and NaN have every exponent bit set.
void check_finite_f16(const uint16_t* v, size_t n, const std::string& path);
void check_token_ids(const int32_t* ids, size_t n, int32_t n_vocab, const std::string& path);

}  // namespace gleaner
