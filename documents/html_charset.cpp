#include "html_charset.h"

#include "text_util.h"

namespace gleaner {
namespace {

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':';
}

// The value after `key` in `s` (already lowercased): skips blanks, '=', blanks and one quote.
std::string value_after(std::string_view s, std::string_view key) {
    size_t pos = s.find(key);
    if (pos == std::string_view::npos) return {};
    pos += key.size();
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
    if (pos >= s.size() || s[pos] != '=') return {};
    ++pos;
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) ++pos;
    if (pos < s.size() && (s[pos] == '"' || s[pos] == '\'')) ++pos;
    size_t end = pos;
    while (end < s.size() && is_name_char(s[end])) ++end;
    return std::string(s.substr(pos, end - pos));
}

}  // namespace

std::string declared_html_charset(std::string_view markup) {
    const std::string head = to_lower_ascii(markup.substr(0, 4096));
    std::string_view h = head;
    if (h.substr(0, 3) == "\xEF\xBB\xBF") h.remove_prefix(3);
    if (h.substr(0, 5) == "<?xml") {
        const std::string_view decl = h.substr(0, h.find("?>"));
        if (std::string e = value_after(decl, "encoding"); !e.empty()) return e;
    }
    // Declarations live in the head; "charset=" in the body is prose (an article about them).
    return value_after(h.substr(0, h.find("<body")), "charset");
}

bool declares_other_charset_than_utf8(std::string_view markup) {
    const std::string charset = declared_html_charset(markup);
    return !charset.empty() && charset != "utf-8" && charset != "utf8";
}

}  // namespace gleaner
