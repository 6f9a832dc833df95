#include "doctype_subset.h"

#include "text_util.h"

namespace gleaner {
namespace {

constexpr size_t npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Position after the construct at `pos` that ends with `terminator`, or npos.
size_t skip_past(std::string_view s, size_t pos, std::string_view terminator) {
    const size_t at = s.find(terminator, pos);
    return at == npos ? npos : at + terminator.size();
}

// Where the first markup that is not a BOM, whitespace, XML declaration or comment starts.
size_t first_markup(std::string_view s) {
    size_t pos = s.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (pos < s.size()) {
        while (pos < s.size() && is_space(s[pos])) ++pos;
        if (s.substr(pos, 2) == "<?") pos = skip_past(s, pos, "?>");
        else if (s.substr(pos, 4) == "<!--") pos = skip_past(s, pos, "-->");
        else break;
    }
    return pos;
}

// Position after the internal subset's closing "]" + optional whitespace + ">", scanning from
// just after its "[", or npos when it never closes.
size_t subset_end(std::string_view s, size_t pos) {
    while (pos < s.size()) {
        const char c = s[pos];
        if (c == '"' || c == '\'') {
            const size_t close = s.find(c, pos + 1);
            if (close == npos) return npos;
            pos = close + 1;
        } else if (s.substr(pos, 4) == "<!--") {
            pos = skip_past(s, pos, "-->");
            if (pos == npos) return npos;
        } else if (c == ']') {
            size_t after = pos + 1;
            while (after < s.size() && is_space(s[after])) ++after;
            if (after < s.size() && s[after] == '>') return after + 1;
            pos = after;
        } else {
            ++pos;
        }
    }
    return npos;
}

}  // namespace

ByteSpan find_doctype_with_subset(std::string_view markup) {
    const size_t begin = first_markup(markup);
    if (begin == npos || !starts_with_ci(markup.substr(begin), "<!doctype")) return {};
    // The external id part: quoted public/system identifiers, then '[' or the end '>'.
    size_t pos = begin + 9;
    while (pos < markup.size()) {
        const char c = markup[pos];
        if (c == '>') return {};  // a DOCTYPE without an internal subset
        if (c == '"' || c == '\'') {
            const size_t close = markup.find(c, pos + 1);
            if (close == npos) return {};
            pos = close + 1;
            continue;
        }
        if (c == '[') {
            const size_t end = subset_end(markup, pos + 1);
            if (end == npos) return {};
            return ByteSpan{begin, end};
        }
        ++pos;
    }
    return {};
}

std::string without_doctype_subset(std::string_view markup) {
    const ByteSpan span = find_doctype_with_subset(markup);
    if (span.empty()) return std::string(markup);
    std::string out(markup.substr(0, span.begin));
    out.append(markup.substr(span.end));
    return out;
}

}  // namespace gleaner
