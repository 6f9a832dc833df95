#pragma once
// Reading order for one PDF page, from poppler's word boxes.
//
// poppler's own order is right inside a text column but can be wrong between columns (in
// multicolumn_2col.pdf it puts the top of the right column before the left column), and it
// scrambles vertical Japanese. So the page is rebuilt here: words -> lines -> blocks, then the
// blocks are ordered with Breuel's topological rule ("High Performance Document Layout
// Analysis", 2003): block a precedes b when they overlap horizontally and a is above b, or when a
// lies entirely left of b and no block between them vertically overlaps both (a full-width
// heading between two column halves). Right-to-left pages are mirrored and vertical-writing
// pages rotated into this frame first, so one rule serves all three.
//
// Pure geometry, no poppler types: unit-testable with synthetic boxes.
#include <cstddef>
#include <string>
#include <vector>

namespace gleaner::pdf_layout {

struct Box {
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // y grows downwards
    double width() const { return x1 - x0; }
    double height() const { return y1 - y0; }
    double cx() const { return (x0 + x1) / 2; }
    double cy() const { return (y0 + y1) / 2; }
};

struct Word {
    std::string text;   // UTF-8
    Box box;            // page coordinates, points
    bool space_after = false;  // poppler's has_space_after()
    bool vertical = false;     // vertical writing mode
    bool rotated = false;      // drawn at 90/180/270 degrees (margin stamps, axis labels)
    double font_size = 0;
};

struct Line {
    std::vector<size_t> words;  // indices into the page's words, in reading order
    Box box;                    // in the page's reading frame (see Page::frame)
    double font_size = 0;
};

struct Block {
    std::vector<Line> lines;
    std::vector<size_t> paragraph_starts;  // indices into `lines`; always starts with 0
    Box box;      // reading frame
    Box page_box; // page coordinates
    bool aside = false;  // rotated text kept out of the main flow, emitted last
    double font_size = 0;
};

enum class Frame { LeftToRight, RightToLeft, VerticalRightToLeft };

struct Page {
    Frame frame = Frame::LeftToRight;
    std::vector<Block> blocks;  // in reading order
};

struct Options {
    bool reorder = true;  // false: keep poppler's block order
};

Page layout_page(const std::vector<Word>& words, double page_width, double page_height, const Options& options = {});

}  // namespace gleaner::pdf_layout
