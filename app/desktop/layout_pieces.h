#pragma once
// Cutting long blocks of text into pieces for the reflowed layout. Qt lays a QTextDocument
// block out as one QTextLayout, all of it at once: a paragraph of megabytes (a text without
// blank lines, or without any line break) took seconds and gigabytes, and Qt crashed on a
// 200 MB one. A block longer than kMaxLaidOutBlockBytes is shown as several consecutive blocks
// instead, so that the layout's work and memory go by the piece.
#include <cstddef>
#include <string_view>
#include <vector>

#include "document.h"

namespace gleaner::app {

// 16 KiB is a few screens of text: a cut (one short line) shows that seldom, and no piece is big
// enough to cost the layout more than a moment.
inline constexpr size_t kMaxLaidOutBlockBytes = size_t{16} << 10;

// Consecutive pieces of `range` (byte offsets into `text`), each at most `max_bytes` long.
// A cut goes at the last space, tab or newline of a piece, which then belongs to no piece (the
// block break stands for it); where the second half of a piece has none, at the last UTF-8
// character boundary. A range no longer than `max_bytes` comes back whole.
std::vector<TextRange> layoutPieces(std::string_view text, TextRange range, size_t max_bytes = kMaxLaidOutBlockBytes);

}  // namespace gleaner::app
