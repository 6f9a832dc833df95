#include "pdf_page_view.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <cmath>

#include "highlight_colors.h"
#include "pdf_page_renderer.h"

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
    connect(renderer_, &app::PdfPageRenderer::pageRendered, this, [this](int page) {
        if (page >= 0 && page < pageCount() && pageRectInViewport(page).intersects(viewport()->rect()))
            viewport()->update(pageRectInViewport(page));
    });
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
    last_page_reported_ = -1;
    page_rects_.clear();  // no scroll anchor carried over from the previous document
    relayout();
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(horizontalScrollBar()->maximum() / 2);  // the page centred
    viewMoved();
    viewport()->update();
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
    p.fillRect(event->rect(), pal.color(QPalette::Window).darker(118));
    if (!document_ || page_rects_.empty()) return;

    const double top = verticalScrollBar()->value(), bottom = top + viewport()->height();
    const int first = pageAtContentY(top), last = pageAtContentY(bottom);
    const qreal dpr = devicePixelRatioF();
    const double ppp = pixelsPerPoint();
    const HighlightColors colors = pageOverlayColors();
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
            p.fillRect(r, Qt::white);
            p.setPen(QColor(150, 150, 150));
            p.drawText(r, Qt::AlignCenter, tr("Page %1").arg(page + 1));
        }
        const auto it = overlays_.constFind(page);
        if (it == overlays_.constEnd()) continue;
        p.setRenderHint(QPainter::Antialiasing, true);
        for (const Overlay& o : *it) {
            const QRectF box(r.left() + o.rect.x() * ppp, r.top() + o.rect.y() * ppp, o.rect.width() * ppp,
                             o.rect.height() * ppp);
            const QRectF padded = box.adjusted(-1, -1, 1, 1);
            switch (o.kind) {
                case Overlay::Evidence: p.fillRect(padded, scaledEvidence(colors.evidence, o.score, Qt::white)); break;
                case Overlay::Comparison: {
                    // Underlined as well as tinted, so text both methods chose shows both marks.
                    p.fillRect(padded, scaledEvidence(colors.comparison, o.score, Qt::white));
                    p.fillRect(QRectF(padded.left(), padded.bottom() - 1.5, padded.width(), 1.5), colors.comparisonMark);
                    break;
                }
                case Overlay::Search: p.fillRect(padded, colors.search); break;
                case Overlay::SearchCurrent: p.fillRect(padded, colors.searchCurrent); break;
                case Overlay::UserHighlight: p.fillRect(padded, userHighlightOverlayColor()); break;
                case Overlay::Focus:
                    p.fillRect(padded, colors.evidenceFocus);
                    p.setPen(QPen(colors.evidenceOutline, 1.5));
                    p.drawRoundedRect(padded.adjusted(-1, -1, 1, 1), 2, 2);
                    break;
            }
        }
        p.setRenderHint(QPainter::Antialiasing, false);
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
        case Qt::Key_PageDown:
        case Qt::Key_PageUp:
            // Page keys keep a little of the previous screen in view so the eye finds its line.
            v->setValue(v->value() + (event->key() == Qt::Key_PageDown ? 1 : -1) * (v->pageStep() - 40));
            return;
        default: QAbstractScrollArea::keyPressEvent(event);
    }
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
    if (event->button() != Qt::LeftButton) return QAbstractScrollArea::mousePressEvent(event);
    // Drag the pages with the mouse, as in a PDF viewer's browse mode.
    dragging_ = true;
    drag_start_ = event->position().toPoint();
    drag_scroll_start_ = {horizontalScrollBar()->value(), verticalScrollBar()->value()};
    viewport()->setCursor(Qt::ClosedHandCursor);
}

void PdfPageView::mouseMoveEvent(QMouseEvent* event) {
    if (!dragging_) return QAbstractScrollArea::mouseMoveEvent(event);
    const QPoint delta = event->position().toPoint() - drag_start_;
    horizontalScrollBar()->setValue(drag_scroll_start_.x() - delta.x());
    verticalScrollBar()->setValue(drag_scroll_start_.y() - delta.y());
}

void PdfPageView::mouseReleaseEvent(QMouseEvent* event) {
    if (!dragging_) return QAbstractScrollArea::mouseReleaseEvent(event);
    dragging_ = false;
    viewport()->setCursor(Qt::OpenHandCursor);
}

}  // namespace gleaner::ui
