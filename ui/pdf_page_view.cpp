#include "pdf_page_view.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QKeyEvent>
#include <QMenu>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

#include "highlight_colors.h"
#include "pdf_page_renderer.h"
#include "selection_context_menu.h"

namespace gleaner::ui {

namespace {
constexpr double kPageGap = 12;  // logical pixels between pages and around the column
}

PdfPageView::PdfPageView(app::PdfPageRenderer* renderer, QWidget* parent)
    : QAbstractScrollArea(parent), renderer_(renderer) {
    setObjectName(QStringLiteral("pdfPageView"));
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    viewport()->setCursor(Qt::OpenHandCursor);
    viewport()->setAutoFillBackground(false);
    setAccessibleName(tr("Document pages"));
    viewport()->setMouseTracking(true);  // the text cursor over words
    connect(renderer_, &app::PdfPageRenderer::pageRendered, this, [this](int page) {
        if (page >= 0 && page < pageCount() && pageRectInViewport(page).intersects(viewport()->rect()))
            viewport()->update(pageRectInViewport(page));
    });

    copy_action_ = new QAction(QIcon::fromTheme(QStringLiteral("edit-copy")), tr("&Copy"), this);
    copy_action_->setObjectName(QStringLiteral("pdfCopyAction"));
    copy_action_->setShortcut(QKeySequence::Copy);
    copy_action_->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    copy_action_->setEnabled(false);
    connect(copy_action_, &QAction::triggered, this, &PdfPageView::copySelection);
    addAction(copy_action_);

    auto_scroll_ = new QTimer(this);
    auto_scroll_->setInterval(30);
    connect(auto_scroll_, &QTimer::timeout, this, &PdfPageView::autoScrollStep);
}

const std::vector<double>& PdfPageView::zoomSteps() {
    static const std::vector<double> steps = {0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0};
    return steps;
}

void PdfPageView::setDocument(const app::LoadedDocument& loaded) {
    renderer_->open(loaded.path, loaded.password);
    showDocument(loaded.document);
}

void PdfPageView::clearDocument() {
    renderer_->open(QString());
    showDocument(nullptr);
}

void PdfPageView::showDocument(app::DocumentPtr document) {
    document_ = std::move(document);
    search_hits_.clear();
    current_hit_ = -1;
    evidence_.clear();
    comparison_.clear();
    focused_ = {};
    user_highlights_.clear();
    overlays_.clear();
    selection_ = {};
    selection_words_.clear();
    selection_rects_.clear();
    selecting_ = Selecting::None;
    rubber_band_ = {};
    auto_scroll_->stop();
    words_page_ = -1;
    words_on_page_.clear();
    copy_action_->setEnabled(false);
    last_page_reported_ = -1;
    page_rects_.clear();  // no scroll anchor carried over from the previous document
    relayout();
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(horizontalScrollBar()->maximum() / 2);  // the page centred
    viewMoved();
    viewport()->update();
    emit selectionChanged();
}

double PdfPageView::pixelsPerPoint() const { return zoom_ * logicalDpiY() / 72.0; }

void PdfPageView::setZoomMode(ZoomMode mode) {
    zoom_mode_ = mode;
    relayout();
}

void PdfPageView::setZoom(double zoom) { setZoomAround(zoom, std::nullopt); }

void PdfPageView::setZoomAround(double zoom, std::optional<QPointF> anchor) {
    zoom_mode_ = ZoomMode::Fixed;
    zoom_ = std::clamp(zoom, zoomSteps().front(), zoomSteps().back());
    relayout(anchor);
}

double PdfPageView::nextZoomStep(int direction) const {
    if (direction > 0) {
        for (double s : zoomSteps())
            if (s > zoom_ + 1e-3) return s;
    } else {
        for (auto it = zoomSteps().rbegin(); it != zoomSteps().rend(); ++it)
            if (*it < zoom_ - 1e-3) return *it;
    }
    return zoom_;
}

void PdfPageView::zoomIn() {
    if (const double z = nextZoomStep(1); z != zoom_) setZoom(z);
}

void PdfPageView::zoomOut() {
    if (const double z = nextZoomStep(-1); z != zoom_) setZoom(z);
}

void PdfPageView::relayout(std::optional<QPointF> anchor) {
    // Keep a point of the page in place across the change (zoom, resize): the point under
    // `anchor` (viewport coordinates, the cursor for Ctrl+wheel), else the top of the viewport
    // at its horizontal centre, so that the page stays centred as it grows or shrinks.
    const QPointF at = anchor.value_or(QPointF(viewport()->width() / 2.0, 0));
    int anchorPage = -1;
    double anchorFx = 0.5, anchorFy = 0;
    if (!page_rects_.empty()) {
        const double y = verticalScrollBar()->value() + at.y(), x = horizontalScrollBar()->value() + at.x();
        anchorPage = pageAtContentY(anchor ? y : y + kPageGap);
        const QRectF r = page_rects_[size_t(anchorPage)];
        anchorFy = (y - r.top()) / std::max(1.0, r.height());
        anchorFx = (x - r.left()) / std::max(1.0, r.width());
    }

    page_rects_.clear();
    content_width_ = content_height_ = 0;
    if (!document_ || document_->pages.empty()) {
        updateScrollBars();
        return;
    }
    double maxW = 1, maxH = 1;
    for (const PageInfo& p : document_->pages) {
        maxW = std::max(maxW, p.width);
        maxH = std::max(maxH, p.height);
    }
    const double dpiScale = logicalDpiY() / 72.0;
    const QSize vp = viewport()->size();
    const double fitWidth = (vp.width() - 2 * kPageGap) / (maxW * dpiScale);
    if (zoom_mode_ == ZoomMode::FitWidth) zoom_ = fitWidth;
    else if (zoom_mode_ == ZoomMode::FitPage) zoom_ = std::min(fitWidth, (vp.height() - 2 * kPageGap) / (maxH * dpiScale));
    zoom_ = std::clamp(zoom_, 0.1, 8.0);

    const double ppp = pixelsPerPoint();
    content_width_ = std::max<double>(vp.width(), maxW * ppp + 2 * kPageGap);
    double y = kPageGap;
    for (const PageInfo& p : document_->pages) {
        const double w = std::max(1.0, std::round(p.width * ppp)), h = std::max(1.0, std::round(p.height * ppp));
        page_rects_.emplace_back(std::round((content_width_ - w) / 2), y, w, h);
        y += h + kPageGap;
    }
    content_height_ = y;
    updateScrollBars();
    if (anchorPage >= 0 && anchorPage < int(page_rects_.size())) {
        const QRectF r = page_rects_[size_t(anchorPage)];
        verticalScrollBar()->setValue(int(std::round(r.top() + anchorFy * r.height() - at.y())));
        horizontalScrollBar()->setValue(int(std::round(r.left() + anchorFx * r.width() - at.x())));
    } else {
        horizontalScrollBar()->setValue((horizontalScrollBar()->maximum() + 1) / 2);  // a new document: centred
    }
    emit zoomChanged();
    viewMoved();
    viewport()->update();
}

void PdfPageView::updateScrollBars() {
    const QSize vp = viewport()->size();
    verticalScrollBar()->setRange(0, std::max(0, int(content_height_) - vp.height()));
    verticalScrollBar()->setPageStep(vp.height());
    verticalScrollBar()->setSingleStep(std::max(20, vp.height() / 20));
    horizontalScrollBar()->setRange(0, std::max(0, int(content_width_) - vp.width()));
    horizontalScrollBar()->setPageStep(vp.width());
    horizontalScrollBar()->setSingleStep(20);
}

int PdfPageView::pageAtContentY(double y) const {
    if (page_rects_.empty()) return -1;
    // The first page whose bottom (with the gap after it) is below y.
    auto it = std::lower_bound(page_rects_.begin(), page_rects_.end(), y,
                               [](const QRectF& r, double v) { return r.bottom() + kPageGap < v; });
    return it == page_rects_.end() ? int(page_rects_.size()) - 1 : int(it - page_rects_.begin());
}

int PdfPageView::currentPage() const {
    if (page_rects_.empty()) return -1;
    // At the ends of the column, its first and last pages (both may be in view with pages
    // smaller than the view); elsewhere the page under the middle of the viewport: what the
    // reader is looking at.
    const QScrollBar* v = verticalScrollBar();
    if (v->value() <= v->minimum()) return 0;
    if (v->value() >= v->maximum()) return int(page_rects_.size()) - 1;
    return pageAtContentY(v->value() + viewport()->height() / 2.0);
}

QRect PdfPageView::pageRectInViewport(int page) const {
    if (page < 0 || page >= int(page_rects_.size())) return {};
    return page_rects_[size_t(page)].translated(-horizontalScrollBar()->value(), -verticalScrollBar()->value()).toRect();
}

std::vector<QRectF> PdfPageView::rangeRectsInViewport(TextRange range) const {
    std::vector<QRectF> out;
    if (!document_) return out;
    const double ppp = pixelsPerPoint();
    for (const PageRect& r : document_->rects_for_range(range.begin, range.end)) {
        if (r.page < 0 || r.page >= int(page_rects_.size())) continue;
        const QRect page = pageRectInViewport(r.page);
        out.emplace_back(page.left() + r.x * ppp, page.top() + r.y * ppp, r.w * ppp, r.h * ppp);
    }
    return out;
}

void PdfPageView::goToPage(int page) {
    if (page_rects_.empty()) return;
    page = std::clamp(page, 0, int(page_rects_.size()) - 1);
    verticalScrollBar()->setValue(int(page_rects_[size_t(page)].top() - kPageGap));
}

void PdfPageView::goToOffset(size_t offset) {
    if (!document_) return;
    const int page = document_->page_of_char(offset);
    if (page >= 0) goToPage(page);
}

void PdfPageView::scrollToRange(TextRange range) {
    if (!document_ || page_rects_.empty()) return;
    const std::vector<PageRect> rects = document_->rects_for_range(range.begin, range.end);
    if (rects.empty()) {
        const int page = document_->page_of_char(range.begin);
        if (page >= 0) goToPage(page);
        return;
    }
    const PageRect& first = rects.front();
    const QRectF page = page_rects_[size_t(std::clamp(first.page, 0, int(page_rects_.size()) - 1))];
    const double ppp = pixelsPerPoint();
    const double y = page.top() + first.y * ppp;
    verticalScrollBar()->setValue(int(y - viewport()->height() / 3.0));
    // Bring the line into view sideways too when zoomed in past the viewport's width.
    const double x = page.left() + first.x * ppp;
    if (x < horizontalScrollBar()->value() || x + first.w * ppp > horizontalScrollBar()->value() + viewport()->width())
        horizontalScrollBar()->setValue(int(x - kPageGap));
}

size_t PdfPageView::currentOffset() const {
    if (!document_ || page_rects_.empty()) return 0;
    // The page being read (as currentPage() says), so that returning to this offset shows it.
    return document_->pages[size_t(currentPage())].range.begin;
}

void PdfPageView::scrollToFraction(double fraction) {
    verticalScrollBar()->setValue(int(fraction * content_height_ - viewport()->height() / 2.0));
}

double PdfPageView::fractionOfOffset(size_t offset) const {
    if (!document_ || page_rects_.empty() || content_height_ <= 0) return 0;
    const int page = document_->page_of_char(std::min(offset, document_->text.size() - (document_->text.empty() ? 0 : 1)));
    if (page < 0) return 0;
    const QRectF r = page_rects_[size_t(page)];
    double y = r.top();
    const std::vector<PageRect> rects = document_->rects_for_range(offset, offset + 1);
    if (!rects.empty() && rects.front().page == page) y += rects.front().y * pixelsPerPoint();
    return y / content_height_;
}

std::pair<double, double> PdfPageView::visibleFraction() const {
    if (content_height_ <= 0) return {0, 0};
    const double top = verticalScrollBar()->value();
    return {top / content_height_, std::min(1.0, (top + viewport()->height()) / content_height_)};
}

void PdfPageView::setSearchHits(const std::vector<TextRange>& hits, int current) {
    search_hits_ = hits;
    current_hit_ = current;
    rebuildOverlays();
}

void PdfPageView::setEvidence(const std::vector<EvidencePassage>& passages) {
    evidence_ = passages;
    rebuildOverlays();
}

void PdfPageView::setComparison(const std::vector<EvidencePassage>& passages) {
    comparison_ = passages;
    rebuildOverlays();
}

void PdfPageView::setFocusedRange(TextRange range) {
    focused_ = range;
    rebuildOverlays();
}

void PdfPageView::setUserHighlights(const std::vector<TextRange>& ranges) {
    user_highlights_ = ranges;
    rebuildOverlays();
}

void PdfPageView::addOverlays(TextRange range, Overlay::Kind kind, float score) {
    for (const PageRect& r : document_->rects_for_range(range.begin, range.end))
        overlays_[r.page].push_back(Overlay{QRectF(r.x, r.y, r.w, r.h), kind, score});
}

void PdfPageView::rebuildOverlays() {
    overlays_.clear();
    if (document_) {
        // Painted in this order: evidence under the user's own search, the focused passage and
        // the current hit on top.
        for (const EvidencePassage& p : evidence_) addOverlays({p.begin, p.end}, Overlay::Evidence, p.score);
        for (const EvidencePassage& p : comparison_) addOverlays({p.begin, p.end}, Overlay::Comparison, p.score);
        for (const TextRange& r : user_highlights_) addOverlays(r, Overlay::UserHighlight, 1);
        for (size_t i = 0; i < search_hits_.size(); ++i)
            if (int(i) != current_hit_) addOverlays(search_hits_[i], Overlay::Search, 1);
        if (!focused_.empty()) addOverlays(focused_, Overlay::Focus, 1);
        if (current_hit_ >= 0 && current_hit_ < int(search_hits_.size()))
            addOverlays(search_hits_[size_t(current_hit_)], Overlay::SearchCurrent, 1);
    }
    viewport()->update();
}

void PdfPageView::requestVisiblePages() {
    if (!document_ || page_rects_.empty()) return;
    const double top = verticalScrollBar()->value(), bottom = top + viewport()->height();
    const int first = pageAtContentY(top), last = pageAtContentY(bottom);
    const qreal dpr = devicePixelRatioF();
    QVector<app::PageRequest> wanted;
    auto want = [&](int p) {
        if (p < 0 || p >= int(page_rects_.size())) return;
        const QRectF r = page_rects_[size_t(p)];
        wanted.push_back({p, int(std::round(r.width() * dpr)), int(std::round(r.height() * dpr))});
    };
    for (int p = first; p <= last; ++p) want(p);
    want(last + 1);  // the next page is usually read next: render it ahead
    want(first - 1);
    renderer_->request(wanted);
}

void PdfPageView::viewMoved() {
    requestVisiblePages();
    const int page = currentPage();
    if (page != last_page_reported_) {
        last_page_reported_ = page;
        emit currentPageChanged(page);
    }
    emit viewportMoved();
}

void PdfPageView::paintEvent(QPaintEvent* event) {
    QPainter p(viewport());
    const QPalette pal = palette();
    const app::PageColours colours = renderer_->pageColours();
    const bool night = colours == app::PageColours::Night;
    p.fillRect(event->rect(), night ? QColor(18, 18, 20) : pal.color(QPalette::Window).darker(118));
    if (!document_ || page_rects_.empty()) return;

    const double top = verticalScrollBar()->value(), bottom = top + viewport()->height();
    const int first = pageAtContentY(top), last = pageAtContentY(bottom);
    const qreal dpr = devicePixelRatioF();
    const double ppp = pixelsPerPoint();
    const HighlightColors colors = pageOverlayColors();
    // Translucent marks made for white paper fade into a dark page: stronger there, but never so
    // strong that the light ink under them stops showing through.
    auto onPage = [night](QColor c) {
        if (night && c.alpha() < 255) c.setAlpha(std::clamp(int(c.alpha() * 1.5), c.alpha(), 150));
        return c;
    };
    QColor selection = pal.color(QPalette::Active, QPalette::Highlight);
    selection.setAlpha(night ? 140 : 100);
    for (int page = first; page <= last && page >= 0; ++page) {
        const QRect r = pageRectInViewport(page);
        if (!r.intersects(event->rect())) continue;
        // A soft edge so white pages stand apart from a light background.
        p.fillRect(r.adjusted(1, 1, 2, 2), QColor(0, 0, 0, 40));
        const int pixelWidth = int(std::round(r.width() * dpr));
        QImage image = renderer_->cached(page, pixelWidth);
        if (image.isNull()) image = renderer_->anyCached(page, pixelWidth);  // scaled, until the sharp one comes
        if (!image.isNull()) {
            p.setRenderHint(QPainter::SmoothPixmapTransform, image.width() != pixelWidth);
            p.drawImage(QRectF(r), image);
        } else {
            p.fillRect(r, app::pagePaperColour(colours));
            p.setPen(QColor(150, 150, 150));
            p.drawText(r, Qt::AlignCenter, tr("Page %1").arg(page + 1));
        }
        auto box = [&](const QRectF& pt) {
            return QRectF(r.left() + pt.x() * ppp, r.top() + pt.y() * ppp, pt.width() * ppp, pt.height() * ppp);
        };
        p.setRenderHint(QPainter::Antialiasing, true);
        if (const auto it = overlays_.constFind(page); it != overlays_.constEnd()) {
            for (const Overlay& o : *it) {
                const QRectF padded = box(o.rect).adjusted(-1, -1, 1, 1);
                switch (o.kind) {
                    case Overlay::Evidence: p.fillRect(padded, onPage(scaledEvidence(colors.evidence, o.score, Qt::white))); break;
                    case Overlay::Comparison: {
                        // Underlined as well as tinted, so text both methods chose shows both marks.
                        p.fillRect(padded, onPage(scaledEvidence(colors.comparison, o.score, Qt::white)));
                        p.fillRect(QRectF(padded.left(), padded.bottom() - 1.5, padded.width(), 1.5),
                                   night ? colors.comparisonMark.lighter(150) : colors.comparisonMark);
                        break;
                    }
                    case Overlay::Search: p.fillRect(padded, onPage(colors.search)); break;
                    case Overlay::SearchCurrent: p.fillRect(padded, onPage(colors.searchCurrent)); break;
                    case Overlay::UserHighlight: p.fillRect(padded, onPage(userHighlightOverlayColor())); break;
                    case Overlay::Focus:
                        p.fillRect(padded, onPage(colors.evidenceFocus));
                        p.setPen(QPen(night ? colors.evidenceOutline.lighter(220) : colors.evidenceOutline, 1.5));
                        p.drawRoundedRect(padded.adjusted(-1, -1, 1, 1), 2, 2);
                        break;
                }
            }
        }
        // The selection on top, as a text view draws it: the palette's highlight, see-through.
        if (const auto it = selection_rects_.constFind(page); it != selection_rects_.constEnd())
            for (const QRectF& pt : *it) p.fillRect(box(pt).adjusted(-0.5, -1, 0.5, 1), selection);
        p.setRenderHint(QPainter::Antialiasing, false);
    }
    if (selecting_ == Selecting::Rectangle && !rubber_band_.isNull()) {
        QColor edge = pal.color(QPalette::Active, QPalette::Highlight);
        p.setPen(QPen(edge, 1, Qt::DashLine));
        edge.setAlpha(30);
        p.setBrush(edge);
        p.drawRect(rubber_band_.translated(-horizontalScrollBar()->value(), -verticalScrollBar()->value()));
    }
}

void PdfPageView::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    relayout();
}

