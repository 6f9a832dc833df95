#include "utf8_repair.h"

#include "text_util.h"

namespace gleaner {
namespace {

// Where a code point decoded by next_code_point() was an error (it advanced one byte).
bool is_error(char32_t cp, size_t start, size_t next) { return cp == 0xFFFD && next - start == 1; }

bool in(unsigned char b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; }

}  // namespace

size_t ill_formed_length(std::string_view s, size_t i) {
    const auto lead = static_cast<unsigned char>(s[i]);
    // Unicode Table 3-7: the range the second byte must fall in depends on the lead byte (this
    // excludes overlong forms, surrogates and values past U+10FFFF); later bytes are 80..BF.
    size_t needed = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (in(lead, 0xC2, 0xDF)) needed = 1;
    else if (lead == 0xE0) { needed = 2; lo = 0xA0; }
    else if (lead == 0xED) { needed = 2; hi = 0x9F; }
    else if (in(lead, 0xE1, 0xEF)) needed = 2;
    else if (lead == 0xF0) { needed = 3; lo = 0x90; }
    else if (lead == 0xF4) { needed = 3; hi = 0x8F; }
    else if (in(lead, 0xF1, 0xF3)) needed = 3;
    size_t len = 1;
    while (len <= needed && i + len < s.size()) {
        const auto b = static_cast<unsigned char>(s[i + len]);
        if (!(len == 1 ? in(b, lo, hi) : in(b, 0x80, 0xBF))) break;
        ++len;
    }
    // A complete sequence would have been valid; callers only ask about ill-formed ones.
    return len > needed ? 1 : len;
}

Utf8Census take_utf8_census(std::string_view bytes) {
    Utf8Census c;
    size_t i = 0;
    while (i < bytes.size()) {
        const size_t start = i;
        const char32_t cp = next_code_point(bytes, i);
        if (is_error(cp, start, i)) {
            if (c.ill_formed++ == 0) c.first_ill_formed = start;
            i = start + ill_formed_length(bytes, start);
        } else if (i - start > 1) {
            ++c.multibyte;
        }
    }
    return c;
}

bool reads_as_utf8(const Utf8Census& census) {
    return census.ill_formed == 0 || census.multibyte > census.ill_formed;
}

std::string replace_ill_formed_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size() + 16);
    size_t i = 0;
    while (i < bytes.size()) {
        const size_t start = i;
        const char32_t cp = next_code_point(bytes, i);
        if (is_error(cp, start, i)) {
            out += "\xEF\xBF\xBD";
            i = start + ill_formed_length(bytes, start);
        } else {
            out.append(bytes.substr(start, i - start));
        }
    }
    return out;
}

std::string replacement_warning(std::string_view encoding, size_t count, size_t first_line) {
    return std::to_string(count) + " invalid " + std::string(encoding) + (count == 1 ? " sequence" : " sequences") +
           " replaced with U+FFFD (first on line " + std::to_string(first_line) + ")";
}

}  // namespace gleaner
