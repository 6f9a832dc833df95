// Plain-text importer. Text files carry no structure beyond blank lines, so this importer:
//  - decodes the bytes (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252/Latin-1;
//    a few damaged bytes in UTF-8 become U+FFFD with a warning),
//  - turns blank-line separated runs of lines into paragraphs, re-joining hard-wrapped lines
//    (a tokenizer and a reflowing reader both want paragraphs, not 70-column lines) but keeping
//    the line breaks of verse, tables and other short-line blocks,
//  - recognises Project Gutenberg's header and licence as front/back matter and takes title,
//    author and language from the header,
//  - recognises chapter headings ("CHAPTER I.", "BOOK ONE: 1805", "Chapter 12") for the TOC,
//    ignoring the printed contents list that repeats them.
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "document_builder.h"
#include "importer.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

struct Line {
    std::string_view text;  // without the trailing LF
    size_t indent = 0;      // leading spaces (a TAB counts as 4)
    bool blank = false;
};

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        Line line;
        line.text = text.substr(pos, nl - pos);
        for (char c : line.text) {
            if (c == ' ') line.indent += 1;
            else if (c == '\t') line.indent += 4;
            else break;
        }
        line.blank = trim(line.text).empty();
        lines.push_back(line);
        if (nl == text.size()) break;
        pos = nl + 1;
    }
    return lines;
}

// ---- Project Gutenberg ---------------------------------------------------------------------

bool contains_ci(std::string_view hay, std::string_view needle) {
    return to_lower_ascii(hay).find(to_lower_ascii(needle)) != std::string::npos;
}

bool is_gutenberg_start(std::string_view line) {
    return contains_ci(line, "*** start of") && contains_ci(line, "project gutenberg");
}

// The licence block starts at "*** END OF THE PROJECT GUTENBERG EBOOK" or, in older files, at
// the "End of the Project Gutenberg EBook of ..." line a little before it.
bool is_gutenberg_end(std::string_view line) {
    const std::string_view t = trim(line);
    if (contains_ci(t, "*** end of") && contains_ci(t, "project gutenberg")) return true;
    return starts_with_ci(t, "end of the project gutenberg") || starts_with_ci(t, "end of project gutenberg");
}

// "Title: X" in the header; a continuation line is indented.
std::string header_field(const std::vector<Line>& lines, size_t end_line, std::string_view key) {
    for (size_t i = 0; i < end_line; ++i) {
        const std::string_view t = lines[i].text;
        if (t.size() > key.size() && starts_with_ci(t, key) && t[key.size()] == ':') {
            std::string value(trim(t.substr(key.size() + 1)));
            for (size_t j = i + 1; j < end_line && !lines[j].blank && lines[j].indent > 0; ++j)
                value.append(" ").append(trim(lines[j].text));
            return value;
        }
    }
    return {};
}

std::string language_code(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kNames{{
        {"english", "en"}, {"french", "fr"}, {"german", "de"}, {"spanish", "es"}, {"italian", "it"},
        {"portuguese", "pt"}, {"dutch", "nl"}, {"russian", "ru"}, {"chinese", "zh"}, {"japanese", "ja"},
        {"arabic", "ar"}, {"latin", "la"},
    }};
    const std::string lower = to_lower_ascii(trim(name));
    for (const auto& [n, code] : kNames)
        if (lower == n) return std::string(code);
    return std::string(trim(name));
}

// No extension, or one that plain-text books and notes use.
bool has_plain_text_name(const std::string& path) {
    const size_t slash = path.find_last_of('/');
    const std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    const size_t dot = name.find_last_of('.');
    if (dot == std::string::npos || dot == 0) return true;  // "README", ".hidden"
    for (const char* ext : {".txt", ".text", ".asc", ".rst", ".org", ".nfo", ".1st"})
        if (ends_with_ci(name, ext)) return true;
    return false;
}

// ---- chapter headings ----------------------------------------------------------------------

enum class HeadingKeyword { None, Volume, Part, Book, Matter, Chapter };

bool is_roman(std::string_view w) {
    if (w.empty()) return false;
    return std::all_of(w.begin(), w.end(), [](char c) { return std::string_view("IVXLCDMivxlcdm").find(c) != std::string_view::npos; });
}

