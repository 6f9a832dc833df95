#pragma once
// The one document model every importer produces (PDF, EPUB, plain text, Markdown, HTML).
//
// Everything downstream works on `Document::text`, the canonical UTF-8 text: the tokenizer reads
// it, evidence spans point into it, search runs over it. Every other member describes ranges of
// that text. All offsets are BYTE offsets into `text` (UTF-8 code units), half-open [begin, end):
// that is what a tokenizer's byte offsets give, and it keeps slicing O(1).
//
// Canonical text layout: blocks (headings, paragraphs) are separated by "\n\n"; inside a block
// there are no blank lines. Pages of paginated formats are consecutive, in reading order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text_range.h"

namespace gleaner {

enum class BlockKind : uint8_t { Heading, Paragraph, Preformatted };

// A structural block of the canonical text. Headings carry their level (1 = top).
struct Block {
    BlockKind kind = BlockKind::Paragraph;
    int level = 0;  // 1..6 for headings, 0 otherwise
    TextRange range;
};

// One table-of-contents entry, in document order. `level` starts at 1; a child has its
// parent's level + 1. `page` is the 0-based page index for paginated formats, -1 otherwise
// (and -1 when the PDF outline entry points nowhere usable).
struct TocEntry {
    std::string title;
    int level = 1;
    int page = -1;
    size_t offset = 0;  // where the entry's target starts in the canonical text
};

struct Metadata {
    std::string title;
    std::string author;
    std::string language;      // BCP 47 tag as the file states it ("en", "ar"), or empty
    bool right_to_left = false;  // the book's primary direction (EPUB page progression, PDF script)
};

// A page of a paginated format. Page ranges are contiguous and cover the whole text: page i
// owns [range.begin, next page's range.begin), so every offset belongs to exactly one page.
struct PageInfo {
    TextRange range;
    double width = 0;   // PDF points, as displayed (after the page's /Rotate)
    double height = 0;
    std::string label;  // the PDF's page label ("iv", "12"), or empty
};

// Where a word of the canonical text is drawn. Coordinates are PDF points with the origin at
// the top-left corner of the displayed page, y growing downwards (poppler's text coordinates).
struct WordBox {
    int page = 0;
    float x = 0, y = 0, w = 0, h = 0;
    uint32_t begin = 0, end = 0;  // byte range of the word in the canonical text
    uint32_t line = 0;            // words with the same line id sit on one printed line
    bool vertical = false;        // vertical writing (CJK): the word runs top to bottom
};

// A rectangle to highlight: one per printed line (adjacent words merged).
struct PageRect {
    int page = 0;
    double x = 0, y = 0, w = 0, h = 0;
};

// A chapter of a reflowable format (an EPUB spine document, or the whole file for TXT/MD/HTML).
struct Section {
    std::string title;
    std::string source;  // the EPUB spine document (archive path), or empty
    TextRange range;
};

struct SectionPosition {
    int section = -1;      // index into Document::sections, -1 if none
    size_t offset = 0;     // byte offset inside that section
};

class Document {
public:
    std::string format;       // "pdf", "epub", "text", "markdown", "html"
    std::string source_path;
    // The document's identity: the SHA-256 of the file's bytes, lowercase hex (import_document
    // sets it). The library keys the book by it and its reading memories live under it, so
    // removing the book can remove them. Empty for a document not imported from a file.
    std::string id;
    std::string text;         // canonical UTF-8 text
    std::vector<Block> blocks;       // in text order, non-overlapping
    std::vector<TocEntry> toc;       // in document order
    Metadata metadata;
    std::vector<PageInfo> pages;     // empty for reflowable formats
    std::vector<WordBox> words;      // sorted by `begin`; empty for reflowable formats
    std::vector<Section> sections;   // reflowable formats: chapters in reading order
    TextRange front_matter;          // e.g. the Project Gutenberg header; empty if none
    TextRange back_matter;           // e.g. the Project Gutenberg licence; empty if none
    TextRange contents;              // the printed contents list ("CHAPTER 1. Loomings." ...); empty if none
    std::vector<std::string> warnings;  // things the importer recovered from, one line each
    // A scanned PDF without a text layer and no OCR text for it yet (pdf_ocr.h): it has its
    // pages, to be viewed, but no text; nothing can be searched or asked until OCR has run.
    bool needs_ocr = false;

    bool is_paginated() const { return !pages.empty(); }
    int page_count() const { return static_cast<int>(pages.size()); }
    std::string_view slice(TextRange r) const;
    std::string_view slice(size_t begin, size_t end) const { return slice(TextRange{begin, end}); }

    // The text between front and back matter (the whole text when neither is marked).
    TextRange body_range() const;

    // 0-based page holding byte `offset`, or -1 (reflowable format or offset past the end).
    int page_of_char(size_t offset) const;

    // Highlight rectangles for a byte range: the words it touches, merged per printed line.
    // A word only partly inside the range is trimmed in proportion to its characters.
    std::vector<PageRect> rects_for_range(size_t begin, size_t end) const;

    // Words whose text overlaps [begin, end), in text order.
    std::vector<const WordBox*> words_in_range(size_t begin, size_t end) const;

    // The block containing `offset`, or nullptr (offset in a separator or past the end).
    const Block* block_at(size_t offset) const;

    // Chapter and offset inside it for reflowable formats ({-1, 0} when there are no sections).
    SectionPosition section_of_char(size_t offset) const;

    // Checks the invariants every importer must keep (ranges inside the text, sorted, pages
    // contiguous, offsets on UTF-8 boundaries). Returns an empty string when all hold, else the
    // first violation. Tests and the fuzzer call it; importers do not need to.
    std::string check_invariants() const;
};

}  // namespace gleaner