void PdfPageView::scrollContentsBy(int, int) {
    viewMoved();
    viewport()->update();
}

void PdfPageView::changeEvent(QEvent* event) {
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) viewport()->update();
}

void PdfPageView::keyPressEvent(QKeyEvent* event) {
    QScrollBar* v = verticalScrollBar();
    switch (event->key()) {
        case Qt::Key_Space:
            v->setValue(v->value() + (event->modifiers() & Qt::ShiftModifier ? -1 : 1) * (v->pageStep() - 40));
            return;
        case Qt::Key_Home: v->setValue(0); return;
        case Qt::Key_End: v->setValue(v->maximum()); return;
        case Qt::Key_Escape:
            if (!hasSelection()) break;
            clearSelection();
            return;
        case Qt::Key_PageDown:
        case Qt::Key_PageUp:
            // Page keys keep a little of the previous screen in view so the eye finds its line.
            v->setValue(v->value() + (event->key() == Qt::Key_PageDown ? 1 : -1) * (v->pageStep() - 40));
            return;
        default: break;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

void PdfPageView::wheelEvent(QWheelEvent* event) {
    if (event->modifiers() & Qt::ControlModifier) {
        // Zoom about the cursor: the point under it stays under it.
        const int direction = event->angleDelta().y() > 0 ? 1 : event->angleDelta().y() < 0 ? -1 : 0;
        if (const double z = nextZoomStep(direction); direction != 0 && z != zoom_) setZoomAround(z, event->position());
        event->accept();
        return;
    }
    QAbstractScrollArea::wheelEvent(event);
}

void PdfPageView::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const bool middle = event->button() == Qt::MiddleButton;
    if (event->button() != Qt::LeftButton && !middle) return QAbstractScrollArea::mousePressEvent(event);
    if (!middle && document_) {
        // A press soon after a double click, where it was: the third click selects the line.
        if (last_double_click_.isValid() && last_double_click_.elapsed() < QApplication::doubleClickInterval() &&
            (pos - last_double_click_pos_).manhattanLength() <= QApplication::startDragDistance()) {
            last_double_click_.invalidate();
            if (const TextRange line = lineAt(pos); !line.empty()) {
                setSelection(line);
                select_anchor_ = line.begin;
            }
            selecting_ = Selecting::None;
            return;
        }
        if (pagePointAt(pos, false).page >= 0) {
            // On a page: select text (with Alt or Ctrl, a rectangle; with Shift, extend).
            const size_t at = offsetAt(pos);
            const bool rectangle = event->modifiers() & (Qt::AltModifier | Qt::ControlModifier);
            select_press_content_ = pos + QPointF(horizontalScrollBar()->value(), verticalScrollBar()->value());
            select_last_viewport_ = pos;
            rubber_band_ = {};
            if (!rectangle && (event->modifiers() & Qt::ShiftModifier) && hasSelection() && !isRectangleSelection() &&
                at != size_t(-1)) {
                if (select_anchor_ != selection_.begin && select_anchor_ != selection_.end) select_anchor_ = selection_.begin;
                selecting_ = Selecting::Text;
                extendDragSelection(pos);
                return;
            }
            clearSelection();
            selecting_ = Selecting::Pending;
            select_anchor_ = at;
            press_rectangle_ = rectangle;
            return;
        }
    }
    // Off the pages (or the middle button): drag the pages with the mouse, as in a PDF viewer's
    // browse mode.
    dragging_ = true;
    drag_start_ = pos.toPoint();
    drag_scroll_start_ = {horizontalScrollBar()->value(), verticalScrollBar()->value()};
    viewport()->setCursor(Qt::ClosedHandCursor);
}

void PdfPageView::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    if (dragging_) {
        const QPoint delta = pos.toPoint() - drag_start_;
        horizontalScrollBar()->setValue(drag_scroll_start_.x() - delta.x());
        verticalScrollBar()->setValue(drag_scroll_start_.y() - delta.y());
        return;
    }
    if (selecting_ == Selecting::None) {
        if (!(event->buttons() & Qt::LeftButton)) updateHoverCursor(pos);
        return QAbstractScrollArea::mouseMoveEvent(event);
    }
    select_last_viewport_ = pos;
    if (selecting_ == Selecting::Pending) {
        const QPointF content = pos + QPointF(horizontalScrollBar()->value(), verticalScrollBar()->value());
        if ((content - select_press_content_).manhattanLength() < QApplication::startDragDistance()) return;
        selecting_ = press_rectangle_ ? Selecting::Rectangle : Selecting::Text;
    }
    extendDragSelection(pos);
    // Past the top or the bottom: the pages scroll under the pointer, the selection following.
    if (pos.y() < 0 || pos.y() > viewport()->height()) {
        if (!auto_scroll_->isActive()) auto_scroll_->start();
    } else {
        auto_scroll_->stop();
    }
}

