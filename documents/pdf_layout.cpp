#include "pdf_layout.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "text_util.h"

namespace gleaner::pdf_layout {
namespace {

// Above this many blocks on a page (dense tables, maps) the O(n^3) ordering is skipped and
// poppler's order kept; real prose pages have tens of blocks.
constexpr size_t kMaxBlocksToReorder = 250;

Box unite(const Box& a, const Box& b) {
    return Box{std::min(a.x0, b.x0), std::min(a.y0, b.y0), std::max(a.x1, b.x1), std::max(a.y1, b.y1)};
}

double x_overlap(const Box& a, const Box& b) { return std::min(a.x1, b.x1) - std::max(a.x0, b.x0); }
double y_overlap(const Box& a, const Box& b) { return std::min(a.y1, b.y1) - std::max(a.y0, b.y0); }

bool finite(const Box& b) {
    return std::isfinite(b.x0) && std::isfinite(b.y0) && std::isfinite(b.x1) && std::isfinite(b.y1);
}

Frame detect_frame(const std::vector<Word>& words) {
    size_t vertical_chars = 0, horizontal_chars = 0, rtl = 0, ltr = 0;
    for (const Word& w : words) {
        const size_t n = utf8_length(w.text);
        (w.vertical ? vertical_chars : horizontal_chars) += n;
        size_t i = 0;
        while (i < w.text.size()) {
            const char32_t cp = next_code_point(w.text, i);
            if (is_rtl_code_point(cp)) ++rtl;
            else if (is_letter(cp)) ++ltr;
        }
    }
    if (vertical_chars > horizontal_chars) return Frame::VerticalRightToLeft;
    if (rtl > ltr) return Frame::RightToLeft;
    return Frame::LeftToRight;
}

// Maps page coordinates into the reading frame, where lines run left to right and follow each
// other downwards.
Box to_frame(const Box& b, Frame frame, double page_width) {
    switch (frame) {
    case Frame::LeftToRight: return b;
    case Frame::RightToLeft: return Box{page_width - b.x1, b.y0, page_width - b.x0, b.y1};
    case Frame::VerticalRightToLeft:  // columns run top to bottom, and follow each other leftwards
        return Box{b.y0, page_width - b.x1, b.y1, page_width - b.x0};
    }
    return b;
}

bool ends_sentence(const std::string& s) {
    if (s.empty()) return false;
    static const std::string_view kEnders[] = {".", "!", "?", ":", "\"", ")", "\xE2\x80\x9D", "\xE2\x80\x99", "\xE3\x80\x82"};
    for (auto e : kEnders)
        if (s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) return true;
    return false;
}

std::vector<Line> build_lines(const std::vector<Word>& words, const std::vector<Box>& fb, bool aside) {
    std::vector<Line> lines;
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i].rotated != aside) continue;
        const Box& b = fb[i];
        if (!lines.empty()) {
            Line& cur = lines.back();
            const Box& last = fb[cur.words.back()];
            const double h = std::max(b.height(), last.height());
            const double gap = std::max(b.x0 - last.x1, last.x0 - b.x1);
            const bool same_row = y_overlap(b, last) >= 0.5 * std::min(b.height(), last.height());
            if (same_row && gap <= 2.0 * h) {
                cur.words.push_back(i);
                cur.box = unite(cur.box, b);
                cur.font_size = std::max(cur.font_size, words[i].font_size);
                continue;
            }
        }
        lines.push_back(Line{{i}, b, words[i].font_size});
    }
    return lines;
}

std::vector<Block> build_blocks(std::vector<Line> lines, bool aside) {
    std::vector<Block> blocks;
    for (Line& line : lines) {
        if (!blocks.empty() && !aside) {
            Block& cur = blocks.back();
            const Line& last = cur.lines.back();
            const double h_last = last.box.height(), h = line.box.height();
            const double ratio = h_last > 0 ? h / h_last : 1;
            const double vgap = line.box.y0 - last.box.y1;
            const bool stacked = vgap >= -0.5 * std::min(h, h_last) && vgap <= 0.8 * std::max(h, h_last);
            if (stacked && ratio > 0.7 && ratio < 1.43 && x_overlap(line.box, cur.box) > 0) {
                cur.box = unite(cur.box, line.box);
                cur.lines.push_back(std::move(line));
                continue;
            }
        }
        Block b;
        b.box = line.box;
        b.aside = aside;
        b.lines.push_back(std::move(line));
        blocks.push_back(std::move(b));
    }
    return blocks;
}

