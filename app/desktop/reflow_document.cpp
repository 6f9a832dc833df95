#include "reflow_document.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

#include <algorithm>

#include "layout_pieces.h"

namespace gleaner::app {

namespace {
// Blocks to lay out: the importer's, or paragraphs split at blank lines when it gave none.
std::vector<Block> blocksOf(const Document& doc) {
    if (!doc.blocks.empty()) return doc.blocks;
    std::vector<Block> out;
    size_t start = 0;
    const std::string& t = doc.text;
    while (start < t.size()) {
        size_t end = t.find("\n\n", start);
        if (end == std::string::npos) end = t.size();
        if (end > start) out.push_back(Block{BlockKind::Paragraph, 0, TextRange{start, end}});
        start = end + 2;
    }
    return out;
}

// How each kind of block looks: paragraphs, headings scaled from the body font by level,
// preformatted text in a monospace font.
struct BlockStyle {
    QTextBlockFormat block;
    QTextCharFormat chars;
};

class BlockStyles {
public:
    explicit BlockStyles(const QFont& bodyFont) : body_font_(bodyFont) {
        paragraph_.block.setBottomMargin(bodyFont.pointSizeF() * 0.8);
        paragraph_.block.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
        paragraph_.chars.setFont(bodyFont);
        preformatted_.block = paragraph_.block;
        preformatted_.block.setLineHeight(100, QTextBlockFormat::ProportionalHeight);
        preformatted_.block.setNonBreakableLines(true);
        QFont monoFont(QStringLiteral("monospace"));
        monoFont.setStyleHint(QFont::TypeWriter);
        monoFont.setPointSizeF(bodyFont.pointSizeF() * 0.9);
        preformatted_.chars.setFont(monoFont);
    }

    BlockStyle of(const Block& b) const {
        if (b.kind == BlockKind::Preformatted) return preformatted_;
        if (b.kind != BlockKind::Heading) return paragraph_;
        const int level = std::clamp(b.level, 1, 6);
        static constexpr double kScale[] = {1.8, 1.45, 1.25, 1.1, 1.0, 1.0};
        QFont f = body_font_;
        f.setPointSizeF(body_font_.pointSizeF() * kScale[level - 1]);
        f.setWeight(QFont::Bold);
        BlockStyle heading = paragraph_;
        heading.chars.setFont(f);
        heading.block.setTopMargin(f.pointSizeF() * (level <= 2 ? 1.2 : 0.6));
        heading.block.setBottomMargin(f.pointSizeF() * 0.5);
        heading.block.setHeadingLevel(level);
        return heading;
    }

private:
    QFont body_font_;
    BlockStyle paragraph_, preformatted_;
};
}  // namespace

ReflowDocument::ReflowDocument(const Document& doc, std::shared_ptr<const TextIndex> index, const QFont& bodyFont)
    : index_(std::move(index)), text_document_(std::make_unique<QTextDocument>()) {
    QTextDocument* td = text_document_.get();
    td->setUndoRedoEnabled(false);
    td->setDefaultFont(bodyFont);
    td->setDocumentMargin(24);

    const BlockStyles styles(bodyFont);
    QTextCursor cursor(td);
    cursor.beginEditBlock();
    for (const Block& b : blocksOf(doc)) {
        if (b.range.empty() || b.range.end > doc.text.size()) continue;
        const BlockStyle style = styles.of(b);
        const std::vector<TextRange> pieces = layoutPieces(doc.text, b.range);
        for (size_t i = 0; i < pieces.size(); ++i) {
            // The pieces of a long paragraph read as one: no space between them.
            QTextBlockFormat format = style.block;
            if (i > 0) format.setTopMargin(0);
            if (i + 1 < pieces.size()) format.setBottomMargin(0);
            appendBlock(cursor, pieces[i], format, style.chars);
        }
    }
    cursor.endEditBlock();
}

void ReflowDocument::appendBlock(QTextCursor& cursor, TextRange range, const QTextBlockFormat& format,
                                 const QTextCharFormat& chars) {
    if (anchors_.empty()) {
        cursor.setBlockFormat(format);
        cursor.setBlockCharFormat(chars);
    } else {
        cursor.insertBlock(format, chars);
    }
    const qsizetype u0 = index_->unitOfByte(range.begin);
    const qsizetype u1 = index_->unitOfByte(range.end);
    // Single newlines inside a block (verse, addresses) stay line breaks: U+2028 keeps the
    // one-to-one length so offsets still map by counting.
    QString text = index_->text().mid(u0, u1 - u0);
    text.replace(QChar('\n'), QChar::LineSeparator);
    Anchor a;
    a.byteBegin = range.begin;
    a.byteEnd = range.end;
    a.unitBegin = u0;
    a.position = cursor.position();
    a.length = static_cast<int>(text.size());
    cursor.insertText(text, chars);
    anchors_.push_back(a);
}

ReflowDocument::~ReflowDocument() = default;

int ReflowDocument::positionOf(size_t offset) const {
    if (anchors_.empty()) return 0;
    // The last block starting at or before the offset.
    auto it = std::upper_bound(anchors_.begin(), anchors_.end(), offset,
                               [](size_t o, const Anchor& a) { return o < a.byteBegin; });
    if (it == anchors_.begin()) return anchors_.front().position;
    const Anchor& a = *(it - 1);
    // The end of a block (where a range ending with it stops) stays in the block; a byte in the
    // separator after it belongs to the start of the next block.
    if (offset == a.byteEnd) return a.position + a.length;
    if (offset > a.byteEnd) return it == anchors_.end() ? a.position + a.length : it->position;
    const qsizetype inside = index_->unitOfByte(offset) - a.unitBegin;
    return a.position + static_cast<int>(std::clamp<qsizetype>(inside, 0, a.length));
}

size_t ReflowDocument::offsetOf(int position) const {
    if (anchors_.empty()) return 0;
    auto it = std::upper_bound(anchors_.begin(), anchors_.end(), position,
                               [](int p, const Anchor& a) { return p < a.position; });
    if (it == anchors_.begin()) return anchors_.front().byteBegin;
    const Anchor& a = *(it - 1);
    const int inside = std::clamp(position - a.position, 0, a.length);
    return std::min(index_->byteOfUnit(a.unitBegin + inside), a.byteEnd);
}

}  // namespace gleaner::app