void PdfPageView::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_) {
        dragging_ = false;
        updateHoverCursor(event->position());
        return;
    }
    if (selecting_ == Selecting::None) return QAbstractScrollArea::mouseReleaseEvent(event);
    const bool wasRectangle = selecting_ == Selecting::Rectangle;
    selecting_ = Selecting::None;
    auto_scroll_->stop();
    rubber_band_ = {};
    if (wasRectangle) viewport()->update();
    // X11 and Wayland: a selection is pasted with the middle button elsewhere.
    if (hasSelection() && QGuiApplication::clipboard()->supportsSelection())
        QGuiApplication::clipboard()->setText(selectedText(), QClipboard::Selection);
}

void PdfPageView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || !document_) return QAbstractScrollArea::mouseDoubleClickEvent(event);
    selecting_ = Selecting::None;
    auto_scroll_->stop();
    if (const TextRange word = wordAt(event->position()); !word.empty()) {
        setSelection(word);
        select_anchor_ = word.begin;
        if (QGuiApplication::clipboard()->supportsSelection())
            QGuiApplication::clipboard()->setText(selectedText(), QClipboard::Selection);
    }
    last_double_click_.start();
    last_double_click_pos_ = event->position();
}

void PdfPageView::contextMenuEvent(QContextMenuEvent* event) {
    if (!document_) return;
    // Nothing selected: the word under the pointer is what the menu is about.
    if (!hasSelection()) {
        if (const TextRange word = wordAt(event->pos()); !word.empty()) setSelection(word);
    }
    if (!hasSelection()) return;
    std::unique_ptr<QMenu> menu(createSelectionMenu());
    menu->exec(event->globalPos());
}