// Paragraph breaks inside a block: a first-line indent, or a short line ending a sentence.
void split_paragraphs(Block& block, const std::vector<Word>& words) {
    block.paragraph_starts = {0};
    const Box& bb = block.box;
    for (size_t i = 1; i < block.lines.size(); ++i) {
        const Line& prev = block.lines[i - 1];
        const Line& line = block.lines[i];
        const double h = std::max(1.0, prev.box.height());
        const double indent = line.box.x0 - bb.x0;
        const double prev_indent = prev.box.x0 - bb.x0;
        const bool prev_short = prev.box.x1 < bb.x1 - 2.5 * h;
        const std::string& prev_last = words[prev.words.back()].text;
        const bool indented_start = indent > 0.6 * h && (prev_short || prev_indent < 0.3 * h);
        const bool ragged_end = prev_short && ends_sentence(prev_last);
        if (indented_start || ragged_end) block.paragraph_starts.push_back(i);
    }
}

constexpr double kTouch = 1.0;  // points of overlap that count as overlapping

// Breuel's ordering of `ids` (a subset of blocks); see the header. Kahn's algorithm, taking the
// top-left-most ready block first, and breaking any cycle (overlapping junk) at the
// top-left-most remaining block.
std::vector<size_t> topological_order(const std::vector<Block>& all, const std::vector<size_t>& ids) {
    std::vector<Block> blocks;
    for (size_t i : ids) blocks.push_back(Block{{}, {}, all[i].box, {}, false, 0});
    const size_t n = blocks.size();
    std::vector<size_t> order;
    std::vector<std::vector<size_t>> succ(n);
    std::vector<int> indeg(n, 0);
    auto add_edge = [&](size_t a, size_t b) { succ[a].push_back(b); ++indeg[b]; };
    for (size_t a = 0; a < n; ++a) {
        const Box& A = blocks[a].box;
        for (size_t b = 0; b < n; ++b) {
            if (a == b) continue;
            const Box& B = blocks[b].box;
            if (x_overlap(A, B) > kTouch) {
                if (A.cy() < B.cy() || (A.cy() == B.cy() && a < b)) add_edge(a, b);
                continue;
            }
            if (A.x1 > B.x0 + kTouch) continue;  // a is not entirely left of b
            const double lo = std::min(A.cy(), B.cy()), hi = std::max(A.cy(), B.cy());
            bool separated = false;
            for (size_t c = 0; c < n && !separated; ++c) {
                if (c == a || c == b) continue;
                const Box& C = blocks[c].box;
                separated = C.cy() > lo && C.cy() < hi && x_overlap(C, A) > kTouch && x_overlap(C, B) > kTouch;
            }
            if (!separated) add_edge(a, b);
        }
    }
    auto before = [&](size_t a, size_t b) {
        const Box &A = blocks[a].box, &B = blocks[b].box;
        if (A.y0 != B.y0) return A.y0 < B.y0;
        return A.x0 < B.x0;
    };
    std::vector<bool> done(n, false);
    order.clear();
    for (size_t step = 0; step < n; ++step) {
        size_t pick = n;
        for (size_t i = 0; i < n; ++i)
            if (!done[i] && indeg[i] == 0 && (pick == n || before(i, pick))) pick = i;
        if (pick == n) {  // cycle: take the top-left-most remaining block
            for (size_t i = 0; i < n; ++i)
                if (!done[i] && (pick == n || before(i, pick))) pick = i;
        }
        done[pick] = true;
        order.push_back(ids[pick]);
        for (size_t s : succ[pick]) --indeg[s];
    }
    return order;
}