bool is_number_word(std::string_view w) {
    static constexpr std::array<std::string_view, 29> kWords{
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
        "forty", "fifty", "first", "second", "third", "fourth", "fifth", "last"};
    const std::string lower = to_lower_ascii(w);
    for (auto n : kWords)
        if (lower == n || lower.rfind(std::string(n) + "-", 0) == 0) return true;
    return false;
}

// Is this word written as a heading keyword would be: "CHAPTER" or "Chapter", not "chapter"?
bool heading_case(std::string_view w) {
    return !w.empty() && w[0] >= 'A' && w[0] <= 'Z';
}

HeadingKeyword keyword_of(std::string_view w) {
    if (!heading_case(w)) return HeadingKeyword::None;
    const std::string k = to_lower_ascii(w);
    if (k == "volume") return HeadingKeyword::Volume;
    if (k == "part") return HeadingKeyword::Part;
    if (k == "book") return HeadingKeyword::Book;
    if (k == "chapter" || k == "stave" || k == "letter") return HeadingKeyword::Chapter;
    if (k == "epilogue" || k == "prologue") return HeadingKeyword::Matter;
    return HeadingKeyword::None;
}

std::vector<std::string_view> words_of(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
        size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

std::string_view strip_punct(std::string_view w) {
    while (!w.empty() && std::string_view(".:,;-").find(w.back()) != std::string_view::npos) w.remove_suffix(1);
    return w;
}

// "CHAPTER I.", "CHAPTER 12. Loomings.", "BOOK ONE: 1805", "Chapter 3", "FIRST EPILOGUE: 1813 - 20".
HeadingKeyword heading_keyword(std::string_view line) {
    const std::string_view t = trim(line);
    if (t.empty() || t.size() > 80) return HeadingKeyword::None;
    const auto w = words_of(t);
    if (w.empty()) return HeadingKeyword::None;
    size_t k = 0;
    // An ordinal may precede the keyword ("FIRST EPILOGUE", "Second Part").
    if (w.size() >= 2 && is_number_word(w[0]) && heading_case(w[0]) && keyword_of(strip_punct(w[1])) != HeadingKeyword::None) k = 1;
    const HeadingKeyword kw = keyword_of(strip_punct(w[k]));
    if (kw == HeadingKeyword::None) return kw;
    if (k == 1) return kw;
    if (w.size() == 1) return kw == HeadingKeyword::Matter ? kw : HeadingKeyword::None;
    const std::string_view num = strip_punct(w[1]);
    const bool numeric = !num.empty() && std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric || is_roman(num) || is_number_word(num)) return kw;
    return kw == HeadingKeyword::Matter ? kw : HeadingKeyword::None;
}

// ---- paragraphs ----------------------------------------------------------------------------

// Hard-wrapped prose gets its lines joined; verse, lists and tables keep their breaks. A block
// is prose when its lines are long and mostly unindented.
bool looks_hard_wrapped(const std::vector<Line>& lines, size_t first, size_t last) {
    const size_t n = last - first;
    if (n <= 1) return true;
    size_t long_lines = 0, indented = 0;
    for (size_t i = first; i < last; ++i) {
        if (trim(lines[i].text).size() >= 45) ++long_lines;
        if (lines[i].indent >= 2 && i > first) ++indented;
    }
    // All but the last line of a wrapped paragraph run close to the wrap column.
    return long_lines * 2 >= (n - 1) && indented * 2 < n;
}

class TextImporter final : public Importer {
public:
    std::string_view format() const override { return "text"; }
    bool reads_whole_file_as_text() const override { return true; }

    bool can_import(const std::string& path, std::string_view head) const override {
        if (ends_with_ci(path, ".txt") || ends_with_ci(path, ".text")) return true;
        // A file of another kind that happens to be text (source code, a .desktop entry, JSON)
        // is not a book: only plain-text names (no extension, as Gutenberg's "pg11", or a few
        // text extensions) that look like text (no NUL bytes; binary formats have plenty).
        if (!has_plain_text_name(path) || head.empty()) return false;
        if (head.substr(0, 2) == "\xFF\xFE" || head.substr(0, 2) == "\xFE\xFF") return true;
        return head.find('\0') == std::string_view::npos;
    }

