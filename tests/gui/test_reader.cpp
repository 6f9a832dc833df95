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
#include <QTemporaryDir>
#include <QTreeView>
#include <QWheelEvent>

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

// A small PDF with printed page labels: a cover without text, then "ii", then pages numbered from
// 1 ("i", "ii", "1", "2", ...), as books number their front matter apart from the body.
QString writeLabelledPdf(const QString& path, int pages) {
    QByteArray pdf = "%PDF-1.4\n";
    std::vector<qsizetype> offsets;
    auto object = [&](const QByteArray& body) {
        offsets.push_back(pdf.size());
        pdf += QByteArray::number(qsizetype(offsets.size())) + " 0 obj\n" + body + "\nendobj\n";
    };
    QByteArray kids;
    for (int i = 0; i < pages; ++i) kids += QByteArray::number(4 + 2 * i) + " 0 R ";
    object("<< /Type /Catalog /Pages 2 0 R /PageLabels << /Nums [0 << /S /r >> 2 << /S /D >>] >> >>");
    object("<< /Type /Pages /Kids [" + kids + "] /Count " + QByteArray::number(pages) + " >>");
    object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
    for (int i = 0; i < pages; ++i) {
        object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents " +
               QByteArray::number(5 + 2 * i) + " 0 R >>");
        QByteArray content;
        if (i > 0)  // the cover has no text
            for (int line = 0; line < 20; ++line)
                content += "BT /F1 14 Tf 72 " + QByteArray::number(720 - 30 * line) + " Td (Sheet " + QByteArray::number(i + 1) +
                           " line " + QByteArray::number(line + 1) + " of the labelled test book.) Tj ET\n";
        object("<< /Length " + QByteArray::number(content.size()) + " >>\nstream\n" + content + "endstream");
    }
    const qsizetype xref = pdf.size();
    pdf += "xref\n0 " + QByteArray::number(qsizetype(offsets.size()) + 1) + "\n0000000000 65535 f \n";
    for (qsizetype o : offsets) pdf += QByteArray::number(o).rightJustified(10, '0') + " 00000 n \n";
    pdf += "trailer\n<< /Size " + QByteArray::number(qsizetype(offsets.size()) + 1) + " /Root 1 0 R >>\nstartxref\n" +
           QByteArray::number(xref) + "\n%%EOF\n";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    f.write(pdf);
    return path;
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

    // The page box shows the page's printed label with its place among the sheets, and takes a
    // label typed in; First and Last Page go to the very ends (a cover without text, pages smaller
    // than the view).
    void thePageBoxShowsPrintedLabelsAndTheEndsAreTheEnds() {
        auto* spin = w_->findChild<QSpinBox*>("pageSpin");
        auto* count = w_->findChild<QLabel*>("pageCountLabel");
        auto* position = w_->findChild<QLabel*>("positionLabel");
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        QTRY_COMPARE(reader()->currentPage(), 0);
        QCOMPARE(spin->text(), QString("1"));  // a number, not "–", on the first page
        QCOMPARE(count->text(), QString("of 4"));

        QTemporaryDir dir;
        const QString pdf = writeLabelledPdf(dir.filePath("labelled.pdf"), 6);
        QVERIFY(test::openAndWait(*w_, pdf));
        QCOMPARE(reader()->pageCount(), 6);
        QCOMPARE(QString::fromStdString(reader()->document().document->pages[3].label), QString("2"));
        QTRY_COMPARE(reader()->currentPage(), 0);
        QCOMPARE(spin->text(), QString("i"));
        QCOMPARE(count->text(), QString("(1 of 6)"));
        reader()->goToPage(3);
        QTRY_COMPARE(spin->text(), QString("2"));
        QCOMPARE(count->text(), QString("(4 of 6)"));
        QVERIFY2(position->text().contains("Page 2 (4 of 6)"), qPrintable(position->text()));
        // Typing a printed label goes to the page that carries it: "3" is the fifth sheet.
        spin->setFocus();
        spin->selectAll();
        QTest::keyClicks(spin, "3");
        QTest::keyClick(spin, Qt::Key_Return);
        QTRY_COMPARE(reader()->currentPage(), 4);
        spin->selectAll();
        QTest::keyClicks(spin, "ii");
        QTest::keyClick(spin, Qt::Key_Return);
        QTRY_COMPARE(reader()->currentPage(), 1);

        auto* view = reader()->pageView();
        for (bool small : {false, true}) {
            if (small) reader()->setZoom(0.25);  // several pages in view at once
            else action("actionFitWidth")->trigger();
            action("actionLastPage")->trigger();
            QTRY_COMPARE(reader()->currentPage(), 5);
            QCOMPARE(spin->text(), QString("4"));
            action("actionFirstPage")->trigger();
            QTRY_COMPARE(reader()->currentPage(), 0);
            QCOMPARE(view->verticalScrollBar()->value(), 0);
            QCOMPARE(spin->text(), QString("i"));
        }
        action("actionFitWidth")->trigger();
    }

    // Zooming keeps the page centred; Ctrl+wheel keeps the point under the cursor where it is.
    void zoomKeepsThePageCentredAndThePointUnderTheCursor() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        auto* view = reader()->pageView();
        action("actionFitWidth")->trigger();
        reader()->goToPage(1);
        QTRY_COMPARE(reader()->currentPage(), 1);
        for (int i = 0; i < 4; ++i) {
            action("actionZoomIn")->trigger();
            const QRect page = view->pageRectInViewport(1), vp = view->viewport()->rect();
            QVERIFY2(qAbs(page.center().x() - vp.center().x()) <= 2,
                     qPrintable(QString("zoom %1: page centre %2, view centre %3").arg(reader()->zoom()).arg(page.center().x()).arg(vp.center().x())));
        }
        QVERIFY(view->pageRectInViewport(1).width() > view->viewport()->width());

        reader()->setZoom(1.5);
        const QPoint cursor(view->viewport()->width() / 2 + 120, view->viewport()->height() / 2 + 40);
        int under = -1;
        for (int p = 0; p < reader()->pageCount(); ++p)
            if (view->pageRectInViewport(p).contains(cursor)) under = p;
        QVERIFY(under >= 0);
        const QRect before = view->pageRectInViewport(under);
        const double fx = (cursor.x() - before.left()) / double(before.width());
        const double fy = (cursor.y() - before.top()) / double(before.height());
        QWheelEvent wheel(cursor, view->viewport()->mapToGlobal(cursor), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view->viewport(), &wheel);
        QCOMPARE(reader()->zoom(), 1.75);
        const QRect after = view->pageRectInViewport(under);
        const QPointF now(after.left() + fx * after.width(), after.top() + fy * after.height());
        QVERIFY2(qAbs(now.x() - cursor.x()) <= 3 && qAbs(now.y() - cursor.y()) <= 3,
                 qPrintable(QString("(%1, %2) moved to (%3, %4)").arg(cursor.x()).arg(cursor.y()).arg(now.x()).arg(now.y())));
        action("actionFitWidth")->trigger();
    }

    // The contents panel shows titles whole at its width, and marks the last entry at or before
    // the page being read.
    void theContentsPanelShowsWholeTitlesAndFollowsTheReader() {
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        auto* toc = w_->findChild<QTreeView*>("tocView");
        auto* dock = w_->findChild<QDockWidget*>("tocDock");
        dock->raise();
        // Page 3 holds entries 5 to 7: the reader is in the last of them once the page is shown.
        reader()->goToPage(2);
        QTRY_COMPARE(reader()->currentPage(), 2);
        QTRY_COMPARE(toc->currentIndex().row(), 6);
        reader()->goToPage(1);
        QTRY_COMPARE(toc->currentIndex().row(), 3);
        reader()->goToPage(3);
        QTRY_COMPARE(toc->currentIndex().row(), 8);

        QVERIFY(test::openAndWait(*w_, test::sourceFile("resources/alice-in-wonderland.txt")));
        dock->raise();
        QAbstractItemModel* model = toc->model();
        QTRY_VERIFY(model->rowCount() >= 12);
        const QModelIndex first = model->index(0, 0);
        const QString title = first.data().toString();
        QVERIFY2(title.size() > 20, qPrintable(title));
        for (int width : {420, 240, 520}) {
            w_->resizeDocks({dock}, {width}, Qt::Horizontal);
            QTRY_VERIFY(qAbs(dock->width() - width) < 40);
            QApplication::processEvents();
            const int shown = toc->visualRect(first).width();
            const int needed = toc->fontMetrics().horizontalAdvance(title);
            // The title column takes the panel's width (less the page column), so a title is cut
            // only where the panel is narrower than it.
            QVERIFY2(shown >= std::min(needed, toc->viewport()->width() - toc->columnWidth(1) - toc->indentation() - 30),
                     qPrintable(QString("panel %1, title column %2, title needs %3").arg(toc->viewport()->width()).arg(shown).arg(needed)));
        }
    }
};

QTEST_MAIN(TestReader)
#include "test_reader.moc"