QMenu* PdfPageView::createSelectionMenu() {
    SelectionActions actions;
    actions.copy = [this] { copySelection(); };
    actions.askAbout = [this, range = selection_] { emit askAboutRequested(range); };
    actions.highlight = [this] { emit highlightRequested(); };
    actions.search = [this](const QString& text) { emit searchRequested(text); };
    return ui::createSelectionMenu(this, selectedText(), actions);
}

void PdfPageView::autoScrollStep() {
    if (selecting_ != Selecting::Text && selecting_ != Selecting::Rectangle) return auto_scroll_->stop();
    const double y = select_last_viewport_.y(), h = viewport()->height();
    const double past = y < 0 ? y : y > h ? y - h : 0;
    if (past == 0) return auto_scroll_->stop();
    QScrollBar* v = verticalScrollBar();
    v->setValue(v->value() + int(std::clamp(past / 2, -80.0, 80.0) + (past < 0 ? -2 : 2)));
    extendDragSelection(select_last_viewport_);
}

void PdfPageView::updateHoverCursor(QPointF viewportPos) {
    Qt::CursorShape shape = Qt::OpenHandCursor;  // off the pages: they are dragged from there
    if (const PagePoint at = pagePointAt(viewportPos, false); at.page >= 0)
        shape = wordAtPagePoint(at) ? Qt::IBeamCursor : Qt::ArrowCursor;
    if (viewport()->cursor().shape() != shape) viewport()->setCursor(shape);
}

