#pragma once
// Back and forward over the reader's jumps, as a web browser or Okular keeps them: a list of
// reading places with a cursor. Plain C++ (no Qt): what it remembers and in which order is the
// whole of the logic, the reader only says when a jump happens and where it was.
//
// The list holds the places jumped FROM. Going back from the live position first keeps that
// position (so Forward can return to it); a new jump after going back drops the forward part,
// since it starts another branch. Consecutive identical places are merged, and the oldest
// places fall off once the list is full.
#include <cstddef>
#include <optional>
#include <vector>

namespace gleaner::app {

// Where the reader is, precisely enough to return there: the text offset at the top of the view
// and, in a document with pages, the page being read and how far down it the view's top is
// (a fraction of the page's height, so it holds at another zoom); in flowing text, how far
// below the top of the offset's line the view's top is.
struct ReadingPlace {
    size_t offset = 0;
    int page = -1;             // -1: flowing text
    double pageFraction = 0;   // the viewport's top on `page`, 0 = the page's top edge
    int lineShift = 0;         // flowing text: pixels from the top of the offset's line to the view's top

    bool operator==(const ReadingPlace& other) const;
    bool operator!=(const ReadingPlace& other) const { return !(*this == other); }
};

class NavigationHistory {
public:
    explicit NavigationHistory(size_t capacity = 100);

    // A jump is about to leave `from`.
    void recordJump(const ReadingPlace& from);
    bool canGoBack() const;
    bool canGoForward() const;
    // The place to show for Back / Forward, given where the reader is now (kept so the other
    // direction returns to it); nullopt when there is none that way.
    std::optional<ReadingPlace> back(const ReadingPlace& current);
    std::optional<ReadingPlace> forward(const ReadingPlace& current);
    void clear();

    size_t size() const { return places_.size(); }
    size_t capacity() const { return capacity_; }
    const std::vector<ReadingPlace>& places() const { return places_; }
    // Index of the place being shown after Back/Forward; size() while reading live.
    size_t cursor() const { return cursor_; }

private:
    void trimToCapacity();

    size_t capacity_;
    std::vector<ReadingPlace> places_;
    size_t cursor_ = 0;
};

}  // namespace gleaner::app
