#pragma once
// What the reader asks of the view that shows the open document, whatever its kind: rendered
// pages (PdfPageView) or flowing text (ReflowTextView). The reader keeps the highlight sets and
// the reading position in terms of the canonical text (byte offsets, TextRange) and talks to
// one of these, so that it never needs to know which kind of view it holds; where the kinds
// really differ (pages, zoom), each view answers in its own way.
#include <cstddef>
#include <utility>
#include <vector>

#include "answer_engine.h"
#include "document_ptr.h"

class QWidget;

namespace gleaner::ui {

class DocumentView {
public:
    virtual ~DocumentView() = default;

    // The view as a widget, to be shown in the reader's place.
    virtual QWidget* widget() = 0;

    virtual void setDocument(const app::LoadedDocument& document) = 0;
    // Lets go of the document (the other kind of view is showing one, or none is open).
    virtual void clearDocument() = 0;

    // Pages: none in flowing text (0 pages, current page -1, going to a page does nothing).
    virtual int pageCount() const = 0;
    virtual int currentPage() const = 0;
    virtual void goToPage(int page) = 0;

    // The reading position: the first character at the top of what is shown.
    virtual size_t currentOffset() const = 0;
    // Brings the place of a character into view, as a return to a saved reading position.
    virtual void goToOffset(size_t offset) = 0;
    // Scrolls so that the range's first line sits a third down the viewport.
    virtual void scrollToRange(TextRange range) = 0;

    // Positions along the whole document as fractions 0..1 (the heat strip beside the view).
    virtual double fractionOfOffset(size_t offset) const = 0;
    virtual std::pair<double, double> visibleFraction() const = 0;
    virtual void scrollToFraction(double fraction) = 0;

    // The text the user selected (empty when none). On PDF pages a rectangle selection's range
    // runs from its first word to its last. Both views offer the same menu on a selection
    // (selection_context_menu.h) and ask the reader to ask about it or search for it.
    virtual TextRange selectedRange() const = 0;

    // Highlights, drawn over the document without changing it.
    virtual void setSearchHits(const std::vector<TextRange>& hits, int current) = 0;
    virtual void setEvidence(const std::vector<EvidencePassage>& passages) = 0;
    virtual void setComparison(const std::vector<EvidencePassage>& passages) = 0;  // compare mode's second method
    virtual void setFocusedRange(TextRange range) = 0;
    // The reader's own highlights (the Annotations panel's), under the search and focus marks.
    virtual void setUserHighlights(const std::vector<TextRange>& ranges) = 0;

    // One step larger or smaller: pages by the next zoom step, text by a point of type size.
    virtual void zoomIn() = 0;
    virtual void zoomOut() = 0;
};

}  // namespace gleaner::ui
