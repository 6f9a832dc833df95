// A scanned PDF in the window (issue 15): the Huckleberry Finn scan opens and shows its page with
// a bar offering OCR; asking before OCR says why there is no answer; OCR with tesseract missing
// fails with the install hint and leaves the page viewable; a cancelled OCR changes nothing; OCR
// run from the bar shows "OCR page 1 of 1", then the document reloads with text that Find
// highlights on the page image. Label `tesseract`: installer/setup.sh installs it.
#include <QAction>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>

#include "bounded_process.h"
#include "find_bar.h"
#include "gui_test_support.h"
#include "ocr_bar.h"
#include "ocr_worker.h"
#include "pdf_ocr.h"
#include "pdf_page_renderer.h"
#include "question_controller.h"
#include "reader_view.h"

using namespace gleaner;

namespace {
// Share of dark pixels in a region: print on paper.
double inkIn(const QImage& image, const QRect& region) {
    const QRect r = region.intersected(image.rect());
    int dark = 0, all = 0;
    for (int y = r.top(); y <= r.bottom(); y += 2)
        for (int x = r.left(); x <= r.right(); x += 2, ++all)
            if (qGray(image.pixel(x, y)) < 110) ++dark;
    return double(dark) / std::max(1, all);
}

// Pixels of a region that differ between two grabs of the same view.
int changedPixels(const QImage& a, const QImage& b, const QRect& region) {
    int changed = 0;
    const QRect r = region.intersected(a.rect()).intersected(b.rect());
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) changed += a.pixel(x, y) != b.pixel(x, y);
    return changed;
}
}  // namespace

class TestScannedPdf : public QObject {
    Q_OBJECT
    std::unique_ptr<test::IsolatedProfile> profile_;
    std::unique_ptr<ui::MainWindow> w_;
    ui::ReaderView* reader() { return w_->reader(); }
    ui::OcrBar* bar() { return w_->ocrBar(); }
    QString scan() { return test::dataFile("corpus/huckfinn-c02-22_scanned.pdf"); }

    void closeErrorBoxes() {
        for (auto* box : w_->findChildren<QMessageBox*>("errorMessage")) box->close();
    }

private slots:
    void initTestCase() {
        const QByteArray path = qgetenv("PATH");
        if (find_program("tesseract", path.toStdString()).empty()) QFAIL(tesseract_missing_message().c_str());
        profile_ = std::make_unique<test::IsolatedProfile>();
        QVERIFY(test::showNewMainWindow(w_));
    }
    void cleanupTestCase() { w_.reset(); }

    void scannedPdfOpensShowingItsPageAndOffersOcr() {
        QSignalSpy failed(w_.get(), &ui::MainWindow::documentFailed);
        QVERIFY(test::openAndWait(*w_, scan()));
        QCOMPARE(failed.count(), 0);
        const app::DocumentPtr doc = reader()->document().document;
        QVERIFY(doc->needs_ocr);
        QVERIFY(doc->text.empty());
        QCOMPARE(reader()->pageCount(), 1);
        // The page image is on screen: the scan's print.
        auto* view = reader()->pageView();
        const QRect page = view->pageRectInViewport(0);
        const int pixelWidth = qRound(page.width() * view->devicePixelRatioF());
        QTRY_VERIFY_WITH_TIMEOUT(!reader()->renderer()->cached(0, pixelWidth).isNull(), 20000);
        QTRY_VERIFY(inkIn(view->viewport()->grab().toImage(), page) > 0.01);
        // The status says what is missing and offers the one thing that helps.
        QVERIFY(bar()->isVisible());
        QVERIFY2(bar()->message().contains("Scanned pages without text"), qPrintable(bar()->message()));
        QVERIFY(bar()->makeAskableButton()->isVisible());
        QCOMPARE(bar()->makeAskableButton()->text(), QString("Make Askable (OCR)…"));
        QVERIFY(w_->findChild<QAction*>("actionMakeAskable")->isEnabled());
        if (const QString dir = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !dir.isEmpty())
            w_->grab().save(dir + "/ocr-offer.png");
    }

