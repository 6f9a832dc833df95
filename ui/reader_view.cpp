#include "reader_view.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QShortcut>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

#include "document_view.h"
#include "evidence_model.h"
#include "find_bar.h"
#include "pdf_page_renderer.h"
#include "reflow_text_view.h"
#include "selection_heat_strip.h"

namespace gleaner::ui {

ReaderView::ReaderView(QWidget* parent) : QWidget(parent), renderer_(new app::PdfPageRenderer(this)) {
    setObjectName(QStringLiteral("reader"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(0);

    stack_ = new QStackedWidget(this);
    placeholder_ = new QLabel(this);
    placeholder_->setObjectName(QStringLiteral("readerPlaceholder"));
    placeholder_->setAlignment(Qt::AlignCenter);
    placeholder_->setWordWrap(true);
    placeholder_->setForegroundRole(QPalette::PlaceholderText);
    placeholder_->setText(tr("<h2>No document open</h2><p>Open a book or a PDF with <b>File › Open</b> (Ctrl+O), "
                             "drop a file here, or pick one from the library.</p>"));
    page_view_ = new PdfPageView(renderer_, this);
    text_view_ = new ReflowTextView(this);
    text_view_->setAcceptDrops(false);  // dropped files go to the window, which opens them
    stack_->addWidget(placeholder_);
    stack_->addWidget(page_view_);
    stack_->addWidget(text_view_);
    heat_strip_ = new SelectionHeatStrip(this);
    row->addWidget(stack_, 1);
    row->addWidget(heat_strip_);
    layout->addLayout(row, 1);
    find_bar_ = new FindBar(this);
    find_bar_->hide();
    layout->addWidget(find_bar_);
    setFocusProxy(stack_);

    // Positions along the document move while a reflowed text lays itself out or the window
    // resizes; recompute the strip once things settle rather than on every step.
    heat_timer_ = new QTimer(this);
    heat_timer_->setSingleShot(true);
    heat_timer_->setInterval(120);
    connect(heat_timer_, &QTimer::timeout, this, &ReaderView::updateHeatStrip);

    connect(page_view_, &PdfPageView::viewportMoved, this, [this] {
        updateViewportMark();
        emit positionChanged();
    });
    connect(page_view_, &PdfPageView::currentPageChanged, this, &ReaderView::currentPageChanged);
    connect(page_view_, &PdfPageView::zoomChanged, this, [this] {
        heat_timer_->start();
        emit zoomChanged();
    });
    connect(text_view_, &ReflowTextView::viewportMoved, this, [this] {
        updateViewportMark();
        emit positionChanged();
    });
    connect(text_view_, &ReflowTextView::askAboutRequested, this, &ReaderView::askAboutRequested);
    connect(page_view_, &PdfPageView::askAboutRequested, this, &ReaderView::askAboutRequested);
    connect(text_view_, &ReflowTextView::highlightRequested, this, &ReaderView::highlightRequested);
    connect(page_view_, &PdfPageView::highlightRequested, this, &ReaderView::highlightRequested);
    connect(text_view_, &ReflowTextView::searchRequested, this, &ReaderView::findInBar);
    connect(page_view_, &PdfPageView::searchRequested, this, &ReaderView::findInBar);
    connect(text_view_, &ReflowTextView::textSizeChanged, this, &ReaderView::zoomChanged);
    connect(text_view_, &ReflowTextView::layoutChanged, heat_timer_, qOverload<>(&QTimer::start));
    connect(heat_strip_, &SelectionHeatStrip::positionClicked, this, &ReaderView::scrollToFraction);
    connect(find_bar_, &FindBar::searchChanged, this, &ReaderView::find);
    connect(find_bar_, &FindBar::nextRequested, this, &ReaderView::findNext);
    connect(find_bar_, &FindBar::previousRequested, this, &ReaderView::findPrevious);
    connect(find_bar_, &FindBar::closed, this, [this] {
        find(QString());
        stack_->currentWidget()->setFocus();
    });
    // Backspace goes back while the document has focus (not while typing in the find bar).
    auto* back = new QShortcut(QKeySequence(Qt::Key_Backspace), stack_, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    back->setObjectName(QStringLiteral("backspaceBack"));
    connect(back, &QShortcut::activated, this, &ReaderView::goBack);
    clear();
}

void ReaderView::setDocument(const app::LoadedDocument& document) {
    document_ = document;
    hits_.clear();
    current_hit_ = -1;
    focused_ = {};
    evidence_.clear();
    user_highlights_.clear();
    // Which view shows the document is the one thing its kind decides; everything after this
    // goes to that view. The other one lets go of what it showed.
    DocumentView* idle = text_view_;
    active_ = page_view_;
    if (!isPaginated()) std::swap(active_, idle);
    idle->clearDocument();
    active_->setDocument(document);
    stack_->setCurrentWidget(active_->widget());
    comparison_.clear();
    if (evidence_model_ && evidence_model_->document() == document.document) evidence_ = evidence_model_->passages();
    if (comparison_model_ && comparison_model_->document() == document.document) comparison_ = comparison_model_->passages();
    if (!find_bar_->text().isEmpty() && find_bar_->isVisible()) find(find_bar_->text(), find_bar_->caseSensitivity());
    applyHighlights();
    clearHistory();  // history is per document; the search repeated above was no jump
    emit positionChanged();
}

void ReaderView::addTopBar(QWidget* bar) {
    static_cast<QVBoxLayout*>(layout())->insertWidget(0, bar);
}

void ReaderView::clear() {
    document_ = {};
    hits_.clear();
    current_hit_ = -1;
    focused_ = {};
    evidence_.clear();
    comparison_.clear();
    user_highlights_.clear();
    page_view_->clearDocument();
    text_view_->clearDocument();
    // Still a view to talk to, so that no call needs to ask whether there is one: the empty
    // text view answers as no document does (no pages, offset 0).
    active_ = text_view_;
    stack_->setCurrentWidget(placeholder_);
    heat_strip_->setEvidenceMarks({});
    heat_strip_->setComparisonMarks({});
    heat_strip_->setSearchMarks({});
    heat_strip_->setViewport(0, 0);
    find_bar_->setResult(-1, 0);
    clearHistory();
}

bool ReaderView::isPaginated() const { return document_.document && document_.document->is_paginated(); }
int ReaderView::pageCount() const { return active_->pageCount(); }
int ReaderView::currentPage() const { return active_->currentPage(); }

size_t ReaderView::currentOffset() const {
    if (!hasDocument()) return 0;
    return active_->currentOffset();
}

TextRange ReaderView::selectedRange() const {
    if (!hasDocument()) return {};
    return active_->selectedRange();
}

double ReaderView::positionFraction() const {
    if (!hasDocument()) return 0;
    const auto [top, bottom] = active_->visibleFraction();
    return bottom >= 0.999 ? 1.0 : top;
}

void ReaderView::goToPage(int page) {
    recordJump();
    active_->goToPage(page);
}

void ReaderView::goToOffset(size_t offset) {
    if (!hasDocument()) return;
    recordJump();
    active_->goToOffset(offset);
}

void ReaderView::showPassage(TextRange range) {
    if (!hasDocument() || range.end > document_.document->text.size()) return;
    recordJump();
    focused_ = range;
    active_->setFocusedRange(range);
    active_->scrollToRange(range);
}

void ReaderView::setUserHighlights(const std::vector<TextRange>& ranges) {
    if (!hasDocument()) return;
    user_highlights_ = ranges;
    active_->setUserHighlights(user_highlights_);
}

ZoomMode ReaderView::zoomMode() const { return page_view_->zoomMode(); }
double ReaderView::zoom() const { return page_view_->zoom(); }
void ReaderView::setZoomMode(ZoomMode mode) { page_view_->setZoomMode(mode); }
void ReaderView::setZoom(double zoom) { page_view_->setZoom(zoom); }

void ReaderView::zoomIn() { active_->zoomIn(); }
void ReaderView::zoomOut() { active_->zoomOut(); }

double ReaderView::textPointSize() const { return text_view_->textPointSize(); }
void ReaderView::setTextPointSize(double points) { text_view_->setTextPointSize(points); }
void ReaderView::setTextWidth(int characters) { text_view_->setTextWidth(characters); }
int ReaderView::textWidth() const { return text_view_->textWidth(); }

void ReaderView::setPageColours(app::PageColours colours) {
    page_view_->setPageColours(colours);
    text_view_->setPageColours(colours);
}

app::PageColours ReaderView::pageColours() const { return page_view_->pageColours(); }

void ReaderView::setEvidenceModel(app::EvidenceModel* model) {
    evidence_model_ = model;
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        // Evidence of another document (history of a book no longer open) is not drawn here.
        evidence_ = evidence_model_->document() == document_.document ? evidence_model_->passages()
                                                                      : std::vector<EvidencePassage>{};
        focused_ = {};
        applyHighlights();
    });
}

void ReaderView::setComparisonModel(app::EvidenceModel* model) {
    comparison_model_ = model;
    connect(model, &QAbstractItemModel::modelReset, this, [this] {
        comparison_ = comparison_model_->document() == document_.document ? comparison_model_->passages()
                                                                          : std::vector<EvidencePassage>{};
        applyHighlights();
    });
}

void ReaderView::find(const QString& text, Qt::CaseSensitivity cs) {
    hits_.clear();
    current_hit_ = -1;
    if (hasDocument() && !text.isEmpty()) {
        hits_ = document_.index->findAll(text, cs);
        // Start at the first hit at or after the reading position, as readers expect.
        const size_t here = currentOffset();
        auto it = std::lower_bound(hits_.begin(), hits_.end(), here,
                                   [](const TextRange& r, size_t o) { return r.begin < o; });
        if (!hits_.empty()) current_hit_ = it == hits_.end() ? 0 : int(it - hits_.begin());
    }
    applyHighlights();
    // Typing a search moves from hit to hit; only where the search started is a place to return to.
    if (text.isEmpty()) search_recorded_ = false;
    if (current_hit_ >= 0 && !search_recorded_) {
        recordJump();
        search_recorded_ = true;
    }
    if (current_hit_ >= 0) goToHit(current_hit_);
    find_bar_->setResult(current_hit_, int(hits_.size()));
    emit searchResultsChanged(current_hit_, int(hits_.size()));
}

void ReaderView::findNext() {
    if (hits_.empty()) return;
    recordJump();
    goToHit((current_hit_ + 1) % int(hits_.size()));
}

void ReaderView::findPrevious() {
    if (hits_.empty()) return;
    recordJump();
    goToHit((current_hit_ - 1 + int(hits_.size())) % int(hits_.size()));
}

void ReaderView::activateFind() {
    if (hasDocument()) find_bar_->activate();
}

void ReaderView::findInBar(const QString& text) {
    if (!hasDocument() || text.isEmpty()) return;
    {
        const QSignalBlocker quiet(find_bar_->lineEdit());  // no second search when typing pauses
        find_bar_->lineEdit()->setText(text);
    }
    find_bar_->show();
    find(text, find_bar_->caseSensitivity());
}

void ReaderView::goToHit(int index) {
    current_hit_ = index;
    active_->setSearchHits(hits_, current_hit_);
    active_->scrollToRange(hits_[size_t(index)]);
    find_bar_->setResult(current_hit_, int(hits_.size()));
    emit searchResultsChanged(current_hit_, int(hits_.size()));
}

void ReaderView::applyHighlights() {
    if (hasDocument()) {
        active_->setEvidence(evidence_);
        active_->setComparison(comparison_);
        active_->setSearchHits(hits_, current_hit_);
        active_->setFocusedRange(focused_);
        active_->setUserHighlights(user_highlights_);
    }
    updateHeatStrip();
}

void ReaderView::updateHeatStrip() {
    if (!hasDocument()) return;
    auto fraction = [this](size_t offset) { return active_->fractionOfOffset(offset); };
    auto marksOf = [&](const std::vector<EvidencePassage>& passages) {
        std::vector<SelectionHeatStrip::Mark> marks;
        marks.reserve(passages.size());
        for (const EvidencePassage& p : passages) {
            double a = fraction(p.begin), b = fraction(p.end > p.begin ? p.end - 1 : p.end);
            if (b < a) std::swap(a, b);  // a passage spanning columns can end higher than it starts
            marks.push_back({a, std::max(b, a + 0.002), p.score});
        }
        return marks;
    };
    heat_strip_->setEvidenceMarks(marksOf(evidence_));
    heat_strip_->setComparisonMarks(marksOf(comparison_));
    std::vector<double> ticks;
    const size_t step = std::max<size_t>(1, hits_.size() / 2000);  // a tick per pixel is plenty
    for (size_t i = 0; i < hits_.size(); i += step) ticks.push_back(fraction(hits_[i].begin));
    heat_strip_->setSearchMarks(std::move(ticks));
    updateViewportMark();
}

void ReaderView::updateViewportMark() {
    if (!hasDocument()) return;
    const auto [top, bottom] = active_->visibleFraction();
    heat_strip_->setViewport(top, bottom);
}

void ReaderView::scrollToFraction(double fraction) {
    if (hasDocument()) active_->scrollToFraction(fraction);
}

void ReaderView::stepPage(int delta) {
    if (hasDocument()) active_->goToPage(currentPage() + delta);
}

app::ReadingPlace ReaderView::readingPlace() const {
    app::ReadingPlace place;
    if (!hasDocument()) return place;
    place.offset = currentOffset();
    if (isPaginated()) {
        // The page and how far down it the view's top is: a place on the page, not only the page.
        place.page = currentPage();
        const QRect page = page_view_->pageRectInViewport(place.page);
        if (page.height() > 0) place.pageFraction = -double(page.top()) / page.height();
    } else {
        const QRect line = text_view_->cursorRect(text_view_->cursorForRange({place.offset, place.offset}));
        place.lineShift = -line.top();
    }
    return place;
}

void ReaderView::goToPlace(const app::ReadingPlace& place) {
    if (!hasDocument()) return;
    if (isPaginated() && place.page >= 0 && place.page < pageCount()) {
        page_view_->goToPage(place.page);
        const QRect page = page_view_->pageRectInViewport(place.page);
        QScrollBar* bar = page_view_->verticalScrollBar();
        bar->setValue(bar->value() + page.top() + qRound(place.pageFraction * page.height()));
        return;
    }
    // Flowing text: the offset's line back where it was against the view's top.
    text_view_->goToOffset(place.offset);
    const QRect line = text_view_->cursorRect(text_view_->cursorForRange({place.offset, place.offset}));
    QScrollBar* bar = text_view_->verticalScrollBar();
    bar->setValue(bar->value() + line.top() + place.lineShift);
}

void ReaderView::recordJump() {
    if (!hasDocument() || jump_open_) return;
    history_.recordJump(readingPlace());
    // The moves that follow in this turn belong to the same jump.
    jump_open_ = true;
    QMetaObject::invokeMethod(this, [this] { jump_open_ = false; }, Qt::QueuedConnection);
    emit historyChanged();
}

void ReaderView::goBack() {
    if (const auto place = history_.back(readingPlace())) {
        jump_open_ = false;
        goToPlace(*place);
        emit historyChanged();
    }
}

void ReaderView::goForward() {
    if (const auto place = history_.forward(readingPlace())) {
        jump_open_ = false;
        goToPlace(*place);
        emit historyChanged();
    }
}

void ReaderView::clearHistory() {
    history_.clear();
    jump_open_ = false;
    search_recorded_ = false;
    emit historyChanged();
}

}  // namespace gleaner::ui
