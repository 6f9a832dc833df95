#pragma once
// Reflowable documents (EPUB, TXT, Markdown, HTML) as flowing text in a centred column of
// readable width, with the same highlight sets as the page view: search hits, the answer's
// evidence (tinted by score) and the focused passage, painted as extra selections so the text
// itself is never modified.
#include <QTextBrowser>

#include <memory>
#include <optional>
#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"

namespace gleaner::app {
class ReflowDocument;
}

namespace gleaner::ui {

class ReflowTextView : public QTextBrowser {
    Q_OBJECT
public:
    explicit ReflowTextView(QWidget* parent = nullptr);
    ~ReflowTextView() override;

    void setDocument(const app::LoadedDocument& loaded);
    void clearDocument();

    void scrollToRange(TextRange range);
    size_t currentOffset() const;  // the first character at the top of the viewport
    void scrollToFraction(double fraction);
    double fractionOfOffset(size_t offset) const;
    std::pair<double, double> visibleFraction() const;

    void setSearchHits(const std::vector<TextRange>& hits, int current);
    void setEvidence(const std::vector<EvidencePassage>& passages);
    void setComparison(const std::vector<EvidencePassage>& passages);  // compare mode's second method
    void setFocusedRange(TextRange range);
    TextRange focusedRange() const { return focused_; }
    // Text cursor over a range (tests check what is highlighted).
    QTextCursor cursorForRange(TextRange range) const;
    int readingColumnWidth() const;

signals:
    void viewportMoved();
    // The layout changed (font, width): positions along the document moved.
    void layoutChanged();

protected:
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void rebuildSelections();
    void centreColumn();
    void applyPendingScroll();

    std::unique_ptr<app::ReflowDocument> reflow_;
    std::vector<TextRange> search_hits_;
    int current_hit_ = -1;
    std::vector<EvidencePassage> evidence_;
    std::vector<EvidencePassage> comparison_;
    TextRange focused_;
    // A place to scroll to that the lazily laid-out text has not reached yet: the scroll range
    // grows as layout proceeds, and the scroll is retried until it gets there.
    std::optional<TextRange> pending_scroll_;
};

}  // namespace gleaner::ui