    void askingBeforeOcrSaysToRunOcr() {
        QSignalSpy failed(w_->questions(), &app::QuestionController::answerFailed);
        QVERIFY(!w_->questions()->ask(QStringLiteral("Who was sitting in the kitchen door?"), QStringLiteral("gleaner")));
        QCOMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains("scanned") && message.contains("Make Askable (OCR)"), qPrintable(message));
        closeErrorBoxes();
    }

    void ocrWithoutTesseractFailsClearlyAndThePageStays() {
        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", "/nonexistent-bin");
        QSignalSpy failed(w_->ocr(), &app::OcrWorker::failed);
        QTest::mouseClick(bar()->makeAskableButton(), Qt::LeftButton);
        const bool got = failed.wait(10000);
        qputenv("PATH", path);
        QVERIFY(got);
        QVERIFY2(failed.at(0).at(0).toString().contains("apt install tesseract-ocr"), qPrintable(failed.at(0).at(0).toString()));
        QTRY_VERIFY(w_->findChild<QMessageBox*>("errorMessage"));
        closeErrorBoxes();
        QVERIFY(reader()->hasDocument());
        QVERIFY(reader()->document().document->needs_ocr);
        QVERIFY(bar()->makeAskableButton()->isVisible());
    }

    void cancelledOcrChangesNothing() {
        QSignalSpy cancelled(w_->ocr(), &app::OcrWorker::cancelled);
        QSignalSpy opened(w_.get(), &ui::MainWindow::documentOpened);
        QTest::mouseClick(bar()->makeAskableButton(), Qt::LeftButton);
        QVERIFY(bar()->cancelButton()->isVisible());
        QTest::mouseClick(bar()->cancelButton(), Qt::LeftButton);
        QVERIFY(cancelled.wait(20000));
        QTest::qWait(200);
        QCOMPARE(opened.count(), 0);  // no reload: nothing was stored
        QVERIFY(reader()->document().document->needs_ocr);
        QVERIFY(bar()->makeAskableButton()->isVisible());
    }

    void ocrShowsProgressThenTheTextIsSearchableOnThePage() {
        QStringList shown;  // what the bar said at each progress step
        connect(w_->ocr(), &app::OcrWorker::progress, this, [&] { shown << bar()->message(); });
        QSignalSpy opened(w_.get(), &ui::MainWindow::documentOpened);
        QTest::mouseClick(bar()->makeAskableButton(), Qt::LeftButton);
        QVERIFY(opened.wait(120000));  // OCR, then the reload with the recognised text
        QCOMPARE(shown, QStringList{"OCR page 1 of 1…"});
        const app::DocumentPtr doc = reader()->document().document;
        QVERIFY(!doc->needs_ocr);
        QVERIFY2(doc->text.find("scrouched down and laid still") != std::string::npos, doc->text.c_str());
        QVERIFY(bar()->isHidden());
        QVERIFY(!w_->findChild<QAction*>("actionMakeAskable")->isEnabled());

        // Find a word: one hit, highlighted where the word is printed on the scan.
        auto* view = reader()->pageView();
        QTest::qWait(300);
        QTRY_VERIFY_WITH_TIMEOUT(inkIn(view->viewport()->grab().toImage(), view->pageRectInViewport(0)) > 0.01, 20000);
        const QImage before = view->viewport()->grab().toImage();
        reader()->activateFind();  // Ctrl+F, then the word typed as a user types it
        QTest::keyClicks(reader()->findBar()->lineEdit(), QStringLiteral("scrouched"));
        QTRY_COMPARE(reader()->searchHits().size(), size_t(1));
        const TextRange hit = reader()->searchHits()[0];
        QCOMPARE(doc->slice(hit.begin, hit.end), std::string_view("scrouched"));
        const std::vector<QRectF> rects = view->rangeRectsInViewport(hit);
        QCOMPARE(rects.size(), size_t(1));
        QVERIFY(view->pageRectInViewport(0).contains(rects[0].toRect()));
        QVERIFY(inkIn(before, rects[0].toRect()) > 0.05);  // the word's print lies under its box
        QTest::qWait(100);
        const QImage after = view->viewport()->grab().toImage();
        QVERIFY(changedPixels(before, after, rects[0].toRect()) > rects[0].width() * rects[0].height() / 4);
        if (const QString dir = qEnvironmentVariable("GLEANER_TEST_SHOTS"); !dir.isEmpty())
            w_->grab().save(dir + "/ocr-page.png");
    }
};

QTEST_MAIN(TestScannedPdf)
#include "test_scanned_pdf.moc"
