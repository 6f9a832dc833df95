#pragma once
// Rendered PDF pages in one continuous column, like Okular's page view: zoom (fit width, fit
// page, fixed steps), scrolling by wheel, keys or dragging, and highlight overlays drawn on the
// pages from the document's word rectangles (search hits, the answer's evidence, the focused
// passage). Page images come from a PdfPageRenderer, which the view opens on the file it shows;
// after that the view only asks and paints.
#include <QAbstractScrollArea>
#include <QHash>

#include <optional>
#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"
#include "document_view.h"

namespace gleaner::app {
class PdfPageRenderer;
}

namespace gleaner::ui {

enum class ZoomMode { FitWidth, FitPage, Fixed };

class PdfPageView : public QAbstractScrollArea, public DocumentView {
    Q_OBJECT
public:
    explicit PdfPageView(app::PdfPageRenderer* renderer, QWidget* parent = nullptr);

    QWidget* widget() override { return this; }
    void setDocument(const app::LoadedDocument& loaded) override;
    void clearDocument() override;
    const app::DocumentPtr& document() const { return document_; }

    ZoomMode zoomMode() const { return zoom_mode_; }
    double zoom() const { return zoom_; }  // effective, 1.0 = 100 %
    void setZoomMode(ZoomMode mode);
    void setZoom(double zoom);             // switches to ZoomMode::Fixed
    void zoomIn() override;
    void zoomOut() override;
    static const std::vector<double>& zoomSteps();

    int pageCount() const override { return document_ ? document_->page_count() : 0; }
    int currentPage() const override;
    void goToPage(int page) override;
    // The top of the page holding the character.
    void goToOffset(size_t offset) override;
    void scrollToRange(TextRange range) override;
    // The first character of the page being read (the reading position).
    size_t currentOffset() const override;
    TextRange selectedRange() const override { return {}; }  // page text cannot be selected yet
    void scrollToFraction(double fraction) override;
    // Where a character lies along the whole column, 0 = top of the first page.
    double fractionOfOffset(size_t offset) const override;
    std::pair<double, double> visibleFraction() const override;

    void setSearchHits(const std::vector<TextRange>& hits, int current) override;
    void setEvidence(const std::vector<EvidencePassage>& passages) override;
    void setComparison(const std::vector<EvidencePassage>& passages) override;
    void setFocusedRange(TextRange range) override;
    void setUserHighlights(const std::vector<TextRange>& ranges) override;
    const std::vector<TextRange>& userHighlights() const { return user_highlights_; }
    TextRange focusedRange() const { return focused_; }
    // Page rectangle in viewport coordinates (tests, and the screenshot tour).
    QRect pageRectInViewport(int page) const;
    // Highlight rectangles of a range in viewport coordinates.
    std::vector<QRectF> rangeRectsInViewport(TextRange range) const;

signals:
    void currentPageChanged(int page);
    void viewportMoved();
    void zoomChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Overlay {
        QRectF rect;  // PDF points on the page
        enum Kind { Evidence, Comparison, Search, SearchCurrent, Focus, UserHighlight } kind = Search;
        float score = 1;
    };
    void showDocument(app::DocumentPtr document);  // nullptr: none
    double pixelsPerPoint() const;
    // anchor: the viewport point whose place on the page is kept (default: top centre).
    void relayout(std::optional<QPointF> anchor = std::nullopt);
    void setZoomAround(double zoom, std::optional<QPointF> anchor);
    double nextZoomStep(int direction) const;  // zoom_ when there is none that way
    void updateScrollBars();
    void requestVisiblePages();
    void rebuildOverlays();
    void addOverlays(TextRange range, Overlay::Kind kind, float score);
    void viewMoved();
    int pageAtContentY(double y) const;
    QRectF pageContentRect(int page) const { return page_rects_[size_t(page)]; }

    app::PdfPageRenderer* renderer_;
    app::DocumentPtr document_;
    ZoomMode zoom_mode_ = ZoomMode::FitWidth;
    double zoom_ = 1.0;
    std::vector<QRectF> page_rects_;  // content coordinates (logical pixels)
    double content_width_ = 0, content_height_ = 0;

    std::vector<TextRange> search_hits_;
    int current_hit_ = -1;
    std::vector<EvidencePassage> evidence_;
    std::vector<EvidencePassage> comparison_;
    TextRange focused_;
    std::vector<TextRange> user_highlights_;
    QHash<int, std::vector<Overlay>> overlays_;  // by page

    int last_page_reported_ = -1;
    QPoint drag_start_;
    QPoint drag_scroll_start_;
    bool dragging_ = false;
};

}  // namespace gleaner::ui
