// Moving around a book as Okular does: Back and Forward over every jump (contents, search,
// evidence, go to page, thumbnails) but not over scrolling, on a PDF and on flowing text; and
// the thumbnails panel (labels, click to go, the current page followed, pictures rendered lazily
// into a bounded cache). GLEANER_TEST_SHOTS=DIR saves DIR/thumbnails.png.
#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTreeView>

#include <memory>

#include "evidence_model.h"
#include "evidence_panel.h"
#include "find_bar.h"
#include "gui_test_support.h"
#include "question_controller.h"
#include "reader_view.h"
#include "reflow_text_view.h"
#include "thumbnail_model.h"
#include "thumbnails_panel.h"
#include "toc_model.h"

using namespace gleaner;

namespace {
// A PDF of `pages` US-letter pages, each with its number in large type and a few lines of text,
// labelled as a book numbers its pages: "i", "ii" for the front matter, then 1, 2, 3...
QString writeNumberedBook(const QString& path, int pages) {
    QByteArray out = "%PDF-1.4\n";
    QList<qsizetype> at;
    auto add = [&](const QByteArray& body) {
        at.push_back(out.size());
        out += QByteArray::number(at.size()) + " 0 obj\n" + body + "\nendobj\n";
    };
    QByteArray kids;
    for (int p = 0; p < pages; ++p) kids += QByteArray::number(4 + 2 * p) + " 0 R ";
    add("<< /Type /Catalog /Pages 2 0 R /PageLabels << /Nums [0 << /S /r >> 2 << /S /D >>] >> >>");
    add("<< /Type /Pages /Count " + QByteArray::number(pages) + " /Kids [" + kids + "] >>");
    add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold >>");
    for (int p = 0; p < pages; ++p) {
        add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            "/Contents " + QByteArray::number(5 + 2 * p) + " 0 R >>");
        QByteArray text = "BT /F1 160 Tf 150 420 Td (" + QByteArray::number(p + 1) + ") Tj ET\n";
        for (int line = 0; line < 8; ++line)
            text += "BT /F1 16 Tf 72 " + QByteArray::number(300 - 24 * line) + " Td (Numbered book, sheet " +
                    QByteArray::number(p + 1) + ", line " + QByteArray::number(line + 1) + ".) Tj ET\n";
        add("<< /Length " + QByteArray::number(text.size()) + " >>\nstream\n" + text + "endstream");
    }
    const qsizetype xref = out.size();
    out += "xref\n0 " + QByteArray::number(at.size() + 1) + "\n0000000000 65535 f \n";
    for (qsizetype o : at) out += QByteArray::number(o).rightJustified(10, '0') + " 00000 n \n";
    out += "trailer\n<< /Size " + QByteArray::number(at.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
           QByteArray::number(xref) + "\n%%EOF\n";
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size()) return {};
    return path;
}

// Pixels clearly darker than paper: a rendered page with type on it has many.
int inkPixels(const QImage& image) {
    int ink = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qGray(image.pixel(x, y)) < 128) ++ink;
    return ink;
}
}  // namespace

class TestNavigation : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;
    QTemporaryDir dir_;

    ui::ReaderView* reader() { return w_->reader(); }
    QAction* action(const char* name) { return w_->findChild<QAction*>(name); }
    QAction* back() { return action("actionBack"); }
    QAction* forward() { return action("actionForward"); }
    QTreeView* toc() { return w_->findChild<QTreeView*>("tocView"); }

    void clickContentsEntry(const QModelIndex& entry) {
        w_->findChild<QDockWidget*>("tocDock")->raise();
        toc()->scrollTo(entry);
        QTest::mouseClick(toc()->viewport(), Qt::LeftButton, {}, toc()->visualRect(entry).center());
    }
    // The keys as a user presses them, with the document focused.
    void pressInReader(int key, Qt::KeyboardModifiers modifiers = {}) {
        QWidget* view = reader()->isPaginated() ? static_cast<QWidget*>(reader()->pageView()) : reader()->textView();
        view->setFocus();
        QTest::keyClick(view, Qt::Key(key), modifiers);
        QCoreApplication::processEvents();
    }
    // Scrolls the PDF so that the viewport's top is `fraction` down page `page`: not a jump.
    void scrollPdfTo(int page, double fraction) {
        auto* view = reader()->pageView();
        const QRect r = view->pageRectInViewport(page);
        view->verticalScrollBar()->setValue(view->verticalScrollBar()->value() + r.top() + int(fraction * r.height()));
        QCoreApplication::processEvents();
    }
    static bool samePlace(const app::ReadingPlace& a, const app::ReadingPlace& b) {
        return a.page == b.page && a.offset == b.offset && std::abs(a.pageFraction - b.pageFraction) < 0.005;
    }
    static QByteArray describe(const app::ReadingPlace& p) {
        return QString("offset %1 page %2 at %3").arg(p.offset).arg(p.page).arg(p.pageFraction).toUtf8();
    }

