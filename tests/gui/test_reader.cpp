// The reader as a user drives it: PDF pages rendered and navigated (pages, keys, zoom), the
// table of contents, search with every hit highlighted, and reflowed EPUB/text with the same
// contents, search and highlighting. Offscreen; set QT_SCALE_FACTOR=2 to run it High-DPI.
#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QComboBox>
#include <QDockWidget>
#include <QLineEdit>
#include <QScrollBar>
#include <QSpinBox>
#include <QTreeView>

#include <memory>
#include <tuple>

#include "find_bar.h"
#include "gui_test_support.h"
#include "pdf_page_renderer.h"
#include "reader_view.h"
#include "reflow_text_view.h"
#include "selection_heat_strip.h"
#include "toc_model.h"

using namespace gleaner;

namespace {
// Share of dark pixels in a region: printed text is dark on white paper.
double inkIn(const QImage& image, const QRect& region) {
    const QRect r = region.intersected(image.rect());
    if (r.isEmpty()) return 0;
    int dark = 0, all = 0;
    for (int y = r.top(); y <= r.bottom(); y += 2)
        for (int x = r.left(); x <= r.right(); x += 2, ++all)
            if (qGray(image.pixel(x, y)) < 100) ++dark;
    return double(dark) / std::max(1, all);
}
}  // namespace

class TestReader : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;

    ui::ReaderView* reader() { return w_->reader(); }
    QAction* action(const char* name) { return w_->findChild<QAction*>(name); }

