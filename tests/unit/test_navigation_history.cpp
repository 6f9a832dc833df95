// The reader's back/forward history (navigation_history.h) without any view: which place Back
// and Forward return to, what a new jump does to the forward part, merging and the bound.
#include <QtTest>

#include "navigation_history.h"

using gleaner::app::NavigationHistory;
using gleaner::app::ReadingPlace;

namespace {
ReadingPlace at(size_t offset, int page = -1, double fraction = 0) { return {offset, page, fraction}; }
}  // namespace

class TestNavigationHistory : public QObject {
    Q_OBJECT
private slots:
    void emptyHistoryGoesNowhere() {
        NavigationHistory h;
        QVERIFY(!h.canGoBack());
        QVERIFY(!h.canGoForward());
        QVERIFY(!h.back(at(5)).has_value());
        QVERIFY(!h.forward(at(5)).has_value());
    }

    void backReturnsToWhereTheJumpStartedAndForwardToWhereBackWasPressed() {
        NavigationHistory h;
        h.recordJump(at(100, 2, 0.25));  // reading page 2, a quarter down; jump to 900
        QVERIFY(h.canGoBack());
        QVERIFY(!h.canGoForward());
        // The reader scrolled a little after landing: Forward must come back to that place.
        const auto back = h.back(at(950, 7, 0.4));
        QVERIFY(back);
        QCOMPARE(*back, at(100, 2, 0.25));
        QVERIFY(!h.canGoBack());
        QVERIFY(h.canGoForward());
        const auto forward = h.forward(at(100, 2, 0.25));
        QVERIFY(forward);
        QCOMPARE(*forward, at(950, 7, 0.4));
        QVERIFY(!h.canGoForward());
        QVERIFY(h.canGoBack());
    }

    void backTwiceWalksThroughEveryJump() {
        NavigationHistory h;
        h.recordJump(at(10));
        h.recordJump(at(20));
        h.recordJump(at(30));
        QCOMPARE(*h.back(at(40)), at(30));
        QCOMPARE(*h.back(at(30)), at(20));
        QCOMPARE(*h.back(at(20)), at(10));
        QVERIFY(!h.canGoBack());
        QCOMPARE(*h.forward(at(10)), at(20));
        QCOMPARE(*h.forward(at(20)), at(30));
        QCOMPARE(*h.forward(at(30)), at(40));
        QVERIFY(!h.canGoForward());
    }

    void aNewJumpAfterBackDropsTheForwardPart() {
        NavigationHistory h;
        h.recordJump(at(10));
        h.recordJump(at(20));
        QCOMPARE(*h.back(at(30)), at(20));
        QCOMPARE(*h.back(at(20)), at(10));
        QVERIFY(h.canGoForward());
        h.recordJump(at(12));  // scrolled a little from 10, then jumped elsewhere
        QVERIFY(!h.canGoForward());
        QCOMPARE(h.places().size(), size_t(1));
        QCOMPARE(*h.back(at(77)), at(12));
        QCOMPARE(*h.forward(at(12)), at(77));
    }

    void consecutiveIdenticalPlacesAreMerged() {
        NavigationHistory h;
        h.recordJump(at(10, 1, 0.5));
        h.recordJump(at(10, 1, 0.5));
        h.recordJump(at(10, 1, 0.5 + 1e-5));  // the same place, measured again
        QCOMPARE(h.size(), size_t(1));
        h.recordJump(at(10, 1, 0.6));  // elsewhere on the same page: another place
        QCOMPARE(h.size(), size_t(2));
        h.recordJump(at(10));  // the same offset without a page is another place too
        QCOMPARE(h.size(), size_t(3));
    }

    void theOldestPlacesFallOffWhenFull() {
        NavigationHistory h(5);
        for (size_t i = 0; i < 12; ++i) h.recordJump(at(i));
        QCOMPARE(h.size(), size_t(5));
        QCOMPARE(h.places().front(), at(7));
        // Back from the live position keeps it and still reaches the five newest jumps.
        size_t steps = 0;
        ReadingPlace here = at(99);
        while (auto p = h.back(here)) {
            here = *p;
            ++steps;
        }
        QVERIFY(h.size() <= 5);
        QVERIFY(steps >= 4);
        QCOMPARE(here, h.places().front());
        QVERIFY(here.offset >= 7);
    }

    void clearForgetsEverything() {
        NavigationHistory h;
        h.recordJump(at(1));
        h.recordJump(at(2));
        h.back(at(3));
        h.clear();
        QVERIFY(!h.canGoBack());
        QVERIFY(!h.canGoForward());
        QCOMPARE(h.size(), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestNavigationHistory)
#include "test_navigation_history.moc"
