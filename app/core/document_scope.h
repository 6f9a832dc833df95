#pragma once
// What a question can be about, short of the whole book: a chapter, a run of pages, a selected
// passage. Each is a span of Document::text (text_range.h) with a label a reader recognises
// ("Chapter III. A Caucus-Race", "pages 12–14", "the selected passage"); the Asker selects the
// evidence inside the span (asker.h, AskDocument::scope).
#include <string>
#include <vector>

#include "document.h"

namespace gleaner {

struct DocumentScope {
    TextRange range;    // empty: the whole document
    std::string label;  // how the panel, the export and the CLI name it; empty for the whole document
    bool whole() const { return range.empty(); }
};

// The book's chapters in order: its contents' top-level entries (each up to the next), else its
// sections (EPUB spine documents), else its top-level headings; empty when it has none of these.
// Front and back matter are left out of the first and last chapter.
std::vector<DocumentScope> document_chapters(const Document& doc);

// The chapter holding `offset`; before the first chapter (the title page), the first; none (a
// whole-document scope) after the last or when the book has no chapters.
DocumentScope chapter_at(const Document& doc, size_t offset);

// Pages first..last, 0-based and inclusive, clamped to the document; labelled with the printed
// page labels where the PDF has them. A reflowable document or an empty range: the whole document.
DocumentScope page_scope(const Document& doc, int first, int last);

// A passage of the text (a selection), labelled by its page or chapter.
DocumentScope passage_scope(const Document& doc, TextRange range);

// How a page is called in the book: its label, else its 1-based number.
std::string page_name(const Document& doc, int page);

// Where a passage starting at `offset` is, as a reader cites it: "p. 248" (the printed page
// label) for paginated documents; "CHAPTER II. The Pool of Tears, ¶ 4" (chapter and paragraph
// within it) for reflowed ones with chapters; else the section's title or number, else how far
// through the text ("37%").
std::string citation(const Document& doc, size_t offset);

}  // namespace gleaner