private slots:
    void initTestCase() {
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
    }
    void cleanupTestCase() { w_.reset(); }

    void pdfPagesAreRenderedInTheBackground() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        QVERIFY(reader()->isPaginated());
        QCOMPARE(reader()->pageCount(), 4);
        QCOMPARE(reader()->currentPage(), 0);
        auto* view = reader()->pageView();
        QVERIFY(view->isVisible());
        if (qgetenv("QT_SCALE_FACTOR") == "2") QCOMPARE(view->devicePixelRatioF(), 2.0);
        // The renderer delivers the visible page at the view's device-pixel size.
        const QRect page = view->pageRectInViewport(0);
        const int pixelWidth = qRound(page.width() * view->devicePixelRatioF());
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(0, pixelWidth).isNull(), 20000);
        const QImage rendered = reader()->renderer()->cached(0, pixelWidth);
        QCOMPARE(rendered.width(), pixelWidth);
        QVERIFY(inkIn(rendered, rendered.rect()) > 0.001);
        // And it is on screen: the page shows printed text.
        QTRY_VERIFY(inkIn(view->viewport()->grab().toImage(), QRect(QPoint(0, 0), view->viewport()->size() * view->devicePixelRatioF())) > 0.001);
    }

    void pagesAreNavigatedByActionsKeysAndThePageBox() {
        auto* spin = w_->findChild<QSpinBox*>("pageSpin");
        QCOMPARE(spin->maximum(), 4);
        action("actionNextPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 1);
        QCOMPARE(spin->value(), 2);
        action("actionNextPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 2);
        action("actionPreviousPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 1);
        spin->setValue(4);  // typing a page number goes there
        QTRY_COMPARE(reader()->currentPage(), 3);
        QVERIFY(w_->findChild<QLabel*>("positionLabel")->text().contains("Page 4 of 4"));

        auto* view = reader()->pageView();
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Home);
        QTRY_COMPARE(reader()->currentPage(), 0);
        const int top = view->verticalScrollBar()->value();
        QTest::keyClick(view, Qt::Key_PageDown);
        QVERIFY(view->verticalScrollBar()->value() > top);
        QTest::keyClick(view, Qt::Key_Space);
        const int afterSpace = view->verticalScrollBar()->value();
        QTest::keyClick(view, Qt::Key_Down);
        QVERIFY(view->verticalScrollBar()->value() > afterSpace);
        QTest::keyClick(view, Qt::Key_End);
        QTRY_COMPARE(reader()->currentPage(), 3);
        action("actionFirstPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 0);
    }

    void zoomFitsWidthFitsPageAndSteps() {
        auto* view = reader()->pageView();
        action("actionFitWidth")->trigger();
        const QRect wide = view->pageRectInViewport(0);
        QVERIFY(qAbs(wide.width() - (view->viewport()->width() - 24)) <= 2);
        action("actionFitPage")->trigger();
        const QRect whole = view->pageRectInViewport(0);
        QVERIFY(whole.height() <= view->viewport()->height());
        QVERIFY(whole.width() < wide.width());
        auto* combo = w_->findChild<QComboBox*>("zoomCombo");
        QCOMPARE(combo->currentIndex(), 1);  // "Fit Page"
        reader()->setZoom(1.0);
        action("actionZoomIn")->trigger();
        QCOMPARE(reader()->zoom(), 1.1);
        QCOMPARE(combo->currentText(), QString("110%"));
        action("actionZoomOut")->trigger();
        action("actionZoomOut")->trigger();
        QCOMPARE(reader()->zoom(), 0.9);
        // Zooming keeps the place: the page being read stays the page being read.
        reader()->goToPage(2);
        QTRY_COMPARE(reader()->currentPage(), 2);
        action("actionZoomIn")->trigger();
        QCOMPARE(reader()->currentPage(), 2);
        action("actionFitWidth")->trigger();
        QCOMPARE(reader()->currentPage(), 2);
    }

    void theContentsPanelTakesTheReaderToAChapter() {
        auto* toc = w_->findChild<QTreeView*>("tocView");
        QAbstractItemModel* model = toc->model();
        QCOMPARE(model->rowCount(), 9);  // 9 sections in this PDF's outline
        action("actionFirstPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 0);
        // "8 Bar" is on page 4.
        const QModelIndex eight = model->index(7, 0);
        QVERIFY(eight.data().toString().contains("Bar"));
        const int target = eight.data(app::TocModel::PageRole).toInt();
        QCOMPARE(target, 3);
        w_->findChild<QDockWidget*>("tocDock")->raise();
        toc->scrollTo(eight);
        QTest::mouseClick(toc->viewport(), Qt::LeftButton, {}, toc->visualRect(eight).center());
        QTRY_COMPARE(reader()->currentPage(), target);
        // And the panel follows the reader.
        action("actionFirstPage")->trigger();
        QTRY_COMPARE(reader()->currentPage(), 0);
        QTRY_VERIFY(!toc->currentIndex().isValid());  // page 1 comes before the first section
    }

    void searchHighlightsEveryHitAndStepsThroughThem() {
        action("actionFind")->trigger();
        ui::FindBar* bar = reader()->findBar();
        QVERIFY(bar->isVisible());
        QTRY_VERIFY(bar->lineEdit()->hasFocus());
        QTest::keyClicks(bar->lineEdit(), "foo");
        const std::vector<TextRange> expected = reader()->document().index->findAll("foo", Qt::CaseInsensitive);
        QVERIFY(expected.size() >= 4);
        QTRY_COMPARE(reader()->searchHits().size(), expected.size());
        QCOMPARE(reader()->currentSearchHit(), 0);
        QVERIFY(w_->findChild<QLabel*>("findResult")->text().contains(QString("of %1").arg(expected.size())));
        // Every hit is on the heat strip; the current one is on screen.
        QCOMPARE(reader()->heatStrip()->isVisible(), true);
        QTest::keyClick(bar->lineEdit(), Qt::Key_Return);
        QCOMPARE(reader()->currentSearchHit(), 1);
        action("actionFindNext")->trigger();
        QCOMPARE(reader()->currentSearchHit(), 2);
        QTest::keyClick(bar->lineEdit(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(reader()->currentSearchHit(), 1);
        const TextRange hit = reader()->searchHits()[1];
        const int hitPage = reader()->document().document->page_of_char(hit.begin);
        const auto rects = reader()->pageView()->rangeRectsInViewport(hit);
        QVERIFY(!rects.empty());
        QVERIFY(reader()->pageView()->viewport()->rect().intersects(rects.front().toRect()));
        QCOMPARE(reader()->currentPage() == hitPage || reader()->pageView()->pageRectInViewport(hitPage).intersects(
                                                           reader()->pageView()->viewport()->rect()),
                 true);
        // Wraps around at the ends.
        for (size_t i = 0; i < expected.size() - 1; ++i) reader()->findNext();
        QCOMPARE(reader()->currentSearchHit(), 0);
        // Match case narrows it: "Foo" (the headings) but not "foo".
        bar->findChild<QCheckBox*>("findMatchCase")->setChecked(true);
        QTRY_COMPARE(reader()->searchHits().size(),
                     reader()->document().index->findAll("foo", Qt::CaseSensitive).size());
        QTest::keyClick(bar->lineEdit(), Qt::Key_Escape);
        QVERIFY(!bar->isVisible());
        QVERIFY(reader()->searchHits().empty());
        bar->findChild<QCheckBox*>("findMatchCase")->setChecked(false);
    }

    void epubIsReflowedWithContentsAndSearch() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/childrens-literature.epub")));
        QVERIFY(!reader()->isPaginated());
        auto* text = reader()->textView();
        QVERIFY(text->isVisible());
        QVERIFY(!action("actionNextPage")->isEnabled());
        // A comfortable column, not the whole width of a wide window.
        QVERIFY(text->viewport()->width() <= text->readingColumnWidth() + 4);

        auto* toc = w_->findChild<QTreeView*>("tocView");
        QAbstractItemModel* model = toc->model();
        QVERIFY(model->rowCount() >= 1);
        // The book's last chapter (under its one part): the reader goes there.
        const QModelIndex part = model->index(0, 0);
        QVERIFY(model->rowCount(part) >= 5);
        const QModelIndex chapter = model->index(model->rowCount(part) - 1, 0, part);
        const size_t offset = chapter.data(app::TocModel::OffsetRole).toULongLong();
        QVERIFY(offset > 1000);
        QCOMPARE(reader()->currentOffset() < offset, true);
        w_->findChild<QDockWidget*>("tocDock")->raise();
        toc->scrollTo(chapter);
        QTest::mouseClick(toc->viewport(), Qt::LeftButton, {}, toc->visualRect(chapter).center());
        QTRY_VERIFY2(reader()->currentOffset() + 2000 >= offset, qPrintable(QString("at %1, chapter at %2 of %3").arg(reader()->currentOffset()).arg(offset).arg(reader()->document().document->text.size())));
        const auto [top, bottom] = text->visibleFraction();
        const double at = text->fractionOfOffset(offset);
        QVERIFY2(at >= top - 0.01 && at <= bottom + 0.01, qPrintable(QString("%1 in [%2, %3]").arg(at).arg(top).arg(bottom)));

        reader()->find("princess");
        QVERIFY(reader()->searchHits().size() >= 2);
        // Highlights are extra selections over exactly the hit's text.
        const QList<QTextEdit::ExtraSelection> selections = text->extraSelections();
        QCOMPARE(qsizetype(selections.size()), qsizetype(reader()->searchHits().size()));
        for (const auto& s : selections) QCOMPARE(s.cursor.selectedText().toLower(), QString("princess"));
        reader()->findNext();
        QCOMPARE(reader()->currentSearchHit(), 1);
        reader()->find(QString());
        QVERIFY(text->extraSelections().isEmpty());

        // Keys scroll the text.
        text->setFocus();
        const int before = text->verticalScrollBar()->value();
        QTest::keyClick(text, Qt::Key_Space);
        QVERIFY(text->verticalScrollBar()->value() > before);
        QTest::keyClick(text, Qt::Key_Home);
        QCOMPARE(text->verticalScrollBar()->value(), 0);
    }

    void plainTextAndMarkdownOffsetsMapBothWays() {
        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        const auto& loaded = reader()->document();
        const std::vector<TextRange> hits = loaded.index->findAll("Cheshire", Qt::CaseSensitive);
        QVERIFY(hits.size() > 5);
        // A passage of the canonical text is exactly that text in the view.
        const TextRange hit = hits[3];
        reader()->showPassage(hit);
        const QTextCursor c = reader()->textView()->cursorForRange(hit);
        QCOMPARE(c.selectedText(), QString("Cheshire"));
        QCOMPARE(reader()->focusedPassage(), hit);
        const auto [top, bottom] = reader()->textView()->visibleFraction();
        const double at = reader()->textView()->fractionOfOffset(hit.begin);
        QVERIFY(at >= top && at <= bottom);
    }

    // Pages and flowing text answer the reader alike (both are a DocumentView): an offset leads
    // to the place that holds it, a point on the heat strip to that point, and flowing text
    // answers the page questions with "no pages" while zoom steps its type size.
    void positionsMapBothWaysInPagesAndInFlowingText() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        const app::DocumentPtr pdf = reader()->document().document;
        QCOMPARE(reader()->pageCount(), 4);
        reader()->goToOffset((pdf->pages[2].range.begin + pdf->pages[2].range.end) / 2);
        QTRY_COMPARE(reader()->currentPage(), 2);
        QCOMPARE(reader()->currentOffset(), pdf->pages[2].range.begin);
        emit reader()->heatStrip()->positionClicked(0.5);
        auto [top, bottom] = reader()->pageView()->visibleFraction();
        QVERIFY2(top < 0.5 && bottom > 0.5, qPrintable(QString("[%1, %2]").arg(top).arg(bottom)));
        QCOMPARE(reader()->positionFraction(), top);

        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        QCOMPARE(reader()->pageCount(), 0);
        QCOMPARE(reader()->currentPage(), -1);
        const size_t middle = reader()->document().document->text.size() / 2;
        reader()->goToOffset(middle);
        QTRY_VERIFY(reader()->currentOffset() + 3000 > middle);
        const size_t here = reader()->currentOffset();
        QVERIFY(here <= middle);
        reader()->goToPage(1);  // no pages: nothing moves
        QCOMPARE(reader()->currentOffset(), here);
        emit reader()->heatStrip()->positionClicked(0.5);
        std::tie(top, bottom) = reader()->textView()->visibleFraction();
        QVERIFY2(top < 0.5 && bottom > 0.5, qPrintable(QString("[%1, %2]").arg(top).arg(bottom)));
        QCOMPARE(reader()->positionFraction(), top);

        // Zoom steps the text by a point and leaves the pages' zoom as it was.
        const double pageZoom = reader()->zoom();
        const qreal size = reader()->textView()->font().pointSizeF();
        action("actionZoomIn")->trigger();
        QCOMPARE(reader()->textView()->font().pointSizeF(), size + 1);
        action("actionZoomOut")->trigger();
        QCOMPARE(reader()->textView()->font().pointSizeF(), size);
        QCOMPARE(reader()->zoom(), pageZoom);
    }
};

QTEST_MAIN(TestReader)
#include "test_reader.moc"
