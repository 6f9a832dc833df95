#pragma once
// How the HTML and EPUB importers hand markup bytes to libxml2.
//
// Valid UTF-8 is read as UTF-8. A file declaring another charset is converted from it by
// libxml2. Otherwise damaged UTF-8 (the rule in utf8_repair.h) has its bad sequences replaced by
// U+FFFD, with a warning, instead of the parser giving up on UTF-8 for the whole file (libxml2's
// HTML parser then reads everything as Latin-1, garbling every accented letter).
#include <string>
#include <string_view>

namespace gleaner {

struct MarkupBytes {
    std::string_view original;       // the input without a UTF-8 BOM
    std::string repaired;            // with U+FFFD for damaged sequences, when that was needed
    bool use_repaired = false;
    const char* encoding = nullptr;  // for libxml2's HTML parser; nullptr follows <meta charset>
    std::string warning;             // "3 invalid UTF-8 sequences replaced ...", or empty

    std::string_view bytes() const { return use_repaired ? std::string_view(repaired) : original; }
};

// `bytes` must outlive the result (it is viewed, not copied, when no repair is needed).
MarkupBytes choose_markup_encoding(std::string_view bytes);

}  // namespace gleaner
