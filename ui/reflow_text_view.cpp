#include "reflow_text_view.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QScrollBar>
#include <QTextBlock>

#include <algorithm>
#include <cmath>

#include "highlight_colors.h"
#include "pdf_page_renderer.h"
#include "reflow_document.h"
#include "selection_context_menu.h"

namespace gleaner::ui {

namespace {
constexpr int kMaxExtraSelections = 5000;  // beyond this, painting slows down; hits past it show on the strip
}

ReflowTextView::ReflowTextView(QWidget* parent) : QTextBrowser(parent), empty_(new QTextDocument(this)) {
    setObjectName(QStringLiteral("reflowTextView"));
    setOpenLinks(false);
    setFrameShape(QFrame::NoFrame);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setAccessibleName(tr("Document text"));
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &ReflowTextView::viewportMoved);
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this] {
        if (pending_scroll_) applyPendingScroll();
    });
    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this, [this] { pending_scroll_.reset(); });
}

ReflowTextView::~ReflowTextView() {
    // The widget must let go of the document before the document is destroyed; nobody is to
    // hear about the scrolling that causes (the window around it is being torn down).
    blockSignals(true);
    verticalScrollBar()->blockSignals(true);
    setExtraSelections({});
    QTextBrowser::setDocument(empty_);
}

double ReflowTextView::defaultTextPointSize() {
    return std::round(std::max(11.0, QApplication::font().pointSizeF() * 1.2));
}

double ReflowTextView::textPointSize() const { return text_size_ > 0 ? text_size_ : defaultTextPointSize(); }

QFont ReflowTextView::bodyFont() const {
    QFont body = QApplication::font(this);
    body.setFamily(QStringLiteral("serif"));
    body.setStyleHint(QFont::Serif);
    body.setPointSizeF(textPointSize());
    return body;
}

void ReflowTextView::layOut() {
    // Highlights hold cursors into the old document: drop them while it still exists; and the
    // old layout need not follow the new font on its way out.
    setExtraSelections({});
    QTextBrowser::setDocument(empty_);
    const QFont body = bodyFont();
    setFont(body);
    if (!loaded_.document) {
        reflow_.reset();
        return;
    }
    auto next = std::make_unique<app::ReflowDocument>(*loaded_.document, loaded_.index, body);
    QTextBrowser::setDocument(next->textDocument());
    reflow_ = std::move(next);
    connect(document()->documentLayout(), &QAbstractTextDocumentLayout::documentSizeChanged, this,
            &ReflowTextView::layoutChanged);
    centreColumn();
}

void ReflowTextView::setDocument(const app::LoadedDocument& loaded) {
    loaded_ = loaded;
    layOut();
    search_hits_.clear();
    current_hit_ = -1;
    evidence_.clear();
    comparison_.clear();
    focused_ = {};
    user_highlights_.clear();
    pending_scroll_.reset();
    setExtraSelections({});
    centreColumn();
    verticalScrollBar()->setValue(0);
}

void ReflowTextView::clearDocument() {
    pending_scroll_.reset();
    setExtraSelections({});
    QTextBrowser::setDocument(empty_);
    reflow_.reset();
    loaded_ = {};
    search_hits_.clear();
    evidence_.clear();
    comparison_.clear();
    focused_ = {};
    user_highlights_.clear();
}

QTextCursor ReflowTextView::cursorForRange(TextRange range) const {
    QTextCursor c(document());
    if (!reflow_) return c;
    c.setPosition(reflow_->positionOf(range.begin));
    c.setPosition(std::max(reflow_->positionOf(range.end), c.position()), QTextCursor::KeepAnchor);
    return c;
}

void ReflowTextView::goToOffset(size_t offset) { scrollToRange({offset, offset + 1}); }

void ReflowTextView::scrollToRange(TextRange range) {
    if (!reflow_) return;
    pending_scroll_ = range;
    pending_at_top_ = false;
    applyPendingScroll();
}

void ReflowTextView::applyPendingScroll() {
    if (!reflow_ || !pending_scroll_) return;
    QTextCursor c(document());
    c.setPosition(reflow_->positionOf(pending_scroll_->begin));
    const QRect r = cursorRect(c);  // lays the text out as far as the target
    QScrollBar* bar = verticalScrollBar();
    const int target = std::max(0, bar->value() + r.top() - (pending_at_top_ ? 0 : viewport()->height() / 3));
    bar->setValue(target);
    if (bar->value() == target) pending_scroll_.reset();
}