// Does some block of `a` span two side-by-side blocks of `b` (a title over two columns)?
bool spans_columns(const std::vector<Block>& blocks, const std::vector<size_t>& a, const std::vector<size_t>& b) {
    for (size_t i : a) {
        std::vector<size_t> under;
        for (size_t j : b)
            if (x_overlap(blocks[i].box, blocks[j].box) > kTouch) under.push_back(j);
        for (size_t p = 0; p < under.size(); ++p)
            for (size_t q = p + 1; q < under.size(); ++q)
                if (x_overlap(blocks[under[p]].box, blocks[under[q]].box) <= kTouch) return true;
    }
    return false;
}

// Breuel's rule alone misorders a short block that sits left of and below a centred title
// ("Abstract" under the title of a two-column paper: it is entirely left of the title, so it
// would come first). So the page is first cut into horizontal bands at the gaps that no block
// crosses, keeping only the cuts where a block on one side spans two columns on the other: a
// title over columns, or columns over a full-width footer. Gaps that happen to line up inside
// columns are not such cuts. Bands are read top to bottom, each in Breuel's order.
std::vector<size_t> reading_order(const std::vector<Block>& blocks) {
    const size_t n = blocks.size();
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    if (n < 2 || n > kMaxBlocksToReorder) return order;

    std::vector<size_t> by_top = order;
    std::sort(by_top.begin(), by_top.end(), [&](size_t a, size_t b) { return blocks[a].box.y0 < blocks[b].box.y0; });
    std::vector<std::vector<size_t>> groups(1);
    double bottom = -std::numeric_limits<double>::infinity();
    for (size_t i : by_top) {
        if (!groups.back().empty() && blocks[i].box.y0 > bottom) groups.emplace_back();
        groups.back().push_back(i);
        bottom = std::max(bottom, blocks[i].box.y1);
    }
    std::vector<std::vector<size_t>> bands{groups.front()};
    for (size_t g = 1; g < groups.size(); ++g) {
        if (spans_columns(blocks, bands.back(), groups[g]) || spans_columns(blocks, groups[g], bands.back()))
            bands.push_back(groups[g]);
        else
            bands.back().insert(bands.back().end(), groups[g].begin(), groups[g].end());
    }
    order.clear();
    for (const auto& band : bands) {
        const auto part = topological_order(blocks, band);
        order.insert(order.end(), part.begin(), part.end());
    }
    return order;
}

}  // namespace

Page layout_page(const std::vector<Word>& words, double page_width, double /*page_height*/, const Options& options) {
    Page page;
    page.frame = detect_frame(words);
    std::vector<Box> fb(words.size());
    for (size_t i = 0; i < words.size(); ++i) {
        Box b = words[i].box;
        if (!finite(b)) b = Box{};
        if (b.x1 < b.x0) std::swap(b.x0, b.x1);
        if (b.y1 < b.y0) std::swap(b.y0, b.y1);
        fb[i] = to_frame(b, page.frame, page_width);
    }

    std::vector<Block> main = build_blocks(build_lines(words, fb, false), false);
    std::vector<Block> asides = build_blocks(build_lines(words, fb, true), true);

    for (Block& b : main) split_paragraphs(b, words);
    for (Block& b : asides) b.paragraph_starts = {0};

    const std::vector<size_t> order = options.reorder ? reading_order(main) : [&] {
        std::vector<size_t> o(main.size());
        std::iota(o.begin(), o.end(), 0);
        return o;
    }();
    for (size_t i : order) page.blocks.push_back(std::move(main[i]));
    for (Block& b : asides) page.blocks.push_back(std::move(b));

    for (Block& b : page.blocks) {
        bool first = true;
        double size_sum = 0, chars = 0;
        for (const Line& l : b.lines)
            for (size_t w : l.words) {
                Box wb = words[w].box;
                if (!finite(wb)) wb = Box{};
                b.page_box = first ? wb : unite(b.page_box, wb);
                first = false;
                const double n = static_cast<double>(utf8_length(words[w].text));
                size_sum += words[w].font_size * n;
                chars += n;
            }
        b.font_size = chars > 0 ? size_sum / chars : 0;
    }
    return page;
}

}  // namespace gleaner::pdf_layout
