#include "markup_encoding.h"

#include <algorithm>

#include "html_charset.h"
#include "utf8_repair.h"

namespace gleaner {

MarkupBytes choose_markup_encoding(std::string_view bytes) {
    MarkupBytes m;
    m.original = bytes;
    if (m.original.substr(0, 3) == "\xEF\xBB\xBF") m.original.remove_prefix(3);
    const Utf8Census census = take_utf8_census(m.original);
    if (census.ill_formed == 0) {
        m.encoding = "UTF-8";
        return m;
    }
    if (declares_other_charset_than_utf8(m.original) || !reads_as_utf8(census)) return m;
    const std::string_view before = m.original.substr(0, census.first_ill_formed);
    const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    m.warning = replacement_warning("UTF-8", census.ill_formed, line);
    m.repaired = replace_ill_formed_utf8(m.original);
    m.use_repaired = true;
    m.encoding = "UTF-8";
    return m;
}

}  // namespace gleaner