// --- Selection --------------------------------------------------------------------------------

PdfPageView::PagePoint PdfPageView::pagePointAt(QPointF viewportPos, bool clampToPage) const {
    if (!document_ || page_rects_.empty()) return {};
    const double x = viewportPos.x() + horizontalScrollBar()->value(), y = viewportPos.y() + verticalScrollBar()->value();
    const int page = pageAtContentY(y);
    if (page < 0) return {};
    const QRectF r = page_rects_[size_t(page)];
    if (!clampToPage && !(x >= r.left() && x <= r.right() && y >= r.top() && y <= r.bottom())) return {};
    const double ppp = pixelsPerPoint();
    return {page, QPointF((std::clamp(x, r.left(), r.right()) - r.left()) / ppp, (std::clamp(y, r.top(), r.bottom()) - r.top()) / ppp)};
}

const std::vector<const WordBox*>& PdfPageView::wordsOnPage(int page) const {
    if (page != words_page_) {
        words_on_page_.clear();
        words_page_ = page;
        if (document_ && page >= 0 && page < document_->page_count()) {
            const TextRange range = document_->pages[size_t(page)].range;
            for (const WordBox* w : document_->words_in_range(range.begin, range.end))
                if (w->page == page && w->end > w->begin) words_on_page_.push_back(w);
        }
    }
    return words_on_page_;
}