size_t ReflowTextView::currentOffset() const {
    if (!reflow_) return 0;
    const int pos = cursorForPosition(QPoint(viewport()->width() / 2, 4)).position();
    return reflow_->offsetOf(pos);
}

TextRange ReflowTextView::selectedRange() const {
    const QTextCursor c = textCursor();
    if (!reflow_ || !c.hasSelection()) return {};
    return {reflow_->offsetOf(c.selectionStart()), reflow_->offsetOf(c.selectionEnd())};
}

void ReflowTextView::contextMenuEvent(QContextMenuEvent* event) {
    // On a selection, the menu both views share; elsewhere the text view's own (Select All).
    std::unique_ptr<QMenu> menu(selectedRange().empty() ? createStandardContextMenu(event->pos()) : createSelectionMenu());
    menu->exec(event->globalPos());
}

QMenu* ReflowTextView::createSelectionMenu() {
    const TextRange selected = selectedRange();
    SelectionActions actions;
    actions.copy = [this] { copy(); };
    actions.askAbout = [this, selected] { emit askAboutRequested(selected); };
    actions.highlight = [this] { emit highlightRequested(); };
    actions.search = [this](const QString& text) { emit searchRequested(text); };
    const QString text = loaded_.document && !selected.empty() ? QString::fromUtf8(loaded_.document->slice(selected))
                                                               : textCursor().selectedText();
    return ui::createSelectionMenu(this, text, actions);
}

void ReflowTextView::scrollToFraction(double fraction) {
    const double height = document()->documentLayout()->documentSize().height();
    verticalScrollBar()->setValue(int(fraction * height - viewport()->height() / 2.0));
}

double ReflowTextView::fractionOfOffset(size_t offset) const {
    if (!reflow_) return 0;
    const double height = document()->documentLayout()->documentSize().height();
    if (height <= 0) return 0;
    const QTextBlock block = document()->findBlock(reflow_->positionOf(offset));
    const QRectF r = document()->documentLayout()->blockBoundingRect(block);
    // Within the block, by the line holding the character.
    double y = r.top();
    if (const QTextLayout* layout = block.layout(); layout && layout->lineCount() > 0) {
        const QTextLine line = layout->lineForTextPosition(reflow_->positionOf(offset) - block.position());
        if (line.isValid()) y += line.y();
    }
    return std::clamp(y / height, 0.0, 1.0);
}

std::pair<double, double> ReflowTextView::visibleFraction() const {
    const double height = document()->documentLayout()->documentSize().height();
    if (height <= 0) return {0, 0};
    const double top = verticalScrollBar()->value();
    return {top / height, std::min(1.0, (top + viewport()->height()) / height)};
}

void ReflowTextView::setSearchHits(const std::vector<TextRange>& hits, int current) {
    search_hits_ = hits;
    current_hit_ = current;
    rebuildSelections();
}

void ReflowTextView::setEvidence(const std::vector<EvidencePassage>& passages) {
    evidence_ = passages;
    rebuildSelections();
}

void ReflowTextView::setComparison(const std::vector<EvidencePassage>& passages) {
    comparison_ = passages;
    rebuildSelections();
}

void ReflowTextView::setFocusedRange(TextRange range) {
    focused_ = range;
    rebuildSelections();
}

void ReflowTextView::setUserHighlights(const std::vector<TextRange>& ranges) {
    user_highlights_ = ranges;
    rebuildSelections();
}

void ReflowTextView::rebuildSelections() {
    QList<QTextEdit::ExtraSelection> selections;
    if (!reflow_) return setExtraSelections(selections);
    const HighlightColors colors = textBackgroundColors(palette());
    const QColor base = palette().color(QPalette::Base);
    auto add = [&](TextRange r, const QColor& background, const QColor& underline) {
        if (selections.size() >= kMaxExtraSelections) return;
        QTextEdit::ExtraSelection s;
        s.cursor = cursorForRange(r);
        if (background.isValid()) s.format.setBackground(background);
        if (underline.isValid()) {
            s.format.setUnderlineStyle(QTextCharFormat::SingleUnderline);
            s.format.setUnderlineColor(underline);
        }
        selections.append(s);
    };
    // Later selections paint over earlier ones: evidence, then search, then the focused ones.
    for (const EvidencePassage& p : evidence_) add({p.begin, p.end}, scaledEvidence(colors.evidence, p.score, base), {});
    // The compared method: tinted where only it selected, underlined everywhere it did, so text
    // both methods chose shows both.
    for (const EvidencePassage& p : comparison_) {
        bool shared = false;
        for (const EvidencePassage& e : evidence_) shared = shared || (e.begin < p.end && p.begin < e.end);
        add({p.begin, p.end}, shared ? QColor() : scaledEvidence(colors.comparison, p.score, base), colors.comparisonMark);
    }
    const QColor userColor = userHighlightTextColor(palette());
    for (const TextRange& r : user_highlights_) add(r, userColor, {});
    for (size_t i = 0; i < search_hits_.size(); ++i)
        if (int(i) != current_hit_) add(search_hits_[i], colors.search, {});
    if (!focused_.empty()) add(focused_, colors.evidenceFocus, colors.evidenceOutline);
    if (current_hit_ >= 0 && current_hit_ < int(search_hits_.size()))
        add(search_hits_[size_t(current_hit_)], colors.searchCurrent, {});
    setExtraSelections(selections);
}

