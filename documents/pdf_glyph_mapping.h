#pragma once
// Text poppler could not map to Unicode.
//
// A PDF font without a ToUnicode map and without meaningful glyph names (subset fonts, Type 3
// fonts, symbol encodings) gives poppler nothing but character codes: it extracts them as
// control characters, private-use code points or U+FFFD. Such pages read as garbage, or as
// nothing at all once control characters are dropped, so the importer counts these characters
// per page and warns.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gleaner {

// Control characters other than whitespace, private-use code points and U+FFFD.
bool is_unmapped_glyph(char32_t cp);

// Counts on one page's extracted text, before any cleaning.
struct GlyphMappingCount {
    size_t characters = 0;  // all but whitespace
    size_t unmapped = 0;

    void add(std::string_view utf8);
    // A page is flagged when at least a quarter of its characters, and at least 4, are
    // unmapped: fonts without a map make nearly all of a page's text unmapped, while correctly
    // mapped pages have at most a few symbol-font bullets in the private-use area.
    bool looks_unmapped() const;
};

// "page 2", "pages 2-4, 7" (1-based, with an en dash) for 0-based, ascending page indices.
std::string pages_phrase(const std::vector<size_t>& pages);

}  // namespace gleaner
