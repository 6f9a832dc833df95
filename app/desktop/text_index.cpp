#include "text_index.h"

#include <algorithm>

namespace gleaner::app {

namespace {
// Decodes one UTF-8 sequence at s[i]; returns its length and the code point (U+FFFD for a
// malformed byte, which then counts as one character: importers keep the text valid, but a
// wrong byte must never desynchronise the map).
int decode_utf8(const std::string& s, size_t i, char32_t& cp) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    int len = 0;
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F;
    else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F;
    else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07;
    else {
        cp = 0xFFFD;
        return 1;
    }
    if (i + len > s.size()) {
        cp = 0xFFFD;
        return 1;
    }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) {
            cp = 0xFFFD;
            return 1;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return len;
}
}  // namespace

TextIndex::TextIndex(const std::string& utf8) {
    text_.reserve(static_cast<qsizetype>(utf8.size()));
    byte_of_unit_.reserve(utf8.size() + 1);
    for (size_t i = 0; i < utf8.size();) {
        char32_t cp = 0;
        const int len = decode_utf8(utf8, i, cp);
        if (cp > 0xFFFF) {
            const QChar pair[2] = {QChar::highSurrogate(cp), QChar::lowSurrogate(cp)};
            text_.append(pair, 2);
            byte_of_unit_.push_back(static_cast<uint32_t>(i));
            byte_of_unit_.push_back(static_cast<uint32_t>(i));
        } else {
            text_.append(QChar(static_cast<char16_t>(cp)));
            byte_of_unit_.push_back(static_cast<uint32_t>(i));
        }
        i += static_cast<size_t>(len);
    }
    byte_of_unit_.push_back(static_cast<uint32_t>(utf8.size()));
}

qsizetype TextIndex::unitOfByte(size_t offset) const {
    if (offset >= byte_of_unit_.back()) return text_.size();
    // The first unit starting at `offset`, else the character that holds it (a byte inside a
    // multi-byte sequence belongs to that character). Both units of a surrogate pair start at
    // the same byte; the first one is the character's start.
    const auto last = byte_of_unit_.end() - 1;
    auto it = std::lower_bound(byte_of_unit_.begin(), last, static_cast<uint32_t>(offset));
    if (it != last && *it == offset) return static_cast<qsizetype>(it - byte_of_unit_.begin());
    const qsizetype before = static_cast<qsizetype>(it - byte_of_unit_.begin()) - 1;
    if (before <= 0) return 0;
    // Step back to the first unit of that character.
    qsizetype u = before;
    while (u > 0 && byte_of_unit_[static_cast<size_t>(u - 1)] == byte_of_unit_[static_cast<size_t>(before)]) --u;
    return u;
}

size_t TextIndex::byteOfUnit(qsizetype unit) const {
    if (unit <= 0) return 0;
    if (unit >= text_.size()) return byte_of_unit_.back();
    return byte_of_unit_[static_cast<size_t>(unit)];
}

std::vector<TextRange> TextIndex::findAll(const QString& needle, Qt::CaseSensitivity cs, size_t limit) const {
    std::vector<TextRange> hits;
    if (needle.isEmpty()) return hits;
    for (qsizetype at = text_.indexOf(needle, 0, cs); at >= 0 && hits.size() < limit;
         at = text_.indexOf(needle, at + needle.size(), cs))
        hits.push_back(TextRange{byteOfUnit(at), byteOfUnit(at + needle.size())});
    return hits;
}

}  // namespace gleaner::app
