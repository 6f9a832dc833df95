#include "pdf_glyph_mapping.h"

#include "text_util.h"

namespace gleaner {

bool is_unmapped_glyph(char32_t cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') return false;
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000 || cp == 0xFFFD;
}

void GlyphMappingCount::add(std::string_view utf8) {
    size_t i = 0;
    while (i < utf8.size()) {
        const char32_t cp = next_code_point(utf8, i);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') continue;
        ++characters;
        if (is_unmapped_glyph(cp)) ++unmapped;
    }
}

bool GlyphMappingCount::looks_unmapped() const { return unmapped >= 4 && unmapped * 4 >= characters; }

std::string pages_phrase(const std::vector<size_t>& pages) {
    std::string out;
    for (size_t i = 0; i < pages.size();) {
        size_t j = i;
        while (j + 1 < pages.size() && pages[j + 1] == pages[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(pages[i] + 1);
        if (j > i) out += "\xE2\x80\x93" + std::to_string(pages[j] + 1);
        i = j + 1;
    }
    return (pages.size() == 1 ? "page " : "pages ") + out;
}

}  // namespace gleaner
