#pragma once
// Byte offsets of a UTF-8 text (text_range.h) as character offsets (Unicode code points), for
// those who slice the text as a string of characters: JSON read by scripts, a reader's citation.
// Counts once per text, then answers each offset from the nearest checkpoint.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace gleaner {

class CharacterOffsets {
public:
    explicit CharacterOffsets(std::string_view text) : text_(text) {
        for (size_t i = 0; i < text.size(); ++i) {
            if (i % kStride == 0) before_.push_back(total_);
            if (starts_character(i)) ++total_;
        }
    }

    // The number of characters before byte `offset` (a byte inside a character counts that
    // character as before it; offsets at or past the end give the whole text's count).
    int64_t of(size_t offset) const {
        if (offset >= text_.size()) return total_;
        int64_t n = before_[offset / kStride];
        for (size_t i = offset / kStride * kStride; i < offset; ++i) n += starts_character(i);
        return n;
    }

private:
    static constexpr size_t kStride = 1024;
    bool starts_character(size_t i) const { return (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80; }

    std::string_view text_;
    std::vector<int64_t> before_;  // characters before each kStride-th byte
    int64_t total_ = 0;
};

}  // namespace gleaner
