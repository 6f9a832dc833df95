#pragma once
// Rendered PDF pages in one continuous column, like Okular's page view: zoom (fit width, fit
// page, fixed steps), scrolling by wheel, keys or dragging, and highlight overlays drawn on the
// pages from the document's word rectangles (search hits, the answer's evidence, the focused
// passage). Page images come from a PdfPageRenderer, which the view opens on the file it shows;
// after that the view only asks and paints.
//
// Text is selected on the pages as in a text view, from the same word rectangles read the other
// way (a point on a page -> the character there): dragging on a page selects the text between
// press and release in reading order, a double click a word, a triple click a printed line,
// Shift+click extends the selection; Alt+drag (or Ctrl+drag, where the window manager takes Alt)
// selects the words inside a rectangle. Dragging outside the pages, or with the middle button,
// moves the pages. Ctrl+C copies the selection, a right click offers the selection menu
// (selection_context_menu.h), Escape clears it.
#include <QAbstractScrollArea>
#include <QElapsedTimer>
#include <QHash>

#include <optional>
#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"
#include "document_view.h"

class QAction;
class QMenu;
class QTimer;

namespace gleaner::app {
class PdfPageRenderer;
enum class PageColours;
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
    // The selection: from its first to its last character (a rectangle's: first to last word).
    TextRange selectedRange() const override { return selection_; }
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

    // Selection. setSelection() selects a range of the text (empty: none).
    void setSelection(TextRange range);
    void clearSelection() { setSelection({}); }
    bool hasSelection() const { return !selection_.empty(); }
    bool isRectangleSelection() const { return !selection_words_.empty(); }
    // The selected text: the document's text for the range; for a rectangle, its words, a
    // line break between printed lines.
    QString selectedText() const;
    void copySelection() const;  // to the clipboard (Ctrl+C)
    // The character boundary nearest a viewport point: inside a word, the boundary between the
    // characters there; beside or between words, the nearer end of the nearest word. npos when
    // no page with text is there.
    size_t offsetAt(QPointF viewportPos) const;
    // The word under a viewport point (punctuation around it left out), or empty.
    TextRange wordAt(QPointF viewportPos) const;
    // The printed line under (or nearest) a viewport point, or empty.
    TextRange lineAt(QPointF viewportPos) const;
    // The words whose boxes meet a rectangle in viewport coordinates, in reading order.
    std::vector<TextRange> wordsInRect(const QRectF& viewportRect) const;
    // Selects the words of a rectangle (viewport coordinates), as Alt+drag does.
    void selectRectangle(const QRectF& viewportRect);
    // The selection's menu, as a right click shows it (the caller owns it).
    QMenu* createSelectionMenu();
    QAction* copyAction() const { return copy_action_; }

    // Page colours: night and sepia recolour the rendered pages, and the highlights drawn on them
    // are made to stand out on a dark page.
    void setPageColours(app::PageColours colours);
    app::PageColours pageColours() const;

signals:
    void currentPageChanged(int page);
    void viewportMoved();
    void zoomChanged();
    void selectionChanged();
    // The selection menu's "Ask About This…" and "Search for".
    void askAboutRequested(TextRange range);
    void highlightRequested();  // the selection menu's "Highlight…"
    void searchRequested(const QString& text);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
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

    // Selection helpers. A point on a page: the page, and the point in PDF points on it.
    struct PagePoint {
        int page = -1;
        QPointF at;
    };
    PagePoint pagePointAt(QPointF viewportPos, bool clampToPage) const;
    const std::vector<const WordBox*>& wordsOnPage(int page) const;  // cached for the last page asked
    const WordBox* wordAtPagePoint(const PagePoint& p) const;         // the box holding it, or nullptr
    const WordBox* nearestWord(const PagePoint& p) const;
    size_t offsetInWord(const WordBox& word, QPointF at) const;
    void setSelectionWords(TextRange span, std::vector<TextRange> words);
    void rebuildSelectionRects();
    void extendDragSelection(QPointF viewportPos);
    void autoScrollStep();
    void updateHoverCursor(QPointF viewportPos);

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
    bool dragging_ = false;  // moving the pages

    // The selection: a span of the text, or (rectangle) the words in it, in text order.
    TextRange selection_;
    std::vector<TextRange> selection_words_;
    QHash<int, std::vector<QRectF>> selection_rects_;  // by page, PDF points
    enum class Selecting { None, Pending, Text, Rectangle };
    Selecting selecting_ = Selecting::None;  // Pending: pressed on a page, not moved far enough yet
    bool press_rectangle_ = false;           // the press had Alt or Ctrl: a rectangle when dragged
    size_t select_anchor_ = 0;               // the character the drag started at
    QPointF select_press_content_;           // where it started, in content coordinates
    QPointF select_last_viewport_;           // the latest pointer position
    QRectF rubber_band_;                     // the rectangle being dragged, content coordinates
    QTimer* auto_scroll_;                    // scrolls while a drag is past the top or bottom
    QElapsedTimer last_double_click_;        // a press soon after a double click is a triple click
    QPointF last_double_click_pos_;
    QAction* copy_action_;
    mutable int words_page_ = -1;
    mutable std::vector<const WordBox*> words_on_page_;
};

}  // namespace gleaner::ui
