#include "navigation_history.h"

#include <algorithm>
#include <cmath>

namespace gleaner::app {

bool ReadingPlace::operator==(const ReadingPlace& other) const {
    // Fractions come from pixel positions: a thousandth of a page is well below a pixel.
    return offset == other.offset && page == other.page && lineShift == other.lineShift && std::abs(pageFraction - other.pageFraction) < 1e-3;
}

NavigationHistory::NavigationHistory(size_t capacity) : capacity_(std::max<size_t>(capacity, 2)) {}

void NavigationHistory::recordJump(const ReadingPlace& from) {
    // After Back, the places ahead of the shown one belonged to the abandoned branch; the shown
    // one itself is replaced by `from`, where the reader actually is (they may have scrolled).
    places_.resize(std::min(cursor_, places_.size()));
    if (places_.empty() || places_.back() != from) places_.push_back(from);
    trimToCapacity();
    cursor_ = places_.size();
}

bool NavigationHistory::canGoBack() const { return cursor_ > 0 && !places_.empty(); }

bool NavigationHistory::canGoForward() const { return cursor_ + 1 < places_.size(); }

std::optional<ReadingPlace> NavigationHistory::back(const ReadingPlace& current) {
    if (!canGoBack()) return std::nullopt;
    if (cursor_ == places_.size()) {
        places_.push_back(current);  // the live position, for Forward
        if (places_.size() > capacity_) {
            places_.erase(places_.begin());
            --cursor_;
        }
    } else {
        places_[cursor_] = current;
    }
    --cursor_;
    return places_[cursor_];
}

std::optional<ReadingPlace> NavigationHistory::forward(const ReadingPlace& current) {
    if (!canGoForward()) return std::nullopt;
    places_[cursor_] = current;
    ++cursor_;
    return places_[cursor_];
}

void NavigationHistory::clear() {
    places_.clear();
    cursor_ = 0;
}

void NavigationHistory::trimToCapacity() {
    if (places_.size() <= capacity_) return;
    places_.erase(places_.begin(), places_.begin() + std::ptrdiff_t(places_.size() - capacity_));
}

}  // namespace gleaner::app