private slots:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
        w_->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(w_.get()));
    }
    void cleanupTestCase() { w_.reset(); }

    void backAndForwardAreDisabledUntilAJump() {
        QVERIFY(!back()->isEnabled());
        QVERIFY(!forward()->isEnabled());
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/pdflatex-outline.pdf")));
        QCOMPARE(reader()->pageCount(), 4);
        QVERIFY(!back()->isEnabled());
        QVERIFY(!forward()->isEnabled());
        // Scrolling, paging and the keys that scroll are reading, not jumping.
        scrollPdfTo(1, 0.3);
        action("actionNextPage")->trigger();
        pressInReader(Qt::Key_PageDown);
        pressInReader(Qt::Key_Up);
        QVERIFY(!back()->isEnabled());
        QCOMPARE(reader()->history().size(), size_t(0));
    }

    void aContentsJumpGoesBackToTheExactPlaceAndForwardAgain() {
        scrollPdfTo(0, 0.42);  // part-way down page 1: Back must return here, not to the page top
        const app::ReadingPlace before = reader()->readingPlace();
        QCOMPARE(before.page, 0);
        const QModelIndex bar = toc()->model()->index(7, 0);  // "8 Bar", on page 4
        QVERIFY(bar.data().toString().contains("Bar"));
        clickContentsEntry(bar);
        QTRY_COMPARE(reader()->currentPage(), 3);
        const app::ReadingPlace there = reader()->readingPlace();
        QVERIFY(back()->isEnabled());
        QVERIFY(!forward()->isEnabled());

        pressInReader(Qt::Key_Left, Qt::AltModifier);
        QVERIFY2(samePlace(reader()->readingPlace(), before), describe(reader()->readingPlace()) + " vs " + describe(before));
        QVERIFY(!back()->isEnabled());
        QVERIFY(forward()->isEnabled());

        pressInReader(Qt::Key_Right, Qt::AltModifier);
        QVERIFY2(samePlace(reader()->readingPlace(), there), describe(reader()->readingPlace()) + " vs " + describe(there));
        QVERIFY(back()->isEnabled());
        QVERIFY(!forward()->isEnabled());
    }

    void aNewJumpAfterBackDropsTheForwardPlaces() {
        pressInReader(Qt::Key_Left, Qt::AltModifier);  // back on page 1, 42 % down
        QCOMPARE(reader()->currentPage(), 0);
        const app::ReadingPlace start = reader()->readingPlace();
        QVERIFY(forward()->isEnabled());
        action("actionLastPage")->trigger();  // a jump of its own: page 4 via Contents is forgotten
        QCOMPARE(reader()->currentPage(), 3);
        QVERIFY(!forward()->isEnabled());
        QCOMPARE(reader()->history().size(), size_t(1));
        action("actionBack")->trigger();
        QVERIFY(samePlace(reader()->readingPlace(), start));
        QVERIFY(!back()->isEnabled());
    }

    void searchAndEvidenceJumpsAreRecorded() {
        scrollPdfTo(0, 0.1);
        reader()->clearHistory();
        const app::ReadingPlace before = reader()->readingPlace();
        // Typing the search jumps to the first hit: one jump, however many letters are typed.
        action("actionFind")->trigger();
        ui::FindBar* bar = reader()->findBar();
        QTRY_VERIFY(bar->lineEdit()->hasFocus());
        QTest::keyClicks(bar->lineEdit(), "foo");
        QTRY_VERIFY(reader()->searchHits().size() >= 4);
        QCoreApplication::processEvents();
        QCOMPARE(reader()->history().size(), size_t(1));
        // Each Find Next is a jump: Back returns to the hit it left.
        app::ReadingPlace left;
        for (int i = 0; i < 3; ++i) {
            QCoreApplication::processEvents();  // one user action per event-loop turn
            left = reader()->readingPlace();
            action("actionFindNext")->trigger();
        }
        QVERIFY(reader()->history().size() >= 3);  // hits shown at the same place count once
        QVERIFY(!samePlace(reader()->readingPlace(), left));
        action("actionBack")->trigger();
        QVERIFY2(samePlace(reader()->readingPlace(), left), describe(reader()->readingPlace()) + " vs " + describe(left));
        // Back from the search's first hit is where the reader was before searching.
        while (back()->isEnabled()) action("actionBack")->trigger();
        QVERIFY2(samePlace(reader()->readingPlace(), before), describe(reader()->readingPlace()) + " vs " + describe(before));
        QTest::keyClick(bar->lineEdit(), Qt::Key_Escape);
        QVERIFY(reader()->searchHits().empty());

        // An evidence passage on the last page, activated as a click in the Evidence panel would.
        reader()->clearHistory();
        scrollPdfTo(0, 0.2);
        const app::ReadingPlace reading = reader()->readingPlace();
        const app::DocumentPtr doc = reader()->document().document;
        const PageInfo& lastPage = doc->pages.back();
        EvidencePassage passage;
        passage.begin = lastPage.range.begin;
        passage.end = std::min(lastPage.range.end, lastPage.range.begin + 80);
        passage.page = doc->page_count() - 1;
        passage.score = 0.9f;
        w_->questions()->evidence()->setEvidence(doc, {passage}, QStringLiteral("test"));
        w_->evidencePanel()->activateRow(0);
        QTRY_COMPARE(reader()->currentPage(), doc->page_count() - 1);
        QVERIFY(back()->isEnabled());
        pressInReader(Qt::Key_Left, Qt::AltModifier);
        QVERIFY2(samePlace(reader()->readingPlace(), reading), describe(reader()->readingPlace()) + " vs " + describe(reading));
    }

    void flowingTextGoesBackToTheOffsetAndHistoryIsPerDocument() {
        QVERIFY(back()->isEnabled() || forward()->isEnabled());  // the PDF's history...
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/childrens-literature.epub")));
        QVERIFY(!reader()->isPaginated());
        QTRY_VERIFY(!back()->isEnabled());  // ...is not this book's
        QVERIFY(!forward()->isEnabled());

        auto* text = reader()->textView();
        QTRY_VERIFY(text->verticalScrollBar()->maximum() > 2000);
        text->verticalScrollBar()->setValue(1500);  // reading a little way in: scrolling, not a jump
        QCoreApplication::processEvents();
        QVERIFY(!back()->isEnabled());
        const size_t before = reader()->currentOffset();
        QVERIFY(before > 0);

        const QModelIndex part = toc()->model()->index(0, 0);
        const QModelIndex chapter = toc()->model()->index(toc()->model()->rowCount(part) - 1, 0, part);
        const size_t target = chapter.data(app::TocModel::OffsetRole).toULongLong();
        clickContentsEntry(chapter);
        QTRY_VERIFY(reader()->currentOffset() + 2000 >= target);
        const size_t there = reader()->currentOffset();
        QVERIFY(there > before + 1000);

        pressInReader(Qt::Key_Backspace);  // Backspace in the reader goes back too
        QCOMPARE(reader()->currentOffset(), before);
        pressInReader(Qt::Key_Right, Qt::AltModifier);
        QCOMPARE(reader()->currentOffset(), there);
        // And Backspace while typing a search edits the search, it does not go back.
        action("actionFind")->trigger();
        QTRY_VERIFY(reader()->findBar()->lineEdit()->hasFocus());
        QTest::keyClicks(reader()->findBar()->lineEdit(), "qx");
        QTest::keyClick(reader()->findBar()->lineEdit(), Qt::Key_Backspace);
        QCOMPARE(reader()->findBar()->lineEdit()->text(), QString("q"));
        QCOMPARE(reader()->currentOffset(), there);
        QTest::keyClick(reader()->findBar()->lineEdit(), Qt::Key_Escape);

        // No pages here: the thumbnails panel says so instead of showing an empty list.
        auto* panel = w_->thumbnailsPanel();
        QVERIFY(!panel->showsPages());
        QCOMPARE(panel->list()->model()->rowCount(), 0);
        QVERIFY(panel->note()->text().contains("no pages"));
    }

    void thumbnailsShowEveryPageWithItsLabelAndFollowTheReader() {
        const QString path = writeNumberedBook(dir_.filePath("numbered.pdf"), 60);
        QVERIFY(!path.isEmpty());
        QVERIFY(test::openAndWait(*w_, path));
        QCOMPARE(reader()->pageCount(), 60);
        auto* dock = w_->findChild<QDockWidget*>("thumbnailsDock");
        QVERIFY(dock);
        QVERIFY(dock->toggleViewAction()->isCheckable());  // the View menu's toggle
        dock->show();
        dock->raise();
        auto* panel = w_->thumbnailsPanel();
        QListView* list = panel->list();
        QTRY_VERIFY(list->isVisible());
        QVERIFY(panel->showsPages());
        auto* model = qobject_cast<app::ThumbnailModel*>(list->model());
        QVERIFY(model);
        QCOMPARE(model->rowCount(), 60);
        // The printed labels, as the page box shows them.
        QCOMPARE(model->index(0, 0).data().toString(), QString("i"));
        QCOMPARE(model->index(1, 0).data().toString(), QString("ii"));
        QCOMPARE(model->index(2, 0).data().toString(), QString("1"));
        QCOMPARE(model->index(59, 0).data().toString(), QString("58"));

        // The pages in view are rendered, in the background, with their type on them...
        QTRY_VERIFY_WITH_TIMEOUT(model->index(0, 0).data(app::ThumbnailModel::RenderedRole).toBool(), 20000);
        const QImage first = model->index(0, 0).data(Qt::DecorationRole).value<QImage>();
        QVERIFY(!first.isNull());
        QVERIFY2(inkPixels(first) > first.width() * first.height() / 100, "the thumbnail is blank");
        // ...and the ones far away are not (a 352-page book does not render 352 pictures on open).
        QTest::qWait(300);
        QVERIFY(!model->isRendered(59));
        QVERIFY(model->cachedCount() < 60);

        // A click on page 11's thumbnail shows page 11, and is a jump Back returns from.
        reader()->clearHistory();
        const QModelIndex eleven = model->index(10, 0);
        list->scrollTo(eleven);
        QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualRect(eleven).center());
        QTRY_COMPARE(reader()->currentPage(), 10);
        QVERIFY(back()->isEnabled());

        // Scrolling the reader moves the highlight, and keeps the current page's thumbnail in view.
        scrollPdfTo(40, 0.1);
        QTRY_COMPARE(reader()->currentPage(), 40);
        QTRY_COMPARE(panel->currentPage(), 40);
        QVERIFY(list->selectionModel()->isSelected(model->index(40, 0)));
        QVERIFY(list->viewport()->rect().intersects(list->visualRect(model->index(40, 0))));
        QTRY_VERIFY_WITH_TIMEOUT(model->isRendered(40), 20000);
        QCOMPARE(reader()->history().size(), size_t(1));  // the scrolling was not recorded

        if (const QString shots = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !shots.isEmpty()) {
            QTest::qWait(300);
            w_->grab().save(shots + "/thumbnails.png");
        }

        // The page box is a jump too: printed page "3" is the fifth sheet; Back returns to sheet 41.
        reader()->clearHistory();
        auto* box = w_->findChild<QSpinBox*>("pageSpin");
        box->setFocus();
        box->selectAll();
        QTest::keyClicks(box, "3");
        QTest::keyClick(box, Qt::Key_Return);
        QTRY_COMPARE(reader()->currentPage(), 4);
        QTRY_COMPARE(panel->currentPage(), 4);
        QVERIFY(back()->isEnabled());
        action("actionBack")->trigger();
        QCOMPARE(reader()->currentPage(), 40);
    }

    void theThumbnailCacheIsBounded() {
        // The model on its own, with room for 5 pictures, walked through a 60-page book.
        const QString path = dir_.filePath("numbered.pdf");
        app::LoadedDocument loaded = reader()->document();
        QCOMPARE(loaded.path, path);
        app::ThumbnailModel model(nullptr, 5, 60);
        model.setDocument(loaded);
        QCOMPARE(model.rowCount(), 60);
        int most = 0;
        connect(&model, &QAbstractItemModel::dataChanged, this, [&] { most = std::max(most, model.cachedCount()); });
        for (int first = 0; first < 60; first += 20) {
            model.setVisibleRange(first, first + 1);
            QTRY_VERIFY_WITH_TIMEOUT(model.isRendered(first) && model.isRendered(first + 1), 20000);
        }
        QCOMPARE(model.capacity(), 5);
        QVERIFY(most >= 4);        // it did hold several...
        QVERIFY(most <= 5);        // ...never more than its capacity
        QVERIFY(!model.isRendered(0));  // the first pages made room for the later ones
    }

    void reopeningABookAtItsSavedPlaceIsNotAJump() {
        // The EPUB was left part-way in; it reopens there, and Back has nothing to go back to.
        QVERIFY(test::openAndWait(*w_, test::dataFile("corpus/childrens-literature.epub")));
        QTRY_VERIFY(reader()->currentOffset() > 1000);
        QCoreApplication::processEvents();
        QVERIFY(!back()->isEnabled());
        QCOMPARE(reader()->history().size(), size_t(0));
    }
};

QTEST_MAIN(TestNavigation)
#include "test_navigation.moc"
