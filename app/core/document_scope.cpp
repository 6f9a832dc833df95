#include "document_scope.h"

#include <algorithm>

namespace gleaner {

namespace {
// [begin, end) trimmed to the body (front/back matter out), unless that leaves nothing.
TextRange in_body(const Document& doc, size_t begin, size_t end) {
    const TextRange body = doc.body_range();
    const TextRange r{std::max(begin, body.begin), std::min(end, body.end)};
    return r.empty() ? TextRange{begin, end} : r;
}

std::string trimmed(std::string s) {
    const size_t b = s.find_first_not_of(" \t\r\n");
    const size_t e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::vector<DocumentScope> from_contents(const Document& doc) {
    std::vector<DocumentScope> out;
    if (doc.toc.empty()) return out;
    int top = doc.toc.front().level;
    for (const TocEntry& e : doc.toc) top = std::min(top, e.level);
    std::vector<const TocEntry*> entries;
    for (const TocEntry& e : doc.toc)
        if (e.level == top && e.offset < doc.text.size()) entries.push_back(&e);
    std::stable_sort(entries.begin(), entries.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 0; i < entries.size(); ++i) {
        const size_t end = i + 1 < entries.size() ? entries[i + 1]->offset : doc.body_range().end;
        if (end <= entries[i]->offset) continue;  // two entries pointing at the same place
        out.push_back({in_body(doc, entries[i]->offset, std::max(end, entries[i]->offset + 1)), trimmed(entries[i]->title)});
    }
    return out;
}

std::vector<DocumentScope> from_headings(const Document& doc) {
    std::vector<const Block*> heads;
    int top = 7;
    for (const Block& b : doc.blocks)
        if (b.kind == BlockKind::Heading) top = std::min(top, b.level);
    for (const Block& b : doc.blocks)
        if (b.kind == BlockKind::Heading && b.level == top) heads.push_back(&b);
    std::vector<DocumentScope> out;
    for (size_t i = 0; i < heads.size(); ++i) {
        const size_t end = i + 1 < heads.size() ? heads[i + 1]->range.begin : doc.body_range().end;
        if (end > heads[i]->range.begin)
            out.push_back({in_body(doc, heads[i]->range.begin, end), trimmed(std::string(doc.slice(heads[i]->range)))});
    }
    return out;
}
}  // namespace

std::vector<DocumentScope> document_chapters(const Document& doc) {
    std::vector<DocumentScope> out = from_contents(doc);
    if (out.size() < 2 && doc.sections.size() > 1) {
        out.clear();
        for (const Section& s : doc.sections)
            if (!s.range.empty()) out.push_back({s.range, trimmed(s.title)});
    }
    if (out.size() < 2) out = from_headings(doc);
    for (size_t i = 0; i < out.size(); ++i)
        if (out[i].label.empty()) out[i].label = "part " + std::to_string(i + 1);
    return out.size() < 2 ? std::vector<DocumentScope>{} : out;
}

DocumentScope chapter_at(const Document& doc, size_t offset) {
    const std::vector<DocumentScope> chapters = document_chapters(doc);
    if (chapters.empty()) return {};
    if (offset < chapters.front().range.begin) return chapters.front();  // the title page: the book's start
    for (const DocumentScope& c : chapters)
        if (c.range.contains(offset)) return c;
    return {};
}

std::string page_name(const Document& doc, int page) {
    if (page >= 0 && page < doc.page_count() && !doc.pages[page].label.empty()) return doc.pages[page].label;
    return std::to_string(page + 1);
}

namespace {
// The 1-based paragraph of [from, offset]: paragraphs and headings counted from `from`.
int paragraph_number(const Document& doc, size_t from, size_t offset) {
    int n = 0;
    for (const Block& b : doc.blocks) {
        if (b.range.end <= from) continue;
        if (b.range.begin > offset) break;
        ++n;
    }
    return std::max(1, n);
}
}  // namespace

std::string citation(const Document& doc, size_t offset) {
    if (doc.is_paginated()) {
        const int page = doc.page_of_char(offset);
        if (page >= 0) return "p. " + page_name(doc, page);
    }
    const std::vector<DocumentScope> chapters = document_chapters(doc);
    for (const DocumentScope& c : chapters)
        if (c.range.contains(offset)) {
            if (doc.blocks.empty()) return c.label;
            return c.label + ", \u00b6 " + std::to_string(paragraph_number(doc, c.range.begin, offset));
        }
    const SectionPosition s = doc.section_of_char(offset);
    if (s.section >= 0 && doc.sections.size() > 1) {
        const std::string& title = doc.sections[size_t(s.section)].title;
        return title.empty() ? "\u00a7 " + std::to_string(s.section + 1) : title;
    }
    const size_t n = std::max<size_t>(1, doc.text.size());
    return std::to_string((offset * 100 + n / 2) / n) + "%";
}

DocumentScope page_scope(const Document& doc, int first, int last) {
    if (!doc.is_paginated()) return {};
    first = std::clamp(first, 0, doc.page_count() - 1);
    last = std::clamp(last, first, doc.page_count() - 1);
    if (first == 0 && last == doc.page_count() - 1) return {};
    const TextRange r{doc.pages[first].range.begin, doc.pages[last].range.end};
    if (r.empty()) return {};
    DocumentScope s;
    s.range = r;
    s.label = first == last ? "page " + page_name(doc, first)
                            : "pages " + page_name(doc, first) + "\u2013" + page_name(doc, last);
    return s;
}

DocumentScope passage_scope(const Document& doc, TextRange range) {
    range.end = std::min(range.end, doc.text.size());
    if (range.empty()) return {};
    DocumentScope s;
    s.range = range;
    s.label = "the selected passage";
    if (doc.is_paginated()) {
        s.label += " (page " + page_name(doc, std::max(0, doc.page_of_char(range.begin))) + ")";
    } else if (const DocumentScope c = chapter_at(doc, range.begin); !c.whole()) {
        s.label += " (" + c.label + ")";
    }
    return s;
}

}  // namespace gleaner
