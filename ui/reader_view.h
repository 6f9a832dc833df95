#pragma once
// The centre of the window: the open document as rendered pages (PDF) or flowing text (every
// other format), the evidence heat strip beside its scrollbar and the find bar below. It keeps
// the highlight sets (search hits, evidence, the focused passage) and hands them to whichever
// view shows the document, through the one DocumentView interface both views implement, so
// both formats behave the same.
#include <QWidget>

#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"
#include "navigation_history.h"
#include "pdf_page_view.h"

class QLabel;
class QStackedWidget;
class QTimer;

namespace gleaner::app {
class EvidenceModel;
class PdfPageRenderer;
enum class PageColours;
}  // namespace gleaner::app

namespace gleaner::ui {

class DocumentView;
class FindBar;
class ReflowTextView;
class SelectionHeatStrip;

class ReaderView : public QWidget {
    Q_OBJECT
public:
    explicit ReaderView(QWidget* parent = nullptr);

    void setDocument(const app::LoadedDocument& document);
    // A notice bar above the document (the window's, e.g. the scanned-PDF OCR bar).
    void addTopBar(QWidget* bar);
    void clear();
    bool hasDocument() const { return document_.document != nullptr; }
    const app::LoadedDocument& document() const { return document_; }
    bool isPaginated() const;

    int pageCount() const;
    int currentPage() const;       // -1 for reflowed documents
    size_t currentOffset() const;  // the reading position: a byte offset of the canonical text
    TextRange selectedRange() const;  // the user's selection (empty: none)
    double positionFraction() const;  // how far through the document the view is, 0..1
    void goToPage(int page);
    void goToOffset(size_t offset);
    // Scrolls to a passage and marks it as the focused one (an evidence passage clicked).
    void showPassage(TextRange range);
    TextRange focusedPassage() const { return focused_; }
    // Previous / Next Page: a step through the book like scrolling, not a jump for Back.
    void stepPage(int delta);

    // Back and forward over the jumps above (pages, offsets, passages, search hits): the place
    // before each is recorded; several moves in one event-loop turn (a contents entry that
    // scrolls, then settles on its page) are one jump. Scrolling is not recorded.
    app::ReadingPlace readingPlace() const;
    void goToPlace(const app::ReadingPlace& place);  // not recorded
    bool canGoBack() const { return history_.canGoBack(); }
    bool canGoForward() const { return history_.canGoForward(); }
    void goBack();
    void goForward();
    const app::NavigationHistory& history() const { return history_; }
    void clearHistory();  // where history starts (a reopened book back at its saved place)
    // The reader's own highlights (the Annotations panel's), drawn until the document changes.
    void setUserHighlights(const std::vector<TextRange>& ranges);
    const std::vector<TextRange>& userHighlights() const { return user_highlights_; }

    // The zoom mode and factor are the pages' (they stay as set while a reflowed document is
    // shown); zoomIn() and zoomOut() step whichever view shows the document.
    ZoomMode zoomMode() const;
    double zoom() const;
    void setZoomMode(ZoomMode mode);
    void setZoom(double zoom);
    void zoomIn();
    void zoomOut();

    // Reflowed text: its type size in points (0: the default; zoomChanged() follows a change)
    // and its column's width in characters (0: the whole width).
    double textPointSize() const;
    void setTextPointSize(double points);
    void setTextWidth(int characters);
    int textWidth() const;
    // Page colours, for both views: normal, night or sepia.
    void setPageColours(app::PageColours colours);
    app::PageColours pageColours() const;

    // The answer's evidence comes from this model and is redrawn when it changes; in compare
    // mode the second method's from the other.
    void setEvidenceModel(app::EvidenceModel* model);
    void setComparisonModel(app::EvidenceModel* model);

    // Search: every hit highlighted, one of them current.
    void find(const QString& text, Qt::CaseSensitivity cs = Qt::CaseInsensitive);
    void findNext();
    void findPrevious();
    void activateFind();
    // The selection menu's "Search for": the find bar shows the text, its hits are highlighted.
    void findInBar(const QString& text);
    const std::vector<TextRange>& searchHits() const { return hits_; }
    int currentSearchHit() const { return current_hit_; }

    PdfPageView* pageView() const { return page_view_; }
    app::PdfPageRenderer* renderer() const { return renderer_; }
    ReflowTextView* textView() const { return text_view_; }
    FindBar* findBar() const { return find_bar_; }
    SelectionHeatStrip* heatStrip() const { return heat_strip_; }

signals:
    void askAboutRequested(TextRange range);  // the selection's "Ask About This"
    void highlightRequested();                // the selection's "Highlight…"
    void positionChanged();             // the view moved (scrolling, zoom, navigation)
    void currentPageChanged(int page);  // paginated documents
    void searchResultsChanged(int current, int total);
    void zoomChanged();
    void historyChanged();  // Back / Forward became possible or not

private:
    void applyHighlights();
    void updateHeatStrip();
    void updateViewportMark();
    void goToHit(int index);
    void scrollToFraction(double fraction);
    void recordJump();

    app::LoadedDocument document_;
    app::PdfPageRenderer* renderer_;
    QStackedWidget* stack_;
    QLabel* placeholder_;
    PdfPageView* page_view_;
    ReflowTextView* text_view_;
    DocumentView* active_ = nullptr;  // the one of the two views above that shows the document
    SelectionHeatStrip* heat_strip_;
    FindBar* find_bar_;
    QTimer* heat_timer_;
    app::EvidenceModel* evidence_model_ = nullptr;
    app::EvidenceModel* comparison_model_ = nullptr;

    std::vector<EvidencePassage> evidence_;
    std::vector<EvidencePassage> comparison_;
    std::vector<TextRange> hits_;
    int current_hit_ = -1;
    TextRange focused_;
    app::NavigationHistory history_;
    bool jump_open_ = false;        // a jump was recorded in this event-loop turn
    bool search_recorded_ = false;  // the search being typed recorded where it started
    std::vector<TextRange> user_highlights_;
};

}  // namespace gleaner::ui
