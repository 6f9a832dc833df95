#include "text_util.h"

#include <algorithm>

#include "utf8_repair.h"

namespace gleaner {

char32_t next_code_point(std::string_view s, size_t& i) {
    const size_t n = s.size();
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    int len = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; min = 0x80; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; min = 0x800; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
    else { ++i; return 0xFFFD; }
    if (i + len > n) { ++i; return 0xFFFD; }
    for (int k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) { ++i; return 0xFFFD; }
        cp = (cp << 6) | (b & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) { ++i; return 0xFFFD; }
    i += len;
    return cp;
}

bool is_valid_utf8(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        const size_t start = i;
        const char32_t cp = next_code_point(s, i);
        // A genuine U+FFFD is three bytes; the error value advances by one.
        if (cp == 0xFFFD && i - start != 3) return false;
    }
    return true;
}

size_t utf8_length(std::string_view s) {
    size_t count = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++count;
    return count;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string to_clean_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    while (i < s.size()) {
        const size_t start = i;
        const char32_t cp = next_code_point(s, i);
        if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) continue;
        if (cp == 0xFFFD && i - start == 1) out += "\xEF\xBF\xBD";
        else out.append(s.substr(start, i - start));
    }
    return out;
}

namespace {

// Windows-1252 0x80..0x9F; 0 marks the five unassigned bytes (decoded as U+FFFD).
constexpr char32_t kCp1252High[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

// Appends one decoded code point with the newline and control-character normalisation.
class NormalisingSink {
public:
    explicit NormalisingSink(DecodedText& out) : out_(out) {}
    void put(char32_t cp) {
        if (cp == '\r') {
            out_.text += '\n';
            pending_cr_ = true;
            return;
        }
        if (cp == '\n') {
            if (pending_cr_) { pending_cr_ = false; out_.had_crlf = true; return; }  // CRLF -> one LF
            out_.text += '\n';
            return;
        }
        pending_cr_ = false;
        if (cp == '\t') { out_.text += '\t'; return; }
        if (cp < 0x20 || cp == 0x7F) return;           // C0 controls, DEL
        if (cp >= 0x80 && cp < 0xA0) return;          // C1 controls
        if (cp == 0xFEFF) return;                       // stray BOM / zero-width no-break space
        append_utf8(out_.text, cp);
    }

private:
    DecodedText& out_;
    bool pending_cr_ = false;
};

}  // namespace

DecodedText decode_text_bytes(std::string_view bytes) {
    DecodedText out;
    out.text.reserve(bytes.size());
    NormalisingSink sink(out);
    auto starts = [&](std::string_view sig) { return bytes.substr(0, sig.size()) == sig; };

    // The line of the first replacement is counted in the output, where every line end is
    // already one LF whatever the file used.
    auto note_replacement = [&] {
        if (out.replaced++ == 0) out.first_replaced_line = 1 + static_cast<size_t>(std::count(out.text.begin(), out.text.end(), '\n'));
    };

    if (starts("\xFF\xFE") || starts("\xFE\xFF")) {
        const bool le = starts("\xFF\xFE");
        out.encoding = le ? "UTF-16LE" : "UTF-16BE";
        for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
            auto unit = [&](size_t k) -> char32_t {
                const auto a = static_cast<unsigned char>(bytes[k]), b = static_cast<unsigned char>(bytes[k + 1]);
                return le ? static_cast<char32_t>(a | (b << 8)) : static_cast<char32_t>((a << 8) | b);
            };
            char32_t u = unit(i);
            if (u >= 0xD800 && u <= 0xDBFF && i + 3 < bytes.size()) {
                const char32_t lo = unit(i + 2);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    sink.put(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                    i += 2;
                    continue;
                }
            }
            if (u >= 0xD800 && u <= 0xDFFF) {  // a surrogate without its other half
                note_replacement();
                u = 0xFFFD;
            }
            sink.put(u);
        }
        return out;
    }

    std::string_view body = bytes;
    const bool bom = starts("\xEF\xBB\xBF");
    if (bom) body.remove_prefix(3);
    if (reads_as_utf8(take_utf8_census(body))) {
        out.encoding = bom ? "UTF-8 (BOM)" : "UTF-8";
        size_t i = 0;
        while (i < body.size()) {
            const size_t start = i;
            const char32_t cp = next_code_point(body, i);
            if (cp == 0xFFFD && i - start == 1) {  // ill-formed: one U+FFFD for the whole sequence
                note_replacement();
                i = start + ill_formed_length(body, start);
            }
            sink.put(cp);
        }
        return out;
    }
    out.encoding = "Windows-1252";
    for (unsigned char c : body) {
        if (c >= 0x80 && c < 0xA0) {
            const char32_t cp = kCp1252High[c - 0x80];
            sink.put(cp ? cp : 0xFFFD);
        } else {
            sink.put(c);
        }
    }
    return out;
}

std::string decoding_warning(const DecodedText& decoded) {
    if (decoded.encoding == "Windows-1252") return "not valid UTF-8; decoded as Windows-1252 (Latin-1)";
    if (decoded.replaced == 0) return {};
    const std::string_view family = decoded.encoding.rfind("UTF-16", 0) == 0 ? "UTF-16" : "UTF-8";
    return replacement_warning(family, decoded.replaced, decoded.first_replaced_line);
}

namespace {
bool is_space_cp(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}
}  // namespace

std::string collapse_whitespace(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    size_t i = 0;
    while (i < s.size()) {
        const size_t start = i;
        const char32_t cp = next_code_point(s, i);
        if (is_space_cp(cp)) {
            pending_space = true;
            continue;
        }
        if (pending_space && !out.empty()) out += ' ';
        pending_space = false;
        if (cp == 0xFFFD && i - start == 1) out += "\xEF\xBF\xBD";
        else out.append(s.substr(start, i - start));
    }
    return out;
}

std::string_view trim(std::string_view s) {
    const char* ws = " \t\n\r\f\v";
    const size_t b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    const size_t e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

std::string to_lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && to_lower_ascii(s.substr(0, prefix.size())) == to_lower_ascii(prefix);
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && to_lower_ascii(s.substr(s.size() - suffix.size())) == to_lower_ascii(suffix);
}

bool is_rtl_code_point(char32_t cp) {
    return (cp >= 0x0590 && cp <= 0x08FF) ||   // Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan, Mandaic
           (cp >= 0xFB1D && cp <= 0xFDFF) ||   // Hebrew and Arabic presentation forms A
           (cp >= 0xFE70 && cp <= 0xFEFF && cp != 0xFEFF) ||  // Arabic presentation forms B
           (cp >= 0x10800 && cp <= 0x10FFF) || (cp >= 0x1E800 && cp <= 0x1EFFF);
}

bool is_lowercase_letter(char32_t cp) {
    if (cp >= 'a' && cp <= 'z') return true;
    if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7) return true;
    if (cp >= 0x100 && cp <= 0x17F) return (cp % 2) == 1;  // Latin Extended-A mostly alternates
    if (cp >= 0x3B1 && cp <= 0x3C9) return true;            // Greek
    if (cp >= 0x430 && cp <= 0x45F) return true;            // Cyrillic
    return false;
}

bool is_letter(char32_t cp) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) return true;
    if (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) return true;
    if (cp >= 0x370 && cp <= 0x52F) return true;
    return false;
}

}  // namespace gleaner