    Document import(const std::string& path, const ImportOptions& options) const override {
        const std::string bytes = read_file_bytes(path, options.max_file_bytes);
        DecodedText decoded = decode_text_bytes(bytes);
        Document doc;
        doc.format = "text";
        doc.source_path = path;
        if (std::string w = decoding_warning(decoded); !w.empty()) doc.warnings.push_back(std::move(w));
        build(doc, decoded.text);
        if (doc.text.empty()) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        doc.sections.push_back(Section{doc.metadata.title, {}, TextRange{0, doc.text.size()}});
        return doc;
    }

private:
    static void build(Document& doc, const std::string& text) {
        const std::vector<Line> lines = split_lines(text);

        // Gutenberg markers (line indices); the header must come early, the licence late.
        size_t start_line = lines.size(), end_line = lines.size();
        for (size_t i = 0; i < lines.size() && i < 400; ++i)
            if (is_gutenberg_start(lines[i].text)) { start_line = i; break; }
        if (start_line < lines.size()) {
            for (size_t i = start_line + 1; i < lines.size(); ++i)
                if (is_gutenberg_end(lines[i].text)) { end_line = i; break; }
            doc.metadata.title = header_field(lines, start_line, "Title");
            doc.metadata.author = header_field(lines, start_line, "Author");
            const std::string lang = header_field(lines, start_line, "Language");
            if (!lang.empty()) doc.metadata.language = language_code(lang);
        }

        // Paragraph spans [first, last) of non-blank lines.
        struct Para { size_t first, last; HeadingKeyword heading; bool contents = false; };
        std::vector<Para> paras;
        for (size_t i = 0; i < lines.size();) {
            if (lines[i].blank) { ++i; continue; }
            size_t j = i;
            // The Gutenberg markers always stand alone so front/back matter end on a block edge.
            while (j < lines.size() && !lines[j].blank) {
                if (j > i && (j == start_line || j == start_line + 1 || j == end_line)) break;
                ++j;
            }
            const bool in_body = start_line == lines.size() || (i > start_line && i < end_line);
            const HeadingKeyword kw = (j - i == 1 && in_body && lines[i].indent <= 3) ? heading_keyword(lines[i].text)
                                                                                   : HeadingKeyword::None;
            paras.push_back(Para{i, j, kw, false});
            i = j;
        }
        reject_contents_lists(paras, lines);

        // Heading levels: the keywords present, outermost first.
        bool has[6] = {};
        for (const Para& p : paras) has[static_cast<int>(p.heading)] = true;
        auto level_of = [&](HeadingKeyword kw) {
            int level = 0;
            for (HeadingKeyword k : {HeadingKeyword::Volume, HeadingKeyword::Part, HeadingKeyword::Book}) {
                if (has[static_cast<int>(k)]) ++level;
                if (k == kw) return std::max(level, 1);
            }
            // Epilogues sit beside the outermost division if there is one, else beside chapters.
            if (kw == HeadingKeyword::Matter) return 1;
            return level + 1;  // chapters
        };

        DocumentBuilder builder(doc);
        bool front_open = start_line < lines.size();
        bool back_started = false;
        for (const Para& p : paras) {
            if (!back_started && end_line < lines.size() && p.first >= end_line) {
                doc.back_matter.begin = builder.next_offset();
                back_started = true;
            }
            std::string joined;
            const bool wrap = looks_hard_wrapped(lines, p.first, p.last);
            for (size_t i = p.first; i < p.last; ++i) {
                const std::string_view t = wrap ? trim(lines[i].text) : lines[i].text;
                if (i > p.first) joined += wrap ? " " : "\n";
                joined.append(wrap ? t : std::string_view(t).substr(0, t.find_last_not_of(" \t") + 1));
            }
            if (!wrap) {
                // Keep verse indentation inside the block, but not leading blank columns.
                size_t common = std::string::npos;
                for (size_t i = p.first; i < p.last; ++i) common = std::min(common, lines[i].indent);
                if (common > 0 && common != std::string::npos) joined = strip_common_indent(joined, common);
            }
            TextRange r;
            if (p.heading != HeadingKeyword::None) {
                const int level = level_of(p.heading);
                r = builder.add_block(BlockKind::Heading, level, joined);
                if (!r.empty()) doc.toc.push_back(TocEntry{std::string(doc.slice(r)), level, -1, r.begin});
            } else {
                r = builder.add_block(BlockKind::Paragraph, 0, joined);
            }
            if (p.contents && !r.empty()) {
                if (doc.contents.empty()) doc.contents = r;
                doc.contents.end = r.end;
            }
            if (front_open && p.last > start_line) {
                doc.front_matter = TextRange{0, builder.size()};
                front_open = false;
            }
        }
        if (back_started) doc.back_matter.end = doc.text.size();
        if (doc.back_matter.begin >= doc.back_matter.end) doc.back_matter = {};
    }

