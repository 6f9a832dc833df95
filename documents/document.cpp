#include "document.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "text_util.h"

namespace gleaner {

std::string_view Document::slice(TextRange r) const {
    const size_t b = std::min(r.begin, text.size());
    const size_t e = std::clamp(r.end, b, text.size());
    return std::string_view(text).substr(b, e - b);
}

TextRange Document::body_range() const {
    TextRange body{0, text.size()};
    if (!front_matter.empty()) body.begin = std::min(front_matter.end, text.size());
    if (!back_matter.empty()) body.end = std::max(body.begin, std::min(back_matter.begin, text.size()));
    return body;
}

int Document::page_of_char(size_t offset) const {
    if (pages.empty() || offset >= text.size()) return -1;
    // First page whose begin is greater than offset, minus one.
    auto it = std::upper_bound(pages.begin(), pages.end(), offset,
                               [](size_t off, const PageInfo& p) { return off < p.range.begin; });
    if (it == pages.begin()) return 0;
    return static_cast<int>(std::distance(pages.begin(), it) - 1);
}

std::vector<const WordBox*> Document::words_in_range(size_t begin, size_t end) const {
    std::vector<const WordBox*> out;
    if (begin >= end || words.empty()) return out;
    // Words are sorted by begin and do not overlap, so the first candidate is the last word
    // starting at or before `begin` (it may straddle `begin`).
    auto it = std::upper_bound(words.begin(), words.end(), begin,
                               [](size_t off, const WordBox& w) { return off < w.begin; });
    if (it != words.begin()) --it;
    for (; it != words.end() && it->begin < end; ++it)
        if (it->end > begin) out.push_back(&*it);
    return out;
}

namespace {

// Fraction of the word's characters (code points) before byte `offset`, for trimming a word
// that a range only partly covers. Proportional trimming is exact for monospaced glyphs and
// close enough for highlighting otherwise.
double fraction_before(std::string_view word_text, size_t offset_in_word) {
    const size_t total = utf8_length(word_text);
    if (total == 0) return 0;
    return static_cast<double>(utf8_length(word_text.substr(0, offset_in_word))) / static_cast<double>(total);
}

}  // namespace

std::vector<PageRect> Document::rects_for_range(size_t begin, size_t end) const {
    std::vector<PageRect> rects;
    const auto hits = words_in_range(begin, end);
    const WordBox* prev = nullptr;
    for (const WordBox* w : hits) {
        double x0 = w->x, y0 = w->y, x1 = w->x + w->w, y1 = w->y + w->h;
        const std::string_view word_text = slice(w->begin, w->end);
        const double f0 = begin > w->begin ? fraction_before(word_text, begin - w->begin) : 0.0;
        const double f1 = end < w->end ? fraction_before(word_text, end - w->begin) : 1.0;
        if (w->vertical) {
            const double h = w->h;
            y0 = w->y + f0 * h;
            y1 = w->y + f1 * h;
        } else {
            const double wd = w->w;
            x0 = w->x + f0 * wd;
            x1 = w->x + f1 * wd;
        }
        if (prev && prev->page == w->page && prev->line == w->line && !rects.empty()) {
            PageRect& r = rects.back();
            const double rx1 = std::max(r.x + r.w, x1), ry1 = std::max(r.y + r.h, y1);
            r.x = std::min(r.x, x0);
            r.y = std::min(r.y, y0);
            r.w = rx1 - r.x;
            r.h = ry1 - r.y;
        } else {
            rects.push_back(PageRect{w->page, x0, y0, x1 - x0, y1 - y0});
        }
        prev = w;
    }
    return rects;
}

const Block* Document::block_at(size_t offset) const {
    auto it = std::upper_bound(blocks.begin(), blocks.end(), offset,
                               [](size_t off, const Block& b) { return off < b.range.begin; });
    if (it == blocks.begin()) return nullptr;
    --it;
    return it->range.contains(offset) ? &*it : nullptr;
}

SectionPosition Document::section_of_char(size_t offset) const {
    if (sections.empty()) return {};
    auto it = std::upper_bound(sections.begin(), sections.end(), offset,
                               [](size_t off, const Section& s) { return off < s.range.begin; });
    if (it == sections.begin()) return {0, 0};
    --it;
    return {static_cast<int>(std::distance(sections.begin(), it)), offset - it->range.begin};
}

std::string Document::check_invariants() const {
    const size_t n = text.size();
    if (!is_valid_utf8(text)) return "text is not valid UTF-8";
    auto on_boundary = [&](size_t off) {
        return off == n || (off < n && (static_cast<unsigned char>(text[off]) & 0xC0) != 0x80);
    };
    auto range_ok = [&](TextRange r) { return r.begin <= r.end && r.end <= n && on_boundary(r.begin) && on_boundary(r.end); };
    size_t last = 0;
    for (const Block& b : blocks) {
        if (!range_ok(b.range)) return "block range outside the text or inside a UTF-8 sequence";
        if (b.range.begin < last) return "blocks overlap or are out of order";
        last = b.range.end;
    }
    for (const TocEntry& t : toc) {
        if (t.offset > n) return "TOC entry offset past the end of the text";
        if (t.level < 1) return "TOC entry level below 1";
        if (t.page >= static_cast<int>(pages.size()) && !pages.empty()) return "TOC entry page out of range";
    }
    for (size_t i = 0; i < pages.size(); ++i) {
        if (!range_ok(pages[i].range)) return "page range outside the text";
        if (i == 0 && pages[i].range.begin != 0) return "first page does not start at 0";
        if (i > 0 && pages[i].range.begin != pages[i - 1].range.end) return "pages are not contiguous";
    }
    if (!pages.empty() && pages.back().range.end != n) return "last page does not end at the end of the text";
    uint32_t prev_end = 0;
    for (const WordBox& w : words) {
        if (w.begin < prev_end || w.end < w.begin || w.end > n) return "word boxes overlap, are unsorted or out of range";
        if (w.page < 0 || w.page >= static_cast<int>(pages.size())) return "word box on a page that does not exist";
        if (!std::isfinite(w.x) || !std::isfinite(w.y) || !std::isfinite(w.w) || !std::isfinite(w.h)) return "word box is not finite";
        prev_end = w.end;
    }
    last = 0;
    for (const Section& s : sections) {
        if (!range_ok(s.range)) return "section range outside the text";
        if (s.range.begin < last) return "sections overlap or are out of order";
        last = s.range.end;
    }
    if (!front_matter.empty() && !range_ok(front_matter)) return "front matter range outside the text";
    if (!back_matter.empty() && !range_ok(back_matter)) return "back matter range outside the text";
    if (!contents.empty() && !range_ok(contents)) return "contents range outside the text";
    return {};
}

}  // namespace gleaner
