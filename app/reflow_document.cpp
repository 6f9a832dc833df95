#include "reflow_document.h"

#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

#include <algorithm>

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
}  // namespace

ReflowDocument::ReflowDocument(const Document& doc, std::shared_ptr<const TextIndex> index, const QFont& bodyFont)
    : index_(std::move(index)), text_document_(std::make_unique<QTextDocument>()) {
    QTextDocument* td = text_document_.get();
    td->setUndoRedoEnabled(false);
    td->setDefaultFont(bodyFont);
    td->setDocumentMargin(24);

    QTextBlockFormat paragraph;
    paragraph.setBottomMargin(bodyFont.pointSizeF() * 0.8);
    paragraph.setLineHeight(125, QTextBlockFormat::ProportionalHeight);
    QTextBlockFormat preformatted = paragraph;
    preformatted.setLineHeight(100, QTextBlockFormat::ProportionalHeight);
    preformatted.setNonBreakableLines(true);
    QTextCharFormat body;
    body.setFont(bodyFont);
    QTextCharFormat mono;
    QFont monoFont(QStringLiteral("monospace"));
    monoFont.setStyleHint(QFont::TypeWriter);
    monoFont.setPointSizeF(bodyFont.pointSizeF() * 0.9);
    mono.setFont(monoFont);

    QTextCursor cursor(td);
    cursor.beginEditBlock();
    bool first = true;
    for (const Block& b : blocksOf(doc)) {
        if (b.range.empty() || b.range.end > doc.text.size()) continue;
        QTextBlockFormat blockFormat = paragraph;
        QTextCharFormat charFormat = body;
        if (b.kind == BlockKind::Heading) {
            const int level = std::clamp(b.level, 1, 6);
            static constexpr double kScale[] = {1.8, 1.45, 1.25, 1.1, 1.0, 1.0};
            QFont f = bodyFont;
            f.setPointSizeF(bodyFont.pointSizeF() * kScale[level - 1]);
            f.setWeight(QFont::Bold);
            charFormat.setFont(f);
            blockFormat.setTopMargin(f.pointSizeF() * (level <= 2 ? 1.2 : 0.6));
            blockFormat.setBottomMargin(f.pointSizeF() * 0.5);
            blockFormat.setHeadingLevel(level);
        } else if (b.kind == BlockKind::Preformatted) {
            blockFormat = preformatted;
            charFormat = mono;
        }
        if (first) {
            cursor.setBlockFormat(blockFormat);
            cursor.setBlockCharFormat(charFormat);
            first = false;
        } else {
            cursor.insertBlock(blockFormat, charFormat);
        }
        const qsizetype u0 = index_->unitOfByte(b.range.begin);
        const qsizetype u1 = index_->unitOfByte(b.range.end);
        // Single newlines inside a block (verse, addresses) stay line breaks: U+2028 keeps the
        // one-to-one length so offsets still map by counting.
        QString text = index_->text().mid(u0, u1 - u0);
        text.replace(QChar('\n'), QChar::LineSeparator);
        Anchor a;
        a.byteBegin = b.range.begin;
        a.byteEnd = b.range.end;
        a.unitBegin = u0;
        a.position = cursor.position();
        a.length = static_cast<int>(text.size());
        cursor.insertText(text, charFormat);
        anchors_.push_back(a);
    }
    cursor.endEditBlock();
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