namespace {
QRectF boxOf(const WordBox& w) { return QRectF(w.x, w.y, w.w, w.h); }

// How far a point is from a box (0 inside).
double distanceTo(const QRectF& box, QPointF p) {
    const double dx = std::max({box.left() - p.x(), 0.0, p.x() - box.right()});
    const double dy = std::max({box.top() - p.y(), 0.0, p.y() - box.bottom()});
    return std::hypot(dx, dy);
}

// Whether a point is level with a word: within its line's height (its column's width when the
// writing is vertical).
bool levelWith(const WordBox& w, QPointF p) {
    return w.vertical ? p.x() >= w.x && p.x() <= w.x + w.w : p.y() >= w.y && p.y() <= w.y + w.h;
}
}  // namespace

const WordBox* PdfPageView::wordAtPagePoint(const PagePoint& p) const {
    if (p.page < 0) return nullptr;
    for (const WordBox* w : wordsOnPage(p.page))
        if (boxOf(*w).adjusted(-0.75, -0.75, 0.75, 0.75).contains(p.at)) return w;
    return nullptr;
}

const WordBox* PdfPageView::nearestWord(const PagePoint& p) const {
    if (p.page < 0) return nullptr;
    // A word level with the point (on its line) before any other, however far along the line.
    const WordBox* best = nullptr;
    double bestDistance = 0;
    bool bestLevel = false;
    for (const WordBox* w : wordsOnPage(p.page)) {
        const bool level = levelWith(*w, p.at);
        const double d = distanceTo(boxOf(*w), p.at);
        if (!best || (level && !bestLevel) || (level == bestLevel && d < bestDistance)) {
            best = w;
            bestDistance = d;
            bestLevel = level;
        }
    }
    return best;
}

