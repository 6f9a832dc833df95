#include "layout_pieces.h"

namespace gleaner::app {

namespace {

bool isBreakingSpace(char c) { return c == ' ' || c == '\t' || c == '\n'; }

bool isContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

struct Cut {
    size_t end = 0;      // of the piece before the cut
    size_t next = 0;     // where the next piece starts
};

// The cut of the piece starting at `begin`, when more than max_bytes of the block are left
// (so text[begin + max_bytes] exists).
Cut cutAfter(std::string_view text, size_t begin, size_t max_bytes) {
    const size_t limit = begin + max_bytes;
    for (size_t at = limit; at > begin + max_bytes / 2; --at)
        if (isBreakingSpace(text[at])) return {at, at + 1};
    // No space (a run of CJK text, a long URL): between two characters, never inside one.
    size_t at = limit;
    while (at > begin + 1 && isContinuationByte(text[at])) --at;
    return {at, at};
}

}  // namespace

std::vector<TextRange> layoutPieces(std::string_view text, TextRange range, size_t max_bytes) {
    std::vector<TextRange> pieces;
    size_t begin = range.begin;
    while (max_bytes > 0 && range.end - begin > max_bytes) {
        const Cut cut = cutAfter(text, begin, max_bytes);
        pieces.push_back(TextRange{begin, cut.end});
        begin = cut.next;
    }
    if (begin < range.end || pieces.empty()) pieces.push_back(TextRange{begin, range.end});
    return pieces;
}

}  // namespace gleaner::app
