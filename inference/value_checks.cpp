#include "value_checks.h"

#include <cmath>

#include "damaged_file.h"

namespace gleaner {

void check_finite(const float* v, size_t n, const std::string& path) {
    for (size_t i = 0; i < n; ++i)
        if (!std::isfinite(v[i])) throw damaged_file(path, "value " + std::to_string(i) + " is not a finite number");
}

void check_finite_f16(const uint16_t* v, size_t n, const std::string& path) {
    for (size_t i = 0; i < n; ++i)
        if ((v[i] & 0x7c00u) == 0x7c00u)
            throw damaged_file(path, "value " + std::to_string(i) + " is not a finite number");
}

void check_token_ids(const int32_t* ids, size_t n, int32_t n_vocab, const std::string& path) {
    for (size_t i = 0; i < n; ++i)
        if (ids[i] < 0 || ids[i] >= n_vocab)
            throw damaged_file(path, "token " + std::to_string(i) + " has id " + std::to_string(ids[i]) +
                                         ", outside the model's vocabulary of " + std::to_string(n_vocab));
}

}  // namespace gleaner
