#pragma once
// The character encoding an HTML file declares for itself: <meta charset="...">, the
// http-equiv Content-Type's "charset=", or the XML declaration's encoding="...". The HTML
// importer needs it to tell a file that is damaged UTF-8 (repair it) from one that says it is
// in another encoding (let libxml2 convert from that), since Shift_JIS or EUC-KR text can
// contain many byte pairs that happen to be valid UTF-8.
#include <string>
#include <string_view>

namespace gleaner {

// Lowercased name from the first 4 KiB ("utf-8", "windows-1252"), or empty when none.
std::string declared_html_charset(std::string_view markup);

// True when a charset is declared and it is not UTF-8 (or its alias "utf8").
bool declares_other_charset_than_utf8(std::string_view markup);

}  // namespace gleaner
