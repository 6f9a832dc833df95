#pragma once
// Reflowable documents (EPUB, TXT, Markdown, HTML) as flowing text in a centred column of
// readable width, with the same highlight sets as the page view: search hits, the answer's
// evidence (tinted by score) and the focused passage, painted as extra selections so the text
// itself is never modified.
// The reader sets the type size (Ctrl++ / Ctrl+- / Ctrl+0), the column's width in characters
// and the page colours (normal, night, sepia); a selection's context menu is the one both views
// share (selection_context_menu.h).
#include <QTextBrowser>

#include <memory>
#include <optional>
#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"
#include "document_view.h"

namespace gleaner::app {
class ReflowDocument;
enum class PageColours;
}

namespace gleaner::ui {

class ReflowTextView : public QTextBrowser, public DocumentView {
    Q_OBJECT
public:
    explicit ReflowTextView(QWidget* parent = nullptr);
    ~ReflowTextView() override;

    QWidget* widget() override { return this; }
    void setDocument(const app::LoadedDocument& loaded) override;
    void clearDocument() override;

    // Flowing text has no pages.
    int pageCount() const override { return 0; }
    int currentPage() const override { return -1; }
    void goToPage(int) override {}

    // The line holding the character.
    void goToOffset(size_t offset) override;
    void scrollToRange(TextRange range) override;
    size_t currentOffset() const override;  // the first character at the top of the viewport
    TextRange selectedRange() const override;
    void scrollToFraction(double fraction) override;
    double fractionOfOffset(size_t offset) const override;
    std::pair<double, double> visibleFraction() const override;

    void setSearchHits(const std::vector<TextRange>& hits, int current) override;
    void setEvidence(const std::vector<EvidencePassage>& passages) override;
    void setComparison(const std::vector<EvidencePassage>& passages) override;
    void setFocusedRange(TextRange range) override;
    void setUserHighlights(const std::vector<TextRange>& ranges) override;
    const std::vector<TextRange>& userHighlights() const { return user_highlights_; }
    // A point of type size per step (these hide QTextEdit's zoomIn(int)/zoomOut(int)).
    void zoomIn() override;
    void zoomOut() override;
    TextRange focusedRange() const { return focused_; }
    // Text cursor over a range (tests check what is highlighted).
    QTextCursor cursorForRange(TextRange range) const;
    int readingColumnWidth() const;

    // The body text's size in points (headings scale with it); the view's font() is the body
    // font. Relays the text out, keeping the reading position. 0: the default size.
    void setTextPointSize(double points);
    double textPointSize() const;
    static double defaultTextPointSize();  // from the desktop's font, at least 11 pt
    static constexpr double kMinTextPointSize = 6, kMaxTextPointSize = 48;
    void resetTextSize() { setTextPointSize(0); }
    // The column: at most this many characters a line (0: the whole width of the view).
    void setTextWidth(int characters);
    int textWidth() const { return text_width_; }
    // Paper and ink of the text: the palette's (Normal), night or sepia.
    void setPageColours(app::PageColours colours);
    app::PageColours pageColours() const { return colours_; }
    // The selection's menu, as a right click on it shows it (the caller owns it).
    QMenu* createSelectionMenu();

signals:
    void viewportMoved();
    // "Ask About This" and "Search for" on the selection's context menu.
    void askAboutRequested(TextRange range);
    void highlightRequested();  // the selection menu's "Highlight…"
    void searchRequested(const QString& text);
    // The layout changed (font, width): positions along the document moved.
    void layoutChanged();
    void textSizeChanged(double points);

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void rebuildSelections();
    void centreColumn();
    void applyPendingScroll();
    QFont bodyFont() const;
    void layOut();  // builds the layout of loaded_ in the body font
    void applyPageColours();

    app::LoadedDocument loaded_;
    std::unique_ptr<app::ReflowDocument> reflow_;
    QTextDocument* empty_;       // shown while there is no document, or while one is rebuilt
    double text_size_ = 0;       // points; 0: the default
    int text_width_ = 75;        // characters a line; 0: the whole width
    app::PageColours colours_{};  // Normal
    std::vector<TextRange> search_hits_;
    int current_hit_ = -1;
    std::vector<EvidencePassage> evidence_;
    std::vector<EvidencePassage> comparison_;
    TextRange focused_;
    std::vector<TextRange> user_highlights_;
    // A place to scroll to that the lazily laid-out text has not reached yet: the scroll range
    // grows as layout proceeds, and the scroll is retried until it gets there.
    std::optional<TextRange> pending_scroll_;
    bool pending_at_top_ = false;  // the pending place goes to the top (not a third down)
};

}  // namespace gleaner::ui
