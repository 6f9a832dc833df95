#pragma once
// Small UTF-8 and text helpers shared by the importers. Nothing here allocates more than its
// output, and every function accepts arbitrary (hostile) bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace gleaner {

bool is_valid_utf8(std::string_view s);

// Number of code points in valid UTF-8 (each invalid byte counts as one).
size_t utf8_length(std::string_view s);

// Decodes the code point at `i` and advances `i` past it. Invalid sequences yield U+FFFD and
// advance by one byte, so a loop over hostile input always terminates.
char32_t next_code_point(std::string_view s, size_t& i);

void append_utf8(std::string& out, char32_t cp);

// Valid UTF-8 from anything: invalid sequences become U+FFFD, and C0/C1 control characters
// other than TAB and LF are dropped. Parsers fed broken bytes (libxml2's HTML parser passes
// some through) are cleaned with this before their text reaches a Document.
std::string to_clean_utf8(std::string_view s);

// Result of turning a file's bytes into canonical UTF-8 with LF line ends.
struct DecodedText {
    std::string text;
    std::string encoding;   // "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE", "Windows-1252"
    bool had_crlf = false;
    size_t replaced = 0;            // ill-formed sequences decoded as U+FFFD
    size_t first_replaced_line = 0;  // 1-based line of the first of them (0 when none)
};

// BOM-aware decoding: UTF-8 with or without BOM, UTF-16 with BOM. UTF-8 with a few damaged
// bytes stays UTF-8, each damaged sequence becoming U+FFFD; bytes that are clearly not UTF-8
// (the rule is in utf8_repair.h) fall back to Windows-1252 (a superset of Latin-1 for printable
// characters, and what "Latin-1" files from Windows really are). CRLF and lone CR become LF.
// NUL and other C0 controls except TAB and LF are dropped (they break tokenizers and the UI).
DecodedText decode_text_bytes(std::string_view bytes);

// The import warning describing how the bytes were decoded ("not valid UTF-8; decoded as
// Windows-1252", "2 invalid UTF-8 sequences replaced ..."), or empty when nothing needs saying.
std::string decoding_warning(const DecodedText& decoded);

// Collapses runs of whitespace (ASCII whitespace, NBSP and other Unicode spaces) to one ASCII
// space; trims both ends. Used for text whose line breaks carry no meaning (HTML, PDF words).
std::string collapse_whitespace(std::string_view s);

std::string_view trim(std::string_view s);
std::string to_lower_ascii(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);
bool ends_with_ci(std::string_view s, std::string_view suffix);

// Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, NKo and their presentation
// forms). Used to guess a page's or book's direction.
bool is_rtl_code_point(char32_t cp);

// True for Unicode letters we can cheaply recognise as lowercase (ASCII, Latin-1, Latin
// Extended-A alternating case, Greek, Cyrillic). Used to decide whether a line-end hyphen joins
// a word ("Maece-" + "nas").
bool is_lowercase_letter(char32_t cp);
bool is_letter(char32_t cp);

}  // namespace gleaner
