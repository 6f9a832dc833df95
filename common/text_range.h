#pragma once
// A span of a document's text: the one type every layer uses for "where in the book", from the
// importers (pages, blocks, sections) and the long-context methods' evidence to the highlight in
// the reader. Offsets are BYTE offsets into Document::text (UTF-8 code units), half-open
// [begin, end); spans that come from the model's tokens are widened to whole UTF-8 characters
// (a byte-level tokenizer may split one), so slicing one never cuts a character.
#include <cstddef>

namespace gleaner {

struct TextRange {
    size_t begin = 0;
    size_t end = 0;
    size_t size() const { return end - begin; }
    bool empty() const { return end <= begin; }
    bool contains(size_t offset) const { return offset >= begin && offset < end; }
    friend bool operator==(const TextRange&, const TextRange&) = default;
};

}  // namespace gleaner