void ReflowTextView::zoomIn() { setTextPointSize(textPointSize() + 1); }
void ReflowTextView::zoomOut() { setTextPointSize(textPointSize() - 1); }

void ReflowTextView::setTextPointSize(double points) {
    const double size = points > 0 ? std::clamp(points, kMinTextPointSize, kMaxTextPointSize) : 0;
    if (size == text_size_) return;
    const double before = textPointSize();
    text_size_ = size;
    if (textPointSize() == before) return;
    // The same text in another size: laid out again, the line at the top staying at the top.
    const bool shown = reflow_ != nullptr;
    const size_t here = currentOffset();
    layOut();
    if (shown) {
        rebuildSelections();
        pending_scroll_ = TextRange{here, here + 1};
        pending_at_top_ = true;
        applyPendingScroll();
    }
    emit textSizeChanged(textPointSize());
}

void ReflowTextView::setTextWidth(int characters) {
    characters = std::max(0, characters);
    if (characters == text_width_) return;
    const bool shown = reflow_ != nullptr;
    const size_t here = currentOffset();
    text_width_ = characters;
    centreColumn();
    if (shown) {
        pending_scroll_ = TextRange{here, here + 1};
        pending_at_top_ = true;
        applyPendingScroll();
    }
}

void ReflowTextView::setPageColours(app::PageColours colours) {
    colours_ = colours;
    applyPageColours();
}

void ReflowTextView::applyPageColours() {
    if (colours_ == app::PageColours::Normal) {
        setPalette(QPalette());  // the desktop's, as inherited
        return;
    }
    // The page in the scheme's paper and ink; around the column a shade darker, as the pages
    // of the PDF view sit on a darker ground. Selections keep the desktop's highlight colour.
    QPalette pal = QApplication::palette(this);
    const QColor paper = app::pagePaperColour(colours_), ink = app::pageInkColour(colours_);
    for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        pal.setColor(group, QPalette::Base, paper);
        pal.setColor(group, QPalette::Text, ink);
        pal.setColor(group, QPalette::Window, colours_ == app::PageColours::Night ? QColor(18, 18, 20) : paper.darker(108));
        pal.setColor(group, QPalette::WindowText, ink);
    }
    setPalette(pal);
}

int ReflowTextView::readingColumnWidth() const {
    // About 75 characters of body text is the comfortable measure for reading; the reader may
    // choose another, or the whole width.
    const QFontMetricsF fm(bodyFont());
    if (text_width_ <= 0) return std::max(0, width() - verticalScrollBar()->sizeHint().width());
    return int(fm.averageCharWidth() * text_width_ + 2 * document()->documentMargin());
}

void ReflowTextView::centreColumn() {
    const int column = readingColumnWidth();
    const int spare = std::max(0, width() - verticalScrollBar()->sizeHint().width() - column);
    setViewportMargins(spare / 2, 0, spare - spare / 2, 0);
}

void ReflowTextView::resizeEvent(QResizeEvent* event) {
    centreColumn();
    QTextBrowser::resizeEvent(event);
}

void ReflowTextView::changeEvent(QEvent* event) {
    QTextBrowser::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) rebuildSelections();
}

void ReflowTextView::keyPressEvent(QKeyEvent* event) {
    QScrollBar* v = verticalScrollBar();
    switch (event->key()) {
        case Qt::Key_Space:
            v->setValue(v->value() + (event->modifiers() & Qt::ShiftModifier ? -1 : 1) * (v->pageStep() - 40));
            return;
        case Qt::Key_Home:
            if (!(event->modifiers() & Qt::ShiftModifier)) return v->setValue(0);
            break;
        case Qt::Key_End:
            if (!(event->modifiers() & Qt::ShiftModifier)) return v->setValue(v->maximum());
            break;
        default: break;
    }
    QTextBrowser::keyPressEvent(event);
}

}  // namespace gleaner::ui