size_t PdfPageView::offsetInWord(const WordBox& w, QPointF at) const {
    const QString text = QString::fromUtf8(document_->slice(w.begin, w.end));
    const double f = w.vertical ? (at.y() - w.y) / std::max(0.01f, w.h) : (at.x() - w.x) / std::max(0.01f, w.w);
    // Characters share the box evenly, as the highlights assume (Document::rects_for_range).
    qsizetype k = qsizetype(std::lround(std::clamp(f, 0.0, 1.0) * double(text.size())));
    if (k > 0 && k < text.size() && text.at(k - 1).isHighSurrogate()) ++k;  // not inside a character
    return w.begin + size_t(text.left(k).toUtf8().size());
}

size_t PdfPageView::offsetAt(QPointF viewportPos) const {
    const PagePoint p = pagePointAt(viewportPos, true);
    if (p.page < 0) return size_t(-1);
    const std::vector<const WordBox*>& words = wordsOnPage(p.page);
    if (words.empty()) return document_->pages[size_t(p.page)].range.begin;  // a page without text
    if (const WordBox* w = wordAtPagePoint(p)) return offsetInWord(*w, p.at);
    // Above all the page's text: its start; below it: its end.
    double top = words.front()->y, bottom = 0;
    for (const WordBox* w : words) {
        top = std::min<double>(top, w->y);
        bottom = std::max<double>(bottom, w->y + w->h);
    }
    if (p.at.y() < top) return words.front()->begin;
    if (p.at.y() > bottom) return words.back()->end;
    const WordBox* w = nearestWord(p);
    const QRectF box = boxOf(*w);
    // Beside the word on its line: the nearer end; above or below it: before or after it.
    const bool before = levelWith(*w, p.at) ? (w->vertical ? p.at.y() < box.center().y() : p.at.x() < box.center().x())
                                            : (w->vertical ? p.at.x() > box.center().x() : p.at.y() < box.center().y());
    return before ? w->begin : w->end;
}

TextRange PdfPageView::wordAt(QPointF viewportPos) const {
    const WordBox* w = wordAtPagePoint(pagePointAt(viewportPos, false));
    if (!w) return {};
    // Poppler's words run from space to space: "meaning." is the word "meaning".
    const QString text = QString::fromUtf8(document_->slice(w->begin, w->end));
    qsizetype first = 0, last = text.size();
    auto wordChar = [](QChar c) { return c.isLetterOrNumber() || c.isMark() || c.isSurrogate(); };
    while (first < last && !wordChar(text.at(first))) ++first;
    while (last > first && !wordChar(text.at(last - 1))) --last;
    if (first == last) return {w->begin, w->end};  // all punctuation: the whole of it
    return {w->begin + size_t(text.left(first).toUtf8().size()), w->begin + size_t(text.left(last).toUtf8().size())};
}