    static std::string strip_common_indent(const std::string& s, size_t n) {
        std::string out;
        size_t pos = 0;
        while (pos <= s.size()) {
            size_t nl = s.find('\n', pos);
            if (nl == std::string::npos) nl = s.size();
            size_t skip = 0;
            while (skip < n && pos + skip < nl && (s[pos + skip] == ' ' || s[pos + skip] == '\t')) ++skip;
            out.append(s, pos + skip, nl - pos - skip);
            if (nl == s.size()) break;
            out += '\n';
            pos = nl + 1;
        }
        return out;
    }

    // A printed contents list is a run of heading-like lines ("CHAPTER 1. Loomings." /
    // "CHAPTER 2. The Carpet-Bag." ...). A real heading stack is short and never repeats a
    // keyword ("BOOK ONE: 1805" then "CHAPTER I"), so a run that repeats one is no heading.
    // The first such list (with a "Contents" title just above it) is marked as the book's
    // contents: its lines are the chapters' words without their sentences, so no answer's
    // evidence should come from it.
    static void reject_contents_lists(auto& paras, const std::vector<Line>& lines) {
        bool marked = false;
        size_t marked_end = 0;  // one past the last paragraph marked as contents
        size_t i = 0;
        while (i < paras.size()) {
            if (paras[i].heading == HeadingKeyword::None) { ++i; continue; }
            size_t j = i;
            bool seen[6] = {};
            bool repeats = false;
            while (j < paras.size() && paras[j].heading != HeadingKeyword::None) {
                const int k = static_cast<int>(paras[j].heading);
                repeats = repeats || seen[k];
                seen[k] = true;
                ++j;
            }
            if (repeats) {
                // A contents list directly followed by the book's first heading(s): the run ends
                // with a repeat of its own beginning ("CHAPTER I." ... "CHAPTER I."), and that
                // repeated stack is real.
                size_t keep = 0;
                for (size_t len = std::min<size_t>(3, (j - i) / 2); len >= 1 && keep == 0; --len) {
                    bool same = true;
                    for (size_t k = 0; k < len && same; ++k)
                        same = trim(lines[paras[i + k].first].text) == trim(lines[paras[j - len + k].first].text);
                    if (same) keep = len;
                }
                for (size_t k = i; k < j - keep; ++k) paras[k].heading = HeadingKeyword::None;
                // the first list, continued by runs that a line or two the heading test refused
                // interrupts ("CHAPTER 105. Does the Whale's Magnitude Diminish?--Will He Perish?")
                if (!marked || i <= marked_end + 3) {
                    for (size_t k = marked ? marked_end : contents_title_before(paras, lines, i); k < j - keep; ++k)
                        paras[k].contents = true;
                    marked = true;
                    marked_end = j - keep;
                }
            }
            i = j;
        }
    }

    // The paragraph that titles a contents list starting at paragraph `first` ("CONTENTS",
    // "Table of Contents"), at most three short lines above it ("ETYMOLOGY." and "EXTRACTS" in
    // Moby Dick's); `first` itself when there is none.
    static size_t contents_title_before(const auto& paras, const std::vector<Line>& lines, size_t first) {
        for (size_t back = 1; back <= 3 && back <= first; ++back) {
            const auto& p = paras[first - back];
            if (p.last - p.first != 1) break;
            const std::string t = to_lower_ascii(trim(lines[p.first].text));
            if (t == "contents" || t == "contents." || t == "table of contents") return first - back;
            if (t.size() > 60) break;
        }
        return first;
    }
};

}  // namespace

std::unique_ptr<Importer> make_text_importer() { return std::make_unique<TextImporter>(); }

}  // namespace gleaner
