#pragma once
// Damaged UTF-8 versus text in a legacy 8-bit encoding, and the repair of the former.
//
// The rule, shared by the text, Markdown, HTML and EPUB importers: bytes that are not valid
// UTF-8 are still read as UTF-8 when the valid multi-byte sequences outnumber the ill-formed
// ones. Each ill-formed sequence then becomes one U+FFFD and everything else is kept.
//   - A UTF-8 book with a few damaged bytes has hundreds or thousands of valid multi-byte
//     sequences (every accented letter, dash and curly quote) against those few.
//   - Windows-1252 / Latin-1 text has almost none: an accented letter followed by an ASCII one
//     ("caf\xE9 ") is never valid UTF-8, so nearly every non-ASCII byte there is ill-formed, and
//     it keeps the Windows-1252 reading.
// A tie (including a file with no valid multi-byte sequence at all) is no evidence for UTF-8.
#include <cstddef>
#include <string>
#include <string_view>

namespace gleaner {

struct Utf8Census {
    size_t multibyte = 0;  // well-formed sequences of 2 to 4 bytes
    size_t ill_formed = 0;  // ill-formed sequences (each one maximal subpart, see below)
    size_t first_ill_formed = std::string_view::npos;  // byte offset of the first
};

Utf8Census take_utf8_census(std::string_view bytes);

// The rule above: true for valid UTF-8 and for UTF-8 with a minority of damaged sequences.
bool reads_as_utf8(const Utf8Census& census);

// Length (at least 1) of the ill-formed sequence starting at `i`: Unicode's "maximal subpart"
// (a truncated three-byte character is one error, not two), so a damaged character costs one
// U+FFFD and the byte after it is read normally.
size_t ill_formed_length(std::string_view s, size_t i);

// `bytes` with each ill-formed sequence replaced by U+FFFD (valid UTF-8 comes back unchanged).
std::string replace_ill_formed_utf8(std::string_view bytes);

// The warning an importer adds: "2 invalid UTF-8 sequences replaced with U+FFFD (first on
// line 7)". `encoding` names what was being decoded ("UTF-8", "UTF-16").
std::string replacement_warning(std::string_view encoding, size_t count, size_t first_line);

}  // namespace gleaner
