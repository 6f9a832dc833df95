#pragma once
// A reflowable document (EPUB, TXT, Markdown, HTML; any document as text) laid out as a
// QTextDocument: headings, paragraphs and preformatted blocks of the canonical text, in order
// (a block longer than 16 KiB as several, see layout_pieces.h).
// It also maps byte offsets of the canonical text to positions in the QTextDocument and back,
// which is how search hits, evidence and the table of contents find their place in the view.
#include <QFont>

#include <memory>
#include <vector>

#include "document.h"
#include "text_index.h"

class QTextBlockFormat;
class QTextCharFormat;
class QTextCursor;
class QTextDocument;

namespace gleaner::app {

class ReflowDocument {
public:
    // Builds the layout; `bodyFont` is the paragraph font (headings are scaled from it).
    ReflowDocument(const Document& doc, std::shared_ptr<const TextIndex> index, const QFont& bodyFont);
    ~ReflowDocument();
    ReflowDocument(const ReflowDocument&) = delete;
    ReflowDocument& operator=(const ReflowDocument&) = delete;

    QTextDocument* textDocument() const { return text_document_.get(); }
    // Position in textDocument() of the character at byte `offset` (a byte between two blocks
    // maps to the start of the next block).
    int positionOf(size_t offset) const;
    // Byte offset of the character at `position`.
    size_t offsetOf(int position) const;

private:
    struct Anchor {
        size_t byteBegin = 0, byteEnd = 0;
        qsizetype unitBegin = 0;  // TextIndex unit of byteBegin
        int position = 0;          // in text_document_
        int length = 0;            // UTF-16 units of the block's text
    };
    // Appends one block of the layout showing `range` of the text, and its anchor.
    void appendBlock(QTextCursor& cursor, TextRange range, const QTextBlockFormat& format, const QTextCharFormat& chars);

    std::shared_ptr<const TextIndex> index_;
    std::unique_ptr<QTextDocument> text_document_;
    std::vector<Anchor> anchors_;  // ascending in both bytes and positions
};

}  // namespace gleaner::app