TextRange PdfPageView::lineAt(QPointF viewportPos) const {
    const PagePoint p = pagePointAt(viewportPos, true);
    const WordBox* w = wordAtPagePoint(p);
    if (!w) w = nearestWord(p);
    if (!w) return {};
    TextRange line{w->begin, w->end};
    for (const WordBox* o : wordsOnPage(p.page))
        if (o->line == w->line) line = {std::min<size_t>(line.begin, o->begin), std::max<size_t>(line.end, o->end)};
    return line;
}

std::vector<TextRange> PdfPageView::wordsInRect(const QRectF& viewportRect) const {
    std::vector<TextRange> out;
    if (!document_ || page_rects_.empty()) return out;
    const QRectF content = viewportRect.normalized().translated(horizontalScrollBar()->value(), verticalScrollBar()->value());
    const double ppp = pixelsPerPoint();
    const int first = pageAtContentY(content.top()), last = pageAtContentY(content.bottom());
    for (int page = first; page >= 0 && page <= last; ++page) {
        const QRectF r = page_rects_[size_t(page)];
        const QRectF on = content.intersected(r);
        if (on.isEmpty()) continue;
        const QRectF pt((on.left() - r.left()) / ppp, (on.top() - r.top()) / ppp, on.width() / ppp, on.height() / ppp);
        for (const WordBox* w : wordsOnPage(page))
            if (boxOf(*w).intersects(pt)) out.push_back({w->begin, w->end});
    }
    std::sort(out.begin(), out.end(), [](const TextRange& a, const TextRange& b) { return a.begin < b.begin; });
    return out;
}

void PdfPageView::selectRectangle(const QRectF& viewportRect) {
    std::vector<TextRange> words = wordsInRect(viewportRect);
    const TextRange span = words.empty() ? TextRange{} : TextRange{words.front().begin, words.back().end};
    setSelectionWords(span, std::move(words));
}

void PdfPageView::extendDragSelection(QPointF viewportPos) {
    if (selecting_ == Selecting::Rectangle) {
        const QPointF scroll(horizontalScrollBar()->value(), verticalScrollBar()->value());
        rubber_band_ = QRectF(select_press_content_, viewportPos + scroll).normalized();
        selectRectangle(rubber_band_.translated(-scroll));
        return;
    }
    const size_t head = offsetAt(viewportPos);
    if (head == size_t(-1) || select_anchor_ == size_t(-1)) return;
    setSelection({std::min(select_anchor_, head), std::max(select_anchor_, head)});
}

void PdfPageView::setSelection(TextRange range) {
    if (!document_) range = {};
    range.end = std::min(range.end, document_ ? document_->text.size() : 0);
    if (range.empty()) range = {};
    setSelectionWords(range, {});
}

void PdfPageView::setSelectionWords(TextRange span, std::vector<TextRange> words) {
    if (span == selection_ && words == selection_words_) {
        if (selecting_ == Selecting::Rectangle) viewport()->update();  // the rubber band moved
        return;
    }
    selection_ = span;
    selection_words_ = std::move(words);
    rebuildSelectionRects();
    copy_action_->setEnabled(hasSelection());
    viewport()->update();
    emit selectionChanged();
}

void PdfPageView::rebuildSelectionRects() {
    selection_rects_.clear();
    if (!document_ || selection_.empty()) return;
    auto add = [this](TextRange r) {
        for (const PageRect& pr : document_->rects_for_range(r.begin, r.end))
            selection_rects_[pr.page].emplace_back(pr.x, pr.y, pr.w, pr.h);
    };
    if (selection_words_.empty()) add(selection_);
    for (const TextRange& w : selection_words_) add(w);
}

QString PdfPageView::selectedText() const {
    if (!document_ || selection_.empty()) return {};
    if (selection_words_.empty()) return QString::fromUtf8(document_->slice(selection_));
    // A rectangle: its words, a space between words of a printed line, a line break between lines.
    QString out;
    const WordBox* previous = nullptr;
    for (const TextRange& r : selection_words_) {
        const std::vector<const WordBox*> boxes = document_->words_in_range(r.begin, r.end);
        const WordBox* box = boxes.empty() ? nullptr : boxes.front();
        if (!out.isEmpty())
            out += previous && box && previous->page == box->page && previous->line == box->line ? QLatin1Char(' ') : QLatin1Char('\n');
        out += QString::fromUtf8(document_->slice(r));
        previous = box;
    }
    return out;
}

void PdfPageView::copySelection() const {
    if (hasSelection()) QGuiApplication::clipboard()->setText(selectedText());
}

void PdfPageView::setPageColours(app::PageColours colours) {
    renderer_->setPageColours(colours);
    requestVisiblePages();
    viewport()->update();
}

app::PageColours PdfPageView::pageColours() const { return renderer_->pageColours(); }

}  // namespace gleaner::ui
