// Markdown importer. A small block parser covering what books and notes use: ATX and setext
// headings (-> TOC), paragraphs, lists, block quotes, fenced and indented code, tables, YAML
// front matter (title/author/lang). Inline markup is removed so the canonical text reads as
// prose: emphasis markers, code ticks, link and image syntax (their text/alt is kept), HTML
// tags, backslash escapes and the common entities. No dependency: md4c is not installed on the
// team's machines and its HTML output would need a second parse.
#include <array>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "document_builder.h"
#include "importer.h"
#include "regular_file.h"
#include "text_util.h"

namespace gleaner {
namespace {

size_t leading_spaces(std::string_view s) {
    size_t n = 0;
    for (char c : s) {
        if (c == ' ') ++n;
        else if (c == '\t') n += 4;
        else break;
    }
    return n;
}

bool is_blank(std::string_view s) { return trim(s).empty(); }

// "```lang" / "~~~" with up to 3 spaces of indent; returns the fence string or empty.
std::string fence_of(std::string_view line) {
    if (leading_spaces(line) > 3) return {};
    const std::string_view t = trim(line);
    if (t.size() < 3 || (t[0] != '`' && t[0] != '~')) return {};
    size_t n = 0;
    while (n < t.size() && t[n] == t[0]) ++n;
    return n >= 3 ? std::string(t.substr(0, n)) : std::string();
}

int atx_level(std::string_view line, std::string_view& text) {
    if (leading_spaces(line) > 3) return 0;
    std::string_view t = trim(line);
    size_t n = 0;
    while (n < t.size() && t[n] == '#') ++n;
    if (n == 0 || n > 6 || (n < t.size() && t[n] != ' ' && t[n] != '\t')) return 0;
    t = trim(t.substr(n));
    // Closing hashes: "## Title ##".
    size_t end = t.size();
    while (end > 0 && t[end - 1] == '#') --end;
    if (end == 0 || t[end - 1] == ' ') t = trim(t.substr(0, end));
    text = t;
    return static_cast<int>(n);
}

bool is_rule_of(std::string_view line, char c, size_t min = 3) {
    const std::string_view t = trim(line);
    size_t count = 0;
    for (char ch : t) {
        if (ch == c) ++count;
        else if (ch != ' ') return false;
    }
    return count >= min;
}

bool is_thematic_break(std::string_view line) {
    return leading_spaces(line) <= 3 && (is_rule_of(line, '*') || is_rule_of(line, '-') || is_rule_of(line, '_'));
}

// List item marker length ("- ", "* ", "+ ", "12. ", "3) "), 0 if none. `keep` = the part of
// the marker to keep in the text (numbers are content, bullets are not).
size_t list_marker(std::string_view line, std::string_view& keep) {
    const size_t ind = leading_spaces(line);
    std::string_view t = line.substr(std::min(line.size(), line.find_first_not_of(" \t") == std::string_view::npos ? line.size() : line.find_first_not_of(" \t")));
    if (t.size() >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && (t[1] == ' ' || t[1] == '\t')) {
        keep = {};
        return line.size() - t.size() + 2;
    }
    size_t d = 0;
    while (d < t.size() && d < 9 && t[d] >= '0' && t[d] <= '9') ++d;
    if (d > 0 && d + 1 < t.size() && (t[d] == '.' || t[d] == ')') && (t[d + 1] == ' ' || t[d + 1] == '\t')) {
        keep = t.substr(0, d + 1);
        return line.size() - t.size() + d + 2;
    }
    (void)ind;
    return 0;
}

bool is_link_definition(std::string_view line) {
    const std::string_view t = trim(line);
    if (t.empty() || t[0] != '[') return false;
    const size_t close = t.find("]:");
    return close != std::string_view::npos && close > 1 && t[1] != '^';
}

bool is_table_separator(std::string_view line) {
    const std::string_view t = trim(line);
    if (t.find('-') == std::string_view::npos || t.find('|') == std::string_view::npos) return false;
    for (char c : t)
        if (c != '|' && c != '-' && c != ':' && c != ' ') return false;
    return true;
}

// Hostile input guards: link text nests at most this deep (each level recurses), and a
// delimiter's closing partner is looked for at most this far ahead (else "[[[[..." or a
// paragraph of unmatched backticks would take quadratic time).
constexpr int kMaxLinkDepth = 8;
constexpr size_t kMaxLookahead = 4096;

// Inline markup -> plain text.
std::string strip_inline(std::string_view s, int depth = 0) {
    std::string out;
    out.reserve(s.size());
    size_t i = 0;
    auto prev_char = [&]() -> char { return out.empty() ? ' ' : out.back(); };
    while (i < s.size()) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size() && std::string_view("\\`*_{}[]()#+-.!|<>~\"'").find(s[i + 1]) != std::string_view::npos) {
            out += s[i + 1];
            i += 2;
            continue;
        }
        if (c == '`') {
            size_t n = 0;
            while (i + n < s.size() && s[i + n] == '`') ++n;
            const std::string ticks(n, '`');
            const size_t close = s.substr(0, std::min(s.size(), i + n + kMaxLookahead)).find(ticks, i + n);
            if (close != std::string_view::npos) {
                out += trim(s.substr(i + n, close - i - n));
                i = close + n;
                continue;
            }
            out.append(ticks);
            i += n;
            continue;
        }
        if (((c == '!' && i + 1 < s.size() && s[i + 1] == '[') || c == '[') && depth < kMaxLinkDepth) {
            const size_t open = c == '!' ? i + 1 : i;
            // Find the matching ']' (one level of nesting is plenty for link text).
            int depth = 0;
            size_t close = std::string_view::npos;
            for (size_t k = open; k < s.size() && k < open + kMaxLookahead; ++k) {
                if (s[k] == '\\') { ++k; continue; }
                if (s[k] == '[') ++depth;
                else if (s[k] == ']' && --depth == 0) { close = k; break; }
            }
            if (close != std::string_view::npos && close + 1 < s.size() && (s[close + 1] == '(' || s[close + 1] == '[')) {
                const char end_ch = s[close + 1] == '(' ? ')' : ']';
                const size_t end = s.substr(0, std::min(s.size(), close + 2 + kMaxLookahead)).find(end_ch, close + 2);
                if (end != std::string_view::npos) {
                    out += strip_inline(s.substr(open + 1, close - open - 1), depth + 1);
                    i = end + 1;
                    continue;
                }
            }
        }
        if (c == '<') {
            const size_t end = s.substr(0, std::min(s.size(), i + kMaxLookahead)).find('>', i);
            if (end != std::string_view::npos) {
                const std::string_view inner = s.substr(i + 1, end - i - 1);
                if (inner.find("://") != std::string_view::npos || (inner.find('@') != std::string_view::npos && inner.find(' ') == std::string_view::npos)) {
                    out += inner;  // autolink
                    i = end + 1;
                    continue;
                }
                if (!inner.empty() && (std::isalpha(static_cast<unsigned char>(inner[0])) || inner[0] == '/' || inner[0] == '!')) {
                    i = end + 1;  // inline HTML tag
                    continue;
                }
            }
        }
        if (c == '&') {
            static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kEntities{{
                {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", " "}}};
            bool done = false;
            for (const auto& [ent, rep] : kEntities)
                if (s.substr(i, ent.size()) == ent) {
                    out += rep;
                    i += ent.size();
                    done = true;
                    break;
                }
            if (done) continue;
        }
        if (c == '*' || c == '_' || c == '~') {
            size_t n = 0;
            while (i + n < s.size() && s[i + n] == c) ++n;
            const char before = prev_char();
            const char after = i + n < s.size() ? s[i + n] : ' ';
            const bool space_before = before == ' ' || before == '\t';
            const bool space_after = after == ' ' || after == '\t';
            const bool alnum_both = std::isalnum(static_cast<unsigned char>(before)) && std::isalnum(static_cast<unsigned char>(after));
            // A run touching text is an emphasis delimiter ("*word*", "wo**rd**"), except "_"
            // inside a word (snake_case) and a single "~"; with space on both sides ("a * b")
            // it is a literal character.
            bool delimiter = !(space_before && space_after);
            if (c == '_' && alnum_both) delimiter = false;
            if (c == '~' && n < 2) delimiter = false;
            if (!delimiter) out.append(n, c);
            i += n;
            continue;
        }
        out += c;
        ++i;
    }
    return out;
}

class MarkdownImporter final : public Importer {
public:
    std::string_view format() const override { return "markdown"; }
    bool reads_whole_file_as_text() const override { return true; }

    bool can_import(const std::string& path, std::string_view) const override {
        return ends_with_ci(path, ".md") || ends_with_ci(path, ".markdown") || ends_with_ci(path, ".mkd") ||
               ends_with_ci(path, ".mdown");
    }

    Document import(const std::string& path, const ImportOptions& options) const override {
        DecodedText decoded = decode_text_bytes(read_file_bytes(path, options.max_file_bytes));
        Document doc;
        doc.format = "markdown";
        doc.source_path = path;
        if (std::string w = decoding_warning(decoded); !w.empty()) doc.warnings.push_back(std::move(w));
        parse(decoded.text, doc);
        if (doc.text.empty()) throw ImportError(ImportErrorKind::Empty, "the file contains no text");
        if (doc.metadata.title.empty())
            for (const TocEntry& e : doc.toc)
                if (e.level == 1) { doc.metadata.title = e.title; break; }
        doc.sections.push_back(Section{doc.metadata.title, {}, TextRange{0, doc.text.size()}});
        return doc;
    }

private:
    static std::vector<std::string_view> split_lines(std::string_view text) {
        std::vector<std::string_view> lines;
        size_t pos = 0;
        while (pos <= text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string_view::npos) nl = text.size();
            lines.push_back(text.substr(pos, nl - pos));
            if (nl == text.size()) break;
            pos = nl + 1;
        }
        return lines;
    }

    static void parse(const std::string& text, Document& doc) {
        std::vector<std::string_view> lines = split_lines(text);
        size_t i = 0;
        // YAML front matter.
        if (!lines.empty() && trim(lines[0]) == "---") {
            for (size_t j = 1; j < lines.size() && j < 200; ++j) {
                const std::string_view t = trim(lines[j]);
                if (t == "---" || t == "...") {
                    for (size_t k = 1; k < j; ++k) read_front_matter(lines[k], doc);
                    i = j + 1;
                    break;
                }
            }
        }

        DocumentBuilder builder(doc);
        std::vector<std::string> para;  // pending paragraph lines (already stripped of quotes)
        auto flush = [&] {
            if (para.empty()) return;
            std::string joined;
            for (const std::string& l : para) {
                if (!joined.empty()) {
                    // Two trailing spaces or a backslash = hard line break.
                    if (joined.size() >= 2 && joined.ends_with("  ")) { while (joined.ends_with(" ")) joined.pop_back(); joined += '\n'; }
                    else if (joined.ends_with("\\")) { joined.back() = '\n'; }
                    else joined += ' ';
                }
                joined += trim(l);
            }
            builder.add_block(BlockKind::Paragraph, 0, collapse_inline(strip_inline(joined)));
            para.clear();
        };
        auto heading = [&](int level, std::string_view t) {
            flush();
            const std::string title = collapse_whitespace(strip_inline(t));
            const TextRange r = builder.add_block(BlockKind::Heading, level, title);
            if (!r.empty()) doc.toc.push_back(TocEntry{title, level, -1, r.begin});
        };

        for (; i < lines.size(); ++i) {
            std::string_view line = lines[i];
            // Block quotes: strip the markers and read the rest as ordinary lines.
            while (!trim(line).empty() && trim(line)[0] == '>') {
                line = trim(line).substr(1);
                if (!line.empty() && line[0] == ' ') line.remove_prefix(1);
            }
            if (is_blank(line)) { flush(); continue; }

            const std::string fence = fence_of(line);
            if (!fence.empty()) {
                flush();
                std::string code;
                size_t j = i + 1;
                for (; j < lines.size() && fence_of(lines[j]).rfind(fence, 0) != 0; ++j) {
                    if (is_blank(lines[j])) continue;  // no blank line inside a block
                    code += std::string(lines[j]) + "\n";
                }
                builder.add_block(BlockKind::Preformatted, 0, code);
                i = j;
                continue;
            }
            std::string_view htext;
            if (const int level = atx_level(line, htext)) { heading(level, htext); continue; }
            // Setext underline after a one-paragraph run.
            if (!para.empty() && leading_spaces(line) <= 3 && (is_rule_of(line, '=', 1) || is_rule_of(line, '-', 1)) &&
                trim(line).find(' ') == std::string_view::npos) {
                std::string title;
                for (const std::string& l : para) title += (title.empty() ? "" : " ") + std::string(trim(l));
                para.clear();
                heading(trim(line)[0] == '=' ? 1 : 2, title);
                continue;
            }
            if (is_thematic_break(line)) { flush(); continue; }
            if (is_link_definition(line)) { flush(); continue; }
            if (is_table_separator(line)) continue;
            if (para.empty() && leading_spaces(line) >= 4) {  // indented code
                std::string code;
                size_t j = i;
                for (; j < lines.size() && (leading_spaces(lines[j]) >= 4 || is_blank(lines[j])); ++j)
                    if (!is_blank(lines[j])) code += std::string(lines[j].substr(std::min<size_t>(4, lines[j].find_first_not_of(" \t")))) + "\n";
                builder.add_block(BlockKind::Preformatted, 0, code);
                i = j - 1;
                continue;
            }
            std::string_view keep;
            if (const size_t m = list_marker(line, keep)) {
                flush();
                para.push_back((keep.empty() ? std::string() : std::string(keep) + " ") + std::string(line.substr(m)));
                continue;
            }
            if (trim(line).front() == '|') {  // table row: one line per block line
                flush();
                std::string row(trim(line));
                for (char& c : row)
                    if (c == '|') c = ' ';
                builder.add_block(BlockKind::Paragraph, 0, collapse_whitespace(strip_inline(row)));
                continue;
            }
            para.emplace_back(line);
        }
        flush();
        builder.end_block();
    }

    // Keeps hard line breaks, collapses other whitespace runs.
    static std::string collapse_inline(const std::string& s) {
        std::string out;
        size_t pos = 0;
        while (pos <= s.size()) {
            size_t nl = s.find('\n', pos);
            if (nl == std::string::npos) nl = s.size();
            const std::string line = collapse_whitespace(std::string_view(s).substr(pos, nl - pos));
            if (!line.empty()) out += (out.empty() ? "" : "\n") + line;
            if (nl == s.size()) break;
            pos = nl + 1;
        }
        return out;
    }

    static void read_front_matter(std::string_view line, Document& doc) {
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return;
        const std::string key = to_lower_ascii(trim(line.substr(0, colon)));
        std::string value(trim(line.substr(colon + 1)));
        if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) value = value.substr(1, value.size() - 2);
        if (key == "title") doc.metadata.title = value;
        else if (key == "author" || key == "authors") doc.metadata.author = value;
        else if (key == "lang" || key == "language") doc.metadata.language = value;
    }
};

}  // namespace

std::unique_ptr<Importer> make_markdown_importer() { return std::make_unique<MarkdownImporter>(); }

}  // namespace gleaner
